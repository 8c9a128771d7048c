package io.polyhook.provider;

import io.polyhook.core.provider.DataProvider;
import io.polyhook.core.provider.ProviderCatalog;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class CoreProvidersDiscoveryTest {

    @Test
    void serviceLoaderFindsEveryCoreLibraryWithVmqDiversitysFunctions() {
        try (ProviderCatalog catalog = ProviderCatalog.builder()
                .discover(getClass().getClassLoader())
                .start()) {
            assertThat(catalog.providers()).extracting(DataProvider::name)
                    .containsExactly("bcrypt", "crypto", "json", "kv", "log", "obf");
            Map<String, List<String>> functions = Map.of(
                    "bcrypt", List.of("gen_salt", "hashpw"),
                    "crypto", List.of("hash"),
                    "json", List.of("encode", "decode"),
                    "kv", List.of("ensure_table", "insert", "insert_new", "lookup", "delete", "delete_all"),
                    "log", List.of("debug", "info", "warning", "error"),
                    "obf", List.of("encrypt", "decrypt"));
            functions.forEach((name, expected) ->
                    assertThat(catalog.provider(name).orElseThrow().functions().keySet()).containsExactlyElementsOf(expected));
        }
    }
}
