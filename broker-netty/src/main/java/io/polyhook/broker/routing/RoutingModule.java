package io.polyhook.broker.routing;

import com.google.inject.AbstractModule;
import com.google.inject.Scopes;

/** Binds the subscription tree, the retained store and the router, one each per broker. */
public final class RoutingModule extends AbstractModule {
    @Override
    protected void configure() {
        bind(SubscriptionTree.class).in(Scopes.SINGLETON);
        bind(RetainedStore.class).in(Scopes.SINGLETON);
        bind(Router.class).in(Scopes.SINGLETON);
    }
}
