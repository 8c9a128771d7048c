package io.polyhook.broker.config;

import io.polyhook.core.hook.ChainOutcome;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** What an exhausted publish/subscribe authorization means under each {@code broker.no_match}. */
class NoMatchTest {

    @ParameterizedTest(name = "no_match {0}: no handler -> {1}, all said next -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            DENY_WHEN_HANDLED | true  | false
            ALLOW             | true  | true
            DENY              | false | false
            """)
    void decidesByWhetherTheHookHadHandlers(NoMatch rule, boolean unhandledAllowed, boolean allNextAllowed) {
        var unhandled = (ChainOutcome.Exhausted<?>) ChainOutcome.unhandled();
        var allNext = (ChainOutcome.Exhausted<?>) ChainOutcome.exhausted();

        assertThat(rule.allows(unhandled)).isEqualTo(unhandledAllowed);
        assertThat(rule.allowsUnhandled()).isEqualTo(unhandledAllowed);
        assertThat(rule.allows(allNext)).isEqualTo(allNextAllowed);
    }
}
