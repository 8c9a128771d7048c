package io.polyhook.broker.routing;

import com.google.inject.AbstractModule;
import com.google.inject.Scopes;

/** Binds the subscription tree and the retained store, one each per broker. */
public final class RoutingModule extends AbstractModule {
    @Override
    protected void configure() {
        bind(SubscriptionTree.class).in(Scopes.SINGLETON);
        bind(RetainedStore.class).in(Scopes.SINGLETON);
    }
}
