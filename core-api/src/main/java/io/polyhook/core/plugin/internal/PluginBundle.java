package io.polyhook.core.plugin.internal;

import io.polyhook.core.plugin.internal.PluginClassLoader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Path;
import java.util.List;

/**
 * One entry of the plugins folder: a jar, or a folder with a plugin's jar and its dependencies,
 * with the class loader that isolates it. Closing it closes the loader; nothing loaded through it
 * may be used afterwards.
 *
 * @param name   the jar's file name without {@code .jar}, or the folder's name
 * @param path   the jar or the folder
 * @param jars   the jars on its class path
 * @param loader its class loader
 */
public record PluginBundle(String name, Path path, List<Path> jars, ClassLoader loader) implements AutoCloseable {

    /** Copies the jar list. */
    public PluginBundle {
        jars = List.copyOf(jars);
    }

    /** A bundle over {@code jars}, whose loader takes the API packages from {@code broker}. */
    static PluginBundle open(String name, Path path, List<Path> jars, ClassLoader broker) {
        URL[] urls = new URL[jars.size()];
        for (int i = 0; i < urls.length; i++) {
            try {
                urls[i] = jars.get(i).toUri().toURL();
            } catch (MalformedURLException e) {
                throw new IllegalArgumentException("not a jar path: " + jars.get(i), e);
            }
        }
        return new PluginBundle(name, path, jars, new PluginClassLoader(name, urls, broker));
    }

    /** Closes the class loader and its jar files. */
    @Override
    public void close() {
        if (loader instanceof PluginClassLoader l) {
            try {
                l.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot close the class loader of plugin " + name, e);
            }
        }
    }
}
