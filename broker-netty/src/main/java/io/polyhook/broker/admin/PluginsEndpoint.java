package io.polyhook.broker.admin;

import io.polyhook.core.hook.HandlerOrigin;
import io.polyhook.core.hook.internal.HandlerStats;
import io.polyhook.core.hook.internal.HookRegistry;
import io.polyhook.core.plugin.PluginInfo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code /api/plugins}: the Java plugins, in start order, with their version, where they came
 * from (a path in the plugins folder, {@code classpath} or {@code embedded}), their state and
 * their per-hook counters; then the
 * broker's own handler owners that are not plugins (the auth cache), so every non-script
 * handler the dispatcher calls is accounted for.
 */
final class PluginsEndpoint {

    private final HookRegistry hooks;
    private final Supplier<List<PluginInfo>> plugins;

    PluginsEndpoint(HookRegistry hooks, Supplier<List<PluginInfo>> plugins) {
        this.hooks = hooks;
        this.plugins = plugins;
    }

    void routes(Router router) {
        router.get("/api/plugins", r -> Map.of("plugins", list()));
    }

    private List<Object> list() {
        List<HandlerStats.Snapshot> all = hooks.statistics().snapshot();
        Map<String, Map<String, Object>> byName = new LinkedHashMap<>();
        for (PluginInfo p : plugins.get()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", p.name());
            m.put("version", p.version());
            m.put("class", p.className());
            m.put("source", p.source());
            m.put("priority", p.priority());
            m.put("state", p.state().name().toLowerCase(java.util.Locale.ROOT));
            m.put("hook_points", p.hooks());
            byName.put(p.name(), m);
        }
        for (HandlerStats.Snapshot s : all) {
            if (s.origin().kind() == HandlerOrigin.Kind.PLUGIN) {
                byName.computeIfAbsent(s.origin().name(), n -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("name", n);
                    m.put("builtin", true);
                    return m;
                });
            }
        }
        List<Object> out = new ArrayList<>();
        byName.forEach((name, m) -> {
            m.put("hooks", all.stream().filter(s -> s.origin().equals(HandlerOrigin.plugin(name)))
                    .map(ScriptsEndpoint::counters).toList());
            out.add(m);
        });
        return out;
    }
}
