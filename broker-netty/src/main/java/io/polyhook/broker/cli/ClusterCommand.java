package io.polyhook.broker.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code polyhook cluster status}: the cluster as the node behind the admin API sees it. */
@Command(name = "cluster", mixinStandardHelpOptions = true,
        description = "Show the cluster of a running broker (through its admin API).",
        subcommands = {ClusterCommand.Status.class})
final class ClusterCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Members, this node's view, netsplit state, routes per node and data-plane counters.")
    static final class Status extends ScriptCommand.AdminCall {
        @Override
        void run(AdminClient client, PrintWriter out) throws AdminClient.AdminException {
            JsonNode s = client.get("/api/v1/cluster");
            if (!s.path("enabled").asBoolean()) {
                out.println("node " + s.path("node").asText() + ": clustering is off (cluster.enabled: false)");
                return;
            }
            out.println("node " + s.path("node").asText() + ", view " + s.path("view_id").asText() + ", netsplit: "
                    + s.path("netsplit").asText());
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"NODE", "STATE", "ROUTES"});
            for (JsonNode m : s.path("members")) {
                rows.add(new String[] {m.asText(), m.asText().equals(s.path("node").asText()) ? "this node" : "up",
                        s.path("routes").path(m.asText()).asText("0")});
            }
            for (JsonNode m : s.path("missing")) {
                rows.add(new String[] {m.asText(), "missing", s.path("routes").path(m.asText()).asText("0")});
            }
            Tables.print(out, rows, 2);
            JsonNode p = s.path("data_plane");
            out.println("data plane: sent " + p.path("sent").asText() + ", received " + p.path("received").asText()
                    + ", dropped " + p.path("dropped").asText() + ", frames " + p.path("frames").asText());
        }
    }
}
