package io.polyhook.spi;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The broker's auth cache as a plugin sees it: the ACLs that scripts inserted for each client
 * ({@code auth_cache.insert}), and the answers the broker gives from them before any handler
 * is called.
 *
 * @since 0.1
 */
public interface AuthCacheView {

    /**
     * What the cache holds for one client.
     *
     * @param client the client
     * @return its entry, empty if it has none (or it expired)
     * @since 0.1
     */
    Optional<Entry> entry(SubscriberId client);

    /**
     * What the cache answers for a publish: ok (possibly with modifiers) if an ACL grants it,
     * deny if none does, next if the client has no entry.
     *
     * @param context the publish
     * @return the verdict
     * @since 0.1
     */
    Verdict<PublishModifiers> matchPublish(PublishContext context);

    /**
     * What the cache answers for a subscribe: ok (possibly with a rewrite) if every filter is
     * granted, deny otherwise, next if the client has no entry.
     *
     * @param context the subscribe
     * @return the verdict
     * @since 0.1
     */
    Verdict<SubscribeModifiers> matchSubscribe(SubscribeContext context);

    /**
     * Removes the client's entry, so that its next requests go to the handlers.
     *
     * @param client the client
     * @return whether there was an entry
     * @since 0.1
     */
    boolean invalidate(SubscriberId client);

    /**
     * One client's entry.
     *
     * @param client            the client
     * @param username          the user name the ACLs were inserted for
     * @param publishPatterns   the publish ACL patterns, in order
     * @param subscribePatterns the subscribe ACL patterns, in order
     * @param expiresIn         how long until the entry expires, if it has a time to live
     * @since 0.1
     */
    record Entry(SubscriberId client, String username, List<String> publishPatterns, List<String> subscribePatterns,
                 Optional<Duration> expiresIn) {
        /**
         * Checks every part is present; copies the lists.
         *
         * @since 0.1
         */
        public Entry {
            Objects.requireNonNull(client, "client");
            Objects.requireNonNull(username, "username");
            publishPatterns = List.copyOf(publishPatterns);
            subscribePatterns = List.copyOf(subscribePatterns);
            Objects.requireNonNull(expiresIn, "expiresIn");
        }
    }
}
