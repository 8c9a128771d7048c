package io.polyhook.broker.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.polyhook.broker.config.AdminToken;
import io.polyhook.broker.config.BrokerConfig;
import io.polyhook.broker.config.ConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;

/**
 * {@code polyhook script list|load|reload|unload|show}: vmq-admin's script commands, through a
 * running broker's admin API. Exit code 0 on success, 1 with the server's message otherwise.
 */
@Command(name = "script", mixinStandardHelpOptions = true,
        description = "Manage the scripts of a running broker (through its admin API); test scripts without one.",
        subcommands = {ScriptCommand.ListScripts.class, ScriptCommand.Load.class, ScriptCommand.Reload.class,
                ScriptCommand.Unload.class, ScriptCommand.Show.class, ScriptTestCommand.class})
final class ScriptCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }

    /** The environment variable the admin API's bearer token may come from. */
    static final String TOKEN_VARIABLE = "POLYHOOK_ADMIN_TOKEN";
    static final String DEFAULT_ADDRESS = "127.0.0.1:8888";

    /**
     * The options every subcommand takes: where the admin API is, and where its token comes from.
     * The token is never an option (it would show in the process list), only the environment or
     * the broker's config file.
     */
    static final class AdminOption {
        @Option(names = "--admin", paramLabel = "HOST:PORT",
                description = "admin API address (default: admin.address of --config, else " + DEFAULT_ADDRESS + ")")
        String address;

        @Option(names = {"-c", "--config"}, paramLabel = "FILE",
                description = "the broker's config file: admin.address and admin.token are read from it")
        Path config;

        /** The client these options describe; {@code env} looks up environment variables. */
        AdminClient client(UnaryOperator<String> env) throws AdminClient.AdminException {
            BrokerConfig cfg = null;
            if (config != null) {
                try {
                    cfg = BrokerConfig.load(config);
                } catch (ConfigException e) {
                    throw new AdminClient.AdminException("bad config: " + e.getMessage());
                }
            }
            String at = address;
            if (at == null && cfg != null && cfg.adminHost().isPresent()) {
                String host = cfg.adminHost().get();
                // A broker listening on every address is reached on the loopback one.
                host = host.equals("0.0.0.0") ? "127.0.0.1" : host.equals("::") ? "::1" : host;
                at = (host.contains(":") ? "[" + host + "]" : host) + ":" + cfg.adminPort();
            }
            Optional<AdminToken> token;
            String fromEnv = env.apply(TOKEN_VARIABLE);
            try {
                token = fromEnv != null && !fromEnv.isEmpty()
                        ? Optional.of(AdminToken.of(fromEnv))
                        : cfg != null ? cfg.adminToken() : Optional.empty();
            } catch (ConfigException e) {
                throw new AdminClient.AdminException(TOKEN_VARIABLE + ": " + e.getMessage().replace("admin.token: ", ""));
            }
            return new AdminClient(at == null ? DEFAULT_ADDRESS : at, token);
        }
    }

    /**
     * {@code --all-nodes} of load, reload and unload: in a cluster, the admin API applies the
     * action on every node ({@code "all_nodes": true}) and answers per node. Without a cluster the
     * broker ignores it and acts on itself, as without the flag.
     */
    static final class AllNodesOption {
        @Option(names = "--all-nodes",
                description = "in a cluster: act on every node (the path must name the script on each); prints one line"
                        + " per node and exits 1 if any node did not apply it")
        boolean allNodes;

        Map<String, Object> body(String path) {
            return allNodes ? Map.of("path", path, "all_nodes", true) : Map.of("path", path);
        }

        /**
         * Prints a per-node answer ({@code {"nodes": {name: {applied, detail}}}}) as one line per
         * node and fails if a node did not apply it; false when the answer is a single node's.
         */
        boolean printed(JsonNode answer, PrintWriter out) throws AdminClient.AdminException {
            JsonNode perNode = answer.path("nodes");
            if (!allNodes || !perNode.isObject()) {
                return false;
            }
            List<String> failed = new ArrayList<>();
            perNode.properties().forEach(e -> {
                boolean applied = e.getValue().path("applied").asBoolean(false);
                out.println(e.getKey() + ": " + (applied ? "" : "not applied: ") + e.getValue().path("detail").asText());
                if (!applied) {
                    failed.add(e.getKey());
                }
            });
            if (!failed.isEmpty()) {
                out.flush();
                throw new AdminClient.AdminException("not applied on " + String.join(", ", failed));
            }
            return true;
        }
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
                run(admin.client(System::getenv), spec.commandLine().getOut());
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

        @Mixin
        AllNodesOption nodes;

        @Override
        void run(AdminClient client, PrintWriter out) throws AdminClient.AdminException {
            JsonNode s = client.post("/api/scripts/load", nodes.body(path));
            if (nodes.printed(s, out)) {
                return;
            }
            out.println("loaded " + s.path("path").asText() + " (" + s.path("engine").asText() + ", hooks: "
                    + joined(s.path("hooks")) + ")");
        }
    }

    @Command(name = "reload", mixinStandardHelpOptions = true,
            description = "Reload a loaded script; if the new version fails, the old one keeps serving.")
    static final class Reload extends AdminCall {
        @Parameters(paramLabel = "PATH", description = "the script, as it was loaded")
        String path;

        @Mixin
        AllNodesOption nodes;

        @Override
        void run(AdminClient client, PrintWriter out) throws AdminClient.AdminException {
            JsonNode s = client.post("/api/scripts/reload", nodes.body(path));
            if (nodes.printed(s, out)) {
                return;
            }
            out.println("reloaded " + s.path("path").asText() + " (reload " + s.path("reloads").asText() + ", hooks: "
                    + joined(s.path("hooks")) + ")");
        }
    }

    @Command(name = "unload", mixinStandardHelpOptions = true, description = "Unload a script and remove its hooks.")
    static final class Unload extends AdminCall {
        @Parameters(paramLabel = "PATH", description = "the script, as it was loaded")
        String path;

        @Mixin
        AllNodesOption nodes;

        @Override
        void run(AdminClient client, PrintWriter out) throws AdminClient.AdminException {
            JsonNode s = client.post("/api/scripts/unload", nodes.body(path));
            if (!nodes.printed(s, out)) {
                out.println("unloaded " + s.path("unloaded").asText());
            }
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
