package io.polyhook.spi;

/**
 * A hook point whose handlers are asked in order until one gives a verdict
 * ({@link Verdict#ok() ok} or {@link Verdict#deny() deny}); a {@link Verdict#next() next} passes
 * to the following handler. If every handler says next, the chain is exhausted and the broker
 * applies its default for the hook.
 *
 * @param <C> the context type
 * @param <M> the modifier type an ok verdict may carry
 * @since 0.1
 */
public final class ChainHook<C extends HookContext, M extends Modifiers> implements Hook<C> {

    /**
     * What a chain hook decides, which fixes how a failing handler is treated.
     *
     * @since 0.1
     */
    public enum Kind {
        /**
         * Admission: {@code auth_on_register}, {@code auth_on_publish}, {@code auth_on_subscribe},
         * {@code on_auth_m5} and their variants. A handler that throws lets the later handlers
         * decide; if none of them allows, the request is denied (a failure never widens access).
         *
         * @since 0.1
         */
        AUTHORIZATION,
        /**
         * Rewriting of an admitted request: {@code on_deliver} and {@code on_unsubscribe} and
         * their variants. A handler that throws stops the chain; the request goes on unchanged.
         *
         * @since 0.1
         */
        REWRITE
    }

    private final String name;
    private final Class<C> contextType;
    private final Class<M> modifierType;
    private final Kind kind;
    private final boolean mqtt5;

    ChainHook(String name, Class<C> contextType, Class<M> modifierType, Kind kind, boolean mqtt5) {
        this.name = name;
        this.contextType = contextType;
        this.modifierType = modifierType;
        this.kind = kind;
        this.mqtt5 = mqtt5;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Class<C> contextType() {
        return contextType;
    }

    /**
     * The type of modifiers an ok verdict of this hook may carry.
     *
     * @since 0.1
     */
    public Class<M> modifierType() {
        return modifierType;
    }

    /**
     * Whether this hook admits requests or rewrites them.
     *
     * @since 0.1
     */
    public Kind kind() {
        return kind;
    }

    @Override
    public boolean isMqtt5() {
        return mqtt5;
    }

    @Override
    public String toString() {
        return name;
    }
}
