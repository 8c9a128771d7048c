package io.polyhook.provider.authcache;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Reference §3.6, pattern matching, and §3.5, placeholders. */
class TopicPatternTest {

    private static TopicPattern pattern(String text) {
        return TopicPattern.compile(text, "", "client", "user");
    }

    @ParameterizedTest(name = "pattern {0} vs {1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            a/b/c  | a/b/c       | true
            a/b/c  | a/b/d       | false
            a/b/c  | a/b         | false
            a/b    | a/b/c       | false
            a/+/c  | a/b/c       | true
            a/+/c  | a//c        | true
            a/+/c  | a/b/c/d     | false
            +      | a           | true
            +      | a/b         | false
            a/+    | a           | false
            a/#    | a           | true
            a/#    | a/b/c       | true
            a/#    | ab          | false
            a/#    | b/a         | false
            #      | any/levels  | true
            a//c   | a//c        | true
            a/b/   | a/b/        | true
            a/b/   | a/b         | false
            a/+/c  | a/+/c       | true
            a/b/c  | a/+/c       | false
            a/+    | a/#         | true
            a/#    | a/#         | true
            a/b    | a/#         | false
            c/#    | c/+/a       | true
            """)
    void matchesWordWise(String pattern, String topic, boolean matches) {
        assertThat(pattern(pattern).matches(topic)).isEqualTo(matches);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a/#/b", "a+/b", "a/b#", "a/\0"})
    void anInvalidPatternIsRejected(String text) {
        assertThat(TopicPattern.compile(text, "", "client", "user")).isNull();
    }

    @Test
    void theNothingPatternMatchesNothing() {
        assertThat(TopicPattern.NOTHING.matches("a")).isFalse();
        assertThat(TopicPattern.NOTHING.matches("#")).isFalse();
    }

    @ParameterizedTest(name = "{0} with mountpoint ''{1}'' -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            a/%m/%u/%c/+/#  | ''       | a//test-user/allowed-subscriber-id/+/#
            %m/%u            | tenant   | tenant/test-user
            x%u/%u%c/%c      | ''       | x%u/%u%c/allowed-subscriber-id
            %U/%x            | ''       | %U/%x
            """)
    void substitutesPlaceholdersThatFormAWholeLevel(String text, String mountpoint, String expected) {
        TopicPattern p = TopicPattern.compile(text, mountpoint, "allowed-subscriber-id", "test-user");

        assertThat(p).hasToString(expected);
    }

    @Test
    void anEmptyMountpointGivesAnEmptyLevel() {
        TopicPattern p = TopicPattern.compile("a/%m/%u", "", "c", "user");

        assertThat(p.matches("a//user")).isTrue();
        assertThat(p.matches("a/user")).isFalse();
    }

    @Test
    void aSubstitutedValueIsALiteralEvenIfItLooksLikeAWildcard() {
        TopicPattern p = TopicPattern.compile("users/%u", "", "c", "#");

        assertThat(p.matches("users/#")).isTrue();
        assertThat(p.matches("users/alice")).isFalse();
    }

    @Test
    void aSubstitutedValueWithASlashMatchesNoLevel() {
        TopicPattern p = TopicPattern.compile("users/%u", "", "c", "a/b");

        assertThat(p.matches("users/a/b")).isFalse();
        assertThat(p.matches("users/a")).isFalse();
    }
}
