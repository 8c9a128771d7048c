package io.polyhook.core.plugin.internal;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * The class loader of one plugin folder or jar. It sees the JDK, the API packages of the broker
 * ({@link #API_PACKAGES}: hook-spi, core-api, slf4j's API) from the broker's loader, and
 * everything else from the plugin's own jars only, child first: a plugin's library is never
 * shadowed by the broker's copy of another version, and a broker library the plugin does not
 * ship is not visible to it. Two plugins may thus use different versions of a library, as
 * HiveMQ extensions do.
 */
public final class PluginClassLoader extends URLClassLoader {

    /**
     * The packages (with their sub-packages) a plugin shares with the broker: the types that
     * cross between them must be the same classes on both sides.
     */
    public static final List<String> API_PACKAGES = List.of("io.polyhook.spi.", "io.polyhook.core.", "org.slf4j.");

    static {
        registerAsParallelCapable();
    }

    private final ClassLoader broker;

    /**
     * A loader over {@code jars}.
     *
     * @param name   the plugin's name, for stack traces and heap dumps
     * @param jars   the plugin's jars, in lookup order
     * @param broker the loader the API packages come from
     */
    public PluginClassLoader(String name, URL[] jars, ClassLoader broker) {
        super("plugin:" + name, jars, ClassLoader.getPlatformClassLoader());
        this.broker = broker;
    }

    /** Whether {@code name} (a class or a resource path with dots) is in a shared API package. */
    static boolean isApi(String name) {
        for (String p : API_PACKAGES) {
            if (name.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (isApi(name)) {
            return broker.loadClass(name);
        }
        synchronized (getClassLoadingLock(name)) {
            Class<?> c = findLoadedClass(name);
            if (c == null && !name.startsWith("java.")) {
                try {
                    c = findClass(name);
                } catch (ClassNotFoundException e) {
                    // not the plugin's: the JDK's, or missing
                }
            }
            if (c == null) {
                c = getParent().loadClass(name);
            }
            if (resolve) {
                resolveClass(c);
            }
            return c;
        }
    }

    @Override
    public URL getResource(String name) {
        if (isApi(name.replace('/', '.'))) {
            return broker.getResource(name);
        }
        URL own = findResource(name);
        return own != null ? own : getParent().getResource(name);
    }

    @Override
    public Enumeration<URL> getResources(String name) throws IOException {
        // The plugin's first, then the JDK's; never the broker's: ServiceLoader must find only the
        // plugin's own META-INF/services entries through this loader.
        List<URL> all = new ArrayList<>(Collections.list(findResources(name)));
        all.addAll(Collections.list(getParent().getResources(name)));
        return Collections.enumeration(all);
    }
}
