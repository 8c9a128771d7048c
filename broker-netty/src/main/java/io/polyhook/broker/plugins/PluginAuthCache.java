package io.polyhook.broker.plugins;

import io.polyhook.provider.authcache.AuthCache;
import io.polyhook.spi.AuthCacheView;
import io.polyhook.spi.PublishContext;
import io.polyhook.spi.PublishModifiers;
import io.polyhook.spi.SubscribeContext;
import io.polyhook.spi.SubscribeModifiers;
import io.polyhook.spi.SubscriberId;
import io.polyhook.spi.Verdict;

import java.util.Optional;

/** The broker's {@link AuthCache} as plugins see it ({@link io.polyhook.spi.PluginContext#authCache()}). */
public final class PluginAuthCache implements AuthCacheView {

    private final AuthCache cache;

    /** A view of {@code cache}. */
    public PluginAuthCache(AuthCache cache) {
        this.cache = cache;
    }

    @Override
    public Optional<Entry> entry(SubscriberId client) {
        return cache.entry(client).map(e -> new Entry(e.subscriberId(), e.username(), e.publishPatterns(),
                e.subscribePatterns(), e.expiresIn()));
    }

    @Override
    public Verdict<PublishModifiers> matchPublish(PublishContext context) {
        return cache.matchPublish(context);
    }

    @Override
    public Verdict<SubscribeModifiers> matchSubscribe(SubscribeContext context) {
        return cache.matchSubscribe(context);
    }

    @Override
    public boolean invalidate(SubscriberId client) {
        return cache.invalidate(client);
    }
}
