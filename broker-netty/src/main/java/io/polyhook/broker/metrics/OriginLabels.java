package io.polyhook.broker.metrics;

import io.polyhook.broker.hooks.BundledAuthScripts;
import io.polyhook.core.hook.HandlerOrigin;
import io.polyhook.core.script.internal.ScriptInfo;
import io.polyhook.core.script.internal.ScriptManager;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The {@code origin} label of a handler owner, the same from one start to the next: a plugin's
 * name; a script's path relative to the scripts folder ({@code auth.lua}); a bundled script as
 * {@code bundled:auth/postgres.lua}; any other script by its absolute path. Series keep their
 * identity across restarts and installs, so dashboards and alerts keep working.
 */
final class OriginLabels {

    /** The prefix of the scripts the broker carries in its jar. */
    static final String BUNDLED = "bundled:";

    private final ScriptManager scripts;
    private final Path scriptsDir;

    OriginLabels(ScriptManager scripts, Path scriptsDir) {
        this.scripts = scripts;
        this.scriptsDir = scriptsDir.toAbsolutePath().normalize();
    }

    /** The labels of the scripts loaded now, by their origin's name (the absolute path). */
    Map<String, String> ofLoadedScripts() {
        Map<String, String> out = new HashMap<>();
        for (ScriptInfo info : scripts.list()) {
            out.put(info.path().toString(), label(info.path()));
        }
        return out;
    }

    /** The label of {@code origin}, with {@code scriptLabels} from {@link #ofLoadedScripts()}. */
    static String of(HandlerOrigin origin, Map<String, String> scriptLabels) {
        if (origin.kind() == HandlerOrigin.Kind.PLUGIN) {
            return origin.name();
        }
        return scriptLabels.getOrDefault(origin.name(), origin.name());
    }

    String label(Path script) {
        if (BundledAuthScripts.isBundled(script)) {
            return BUNDLED + BundledAuthScripts.root().relativize(script.toAbsolutePath().normalize())
                    .toString().replace('\\', '/');
        }
        Path p = script.toAbsolutePath().normalize();
        if (p.getFileSystem() == scriptsDir.getFileSystem() && p.startsWith(scriptsDir)) {
            return scriptsDir.relativize(p).toString().replace('\\', '/');
        }
        return p.toString();
    }
}
