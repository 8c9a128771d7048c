package io.polyhook.provider.authcache;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * ACL patterns against requests: a request is granted only if every topic it can reach is
 * matched by the pattern (wildcards on both sides, {@code $}-topics, shared subscriptions), and
 * placeholders (reference §3.5) that stand for exactly one level.
 */
class TopicPatternTest {

    private static TopicPattern pattern(String text) {
        return TopicPattern.compile(text, "", "client", "user");
    }

    @ParameterizedTest(name = "pattern {0} grants filter {1}: {2}")
    @CsvSource(delimiter = '|', textBlock = """
            # literal levels
            a/b/c          | a/b/c               | true
            a/b/c          | a/b/d               | false
            a/b/c          | a/b                 | false
            a/b            | a/b/c               | false
            a//c           | a//c                | true
            a/b/           | a/b/                | true
            a/b/           | a/b                 | false
            a/b/c          | a/+/c               | false
            a/b            | a/#                 | false
            # + in the pattern: exactly one level
            a/+/c          | a/b/c               | true
            a/+/c          | a//c                | true
            a/+/c          | a/b/c/d             | false
            +              | a                   | true
            +              | a/b                 | false
            a/+            | a                   | false
            a/+            | a/+                 | true
            a/+/c          | a/+/c               | true
            +/+            | +/+                 | true
            a/+            | a/#                 | false
            a/+            | a/b/#               | false
            +              | #                   | false
            +/+            | #                   | false
            c/+/a          | c/#                 | false
            # # in the pattern: the rest, including no level
            a/#            | a                   | true
            a/#            | a/b/c               | true
            a/#            | ab                  | false
            a/#            | b/a                 | false
            a/#            | a/#                 | true
            a/#            | a/+                 | true
            a/#            | a/+/b/#             | true
            a/#            | +/b                 | false
            a/#            | #                   | false
            c/#            | c/+/a               | true
            a/+/#          | a/#                 | false
            a/+/#          | a/b/#               | true
            '#'            | any/levels          | true
            '#'            | #                   | true
            '#'            | +/+/#               | true
            +/#            | #                   | true
            +/#            | a                   | true
            # $-topics: a wildcard first level matches no topic starting with $
            '#'            | $SYS/broker/uptime  | false
            '#'            | $SYS/#              | false
            +/#            | $SYS/x              | false
            +              | $SYS                | false
            '#'            | a/$x                | true
            $SYS/#         | $SYS/broker/uptime  | true
            $SYS/#         | $SYS/#              | true
            $SYS/+         | $SYS/#              | false
            # shared subscriptions reach the topics of their filter
            a/#            | $share/g/a/b        | true
            a/+            | $share/g/a/#        | false
            '#'            | $share/g/x          | true
            '#'            | $share/g/$SYS/x     | false
            a/b            | $share/g/a/b/c      | false
            $share/g/a/#   | $share/g/a/b        | true
            $share/g/a/#   | $share/h/a/b        | false
            $share/+/a     | $share/g/a          | true
            $share/g/#     | a                   | false
            """)
    void grantsAFilterOnlyIfItCoversEveryTopicTheFilterReaches(String pattern, String filter, boolean granted) {
        assertThat(pattern(pattern).grantsFilter(filter)).isEqualTo(granted);
    }

    @ParameterizedTest(name = "pattern {0} grants publishing to {1}: {2}")
    @CsvSource(delimiter = '|', textBlock = """
            a/b          | a/b            | true
            a/+          | a/b            | true
            a/+          | a/b/c          | false
            a/#          | a              | true
            a/#          | a/b/c          | true
            '#'          | $SYS/x         | false
            +            | $x             | false
            $SYS/#       | $SYS/x         | true
            a/#          | $share/g/a/b   | false
            """)
    void grantsATopicNameByPlainMatching(String pattern, String topic, boolean granted) {
        assertThat(pattern(pattern).grantsTopic(topic)).isEqualTo(granted);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a/#/b", "a+/b", "a/b#", "a/\0"})
    void anInvalidPatternIsRefused(String text) {
        assertThatThrownBy(() -> pattern(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not a valid topic filter");
    }

    @Test
    void theNothingPatternGrantsNothing() {
        assertThat(TopicPattern.NOTHING.grantsFilter("a")).isFalse();
        assertThat(TopicPattern.NOTHING.grantsFilter("#")).isFalse();
        assertThat(TopicPattern.NOTHING.grantsTopic("a")).isFalse();
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

        assertThat(p.grantsTopic("a//user")).isTrue();
        assertThat(p.grantsTopic("a/user")).isFalse();
    }

    @ParameterizedTest(name = "{0} = ''{1}''")
    @CsvSource(delimiter = '|', textBlock = """
            devices/%c/#  | +
            devices/%c/#  | #
            devices/%c/#  | a/b
            devices/%c/#  | a+
            users/%u      | #
            users/%u      | x/y
            %m/#          | tenant/a
            %c/#          | $SYS
            %u/#          | $share
            """)
    void aValueThatCannotStandForOneLevelIsRefused(String text, String value) {
        assertThatThrownBy(() -> TopicPattern.compile(text, value, value, value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + value + "'");
    }

    @Test
    void aDollarInAValueIsOnlyRefusedAsTheFirstLevel() {
        TopicPattern p = TopicPattern.compile("devices/%c/#", "", "$x", "user");

        assertThat(p.grantsFilter("devices/$x/state")).isTrue();
    }

    @Test
    void aPlaceholderWithoutAValueIsRefused() {
        assertThatThrownBy(() -> TopicPattern.compile("users/%u", "", "c", null))
                .hasMessageContaining("no user name");
    }
}
