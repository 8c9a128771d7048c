package io.polyhook.broker.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code polyhook plugin list}: the Java plugins of a running broker, through its admin API.
 * Exit code 0 on success, 1 with the server's message otherwise.
 */
@Command(name = "plugin", mixinStandardHelpOptions = true,
        description = "Show the Java plugins of a running broker (through its admin API).",
        subcommands = {PluginCommand.ListPlugins.class})
final class PluginCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the Java plugins: name, version, state, priority, hook points and where each came from.")
    static final class ListPlugins extends ScriptCommand.AdminCall {
        @Override
        void run(AdminClient client, PrintWriter out) throws AdminClient.AdminException {
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"NAME", "VERSION", "STATE", "PRIORITY", "HOOKS", "SOURCE"});
            for (JsonNode p : client.get("/api/plugins").path("plugins")) {
                if (p.path("builtin").asBoolean(false)) {
                    continue;
                }
                List<String> hooks = new ArrayList<>();
                p.path("hook_points").forEach(h -> hooks.add(h.asText()));
                rows.add(new String[] {p.path("name").asText(), p.path("version").asText(), p.path("state").asText(),
                        p.path("priority").asText(), hooks.isEmpty() ? "-" : String.join(",", hooks),
                        p.path("source").asText()});
            }
            if (rows.size() == 1) {
                out.println("no Java plugins");
            } else {
                Tables.print(out, rows, 0);
            }
        }
    }
}
