package io.polyhook.broker.hooks;

import io.polyhook.broker.config.BrokerConfig;
import io.polyhook.core.script.ScriptSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The database authentication scripts shipped in the broker ({@code auth/<database>.lua}), as
 * switched on with {@code auth.<database>.enabled: true}. They are read where they are, in the
 * broker's jar (through a zip file system opened once) or in its classes folder, and that place
 * is also their {@code require} root, so {@code require "auth/auth_commons"} never depends on
 * the user's scripts directory, and nothing is unpacked: a start leaves no folder behind and a
 * script keeps its name ({@code auth/postgres.lua}) from one start to the next.
 * {@code auth.<database>.script} replaces the bundled file with the user's.
 */
public final class BundledAuthScripts {

    private static final Logger LOG = LoggerFactory.getLogger(BundledAuthScripts.class);
    /** In load order. */
    static final List<String> DATABASES = List.of("postgres", "cockroachdb", "mysql", "mysql2", "mongodb", "redis");

    private BundledAuthScripts() {
    }

    /** The enabled scripts in load order; empty if none is enabled. */
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
        Path root = root();
        List<ScriptSource> sources = new ArrayList<>();
        for (String db : on) {
            Object custom = ((Map<?, ?>) config.auth().get(db)).get("script");
            Path file = custom instanceof String path ? Path.of(path) : root.resolve("auth").resolve(db + ".lua");
            sources.add(new ScriptSource(file, root));
        }
        return sources;
    }

    /**
     * The folder that holds {@code auth/}: the root of the broker's jar, or its classes folder.
     * The jar's file system stays open for the life of the JVM, as the class loader's does.
     */
    public static Path root() {
        return Root.PATH;
    }

    /** Whether {@code path} is one of the bundled scripts (read from the broker's jar or classes). */
    public static boolean isBundled(Path path) {
        return path.getFileSystem() == root().getFileSystem() && path.toAbsolutePath().normalize().startsWith(root());
    }

    private static final class Root {
        static final Path PATH = locate();

        private static Path locate() {
            URL url = BundledAuthScripts.class.getResource("/auth/auth_commons.lua");
            if (url == null) {
                throw new IllegalStateException("the broker jar has no auth/auth_commons.lua");
            }
            try {
                URI uri = url.toURI();
                if ("jar".equals(uri.getScheme())) {
                    try {
                        FileSystems.newFileSystem(uri, Map.of());
                    } catch (FileSystemAlreadyExistsException e) {
                        // Opened by someone else in this JVM: the same jar, use it.
                    }
                    return Path.of(uri).getParent().getParent();
                }
                return Path.of(uri).getParent().getParent();
            } catch (URISyntaxException e) {
                throw new IllegalStateException("cannot locate the bundled authentication scripts: " + url, e);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot open the broker jar for its authentication scripts: " + e.getMessage(), e);
            }
        }
    }
}
