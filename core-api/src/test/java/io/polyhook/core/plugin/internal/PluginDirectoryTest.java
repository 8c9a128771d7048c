package io.polyhook.core.plugin.internal;

import io.polyhook.core.hook.internal.HookRegistry;
import io.polyhook.core.plugin.PluginInfo;
import io.polyhook.core.plugin.PluginState;
import io.polyhook.core.plugin.internal.PluginStartException;
import io.polyhook.core.plugin.testing.JarBuilder;
import io.polyhook.core.provider.DataProvider;
import io.polyhook.core.provider.ProviderCatalog;
import io.polyhook.spi.Hooks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.ref.WeakReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PluginDirectoryTest {

    @TempDir
    Path dir;

    /** A library {@code com.example.lib.Lib} whose {@code VERSION} is {@code version}. */
    private Path library(String version) {
        return JarBuilder.jar().source("com.example.lib.Lib",
                "package com.example.lib; public final class Lib { public static final String VERSION = \"" + version + "\"; }")
                .writeTo(dir.resolve(".libs/lib-" + version + ".jar"));
    }

    /**
     * A plugin {@code name} that reports, through a setting-free side channel (a system property
     * named after it), the version of {@code com.example.lib.Lib} it sees and whether it can see a
     * broker class that is not API.
     */
    private JarBuilder plugin(String name, Path lib) {
        String cls = "com.example." + name + ".Plugin" + name;
        return JarBuilder.jar().againstTestClasspath().classpath(lib).source(cls, """
                package com.example.%1$s;
                import io.polyhook.spi.*;
                public final class Plugin%1$s implements Plugin {
                    public String name() { return "%1$s"; }
                    public void start(PluginContext context) {
                        boolean seesBrokerLibrary;
                        try { Class.forName("org.assertj.core.api.Assertions"); seesBrokerLibrary = true; }
                        catch (ClassNotFoundException e) { seesBrokerLibrary = false; }
                        System.setProperty("plugin.%1$s", com.example.lib.Lib.VERSION + " " + seesBrokerLibrary);
                        context.hooks().register(Hooks.AUTH_ON_PUBLISH, p -> Verdict.next());
                    }
                }
                """.formatted(name)).service("io.polyhook.spi.Plugin", cls);
    }

    @Test
    void twoPluginsUseTheirOwnVersionOfALibraryAndSeeNoBrokerLibrary() {
        Path alpha = dir.resolve("alpha");
        plugin("alpha", library("1.0")).writeTo(alpha.resolve("alpha.jar"));
        copy(dir.resolve(".libs/lib-1.0.jar"), alpha.resolve("lib-1.0.jar"));
        Path beta = dir.resolve("beta");
        plugin("beta", library("2.0")).writeTo(beta.resolve("beta-plugin.jar"));
        copy(dir.resolve(".libs/lib-2.0.jar"), beta.resolve("lib-2.0.jar"));

        try (PluginDirectory plugins = PluginDirectory.open(dir, getClass().getClassLoader());
             PluginHost host = PluginHost.start(new HookRegistry(), plugins.plugins(), n -> Map.of(),
                     PluginEnvironment.detached())) {
            assertThat(plugins.bundles()).extracting(PluginBundle::name).containsExactly("alpha", "beta");
            assertThat(System.getProperty("plugin.alpha")).isEqualTo("1.0 false");
            assertThat(System.getProperty("plugin.beta")).isEqualTo("2.0 false");
            assertThat(host.describe()).extracting(PluginInfo::source)
                    .containsExactly(alpha.toString(), beta.toString());
        }
    }

    @Test
    void aPluginShowsItsManifestVersionStateAndHooks() {
        plugin("gamma", library("1.0")).classpath(library("1.0"))
                .manifest("Implementation-Version", "3.1.4").writeTo(dir.resolve("gamma/gamma.jar"));
        copy(dir.resolve(".libs/lib-1.0.jar"), dir.resolve("gamma/lib.jar"));
        HookRegistry registry = new HookRegistry();

        try (PluginDirectory plugins = PluginDirectory.open(dir, getClass().getClassLoader())) {
            PluginHost host = PluginHost.start(registry, plugins.plugins(), n -> Map.of(), PluginEnvironment.detached());
            PluginInfo info = host.describe().getFirst();
            assertThat(info.name()).isEqualTo("gamma");
            assertThat(info.version()).isEqualTo("3.1.4");
            assertThat(info.state()).isEqualTo(PluginState.STARTED);
            assertThat(info.hooks()).containsExactly(Hooks.AUTH_ON_PUBLISH.name());

            host.close();
            assertThat(host.describe()).extracting(PluginInfo::state).containsExactly(PluginState.STOPPED);
            assertThat(registry.has(Hooks.AUTH_ON_PUBLISH)).isFalse();
        }
    }

    @Test
    void providersAreFoundInTheBundlesLoaders() {
        JarBuilder.jar().againstTestClasspath().source("com.example.geo.GeoFactory", """
                package com.example.geo;
                import io.polyhook.core.provider.*;
                public final class GeoFactory implements ProviderFactory {
                    public String name() { return "geo"; }
                    public DataProvider create(ProviderContext context) {
                        return DataProvider.builder("geo").function("country", args -> "GB").build();
                    }
                }
                """).service("io.polyhook.core.provider.ProviderFactory", "com.example.geo.GeoFactory")
                .writeTo(dir.resolve("geo.jar"));

        try (PluginDirectory plugins = PluginDirectory.open(dir, getClass().getClassLoader())) {
            ProviderCatalog.Builder b = ProviderCatalog.builder();
            plugins.loaders().forEach(b::discover);
            try (ProviderCatalog catalog = b.start()) {
                DataProvider geo = catalog.provider("geo").orElseThrow();
                assertThat(geo.functions()).containsKey("country");
            }
            assertThat(plugins.plugins()).isEmpty();
        }
    }

    @Test
    void twoPluginsWithOneNameStopTheStartNamingBoth() {
        plugin("delta", library("1.0")).writeTo(dir.resolve("one/delta.jar"));
        plugin("delta", library("1.0")).writeTo(dir.resolve("two/delta.jar"));

        try (PluginDirectory plugins = PluginDirectory.open(dir, getClass().getClassLoader())) {
            assertThatThrownBy(() -> PluginHost.start(new HookRegistry(), plugins.plugins(), n -> Map.of(),
                    PluginEnvironment.detached()))
                    .isInstanceOf(PluginStartException.class)
                    .hasMessageContaining("two plugins are named delta")
                    .hasMessageContaining(dir.resolve("one").toString())
                    .hasMessageContaining(dir.resolve("two").toString());
        }
    }

    @Test
    void aMissingFolderHasNoPluginsAndHiddenOrOtherFilesAreIgnored() throws Exception {
        Files.writeString(dir.resolve("README.txt"), "not a plugin");
        Files.createDirectories(dir.resolve("empty"));

        try (PluginDirectory plugins = PluginDirectory.open(dir, getClass().getClassLoader());
             PluginDirectory none = PluginDirectory.open(dir.resolve("absent"), getClass().getClassLoader())) {
            assertThat(plugins.bundles()).isEmpty();
            assertThat(none.bundles()).isEmpty();
        }
    }

    @Test
    void stoppingReleasesThePluginsClassLoader() throws Exception {
        plugin("epsilon", library("1.0")).writeTo(dir.resolve("epsilon/epsilon.jar"));
        copy(dir.resolve(".libs/lib-1.0.jar"), dir.resolve("epsilon/lib.jar"));
        HookRegistry registry = new HookRegistry();
        WeakReference<ClassLoader> loader = startAndStop(registry);

        long deadline = System.nanoTime() + 30_000_000_000L;
        while (loader.get() != null && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(50);
        }
        assertThat(loader.get()).as("the plugin's class loader is collectable once the plugin stopped").isNull();
    }

    private WeakReference<ClassLoader> startAndStop(HookRegistry registry) {
        PluginDirectory plugins = PluginDirectory.open(dir, getClass().getClassLoader());
        WeakReference<ClassLoader> loader = new WeakReference<>(plugins.bundles().getFirst().loader());
        PluginHost host = PluginHost.start(registry, plugins.plugins(), n -> Map.of(), PluginEnvironment.detached());
        assertThat(host.plugins()).hasSize(1);
        host.close();
        plugins.close();
        return loader;
    }

    private static void copy(Path from, Path to) {
        try {
            Files.createDirectories(to.getParent());
            Files.copy(from, to);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

}
