package io.polyhook.broker.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Reads the {@code cluster:} section of a config file, naming the key path in every error
 * ({@code cluster.seeds[1]: expected host:port, got "x"}). Kept apart from the broker's config
 * parser, as {@link PersistenceConfig} is, so that the cluster's contract has one owner.
 */
public final class ClusterConfig {

    /** The section's name in the config file. */
    public static final String SECTION = "cluster";

    private static final YAMLMapper YAML = new YAMLMapper();
    private static final Set<String> KEYS = Set.of("enabled", "node_name", "bind", "seeds", "data_plane",
            "allow_register_during_netsplit", "allow_subscribe_during_netsplit", "allow_publish_during_netsplit");

    private ClusterConfig() {
    }

    /** The {@code cluster:} section of the YAML config {@code yaml}; the defaults without one. */
    public static ClusterSettings parseYaml(String yaml) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            throw new ConfigException("", "not valid YAML: " + e.getOriginalMessage());
        }
        return parse(root == null ? null : root.get("cluster"), ClusterSettings.DEFAULT.nodeName());
    }

    /**
     * The settings in {@code cluster} (the value of the {@code cluster} key, {@code null} if
     * absent). {@code defaultNodeName} names the node when {@code node_name} is not given.
     */
    public static ClusterSettings parse(JsonNode cluster, String defaultNodeName) {
        ClusterSettings d = ClusterSettings.DEFAULT;
        if (cluster == null || cluster.isNull() || cluster.isMissingNode()) {
            return new ClusterSettings(false, defaultNodeName, d.bind(), d.seeds(), d.dataPlane(),
                    d.allowRegisterDuringNetsplit(), d.allowSubscribeDuringNetsplit(), d.allowPublishDuringNetsplit());
        }
        if (!cluster.isObject()) {
            throw new ConfigException("cluster", "must be a map of settings");
        }
        for (Iterator<String> names = cluster.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!KEYS.contains(name)) {
                throw new ConfigException("cluster." + name, "unknown key (expected one of " + String.join(", ",
                        KEYS.stream().sorted().toList()) + ")");
            }
        }
        String nodeName = cluster.has("node_name") ? text(cluster, "node_name") : defaultNodeName;
        if (!ClusterSettings.NODE_NAME.matcher(nodeName).matches()) {
            throw new ConfigException("cluster.node_name",
                    "must be 1-64 of letters, digits, _ . @ -, was \"" + nodeName + "\"");
        }
        ClusterSettings.Endpoint bind = cluster.has("bind") ? endpoint(cluster.get("bind"), "cluster.bind") : d.bind();
        List<ClusterSettings.Endpoint> seeds = cluster.has("seeds") ? seeds(cluster.get("seeds")) : List.of(bind);
        ClusterSettings.Endpoint dataPlane = cluster.has("data_plane")
                ? endpoint(cluster.get("data_plane"), "cluster.data_plane") : d.dataPlane();
        if (dataPlane.equals(bind) && bind.port() != 0) {
            throw new ConfigException("cluster.data_plane", "must differ from cluster.bind (" + bind + ")");
        }
        return new ClusterSettings(bool(cluster, "enabled", false), nodeName, bind, seeds, dataPlane,
                bool(cluster, "allow_register_during_netsplit", d.allowRegisterDuringNetsplit()),
                bool(cluster, "allow_subscribe_during_netsplit", d.allowSubscribeDuringNetsplit()),
                bool(cluster, "allow_publish_during_netsplit", d.allowPublishDuringNetsplit()));
    }

    private static List<ClusterSettings.Endpoint> seeds(JsonNode n) {
        if (!n.isArray()) {
            throw new ConfigException("cluster.seeds", "must be a list of host:port");
        }
        List<ClusterSettings.Endpoint> out = new ArrayList<>();
        for (int i = 0; i < n.size(); i++) {
            out.add(endpoint(n.get(i), "cluster.seeds[" + i + "]"));
        }
        return out;
    }

    private static ClusterSettings.Endpoint endpoint(JsonNode n, String path) {
        if (!n.isTextual()) {
            throw new ConfigException(path, "must be a string host:port");
        }
        try {
            return ClusterSettings.Endpoint.parse(n.asText());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(path, e.getMessage());
        }
    }

    private static String text(JsonNode parent, String key) {
        JsonNode n = parent.get(key);
        if (!n.isTextual()) {
            throw new ConfigException("cluster." + key, "must be a string");
        }
        return n.asText();
    }

    private static boolean bool(JsonNode parent, String key, boolean dflt) {
        JsonNode n = parent.get(key);
        if (n == null || n.isNull()) {
            return dflt;
        }
        if (!n.isBoolean()) {
            throw new ConfigException("cluster." + key, "must be true or false, was " + n);
        }
        return n.asBoolean();
    }
}
