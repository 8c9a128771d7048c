package io.polyhook.core.hook;

import io.polyhook.spi.ChainHook;
import io.polyhook.spi.DeliverModifiers;
import io.polyhook.spi.Hooks;
import io.polyhook.spi.InvalidModifierException;
import io.polyhook.spi.Modifiers;
import io.polyhook.spi.PublishModifiers;
import io.polyhook.spi.RegisterModifiers;
import io.polyhook.spi.SubscribeModifiers;
import io.polyhook.spi.SubscriptionOptions;
import io.polyhook.spi.TopicSubscription;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * What each chain hook point accepts beyond what the modifier builders already check: MQTT 3
 * hooks take no properties and no MQTT 5 subscription options. The dispatcher applies these
 * rules to every ok verdict, whoever returned it (plugin or script).
 */
public final class ModifierRules {

    private static final Consumer<?>[] CHECKS = new Consumer<?>[HookIndex.COUNT];

    static {
        Consumer<RegisterModifiers> registerV3 = m -> {
            if (m.properties().isPresent()) {
                throw new InvalidModifierException("properties", m.properties().get(), "are MQTT 5 only (auth_on_register_m5)");
            }
        };
        Consumer<PublishModifiers> publishV3 = m -> {
            if (m.properties().isPresent()) {
                throw new InvalidModifierException("properties", m.properties().get(), "are MQTT 5 only (auth_on_publish_m5)");
            }
        };
        Consumer<DeliverModifiers> deliverV3 = m -> {
            if (m.properties().isPresent()) {
                throw new InvalidModifierException("properties", m.properties().get(), "are MQTT 5 only (on_deliver_m5)");
            }
        };
        Consumer<SubscribeModifiers> subscribeV3 = m -> {
            for (TopicSubscription t : m.topics()) {
                if (!t.options().equals(SubscriptionOptions.DEFAULT)) {
                    throw new InvalidModifierException("topics", t.filter(), "carries MQTT 5 options (auth_on_subscribe_m5 only)");
                }
            }
        };
        CHECKS[HookIndex.of(Hooks.AUTH_ON_REGISTER)] = registerV3;
        CHECKS[HookIndex.of(Hooks.AUTH_ON_PUBLISH)] = publishV3;
        CHECKS[HookIndex.of(Hooks.ON_DELIVER)] = deliverV3;
        CHECKS[HookIndex.of(Hooks.AUTH_ON_SUBSCRIBE)] = subscribeV3;
    }

    private ModifierRules() {
    }

    /**
     * Checks that {@code modifiers} are of {@code hook}'s type and allowed for that hook point in
     * particular, and returns them.
     *
     * @throws InvalidModifierException naming the field otherwise
     */
    @SuppressWarnings("unchecked")
    public static <M extends Modifiers> M check(ChainHook<?, M> hook, M modifiers) {
        Objects.requireNonNull(modifiers, "modifiers");
        if (!hook.modifierType().isInstance(modifiers)) {
            throw new InvalidModifierException("modifiers", modifiers.getClass().getSimpleName(),
                    "must be " + hook.modifierType().getSimpleName() + " for " + hook.name());
        }
        Consumer<M> check = (Consumer<M>) CHECKS[HookIndex.of(hook)];
        if (check != null) {
            check.accept(modifiers);
        }
        return modifiers;
    }
}
