package io.polyhook.core.provider;

import io.polyhook.core.provider.testing.TestProviderContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class ProviderOptionsTest {

    private static ProviderOptions options(Map<String, Object> fields) {
        return ProviderOptions.of(fields, (field, problem) -> new IllegalStateException(field + ": " + problem));
    }

    private static Map<String, Object> nilAt(String field) {
        Map<String, Object> fields = new HashMap<>();
        fields.put(field, null);
        return fields;
    }

    @Test
    void absentAndNilFieldsGiveTheDefault() {
        for (ProviderOptions o : List.of(options(Map.of()), options(nilAt("f")))) {
            assertThat(o.has("f")).isFalse();
            assertThat(o.string("f", "d")).isEqualTo("d");
            assertThat(o.nonEmpty("f", "d")).isEqualTo("d");
            assertThat(o.integer("f", 1, 10, 7)).isEqualTo(7);
            assertThat(o.bool("f", true)).isTrue();
            assertThat(o.choice("f", Set.of("a", "b"), "a")).isEqualTo("a");
            assertThat(o.duration("f", Duration.ofSeconds(3))).isEqualTo(Duration.ofSeconds(3));
        }
    }

    @Test
    void presentFieldsAreReadWithTheirType() {
        ProviderOptions o = options(Map.of("s", "text", "i", 5L, "f", 6.0, "b", false, "c", "b", "d", "5s"));
        assertThat(o.has("s")).isTrue();
        assertThat(o.string("s", "d")).isEqualTo("text");
        assertThat(o.nonEmpty("s", "d")).isEqualTo("text");
        assertThat(o.integer("i", 1, 10, 7)).isEqualTo(5);
        assertThat(o.integer("f", 1, 10, 7)).isEqualTo(6);
        assertThat(o.bool("b", true)).isFalse();
        assertThat(o.choice("c", Set.of("a", "b"), "a")).isEqualTo("b");
        assertThat(o.duration("d", Duration.ofSeconds(3))).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void errorsNameTheFieldAndShowShortValues() {
        assertThatThrownBy(() -> options(Map.of("port", "six")).integer("port", 1, 65_535, 6379))
                .isExactlyInstanceOf(IllegalStateException.class)
                .hasMessage("port: an integer from 1 to 65535 expected, got 'six'");
        assertThatThrownBy(() -> options(Map.of("size", 0L)).integer("size", 1, 10, 5))
                .hasMessage("size: an integer from 1 to 10 expected, got 0");
        assertThatThrownBy(() -> options(Map.of("size", 1.5)).integer("size", 1, 10, 5))
                .hasMessage("size: an integer from 1 to 10 expected, got 1.5");
        assertThatThrownBy(() -> options(Map.of("host", "")).nonEmpty("host", "localhost"))
                .hasMessage("host: non-empty string expected, got empty string");
        assertThatThrownBy(() -> options(Map.of("ssl", "yes")).bool("ssl", false))
                .hasMessage("ssl: boolean expected, got 'yes'");
        assertThatThrownBy(() -> options(Map.of("w_mode", "fast")).choice("w_mode", Set.of("unsafe", "safe"), "safe"))
                .hasMessage("w_mode: one of [safe, unsafe] expected, got 'fast'");
        assertThatThrownBy(() -> options(Map.of("connect_timeout", "soon")).duration("connect_timeout", null))
                .hasMessage("connect_timeout: a duration expected (milliseconds, or a string such as \"500ms\" or "
                        + "\"5s\"), got 'soon'");
        assertThat(options(Map.of("keyfile", "")).error("keyfile", "needed with certfile"))
                .isInstanceOf(IllegalStateException.class).hasMessage("keyfile: needed with certfile");
    }

    @Test
    void longStringsAndOtherValuesAreShownByTheirTypeOnly() {
        String long41 = "x".repeat(41);
        assertThatThrownBy(() -> options(Map.of("size", long41)).integer("size", 1, 10, 5))
                .hasMessage("size: an integer from 1 to 10 expected, got string");
        assertThatThrownBy(() -> options(Map.of("size", "x".repeat(40))).integer("size", 1, 10, 5))
                .hasMessage("size: an integer from 1 to 10 expected, got '" + "x".repeat(40) + "'");
        assertThatThrownBy(() -> options(Map.of("size", Map.of("a", 1L))).integer("size", 1, 10, 5))
                .hasMessage("size: an integer from 1 to 10 expected, got table");
    }

    @Test
    void stringErrorsNeverShowTheValue() {
        assertThatThrownBy(() -> options(Map.of("password", 12345L)).string("password", ""))
                .hasMessage("password: string expected, got number")
                .hasMessageNotContaining("12345");
        assertThatThrownBy(() -> options(Map.of("password", true)).nonEmpty("password", "x"))
                .hasMessage("password: string expected, got boolean");
    }

    @Test
    void unknownGivesTheOtherFieldsSorted() {
        ProviderOptions o = options(Map.of("pool_id", "p", "zz", 1L, "aa", 2L, "size", 3L));
        assertThat(o.unknown(Set.of("pool_id", "size"))).containsExactly("aa", "zz");
        assertThat(o.fields()).containsOnlyKeys("pool_id", "zz", "aa", "size");
    }

    @Test
    void toStringShowsFieldNamesOnly() {
        assertThat(options(Map.of("password", "s3cret", "host", "h")))
                .hasToString("ProviderOptions[host, password]");
    }

    @Test
    void forArgumentReadsTheTableAndFailsAsABadArgument() {
        Arguments args = Arguments.of("redis.ensure_pool", Map.of("port", "six"));
        ProviderOptions o = ProviderOptions.forArgument(args, 1);
        assertThat(o.fields()).containsOnlyKeys("port");
        assertThatThrownBy(() -> o.integer("port", 1, 65_535, 6379))
                .isExactlyInstanceOf(ProviderException.class)
                .hasMessage("redis.ensure_pool: bad argument #1 (field 'port': an integer from 1 to 65535 expected, "
                        + "got 'six')");
        assertThat(ProviderOptions.forArgument(Arguments.of("redis.ensure_pool"), 1).fields()).isEmpty();
        assertThatThrownBy(() -> ProviderOptions.forArgument(Arguments.of("redis.ensure_pool", "p"), 1))
                .isExactlyInstanceOf(ProviderException.class)
                .hasMessage("redis.ensure_pool: bad argument #1 (table expected, got string)");
    }

    @Test
    void forConfigReadsTheProviderSectionAndNamesTheKey() {
        ProviderContext context = TestProviderContext.of("redis",
                Map.of("providers", Map.of("redis", Map.of("port", "six"))), null);
        ProviderOptions o = ProviderOptions.forConfig(context);
        assertThatThrownBy(() -> o.integer("port", 1, 65_535, 6379))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("providers.redis.port: an integer from 1 to 65535 expected, got 'six'");
        assertThat(ProviderOptions.forConfig(TestProviderContext.of("redis", Map.of(), null)).fields()).isEmpty();
    }

    // Moved from the http provider's tests, whose own parser this class replaced.
    static Stream<org.junit.jupiter.params.provider.Arguments> durations() {
        return Stream.of(
                arguments(250L, 250L),
                arguments(250.0, 250L),
                arguments("250", 250L),
                arguments("250ms", 250L),
                arguments("5s", 5_000L),
                arguments(" 5 s ", 5_000L),
                arguments("2m", 120_000L),
                arguments("1h", 3_600_000L));
    }

    @ParameterizedTest(name = "{0} -> {1} ms")
    @MethodSource("durations")
    void durationsAreMillisecondsOrStringsWithAUnit(Object value, long millis) {
        assertThat(ProviderOptions.parseDuration(value)).isEqualTo(Duration.ofMillis(millis));
    }

    @Test
    void durationsThatAreNotPositiveOrNotDurationsAreRejected() {
        for (Object bad : List.of(0L, -5L, "0s", "-5", "5x", "five", 1.5, true)) {
            assertThat(ProviderOptions.parseDuration(bad)).as("%s", bad).isNull();
        }
    }
}
