package io.polyhook.broker.routing;

import io.polyhook.broker.config.BrokerSettings;
import io.polyhook.spi.SharedSubscriptionPolicy;
import io.polyhook.spi.SubscriberId;
import io.polyhook.spi.TopicSubscription;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Routes admitted messages: the retained store first, then every subscription that matches in the
 * {@link SubscriptionTree}, each to the {@link DeliveryTarget} registered for its subscriber
 * (sessions register theirs). It knows nothing about sessions or connections: a durable queue or
 * a remote node is one more kind of target.
 *
 * <p>Thread-safe; called on the publisher's event loop (or any thread for the broker's own
 * messages), and allocates nothing per subscriber when the message goes out as published.
 */
@Singleton
public final class Router {

    private final BrokerSettings settings;
    private final SubscriptionTree tree;
    private final RetainedStore retained;
    private final Map<SubscriberId, DeliveryTarget> targets = new ConcurrentHashMap<>();
    private volatile RemoteRoutes remote;

    /** A router over {@code tree} and {@code retained}, with the broker's shared subscription policy. */
    @Inject
    public Router(BrokerSettings settings, SubscriptionTree tree, RetainedStore retained) {
        this.settings = settings;
        this.tree = tree;
        this.retained = retained;
    }

    /** The subscriptions it matches against. */
    public SubscriptionTree tree() {
        return tree;
    }

    /** The retained messages it keeps. */
    public RetainedStore retained() {
        return retained;
    }

    /** From now on messages for {@code id} go to {@code target} (replacing any other). */
    public void addTarget(SubscriberId id, DeliveryTarget target) {
        targets.put(id, Objects.requireNonNull(target, "target"));
    }

    /** Messages for {@code id} no longer go to {@code target}, if it is still the one registered. */
    public void removeTarget(SubscriberId id, DeliveryTarget target) {
        targets.remove(id, target);
    }

    /**
     * Routes a message the broker itself publishes in {@code mountpoint}. Its own test of the
     * retain flag: the broker's retained $SYS publications then do not take a branch that the
     * compiled client stream (never retained in a benchmark) has not seen, which deoptimized
     * {@code Router.publish} at every publication ({@code unstable_if} at bci 4).
     */
    public void publish(String mountpoint, Message message) {
        if (message.retain()) {
            retained.retain(mountpoint, message);
        }
        route(mountpoint, message, PublishOrigin.BROKER);
    }

    /**
     * Routes an admitted message in {@code mountpoint}: stores it if retained, then gives it to
     * every matching subscriber with the QoS and options of its subscription, and to one member
     * of every matching shared group. {@code origin} is told of every congested target reached.
     */
    public void publish(String mountpoint, Message message, PublishOrigin origin) {
        if (message.retain()) {
            retained.retain(mountpoint, message);
        }
        route(mountpoint, message, origin);
    }

    /** Gives an admitted message, already retained if it is to be, to its subscribers and groups. */
    private void route(String mountpoint, Message message, PublishOrigin origin) {
        SubscriptionTree.Matches matches = tree.matchAll(mountpoint, message.topic());
        RemoteRoutes others = remote;
        if (others != null) {
            boolean marked = others.publishing();
            try {
                deliverToSubscribers(matches, message, origin);
                // After local delivery: the other nodes, and the shared groups that may span them.
                others.publish(mountpoint, message, origin, matches.shared(), origin.sharedSubscriptionPolicy() != null
                        ? origin.sharedSubscriptionPolicy() : settings.delivery().sharedSubscriptionPolicy());
            } finally {
                if (marked) {
                    others.published();
                }
            }
            return;
        }
        deliverToSubscribers(matches, message, origin);
        for (Map<SubscriberId, TopicSubscription> group : matches.shared().values()) {
            deliverToGroup(group, message, origin);
        }
    }

    /**
     * Routes a message another node sent here: to this node's plain subscribers that match
     * (when {@code subscribers}) and to one member here of each shared group in {@code groups},
     * which the publishing node chose this node for. Never to other nodes, and the retained store
     * is left to the cluster's own copy.
     */
    public void deliverFromPeer(String mountpoint, Message message, boolean subscribers, List<String> groups) {
        SubscriptionTree.Matches matches = tree.matchAll(mountpoint, message.topic());
        if (subscribers) {
            deliverToSubscribers(matches, message, PublishOrigin.BROKER);
        }
        for (String group : groups) {
            Map<SubscriberId, TopicSubscription> members = matches.shared().get(group);
            if (members != null) {
                deliverToGroup(members, message, PublishOrigin.BROKER);
            }
        }
    }

    /** Sets the other nodes of the cluster (null: none, a single node). */
    public void remote(RemoteRoutes others) {
        remote = others;
    }

    private void deliverToSubscribers(SubscriptionTree.Matches matches, Message message, PublishOrigin origin) {
        // forEach, not an entry iterator: no entry object per subscriber.
        matches.subscribers().forEach((id, sub) -> {
            DeliveryTarget target = targets.get(id);
            if (target != null && !(sub.options().noLocal()
                    && message.publisher().filter(id.clientId()::equals).isPresent())) {
                deliver(target, sub, matches.subscriptionIdsOf(id, sub), message, origin);
            }
        });
    }

    /**
     * Gives {@code message} to one member of the shared group {@code group} (a random online
     * one, else a random offline one); returns whether one took it.
     */
    public boolean deliverToGroup(Map<SubscriberId, TopicSubscription> group, Message message, PublishOrigin origin) {
        Member member = pickSharedMember(group);
        if (member == null) {
            return false;
        }
        deliver(member.target(), member.subscription(), SubscriptionTree.Matches.idsOf(member.subscription()),
                message, origin);
        return true;
    }

    /** Whether a member of {@code group} on this node is online now. */
    public boolean hasOnlineMember(Map<SubscriberId, TopicSubscription> group) {
        for (SubscriberId id : group.keySet()) {
            DeliveryTarget t = targets.get(id);
            if (t != null && t.online()) {
                return true;
            }
        }
        return false;
    }

    /** Whether the session {@code id} is online on this node. */
    public boolean isOnline(SubscriberId id) {
        DeliveryTarget t = targets.get(id);
        return t != null && t.online();
    }

    /** Gives the message to {@code target} as {@code sub} gets it, with {@code ids}. */
    private static void deliver(DeliveryTarget target, TopicSubscription sub, List<Integer> ids, Message message,
                                PublishOrigin origin) {
        int qos = target.upgradesQos() ? sub.qos() : Math.min(message.qos(), sub.qos());
        boolean retain = sub.options().retainAsPublished() && message.retain();
        target.deliver(message.forDelivery(qos, retain, ids));
        if (target.congested()) {
            origin.reachedCongested(target);
        }
    }

    private record Member(DeliveryTarget target, TopicSubscription subscription) {
    }

    /**
     * One member of a shared group for one message (MQTT 5 §4.8.2): a random online member, or,
     * if none is online, a random offline one (whose queue keeps it). Which node's members are
     * considered at all is the shared_subscription_policy's choice ({@link RemoteRoutes}).
     */
    private Member pickSharedMember(Map<SubscriberId, TopicSubscription> group) {
        List<Member> online = new ArrayList<>(group.size());
        List<Member> offline = new ArrayList<>(0);
        group.forEach((id, sub) -> {
            DeliveryTarget t = targets.get(id);
            if (t != null) {
                (t.online() ? online : offline).add(new Member(t, sub));
            }
        });
        List<Member> from = online.isEmpty() ? offline : online;
        return from.isEmpty() ? null : from.get(ThreadLocalRandom.current().nextInt(from.size()));
    }
}
