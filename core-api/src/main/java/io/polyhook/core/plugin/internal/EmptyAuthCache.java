package io.polyhook.core.plugin.internal;

import io.polyhook.spi.AuthCacheView;
import io.polyhook.spi.PublishContext;
import io.polyhook.spi.PublishModifiers;
import io.polyhook.spi.SubscribeContext;
import io.polyhook.spi.SubscribeModifiers;
import io.polyhook.spi.SubscriberId;
import io.polyhook.spi.Verdict;

import java.util.Optional;

/** An auth cache that holds nothing: every match is next. */
enum EmptyAuthCache implements AuthCacheView {
    INSTANCE;

    @Override
    public Optional<Entry> entry(SubscriberId client) {
        return Optional.empty();
    }

    @Override
    public Verdict<PublishModifiers> matchPublish(PublishContext context) {
        return Verdict.next();
    }

    @Override
    public Verdict<SubscribeModifiers> matchSubscribe(SubscribeContext context) {
        return Verdict.next();
    }

    @Override
    public boolean invalidate(SubscriberId client) {
        return false;
    }
}
