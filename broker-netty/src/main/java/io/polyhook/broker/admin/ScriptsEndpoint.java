package io.polyhook.broker.admin;

import io.polyhook.broker.cluster.Cluster;
import io.polyhook.broker.cluster.ClusterCommand;
import io.polyhook.broker.cluster.CommandOutcome;

import io.polyhook.core.hook.internal.HandlerStats;
import io.polyhook.core.script.ScriptLoadException;
import io.polyhook.core.script.internal.ScriptInfo;
import io.polyhook.core.script.internal.ScriptManager;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * {@code /api/scripts}: list, load, reload, unload, and the per-hook statistics of each script.
 * A path is the script's identity, as in vmq_diversity; a relative one is resolved against the
 * broker's working directory.
 */
final class ScriptsEndpoint {

    private final ScriptManager scripts;
    private final Cluster cluster;

    ScriptsEndpoint(ScriptManager scripts, Cluster cluster) {
        this.scripts = scripts;
        this.cluster = cluster;
    }

    /**
     * With {@code "all_nodes": true} in a cluster: the action runs on every node (this one
     * included) and the answer says, per node, whether it was applied and why not.
     */
    private Object onAllNodes(ApiRequest request, ClusterCommand.ScriptAction action) throws ApiException {
        ClusterCommand.Script command = new ClusterCommand.Script(action, path(request).toString());
        Map<String, CommandOutcome> outcomes;
        try {
            outcomes = cluster.commands().broadcast(command).toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw ApiException.badRequest("the cluster did not answer: " + e.getMessage());
        }
        Map<String, Object> nodes = new TreeMap<>();
        outcomes.forEach((node, o) -> nodes.put(node, Map.of("applied", o.applied(), "detail", o.detail())));
        return Map.of("nodes", nodes);
    }

    private boolean allNodes(ApiRequest request) {
        return cluster.settings().enabled() && request.body().path("all_nodes").asBoolean(false);
    }

    void routes(Router router) {
        router.get("/api/scripts", r -> Map.of("scripts", scripts.list().stream().map(ScriptsEndpoint::describe).toList()))
                .post("/api/scripts/load", this::load)
                .post("/api/scripts/reload", this::reload)
                .post("/api/scripts/unload", this::unload)
                .get("/api/scripts/stats", this::stats);
    }

    private Object load(ApiRequest request) throws ApiException {
        if (allNodes(request)) {
            return onAllNodes(request, ClusterCommand.ScriptAction.LOAD);
        }
        Path path = path(request);
        if (scripts.find(path).isPresent()) {
            throw ApiException.conflict("script " + path + " is already loaded; reload or unload it instead");
        }
        try {
            return describe(scripts.load(path));
        } catch (ScriptLoadException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    private Object reload(ApiRequest request) throws ApiException {
        if (allNodes(request)) {
            return onAllNodes(request, ClusterCommand.ScriptAction.RELOAD);
        }
        Path path = loaded(request);
        try {
            return describe(scripts.reload(path));
        } catch (ScriptLoadException e) {
            throw ApiException.badRequest(e.getMessage() + " (the previous version keeps serving)");
        }
    }

    private Object unload(ApiRequest request) throws ApiException {
        if (allNodes(request)) {
            return onAllNodes(request, ClusterCommand.ScriptAction.UNLOAD);
        }
        Path path = loaded(request);
        try {
            scripts.unload(path);
        } catch (IllegalArgumentException e) {
            // Unloaded by someone else in between.
            throw ApiException.notFound(e.getMessage());
        }
        return Map.of("unloaded", path.toAbsolutePath().normalize().toString());
    }

    /** Every script's counters, or one script's with {@code ?path=}; never reset by reading. */
    private Object stats(ApiRequest request) throws ApiException {
        List<ScriptInfo> which;
        String only = request.query().get("path");
        if (only != null) {
            Path path = parse(only);
            which = List.of(scripts.find(path).orElseThrow(() -> notLoaded(path)));
        } else {
            which = scripts.list();
        }
        List<Object> out = new ArrayList<>();
        for (ScriptInfo info : which) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("path", info.path().toString());
            m.put("engine", info.engine());
            m.put("hooks", scripts.stats(info.path()).stream().map(ScriptsEndpoint::counters).toList());
            out.add(m);
        }
        return Map.of("scripts", out);
    }

    static Map<String, Object> counters(HandlerStats.Snapshot s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("hook", s.hook());
        m.put("calls", s.calls());
        m.put("errors", s.errors());
        m.put("timeouts", s.timeouts());
        m.put("failed_closed", s.failedClosed());
        m.put("mean_us", round(s.meanMicros()));
        m.put("p50_us", round(s.p50Micros()));
        m.put("p99_us", round(s.p99Micros()));
        return m;
    }

    private static double round(double micros) {
        return Double.isFinite(micros) ? Math.round(micros * 10) / 10.0 : 0;
    }

    private static Map<String, Object> describe(ScriptInfo info) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("path", info.path().toString());
        m.put("engine", info.engine());
        m.put("hooks", info.hooks());
        m.put("states", info.details().get("states"));
        m.put("details", info.details());
        m.put("loaded_at", info.loadedAt().toString());
        m.put("reloads", info.reloads());
        return m;
    }

    private Path loaded(ApiRequest request) throws ApiException {
        Path path = path(request);
        if (scripts.find(path).isEmpty()) {
            throw notLoaded(path);
        }
        return path;
    }

    private static ApiException notLoaded(Path path) {
        return ApiException.notFound("script " + path + " is not loaded");
    }

    private static Path path(ApiRequest request) throws ApiException {
        return parse(request.text("path"));
    }

    private static Path parse(String path) throws ApiException {
        try {
            return Path.of(path);
        } catch (InvalidPathException e) {
            throw ApiException.badRequest("not a valid path: " + e.getMessage());
        }
    }
}
