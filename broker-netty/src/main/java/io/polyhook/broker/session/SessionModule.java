package io.polyhook.broker.session;

import com.google.inject.AbstractModule;
import com.google.inject.Scopes;

/** Binds the session registry, which also counts the sessions for {@code $SYS}. */
public final class SessionModule extends AbstractModule {
    @Override
    protected void configure() {
        bind(SessionRegistry.class).in(Scopes.SINGLETON);
        bind(io.polyhook.broker.sys.SessionCount.class).to(SessionRegistry.class);
    }
}
