package io.polyhook.spi;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class TopicsTest {

    @ParameterizedTest(name = "name \"{0}\" valid={1}")
    @CsvSource(delimiter = '|', value = {
            "a/b/c|true", "/|true", "a//b|true", "$SYS/x|true", "a b|true",
            "''|false", "a/+|false", "a/#|false", "a+b|false", "#|false"})
    void topicNames(String topic, boolean valid) {
        assertThat(Topics.isValidName(topic)).isEqualTo(valid);
    }

    @ParameterizedTest(name = "filter \"{0}\" valid={1}")
    @CsvSource(delimiter = '|', value = {
            "a/b|true", "#|true", "+|true", "a/+/c|true", "a/#|true", "+/+|true", "/#|true", "$share/g/a/+|true",
            "''|false", "a/#/c|false", "a#|false", "a/b#|false", "a+|false", "+a/b|false", "a/##|false"})
    void topicFilters(String filter, boolean valid) {
        assertThat(Topics.isValidFilter(filter)).isEqualTo(valid);
    }

    @ParameterizedTest
    @CsvSource({"a\u0000b"})
    void theNullCharacterIsNeverValid(String s) {
        assertThat(Topics.isValidName(s)).isFalse();
        assertThat(Topics.isValidFilter(s)).isFalse();
    }
}
