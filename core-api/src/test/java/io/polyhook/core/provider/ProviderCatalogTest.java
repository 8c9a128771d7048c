package io.polyhook.core.provider;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProviderCatalogTest {

    /** Creates a provider from a function of the context, for explicit registration. */
    interface Creation {
        DataProvider create(ProviderContext context) throws Exception;
    }

    static class NamedFactory implements ProviderFactory {
        private final String name;
        private final Creation creation;

        NamedFactory(String name, Creation creation) {
            this.name = name;
            this.creation = creation;
        }

        NamedFactory(String name) {
            this(name, context -> DataProvider.builder(name).build());
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public DataProvider create(ProviderContext context) throws Exception {
            return creation.create(context);
        }
    }

    static final class OtherNamedFactory extends NamedFactory {
        OtherNamedFactory(String name) {
            super(name);
        }
    }

    private final List<String> events = Collections.synchronizedList(new ArrayList<>());

    @Test
    void discoversFactoriesWithServiceLoader() {
        try (ProviderCatalog catalog = ProviderCatalog.builder().discover(getClass().getClassLoader()).start()) {
            DataProvider echo = catalog.provider(EchoProviderFactory.NAME).orElseThrow();

            Object result = echo.functions().get("echo").call(Arguments.of("test_echo.echo", "hi"));

            assertThat(result).isEqualTo("hi");
        }
    }

    @Test
    void anExplicitFactoryReplacesADiscoveredOneOfTheSameName() {
        try (ProviderCatalog catalog = ProviderCatalog.builder()
                .discover(getClass().getClassLoader())
                .factory(new NamedFactory(EchoProviderFactory.NAME))
                .start()) {

            assertThat(catalog.provider(EchoProviderFactory.NAME).orElseThrow().functions()).doesNotContainKey("echo");
        }
    }

    @Test
    void providersAreInNameOrder() {
        try (ProviderCatalog catalog = ProviderCatalog.builder()
                .factory(new NamedFactory("redis"))
                .factory(new NamedFactory("json"))
                .factory(new NamedFactory("kv"))
                .start()) {

            assertThat(catalog.providers()).extracting(DataProvider::name).containsExactly("json", "kv", "redis");
            assertThat(catalog.provider("missing")).isEmpty();
        }
    }

    @Test
    void twoFactoriesWithOneNameAreRejectedNamingBothClasses() {
        ProviderCatalog.Builder builder = ProviderCatalog.builder()
                .factory(new NamedFactory("kv"))
                .factory(new OtherNamedFactory("kv"));

        assertThatThrownBy(builder::start)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("two provider factories are named kv: " + NamedFactory.class.getName()
                        + " and " + OtherNamedFactory.class.getName());
    }

    @Test
    void factoryWithInvalidNameIsRejected() {
        ProviderCatalog.Builder builder = ProviderCatalog.builder().factory(new NamedFactory("no-dash"));

        assertThatThrownBy(builder::start)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(NamedFactory.class.getName())
                .hasMessageContaining("'no-dash'");
    }

    @Test
    void failingFactoryIsStartupErrorNamingProvider() {
        ProviderCatalog.Builder builder = ProviderCatalog.builder().factory(new NamedFactory("postgres", context -> {
            throw new IllegalStateException("bad host");
        }));

        assertThatThrownBy(builder::start)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("provider postgres (" + NamedFactory.class.getName()
                        + ") failed to start: java.lang.IllegalStateException: bad host")
                .hasCauseInstanceOf(IllegalStateException.class);
    }

    @Test
    void failingFactoryClosesProvidersAndPoolsCreatedBefore() {
        ProviderCatalog.Builder builder = ProviderCatalog.builder()
                .factory(new NamedFactory("aaa", context -> {
                    context.pools().ensure("early", AutoCloseable.class, () -> () -> events.add("pool early closed"));
                    return DataProvider.builder("aaa").onClose(() -> events.add("aaa closed")).build();
                }))
                .factory(new NamedFactory("zzz", context -> {
                    throw new Exception("down");
                }));

        assertThatThrownBy(builder::start).hasMessageContaining("provider zzz");

        assertThat(events).containsExactly("aaa closed", "pool early closed");
    }

    @Test
    void providerWithAnotherNameIsRejected() {
        ProviderCatalog.Builder builder = ProviderCatalog.builder()
                .factory(new NamedFactory("kv", context -> DataProvider.builder("kv2").build()));

        assertThatThrownBy(builder::start)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageEndingWith("created a provider named kv2");
    }

    @Test
    void contextDefaultsAreTheProvidersSectionAsModelValues() {
        Map<String, Object> settings = Map.of("providers", Map.of(
                "test_echo", Map.of("host", "localhost", "port", 5432),
                "redis", Map.of("port", 6379)));

        try (ProviderCatalog catalog = ProviderCatalog.builder()
                .discover(getClass().getClassLoader())
                .settings(settings)
                .start()) {
            DataProvider echo = catalog.provider(EchoProviderFactory.NAME).orElseThrow();

            Object defaults = echo.functions().get("defaults").call(Arguments.of("test_echo.defaults"));

            assertThat(defaults).isEqualTo(Map.of("host", "localhost", "port", 5432L));
        }
    }

    @Test
    void settingsWithoutModelEquivalentAreRejectedNamingWhere() {
        ProviderCatalog.Builder builder = ProviderCatalog.builder()
                .settings(Map.of("scripts", Map.of("hook_timeout", java.time.Duration.ofSeconds(5))));

        assertThatThrownBy(builder::start)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("value.scripts.hook_timeout is a java.time.Duration");
    }

    @Test
    void contextDefaultsAreEmptyWithoutSection() {
        ProviderContext context = ProviderContext.of("kv", Map.of("providers", Map.of()), PoolRegistry.create());

        assertThat(context.defaults()).isEmpty();
    }

    @Test
    void contextConfigReadsOtherSectionsByPath() {
        ProviderContext context = ProviderContext.of("bcrypt",
                Map.of("auth", Map.of("postgres", Map.of("enabled", true)), "admin", "x"), PoolRegistry.create());

        assertThat(context.config("auth.postgres")).isEqualTo(Map.of("enabled", true));
        assertThat(context.config("auth.mysql")).isEmpty();
        assertThatThrownBy(() -> context.config("admin"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("config admin is string, not a section");
    }

    @Test
    void contextLoggerIsNamedForProvider() {
        ProviderContext context = ProviderContext.of("kv", Map.of(), PoolRegistry.create());

        assertThat(context.logger().getName()).isEqualTo("io.polyhook.provider.kv");
    }

    @Test
    void contextToStringHidesSettings() {
        ProviderContext context = ProviderContext.of("postgres",
                Map.of("providers", Map.of("postgres", Map.of("password", "hunter2"))), PoolRegistry.create());

        assertThat(context.toString()).doesNotContain("hunter2");
    }

    @Test
    void providersShareOnePoolRegistry() {
        List<PoolRegistry> seen = Collections.synchronizedList(new ArrayList<>());
        try (ProviderCatalog catalog = ProviderCatalog.builder()
                .factory(new NamedFactory("a", context -> {
                    seen.add(context.pools());
                    return DataProvider.builder("a").build();
                }))
                .factory(new NamedFactory("b", context -> {
                    seen.add(context.pools());
                    return DataProvider.builder("b").build();
                }))
                .start()) {

            assertThat(seen).hasSize(2).allSatisfy(pools -> assertThat(pools).isSameAs(catalog.pools()));
        }
    }

    @Test
    void closeClosesProvidersInReverseNameOrderThenPools() {
        ProviderCatalog catalog = ProviderCatalog.builder()
                .factory(closingFactory("alpha"))
                .factory(closingFactory("beta"))
                .start();
        catalog.pools().ensure("p", AutoCloseable.class, () -> () -> events.add("pool closed"));

        catalog.close();
        catalog.close();

        assertThat(events).containsExactly("beta closed", "alpha closed", "pool closed");
        assertThatThrownBy(() -> catalog.pools().ensure("q", AutoCloseable.class, () -> () -> { }))
                .hasMessage("pool registry is closed");
    }

    @Test
    void failingProviderCloseDoesNotStopTheOthers() {
        ProviderCatalog catalog = ProviderCatalog.builder()
                .factory(closingFactory("alpha"))
                .factory(new NamedFactory("beta", context -> DataProvider.builder("beta")
                        .onClose(() -> {
                            throw new IllegalStateException("boom");
                        })
                        .build()))
                .start();

        catalog.close();

        assertThat(events).containsExactly("alpha closed");
    }

    private NamedFactory closingFactory(String name) {
        return new NamedFactory(name, context -> DataProvider.builder(name)
                .onClose(() -> events.add(name + " closed"))
                .build());
    }
}
