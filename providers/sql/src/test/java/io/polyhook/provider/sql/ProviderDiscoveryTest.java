package io.polyhook.provider.sql;

import io.polyhook.core.provider.ProviderFactory;
import org.junit.jupiter.api.Test;

import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;

class ProviderDiscoveryTest {

    @Test
    void theFourSqlLibrariesAreFoundByServiceLoader() {
        assertThat(ServiceLoader.load(ProviderFactory.class).stream().map(p -> p.get().name()))
                .contains("postgres", "cockroachdb", "mysql", "mysql2");
    }

    @Test
    void eachLibraryHasTheFunctionsOfVmqDiversity() {
        for (ProviderFactory factory : ServiceLoader.load(ProviderFactory.class)) {
            if (factory.getClass().getPackageName().equals(getClass().getPackageName())) {
                try (ProviderUnderTest p = new ProviderUnderTest(factory)) {
                    assertThat(p.provider.name()).isEqualTo(factory.name());
                    assertThat(p.provider.functions()).containsOnlyKeys("ensure_pool", "execute", "hash_method");
                }
            }
        }
    }
}
