package io.polyhook.dist;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The Grafana dashboard and the Prometheus alert rules of {@code contrib/}, and the metrics they query. */
final class MonitoringFiles {

    static final String DASHBOARD = "contrib/grafana/polyhook-dashboard.json";
    static final String ALERTS = "contrib/prometheus/polyhook-alerts.yml";

    /** Metric names in a PromQL expression: the broker's and the JVM's families, and Prometheus' own {@code up}. */
    private static final Pattern METRIC = Pattern.compile("\\b((?:polyhook|jvm|process|system)_[a-zA-Z0-9_]+|up)\\b(?=\\s*[{\\[)]|\\s*$|\\s*[><=/*+-])");
    /** Series Prometheus makes itself, not the broker. */
    private static final Set<String> PROMETHEUS_OWN = Set.of("up");

    private MonitoringFiles() {
    }

    /** Every PromQL expression of the dashboard's panels; fails unless the file is a dashboard. */
    static List<String> dashboardQueries(Path home) throws IOException {
        JsonNode d = new ObjectMapper().readTree(home.resolve(DASHBOARD).toFile());
        assertThat(d.path("title").asText()).isNotBlank();
        assertThat(d.path("uid").asText()).isNotBlank();
        assertThat(d.path("panels").isArray() && !d.path("panels").isEmpty()).as("panels").isTrue();
        List<String> out = new ArrayList<>();
        for (JsonNode panel : d.path("panels")) {
            assertThat(panel.path("title").asText()).isNotBlank();
            assertThat(panel.path("targets").isEmpty()).as(panel.path("title") + " has queries").isFalse();
            panel.path("targets").forEach(t -> out.add(t.path("expr").asText()));
        }
        assertThat(out).allSatisfy(e -> assertThat(e).isNotBlank());
        return out;
    }

    /** Every expression of the alert rules; fails unless each rule has a name, an expression and a summary. */
    static List<String> alertQueries(Path home) throws IOException {
        JsonNode rules = new YAMLMapper().readTree(home.resolve(ALERTS).toFile());
        List<String> out = new ArrayList<>();
        for (JsonNode group : rules.path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                assertThat(rule.path("alert").asText()).isNotBlank();
                assertThat(rule.path("annotations").path("summary").asText()).as(rule.path("alert").asText()).isNotBlank();
                out.add(rule.path("expr").asText());
            }
        }
        assertThat(out).isNotEmpty().allSatisfy(e -> assertThat(e).isNotBlank());
        return out;
    }

    /** The metric names the queries use (histograms by their series, e.g. {@code ..._bucket}). */
    static Set<String> metricNames(List<String> queries) {
        Set<String> names = new TreeSet<>();
        for (String q : queries) {
            Matcher m = METRIC.matcher(q);
            while (m.find()) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    /** Fails unless every metric the dashboard and the alerts query is in {@code scrape}. */
    static void assertEveryQueriedMetricIsServed(Path home, String scrape) throws IOException {
        List<String> queries = new ArrayList<>(dashboardQueries(home));
        queries.addAll(alertQueries(home));
        Set<String> names = metricNames(queries);
        assertThat(names).contains("polyhook_hook_latency_seconds_bucket", "polyhook_received_bytes_total",
                "jvm_gc_pause_seconds_sum", "polyhook_build_info");
        Set<String> served = new TreeSet<>();
        scrape.lines().filter(l -> !l.startsWith("#") && !l.isBlank())
                .forEach(l -> served.add(l.split("[{ ]", 2)[0]));
        for (String name : names) {
            if (!PROMETHEUS_OWN.contains(name)) {
                assertThat(served).as("metric %s queried by the dashboard or the alerts", name).contains(name);
            }
        }
    }
}
