package io.polyhook.broker.config;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;

/** Binds the validated configuration and its sections. */
public final class ConfigModule extends AbstractModule {

    private final BrokerConfig config;

    /** Binds {@code config}. */
    public ConfigModule(BrokerConfig config) {
        this.config = config;
    }

    @Override
    protected void configure() {
        bind(BrokerConfig.class).toInstance(config);
    }

    @Provides
    BrokerSettings broker(BrokerConfig c) {
        return c.broker();
    }

    @Provides
    ScriptsConfig scripts(BrokerConfig c) {
        return c.scripts();
    }
}
