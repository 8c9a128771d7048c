package io.polyhook.core.plugin.internal;

import io.polyhook.spi.Plugin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.stream.Stream;

/**
 * The plugins folder ({@code plugins.dir}), opened: each jar directly in it, and each folder
 * holding a plugin's jar with its dependencies, becomes a {@link PluginBundle} with a class
 * loader of its own. Plugins ({@link Plugin}) and data providers are found by
 * {@link ServiceLoader} in those loaders. Files that are neither jars nor folders, and names
 * starting with a dot, are ignored.
 *
 * <p>Closing the directory closes every bundle's loader, so that a stopped broker leaves no
 * plugin class reachable.
 */
public final class PluginDirectory implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PluginDirectory.class);

    private final Path path;
    private final List<PluginBundle> bundles;

    private PluginDirectory(Path path, List<PluginBundle> bundles) {
        this.path = path;
        this.bundles = List.copyOf(bundles);
    }

    /** A directory with no bundles, for a broker without a plugins folder. */
    public static PluginDirectory empty() {
        return new PluginDirectory(null, List.of());
    }

    /**
     * Opens every bundle in {@code dir}, in name order.
     *
     * @param dir    the plugins folder; a missing folder has no bundles
     * @param broker the loader the API packages come from (the broker's)
     * @throws UncheckedIOException if the folder cannot be read
     */
    public static PluginDirectory open(Path dir, ClassLoader broker) {
        if (!Files.isDirectory(dir)) {
            LOG.debug("no plugins folder at {}", dir);
            return new PluginDirectory(dir, List.of());
        }
        List<PluginBundle> bundles = new ArrayList<>();
        try {
            for (Path entry : sorted(dir)) {
                String file = entry.getFileName().toString();
                if (file.startsWith(".")) {
                    continue;
                }
                if (Files.isDirectory(entry)) {
                    List<Path> jars = sorted(entry).stream().filter(PluginDirectory::isJar).toList();
                    if (jars.isEmpty()) {
                        LOG.warn("plugins: {} holds no jar; ignored", entry);
                        continue;
                    }
                    bundles.add(PluginBundle.open(file, entry, jars, broker));
                } else if (isJar(entry)) {
                    bundles.add(PluginBundle.open(file.substring(0, file.length() - 4), entry, List.of(entry), broker));
                }
            }
        } catch (IOException e) {
            bundles.forEach(PluginBundle::close);
            throw new UncheckedIOException("cannot read the plugins folder " + dir + ": " + e.getMessage(), e);
        }
        return new PluginDirectory(dir, bundles);
    }

    private static boolean isJar(Path p) {
        return Files.isRegularFile(p) && p.getFileName().toString().endsWith(".jar");
    }

    private static List<Path> sorted(Path dir) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            List<Path> out = new ArrayList<>();
            entries.forEach(out::add);
            out.sort(Comparator.comparing(p -> p.getFileName().toString()));
            return out;
        }
    }

    /** The folder, or null for {@link #empty()}. */
    public Path path() {
        return path;
    }

    /** The bundles, in name order. */
    public List<PluginBundle> bundles() {
        return bundles;
    }

    /** The class loaders of the bundles, for provider discovery. */
    public List<ClassLoader> loaders() {
        return bundles.stream().map(PluginBundle::loader).toList();
    }

    /**
     * The plugins the bundles declare, with where each came from.
     *
     * @throws PluginStartException naming the bundle if a declared plugin cannot be loaded or created
     */
    public List<PluginHost.Candidate> plugins() {
        List<PluginHost.Candidate> out = new ArrayList<>();
        for (PluginBundle b : bundles) {
            try (Stream<ServiceLoader.Provider<Plugin>> found = ServiceLoader.load(Plugin.class, b.loader()).stream()) {
                // Only the bundle's own: ServiceLoader also looks at the loader's ancestors (the JDK's).
                found.filter(p -> p.type().getClassLoader() == b.loader())
                        .forEach(p -> out.add(new PluginHost.Candidate(p.get(), b.path().toString())));
            } catch (ServiceConfigurationError | LinkageError e) {
                throw new PluginStartException("plugin bundle " + b.path() + " cannot be loaded: " + e.getMessage(), e);
            }
        }
        return out;
    }

    /** Closes every bundle's class loader. */
    @Override
    public void close() {
        for (PluginBundle b : bundles) {
            try {
                b.close();
            } catch (UncheckedIOException e) {
                LOG.warn("{}", e.getMessage());
            }
        }
    }
}
