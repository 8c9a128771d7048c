package io.polyhook.spi;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * A hook point whose handlers are asked in order until one gives a verdict
 * ({@link Verdict#ok() ok} or {@link Verdict#deny() deny}); a {@link Verdict#next() next} passes
 * to the following handler. If every handler says next, the chain is exhausted and the broker
 * applies its default for the hook.
 *
 * @param <C> the context type
 * @param <M> the modifier type an ok verdict may carry
 */
public final class ChainHook<C extends HookContext, M extends Modifiers> implements Hook<C> {

    /** What a chain hook decides, which fixes how a failing handler is treated. */
    public enum Kind {
        /**
         * Admission: {@code auth_on_register}, {@code auth_on_publish}, {@code auth_on_subscribe},
         * {@code on_auth_m5} and their variants. A handler that throws lets the later handlers
         * decide; if none of them allows, the request is denied (a failure never widens access).
         */
        AUTHORIZATION,
        /**
         * Rewriting of an admitted request: {@code on_deliver} and {@code on_unsubscribe} and
         * their variants. A handler that throws stops the chain; the request goes on unchanged.
         */
        REWRITE
    }

    private final String name;
    private final int id;
    private final Class<C> contextType;
    private final Class<M> modifierType;
    private final Kind kind;
    private final boolean mqtt5;
    private final Consumer<M> modifierCheck;

    ChainHook(String name, int id, Class<C> contextType, Class<M> modifierType, Kind kind, boolean mqtt5,
              Consumer<M> modifierCheck) {
        this.name = name;
        this.id = id;
        this.contextType = contextType;
        this.modifierType = modifierType;
        this.kind = kind;
        this.mqtt5 = mqtt5;
        this.modifierCheck = modifierCheck;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int id() {
        return id;
    }

    @Override
    public Class<C> contextType() {
        return contextType;
    }

    /** The type of modifiers an ok verdict of this hook may carry. */
    public Class<M> modifierType() {
        return modifierType;
    }

    /** Whether this hook admits requests or rewrites them. */
    public Kind kind() {
        return kind;
    }

    @Override
    public boolean isMqtt5() {
        return mqtt5;
    }

    /**
     * Checks that {@code modifiers} are allowed for this hook point in particular (for example,
     * MQTT 3 hooks take no properties) and returns them; throws {@link InvalidModifierException}
     * naming the field otherwise.
     */
    public M checkModifiers(M modifiers) {
        Objects.requireNonNull(modifiers, "modifiers");
        if (!modifierType.isInstance(modifiers)) {
            throw new InvalidModifierException("modifiers", modifiers.getClass().getSimpleName(),
                    "must be " + modifierType.getSimpleName() + " for " + name);
        }
        modifierCheck.accept(modifiers);
        return modifiers;
    }

    @Override
    public String toString() {
        return name;
    }
}
