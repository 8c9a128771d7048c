package io.polyhook.broker.config;

import io.polyhook.core.hook.ChainOutcome;

import java.util.Optional;

/**
 * {@code broker.no_match}: what a publish or subscribe authorization means when nobody decided
 * ({@link ChainOutcome.Exhausted}). A failed or timed-out handler is never "no match": the
 * dispatcher denies such a request itself ({@link ChainOutcome.Cause#HANDLER_FAILED}).
 *
 * <table>
 *   <caption>exhausted publish/subscribe authorization</caption>
 *   <tr><th>{@code no_match}</th><th>no handler for the hook</th><th>handlers, all said next</th></tr>
 *   <tr><td>unset ({@link #DENY_WHEN_HANDLED})</td><td>allowed</td><td>denied</td></tr>
 *   <tr><td>{@code allow} ({@link #ALLOW})</td><td>allowed</td><td>allowed</td></tr>
 *   <tr><td>{@code deny} ({@link #DENY})</td><td>denied</td><td>denied</td></tr>
 * </table>
 *
 * <p>The unset rule is VerneMQ's {@code plugin_chain_exhausted} for hooks that have a handler and
 * Mosquitto's "no ACL, no check" for those that have none; {@code allow} and {@code deny} keep the
 * meaning they always had.
 */
public enum NoMatch {

    /** The key is unset: a hook with handlers denies, a hook without any allows. */
    DENY_WHEN_HANDLED,
    /** {@code no_match: allow}: every exhausted authorization is allowed. */
    ALLOW,
    /** {@code no_match: deny}: every exhausted authorization is denied. */
    DENY;

    /** Whether an exhausted publish/subscribe authorization is allowed. */
    public boolean allows(ChainOutcome.Exhausted<?> outcome) {
        return switch (this) {
            case ALLOW -> true;
            case DENY -> false;
            case DENY_WHEN_HANDLED -> outcome.exhaustion() == ChainOutcome.Exhaustion.NO_HANDLER;
        };
    }

    /** Whether a publish/subscribe is allowed when its hook has no handler at all. */
    public boolean allowsUnhandled() {
        return this != DENY;
    }

    /** The value of the config key, empty when it is unset. */
    public Optional<String> configValue() {
        return switch (this) {
            case ALLOW -> Optional.of("allow");
            case DENY -> Optional.of("deny");
            case DENY_WHEN_HANDLED -> Optional.empty();
        };
    }
}
