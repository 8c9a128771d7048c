package io.polyhook.spi;

/**
 * Changes a chain handler asks the broker to apply with an {@link Verdict#ok(Modifiers) ok}
 * verdict. Each family of chain hooks has its own modifier type; every instance was validated
 * when it was built, so the broker can apply it without further checks.
 *
 * @since 0.1
 */
public sealed interface Modifiers
        permits RegisterModifiers, AuthModifiers, PublishModifiers, DeliverModifiers, SubscribeModifiers,
        UnsubscribeModifiers {
}
