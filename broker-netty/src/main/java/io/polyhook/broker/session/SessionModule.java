package io.polyhook.broker.session;

import com.google.inject.AbstractModule;
import com.google.inject.Scopes;

/** Binds the session registry. */
public final class SessionModule extends AbstractModule {
    @Override
    protected void configure() {
        bind(SessionRegistry.class).in(Scopes.SINGLETON);
    }
}
