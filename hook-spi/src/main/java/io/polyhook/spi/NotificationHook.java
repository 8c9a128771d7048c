package io.polyhook.spi;

/**
 * A hook point whose handlers are all told, in order, and whose results are ignored. The broker
 * never waits for them: the client goes on while they run.
 *
 * @param <C> the context type
 * @since 0.1
 */
public final class NotificationHook<C extends HookContext> implements Hook<C> {

    private final String name;
    private final Class<C> contextType;
    private final boolean mqtt5;

    NotificationHook(String name, Class<C> contextType, boolean mqtt5) {
        this.name = name;
        this.contextType = contextType;
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

    @Override
    public boolean isMqtt5() {
        return mqtt5;
    }

    @Override
    public String toString() {
        return name;
    }
}
