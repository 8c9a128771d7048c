package io.polyhook.provider.authcache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Scheduler;
import io.polyhook.core.hook.Ticker;
import io.polyhook.spi.PublishContext;
import io.polyhook.spi.PublishModifiers;
import io.polyhook.spi.Registration;
import io.polyhook.spi.SubscribeContext;
import io.polyhook.spi.SubscribeModifiers;
import io.polyhook.spi.SubscriberId;
import io.polyhook.spi.TopicSubscription;
import io.polyhook.spi.UnsubscribeContext;
import io.polyhook.spi.UnsubscribeModifiers;
import io.polyhook.spi.Verdict;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The node-local authorization cache of vmq_diversity (reference §3.6): per-client publish and
 * subscribe ACLs, inserted by a script during {@code auth_on_register} (through the
 * {@code auth_cache} library), from which the broker answers {@code auth_on_publish},
 * {@code auth_on_subscribe} and {@code on_unsubscribe} without running any script.
 *
 * <h2>Entries</h2>
 * Entries are keyed by {@link SubscriberId} (mountpoint and client id; the user name is not part
 * of the key). Several inserts for one key coexist: matching uses the <b>newest</b>,
 * {@link #clear} removes the <b>oldest</b>, so when a reconnecting client takes over a session
 * the old connection going offline leaves the new connection's ACLs in place.
 *
 * <h2>ACLs</h2>
 * ACLs are model values (see {@link io.polyhook.core.provider.Values}) in the format of the
 * bundled auth scripts' JSON (reference §3.5): a list of tables with {@code pattern} (required),
 * {@code max_qos} (0..2, default 2), {@code max_payload_size} (0..268435456, default
 * 268435456), {@code allowed_retain} (default true) and {@code modifiers}. A {@code null} list
 * means no ACLs of that kind: every such request of the client is denied. Placeholders
 * {@code %u}, {@code %c}, {@code %m} that form a whole topic level are replaced at insert time.
 * A broken ACL never fails the insert: it is logged and matches nothing (bad pattern or limit),
 * grants unmodified (invalid modifiers) or is read without its unknown keys.
 *
 * <h2>Matching</h2>
 * The {@code match*} methods answer like a chain handler: {@linkplain Verdict#next() next} when
 * the client has no entry (the hook's handlers decide), otherwise ok (maybe with modifiers) or
 * deny. They are meant to run on a network event loop: they never block, take no lock, and a
 * hit without modifiers allocates nothing beyond the lookup key.
 *
 * <h2>Lifetime</h2>
 * Without a TTL an entry lives until {@link #clear cleared} (the broker does so when the client
 * goes offline, is gone, or its session expires) or {@link #invalidate invalidated}. A TTL, for
 * the whole cache ({@link Builder#defaultTtl}, config {@code providers.auth_cache.ttl}) or per
 * insert, makes a client's entry expire that long after its newest insert; the client's
 * requests then go to the hook handlers again.
 *
 * <p>Thread-safe.
 */
public final class AuthCache {

    private static final Logger LOG = LoggerFactory.getLogger(AuthCache.class);
    private static final long NEVER = Long.MAX_VALUE;

    private final Cache<SubscriberId, ClientEntry> entries;
    private final Ticker ticker;
    private final List<Consumer<SubscriberId>> listeners = new CopyOnWriteArrayList<>();
    private volatile Duration defaultTtl;

    /** An empty cache without a TTL, on the system clock. */
    public AuthCache() {
        this(builder());
    }

    private AuthCache(Builder b) {
        this.ticker = b.ticker;
        this.defaultTtl = b.defaultTtl;
        this.entries = Caffeine.newBuilder()
                // Maintenance runs on the thread that triggers it: cheap, and never a lock wait on
                // reads (Caffeine only tries its lock there). The scheduler evicts expired entries
                // on time, so change listeners hear about expiry without further traffic.
                .executor(Runnable::run)
                .scheduler(b.scheduler ? Scheduler.systemScheduler() : Scheduler.disabledScheduler())
                .ticker(ticker::read)
                .expireAfter(new NewestInsertExpiry())
                .removalListener((SubscriberId id, ClientEntry entry, RemovalCause cause) -> {
                    if (cause == RemovalCause.EXPIRED && id != null) {
                        changed(id);
                    }
                })
                .build();
    }

    /** Starts a cache with the defaults: no TTL, the system clock. */
    public static Builder builder() {
        return new Builder();
    }

    // ---------------------------------------------------------------------------------- inserts

    /**
     * Caches ACLs for a client with the cache's default TTL; see {@link #insert(SubscriberId,
     * String, List, List, Duration)}.
     */
    public void insert(SubscriberId id, String username, List<?> publishAcls, List<?> subscribeAcls) {
        insert(id, username, publishAcls, subscribeAcls, null);
    }

    /**
     * Caches ACLs for a client as its newest entry. Tells the {@link #onChange change listeners}.
     *
     * @param id            the client
     * @param username      its user name, substituted for {@code %u}
     * @param publishAcls   the publish ACL tables, or {@code null} for none (deny every publish)
     * @param subscribeAcls the subscribe ACL tables, or {@code null} for none (deny every subscribe)
     * @param ttl           how long the entry lives, or {@code null} for the cache's default
     */
    public void insert(SubscriberId id, String username, List<?> publishAcls, List<?> subscribeAcls, Duration ttl) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(username, "username");
        if (ttl != null && (ttl.isNegative() || ttl.isZero())) {
            throw new IllegalArgumentException("ttl must be positive, was " + ttl);
        }
        AclReader reader = new AclReader(LOG, id, username);
        Duration lifetime = ttl != null ? ttl : defaultTtl;
        long expiresAt = lifetime == null ? NEVER : saturatedAdd(ticker.read(), lifetime);
        CachedAcls acls = new CachedAcls(username, reader.publish(publishAcls), reader.subscribe(subscribeAcls), expiresAt);
        update(id, old -> old == null ? ClientEntry.of(acls) : old.plus(acls));
    }

    // --------------------------------------------------------------------------------- matching

    /**
     * Answers {@code auth_on_publish[_m5]}: ok if the first ACL that grants the QoS, payload size,
     * retain flag and topic has no modifiers; ok with its modifiers (MQTT 3 clients: without
     * the properties) if it has; deny if no ACL grants; next if the client has no entry.
     */
    public Verdict<PublishModifiers> matchPublish(PublishContext context) {
        CachedAcls acls = newest(context.mountpoint(), context.clientId());
        if (acls == null) {
            return Verdict.next();
        }
        PublishAcl acl = acls.publishAcl(context.topic(), context.qos(), context.payload().size(), context.retain());
        if (acl == null) {
            return Verdict.deny();
        }
        return context.protocolVersion().isMqtt5() ? acl.grantV5() : acl.grantV3();
    }

    /**
     * Answers {@code auth_on_subscribe[_m5]}: every filter must be granted (QoS and pattern) by
     * some ACL, else the whole SUBSCRIBE is denied. If no granting ACL has modifiers: ok.
     * Otherwise ok with a rewrite, in request order: a filter granted by an ACL with modifiers
     * is replaced by the ACL's subscriptions (with the request's MQTT 5 options), a filter
     * granted by a plain ACL is kept as requested. Next if the client has no entry.
     */
    public Verdict<SubscribeModifiers> matchSubscribe(SubscribeContext context) {
        CachedAcls acls = newest(context.mountpoint(), context.clientId());
        if (acls == null) {
            return Verdict.next();
        }
        List<TopicSubscription> topics = context.topics();
        boolean rewritten = false;
        for (int i = 0; i < topics.size(); i++) {
            TopicSubscription t = topics.get(i);
            SubscribeAcl acl = acls.subscribeAcl(t.filter(), t.qos());
            if (acl == null) {
                return Verdict.deny();
            }
            rewritten |= acl.rewrite() != null;
        }
        if (!rewritten) {
            return Verdict.ok();
        }
        List<TopicSubscription> out = new ArrayList<>();
        for (TopicSubscription t : topics) {
            List<TopicSubscription> rewrite = acls.subscribeAcl(t.filter(), t.qos()).rewrite();
            if (rewrite == null) {
                out.add(t);
            } else {
                for (TopicSubscription r : rewrite) {
                    out.add(new TopicSubscription(r.filter(), r.qos(), t.options()));
                }
            }
        }
        return Verdict.ok(new SubscribeModifiers(out));
    }

    /**
     * Answers {@code on_unsubscribe[_m5]}, keeping unsubscribes consistent with the subscribe
     * rewrites: each filter is matched as a QoS 0 subscribe. If every filter is granted and no
     * granting ACL has modifiers: ok (unchanged). If some have: ok with a rewrite where those
     * filters are replaced by the ACLs' modifier topics. If a filter is not granted, or the
     * client has no entry: next (the handlers decide; with none, the filters are unsubscribed
     * as requested).
     */
    public Verdict<UnsubscribeModifiers> matchUnsubscribe(UnsubscribeContext context) {
        CachedAcls acls = newest(context.mountpoint(), context.clientId());
        if (acls == null) {
            return Verdict.next();
        }
        List<String> filters = context.topics();
        boolean rewritten = false;
        for (int i = 0; i < filters.size(); i++) {
            SubscribeAcl acl = acls.subscribeAcl(filters.get(i), 0);
            if (acl == null) {
                return Verdict.next();
            }
            rewritten |= acl.rewrite() != null;
        }
        if (!rewritten) {
            return Verdict.ok();
        }
        List<String> out = new ArrayList<>();
        for (String filter : filters) {
            List<TopicSubscription> rewrite = acls.subscribeAcl(filter, 0).rewrite();
            if (rewrite == null) {
                out.add(filter);
            } else {
                rewrite.forEach(r -> out.add(r.filter()));
            }
        }
        return Verdict.ok(new UnsubscribeModifiers(out));
    }

    /** The newest ACLs of a client, or {@code null}; for the script functions. */
    /**
     * Whether no client has an entry, cheaply (no clean-up, no lock): asked on the event loop for
     * every PUBLISH. An entry that expired but was not cleaned up yet still counts, so
     * {@code false} does not promise an answer; {@code true} promises none.
     */
    public boolean isEmpty() {
        return entries.estimatedSize() == 0;
    }

    CachedAcls newest(String mountpoint, String clientId) {
        if (isEmpty()) {
            // Asked on the event loop for every PUBLISH: an unused cache costs no key and no lookup.
            return null;
        }
        ClientEntry entry = entries.getIfPresent(new SubscriberId(mountpoint, clientId));
        return entry == null ? null : entry.newest();
    }

    // ------------------------------------------------------------------------------- removal

    /**
     * Removes the <b>oldest</b> entry of a client, as the broker does when the client goes
     * offline, is gone, or its session expires. Tells the change listeners if that was the
     * client's only entry.
     *
     * @return whether there was an entry
     */
    public boolean clear(SubscriberId id) {
        return update(id, old -> old == null ? null : old.withoutOldest());
    }

    /**
     * Removes every entry of a client (admin API, scripts): its next requests go to the hook
     * handlers. Tells the change listeners.
     *
     * @return whether there was an entry
     */
    public boolean invalidate(SubscriberId id) {
        return update(id, old -> null);
    }

    /**
     * Removes every entry inserted for {@code username}, in any mountpoint.
     *
     * @return the number of clients that lost an entry
     */
    public int invalidateUser(String username) {
        return invalidateUser(null, username);
    }

    /**
     * Removes every entry inserted for {@code username} in {@code mountpoint} ({@code null}:
     * any mountpoint). Tells the change listeners of every client whose newest entry went.
     *
     * @return the number of clients that lost an entry
     */
    public int invalidateUser(String mountpoint, String username) {
        Objects.requireNonNull(username, "username");
        int count = 0;
        for (SubscriberId id : List.copyOf(entries.asMap().keySet())) {
            if ((mountpoint == null || mountpoint.equals(id.mountpoint()))
                    && update(id, old -> old == null ? null : old.without(acls -> acls.username().equals(username)))) {
                count++;
            }
        }
        return count;
    }

    /**
     * Removes every entry of every client. Tells the change listeners of each.
     *
     * @return the number of clients that had an entry
     */
    public int invalidateAll() {
        int count = 0;
        for (SubscriberId id : List.copyOf(entries.asMap().keySet())) {
            if (invalidate(id)) {
                count++;
            }
        }
        return count;
    }

    // ----------------------------------------------------------------------------- inspection

    /** What the cache holds for one client, for the admin API. */
    public Optional<Entry> entry(SubscriberId id) {
        ClientEntry entry = entries.getIfPresent(id);
        return entry == null ? Optional.empty() : Optional.of(describe(id, entry));
    }

    /** What the cache holds, by mountpoint and client id, for the admin API. */
    public List<Entry> entries() {
        entries.cleanUp();
        List<Entry> out = new ArrayList<>();
        entries.asMap().forEach((id, entry) -> out.add(describe(id, entry)));
        out.sort(Comparator.comparing((Entry e) -> e.subscriberId().mountpoint())
                .thenComparing(e -> e.subscriberId().clientId()));
        return out;
    }

    /** The number of clients with an entry. */
    public int size() {
        entries.cleanUp();
        return entries.asMap().size();
    }

    /**
     * Calls {@code listener} with a client's id whenever the ACLs the cache answers for that
     * client change: an insert, an invalidation, the expiry of its entry, or a clear that
     * removed its last entry (a clear that leaves a newer entry changes nothing). The broker uses
     * it to re-authorize the client's live subscriptions.
     *
     * <p>The listener runs on the thread that made the change: a script's thread, an admin
     * thread, Caffeine's scheduler thread, or (for an expiry noticed by a lookup) a network
     * event loop. It must be quick and must not block: hand the work to the client's lane.
     * An exception it throws is logged and ignored.
     *
     * @return a registration; closing it removes the listener
     */
    public Registration onChange(Consumer<SubscriberId> listener) {
        Objects.requireNonNull(listener, "listener");
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** Sets the TTL of later inserts that give none; {@code null} for none. */
    void defaultTtl(Duration ttl) {
        defaultTtl = ttl;
    }

    /** The TTL of inserts that give none, if any. */
    public Optional<Duration> defaultTtl() {
        return Optional.ofNullable(defaultTtl);
    }

    // ------------------------------------------------------------------------------- internal

    /**
     * Applies {@code change} to a client's entry atomically; tells the listeners if the newest
     * ACLs changed. Returns whether the entry changed at all.
     */
    private boolean update(SubscriberId id, UnaryOperator<ClientEntry> change) {
        Objects.requireNonNull(id, "id");
        Object[] beforeAfter = new Object[2];
        entries.asMap().compute(id, (key, old) -> {
            ClientEntry next = change.apply(old);
            beforeAfter[0] = old;
            beforeAfter[1] = next;
            return next;
        });
        ClientEntry before = (ClientEntry) beforeAfter[0];
        ClientEntry after = (ClientEntry) beforeAfter[1];
        CachedAcls newestBefore = before == null ? null : before.newest();
        CachedAcls newestAfter = after == null ? null : after.newest();
        if (newestBefore != newestAfter) {
            changed(id);
        }
        return before != after;
    }

    private void changed(SubscriberId id) {
        for (Consumer<SubscriberId> listener : listeners) {
            try {
                listener.accept(id);
            } catch (RuntimeException e) {
                LOG.warn("auth_cache: change listener failed for client '{}': {}", id.clientId(), e.toString());
            }
        }
    }

    private Entry describe(SubscriberId id, ClientEntry entry) {
        CachedAcls newest = entry.newest();
        List<String> publish = new ArrayList<>();
        for (PublishAcl acl : newest.publish()) {
            publish.add(acl.pattern().toString());
        }
        List<String> subscribe = new ArrayList<>();
        for (SubscribeAcl acl : newest.subscribe()) {
            subscribe.add(acl.pattern().toString());
        }
        Optional<Duration> expiresIn = newest.expiresAt() == NEVER ? Optional.empty()
                : Optional.of(Duration.ofNanos(Math.max(0, newest.expiresAt() - ticker.read())));
        return new Entry(id, newest.username(), entry.versions(), publish, subscribe, expiresIn);
    }

    private static long saturatedAdd(long now, Duration ttl) {
        long nanos;
        try {
            nanos = ttl.toNanos();
        } catch (ArithmeticException tooLong) {
            return NEVER;
        }
        long at = now + nanos;
        return ((now ^ at) & (nanos ^ at)) < 0 ? NEVER : at;
    }

    /** A client's entry lives until its newest insert expires. */
    private static final class NewestInsertExpiry implements Expiry<SubscriberId, ClientEntry> {
        @Override
        public long expireAfterCreate(SubscriberId key, ClientEntry value, long currentTime) {
            return remaining(value, currentTime);
        }

        @Override
        public long expireAfterUpdate(SubscriberId key, ClientEntry value, long currentTime, long currentDuration) {
            return remaining(value, currentTime);
        }

        @Override
        public long expireAfterRead(SubscriberId key, ClientEntry value, long currentTime, long currentDuration) {
            return currentDuration;
        }

        private static long remaining(ClientEntry value, long now) {
            long at = value.newest().expiresAt();
            return at == NEVER ? Long.MAX_VALUE : Math.max(0, at - now);
        }
    }

    /**
     * What the cache holds for one client: the newest insert's user name and patterns
     * (placeholders replaced, {@code <invalid>} for an ACL that matches nothing).
     *
     * @param subscriberId      the client
     * @param username          the user name of the newest insert
     * @param versions          how many inserts are held (more than one during a takeover)
     * @param publishPatterns   the publish ACL patterns of the newest insert, in order
     * @param subscribePatterns the subscribe ACL patterns of the newest insert, in order
     * @param expiresIn         how long until the entry expires, if it has a TTL
     */
    public record Entry(SubscriberId subscriberId, String username, int versions, List<String> publishPatterns,
                        List<String> subscribePatterns, Optional<Duration> expiresIn) {
        /** Copies the lists. */
        public Entry {
            publishPatterns = List.copyOf(publishPatterns);
            subscribePatterns = List.copyOf(subscribePatterns);
        }
    }

    /** Builds an {@link AuthCache}. Not thread-safe. */
    public static final class Builder {
        private Duration defaultTtl;
        private Ticker ticker = Ticker.system();
        private boolean scheduler = true;

        private Builder() {
        }

        /**
         * The TTL of inserts that give none; none by default (entries live until cleared). The
         * {@code providers.auth_cache.ttl} config, when set, replaces it as the catalog starts.
         */
        public Builder defaultTtl(Duration ttl) {
            if (ttl != null && (ttl.isNegative() || ttl.isZero())) {
                throw new IllegalArgumentException("ttl must be positive, was " + ttl);
            }
            defaultTtl = ttl;
            return this;
        }

        /**
         * The clock TTLs are measured with; tests move a fake one. A cache on a fake clock does
         * not schedule evictions in real time: expired entries are dropped as they are looked
         * up, and on {@link #entries()} and {@link #size()}.
         */
        public Builder ticker(Ticker value) {
            ticker = Objects.requireNonNull(value, "ticker");
            scheduler = false;
            return this;
        }

        /** Returns the cache. */
        public AuthCache build() {
            return new AuthCache(this);
        }
    }
}
