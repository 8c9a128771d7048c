package io.polyhook.broker.hooks;

import io.polyhook.broker.config.BrokerConfig;
import io.polyhook.core.script.ScriptSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The database authentication scripts shipped in the broker ({@code auth/<database>.lua}), as
 * switched on with {@code auth.<database>.enabled: true}. They are unpacked into a directory of
 * their own, which is also their {@code require} root, so {@code require "auth/auth_commons"}
 * never depends on the user's scripts directory. {@code auth.<database>.script} replaces the
 * bundled file with the user's.
 */
public final class BundledAuthScripts {

    private static final Logger LOG = LoggerFactory.getLogger(BundledAuthScripts.class);
    /** In load order. */
    static final List<String> DATABASES = List.of("postgres", "cockroachdb", "mysql", "mysql2", "mongodb", "redis");

    private BundledAuthScripts() {
    }

    /** The enabled scripts in load order, unpacked if any is bundled; empty if none is enabled. */
    public static List<ScriptSource> enabled(BrokerConfig config) {
        List<String> on = new ArrayList<>();
        for (String db : DATABASES) {
            if (config.auth().get(db) instanceof Map<?, ?> section && Boolean.TRUE.equals(section.get("enabled"))) {
                on.add(db);
            }
        }
        if (on.isEmpty()) {
            return List.of();
        }
        if (config.broker().allowAnonymous()) {
            LOG.warn("auth: {} enabled, but broker.allow_anonymous is true, so auth_on_register is never called", on);
        }
        Path root = unpack();
        List<ScriptSource> sources = new ArrayList<>();
        for (String db : on) {
            Object custom = ((Map<?, ?>) config.auth().get(db)).get("script");
            Path file = custom instanceof String path ? Path.of(path) : root.resolve("auth").resolve(db + ".lua");
            sources.add(new ScriptSource(file, root));
        }
        return sources;
    }

    private static Path unpack() {
        try {
            Path root = Files.createTempDirectory("polyhook-auth");
            Path dir = Files.createDirectories(root.resolve("auth"));
            List<String> files = new ArrayList<>(DATABASES);
            files.add("auth_commons");
            for (String name : files) {
                try (InputStream in = BundledAuthScripts.class.getResourceAsStream("/auth/" + name + ".lua")) {
                    if (in == null) {
                        throw new IllegalStateException("the broker jar has no auth/" + name + ".lua");
                    }
                    Files.copy(in, dir.resolve(name + ".lua"));
                }
                dir.resolve(name + ".lua").toFile().deleteOnExit();
            }
            dir.toFile().deleteOnExit();
            root.toFile().deleteOnExit();
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack the bundled authentication scripts: " + e.getMessage(), e);
        }
    }
}
