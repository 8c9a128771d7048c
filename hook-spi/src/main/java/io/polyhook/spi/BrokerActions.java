package io.polyhook.spi;

import java.util.Optional;

/**
 * What a plugin may do to the broker: the same operations scripts reach through the
 * {@code vmq_api} library, carried out by the same broker code. Every method may be called from
 * any thread, handlers included; none of them waits for a client.
 *
 * @since 0.1
 */
public interface BrokerActions {

    /**
     * Routes a message as the broker itself: no publisher (so no-local never filters it) and no
     * {@code auth_on_publish}. Subscribers get it as they would any message, {@code on_deliver}
     * included; a retained message replaces the topic's retained one.
     *
     * @param message the message
     * @since 0.1
     */
    void publish(Publication message);

    /**
     * Disconnects the client with that subscriber id, if it is connected; an MQTT 5 client gets a
     * DISCONNECT with reason code 0x98 (administrative action).
     *
     * @param client         the client
     * @param discardSession whether to remove its session too (subscriptions, queued messages)
     * @return whether a session with that id was found
     * @since 0.1
     */
    boolean disconnect(SubscriberId client, boolean discardSession);

    /**
     * Re-runs {@code auth_on_subscribe[_m5]} for each stored subscription of the client and
     * removes those that are no longer allowed. Runs later, on the client's lane, so a handler of
     * that very client may call it without waiting on itself.
     *
     * @param client   the client
     * @param username the user name to authorize as; empty to keep the one it connected with
     * @since 0.1
     */
    void reauthorizeSubscriptions(SubscriberId client, Optional<String> username);
}
