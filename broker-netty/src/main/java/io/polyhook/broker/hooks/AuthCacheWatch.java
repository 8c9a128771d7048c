package io.polyhook.broker.hooks;

import io.polyhook.broker.session.SessionRegistry;
import io.polyhook.provider.authcache.AuthCache;
import io.polyhook.spi.Registration;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * Re-authorizes a client's live subscriptions whenever the auth cache's answers for it change
 * (a script inserted or removed its entry): the cache that scripts fill is wired here, so the
 * session layer knows nothing of it.
 */
@Singleton
public final class AuthCacheWatch implements AutoCloseable {

    private final Registration registration;

    /** Watches {@code cache} for {@code sessions}. */
    @Inject
    public AuthCacheWatch(AuthCache cache, SessionRegistry sessions) {
        this.registration = cache.onChange(sessions::subscriptionsMayHaveChanged);
    }

    /** Stops watching. */
    @Override
    public void close() {
        registration.close();
    }
}
