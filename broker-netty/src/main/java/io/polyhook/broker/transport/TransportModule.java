package io.polyhook.broker.transport;

import com.google.inject.AbstractModule;
import com.google.inject.Scopes;

/** Binds the Netty transport. */
public final class TransportModule extends AbstractModule {
    @Override
    protected void configure() {
        bind(Transport.class).in(Scopes.SINGLETON);
    }
}
