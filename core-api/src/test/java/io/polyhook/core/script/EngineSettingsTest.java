package io.polyhook.core.script;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EngineSettingsTest {

    private static final List<String> KNOWN = List.of("enabled", "limit");

    @Test
    void absentSettingsAreTheDefaults() {
        EngineSettings settings = EngineSettings.of(Map.of(), KNOWN, List.of());

        assertThat(settings.keepState()).isFalse();
        assertThat(settings.sandboxHas("limit")).isFalse();
        assertThat(settings.sandboxSwitch("enabled", true)).isTrue();
        assertThat(settings.sandboxLimit("limit", 7)).isEqualTo(7);
    }

    @Test
    void valuesAreReadWithTheirTypes() {
        EngineSettings settings = EngineSettings.of(Map.of("keep_state", true,
                "sandbox", Map.of("enabled", false, "limit", 12.0, "other", "x")), KNOWN, List.of("other"));

        assertThat(settings.keepState()).isTrue();
        assertThat(settings.sandboxSwitch("enabled", true)).isFalse();
        assertThat(settings.sandboxLimit("limit", 7)).isEqualTo(12);
    }

    @Test
    void aWrongShapeNamesTheKey() {
        assertThatThrownBy(() -> EngineSettings.of(Map.of("keep_state", "yes"), KNOWN, List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("keep_state must be true or false, was yes");
        assertThatThrownBy(() -> EngineSettings.of(Map.of("sandbox", 1), KNOWN, List.of()))
                .hasMessage("sandbox must be a map, was 1");
        assertThatThrownBy(() -> EngineSettings.of(Map.of("sandbox", Map.of("typo", 1)), KNOWN, List.of("other")))
                .hasMessage("unknown sandbox setting 'typo'; known: enabled, limit");
        EngineSettings settings = EngineSettings.of(Map.of("sandbox", Map.of("enabled", 1, "limit", 1.5)), KNOWN,
                List.of());
        assertThatThrownBy(() -> settings.sandboxSwitch("enabled", true))
                .hasMessage("sandbox.enabled must be true or false, was 1");
        assertThatThrownBy(() -> settings.sandboxLimit("limit", 7))
                .hasMessage("sandbox.limit must be a positive integer, was 1.5");
    }
}
