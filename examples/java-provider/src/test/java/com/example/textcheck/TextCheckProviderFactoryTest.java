package com.example.textcheck;

import io.polyhook.core.provider.Arguments;
import io.polyhook.core.provider.DataProvider;
import io.polyhook.core.provider.ProviderCatalog;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TextCheckProviderFactoryTest {

    @Test
    void functionsWorkThroughTheRealFactory() {
        try (ProviderCatalog catalog = ProviderCatalog.builder().factory(new TextCheckProviderFactory())
                .settings(Map.of("providers", Map.of("textcheck", Map.of("max", 8L)))).start()) {
            DataProvider textcheck = catalog.provider("textcheck").orElseThrow();

            assertEquals(true, textcheck.functions().get("is_blank").call(Arguments.of("textcheck.is_blank", "  ")));
            assertEquals("hello...", textcheck.functions().get("abbreviate")
                    .call(Arguments.of("textcheck.abbreviate", "hello world")));
        }
    }
}
