package io.polyhook.broker.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code polyhook script list|load|reload|unload|show}: vmq-admin's script commands, through a
 * running broker's admin API. Exit code 0 on success, 1 with the server's message otherwise.
 */
@Command(name = "script", mixinStandardHelpOptions = true,
        description = "Manage the scripts of a running broker (through its admin API).",
        subcommands = {ScriptCommand.ListScripts.class, ScriptCommand.Load.class, ScriptCommand.Reload.class,
                ScriptCommand.Unload.class, ScriptCommand.Show.class})
final class ScriptCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    /** The {@code --admin} option every subcommand takes. */
    static final class AdminOption {
        @Option(names = "--admin", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:8888",
                description = "admin API address (default: ${DEFAULT-VALUE})")
        String address;
    }

    /** A subcommand: runs against the admin API, prints the error and exits 1 on failure. */
    abstract static class AdminCall implements Callable<Integer> {
        @Mixin
        AdminOption admin;

        @Spec
        CommandSpec spec;

        @Override
        public final Integer call() {
            try {
                run(new AdminClient(admin.address), spec.commandLine().getOut());
                spec.commandLine().getOut().flush();
                return 0;
            } catch (AdminClient.AdminException e) {
                PrintWriter err = spec.commandLine().getErr();
                err.println("polyhook: " + e.getMessage());
                err.flush();
                return 1;
            }
        }

        abstract void run(AdminClient client, PrintWriter out) throws AdminClient.AdminException;
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the loaded scripts.")
    static final class ListScripts extends AdminCall {
        @Override
        void run(AdminClient client, PrintWriter out) throws AdminClient.AdminException {
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"PATH", "ENGINE", "STATES", "RELOADS", "LOADED AT", "HOOKS"});
            for (JsonNode s : client.get("/api/scripts").path("scripts")) {
                List<String> hooks = new ArrayList<>();
                s.path("hooks").forEach(h -> hooks.add(h.asText()));
                rows.add(new String[] {s.path("path").asText(), s.path("engine").asText(),
                        s.path("states").isNull() ? "-" : s.path("states").asText(), s.path("reloads").asText(),
                        s.path("loaded_at").asText(), String.join(",", hooks)});
            }
            if (rows.size() == 1) {
                out.println("no scripts loaded");
            } else {
                Tables.print(out, rows, 0);
            }
        }
    }

    @Command(name = "load", mixinStandardHelpOptions = true,
            description = "Load a script (a relative path is resolved by the broker, against its working directory).")
    static final class Load extends AdminCall {
        @Parameters(paramLabel = "PATH", description = "the script file")
        String path;

        @Override
        void run(AdminClient client, PrintWriter out) throws AdminClient.AdminException {
            JsonNode s = client.post("/api/scripts/load", Map.of("path", path));
            out.println("loaded " + s.path("path").asText() + " (" + s.path("engine").asText() + ", hooks: "
                    + joined(s.path("hooks")) + ")");
        }
    }

    @Command(name = "reload", mixinStandardHelpOptions = true,
            description = "Reload a loaded script; if the new version fails, the old one keeps serving.")
    static final class Reload extends AdminCall {
        @Parameters(paramLabel = "PATH", description = "the script, as it was loaded")
        String path;

        @Override
        void run(AdminClient client, PrintWriter out) throws AdminClient.AdminException {
            JsonNode s = client.post("/api/scripts/reload", Map.of("path", path));
            out.println("reloaded " + s.path("path").asText() + " (reload " + s.path("reloads").asText() + ", hooks: "
                    + joined(s.path("hooks")) + ")");
        }
    }

    @Command(name = "unload", mixinStandardHelpOptions = true, description = "Unload a script and remove its hooks.")
    static final class Unload extends AdminCall {
        @Parameters(paramLabel = "PATH", description = "the script, as it was loaded")
        String path;

        @Override
        void run(AdminClient client, PrintWriter out) throws AdminClient.AdminException {
            out.println("unloaded " + client.post("/api/scripts/unload", Map.of("path", path)).path("unloaded").asText());
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Per-hook statistics of each script (or of one): calls, errors, timeouts, average and p99"
                    + " latency. Counting is cumulative: reading does not reset it.")
    static final class Show extends AdminCall {
        @Parameters(paramLabel = "PATH", arity = "0..1", description = "only this script")
        String path;

        @Override
        void run(AdminClient client, PrintWriter out) throws AdminClient.AdminException {
            String query = path == null ? "" : "?path=" + URLEncoder.encode(path, StandardCharsets.UTF_8);
            JsonNode scripts = client.get("/api/scripts/stats" + query).path("scripts");
            if (scripts.isEmpty()) {
                out.println("no scripts loaded");
            }
            boolean first = true;
            for (JsonNode s : scripts) {
                if (!first) {
                    out.println();
                }
                first = false;
                out.println(s.path("path").asText() + " (" + s.path("engine").asText() + ")");
                List<String[]> rows = new ArrayList<>();
                rows.add(new String[] {"HOOK", "CALLS", "ERRORS", "TIMEOUTS", "AVG µs", "P99 µs"});
                for (JsonNode h : s.path("hooks")) {
                    rows.add(new String[] {h.path("hook").asText(), h.path("calls").asText(), h.path("errors").asText(),
                            h.path("timeouts").asText(), micros(h.path("mean_us")), micros(h.path("p99_us"))});
                }
                Tables.print(out, rows, 2);
            }
        }

        private static String micros(JsonNode n) {
            return String.format(Locale.ROOT, "%.1f", n.asDouble());
        }
    }

    private static String joined(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out.isEmpty() ? "none" : String.join(", ", out);
    }
}
