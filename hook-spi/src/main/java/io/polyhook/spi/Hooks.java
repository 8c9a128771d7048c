package io.polyhook.spi;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The 22 hook points, with vmq_diversity's names. MQTT 3 clients are served by the plain hooks,
 * MQTT 5 clients by the {@code _m5} variants; a hook with no registered handler costs nothing.
 *
 * <table>
 *   <caption>Hook points</caption>
 *   <tr><th>hook</th><th>kind</th><th>called when</th></tr>
 *   <tr><td>{@code auth_on_register[_m5]}</td><td>chain</td><td>a client connects (not called when anonymous access is allowed)</td></tr>
 *   <tr><td>{@code on_auth_m5}</td><td>chain</td><td>MQTT 5 enhanced authentication: CONNECT with a method, each AUTH</td></tr>
 *   <tr><td>{@code on_register[_m5]}</td><td>notification</td><td>a client was admitted</td></tr>
 *   <tr><td>{@code auth_on_publish[_m5]}</td><td>chain</td><td>a PUBLISH arrives; also the will at CONNECT</td></tr>
 *   <tr><td>{@code on_publish[_m5]}</td><td>notification</td><td>an admitted message was routed</td></tr>
 *   <tr><td>{@code auth_on_subscribe[_m5]}</td><td>chain</td><td>a SUBSCRIBE arrives, or subscriptions are re-authorized</td></tr>
 *   <tr><td>{@code on_subscribe[_m5]}</td><td>notification</td><td>subscriptions were stored</td></tr>
 *   <tr><td>{@code on_unsubscribe[_m5]}</td><td>chain</td><td>an UNSUBSCRIBE arrives (may rewrite the filters)</td></tr>
 *   <tr><td>{@code on_deliver[_m5]}</td><td>chain</td><td>a message goes to one subscriber (may rewrite it)</td></tr>
 *   <tr><td>{@code on_offline_message}</td><td>notification</td><td>a QoS 1/2 message is queued for an offline session</td></tr>
 *   <tr><td>{@code on_client_wakeup}</td><td>notification</td><td>a session comes online</td></tr>
 *   <tr><td>{@code on_client_offline}</td><td>notification</td><td>the last connection of a persistent session went away</td></tr>
 *   <tr><td>{@code on_client_gone}</td><td>notification</td><td>the last connection of a non-persistent session went away</td></tr>
 *   <tr><td>{@code on_session_expired}</td><td>notification</td><td>an offline persistent session expired</td></tr>
 * </table>
 *
 * @since 0.1
 */
public final class Hooks {

    private static final List<Hook<?>> ALL = new ArrayList<>();

    /**
     * A MQTT 3 client connects. Chain; exhausted means refused.
     *
     * @since 0.1
     */
    public static final ChainHook<RegisterContext, RegisterModifiers> AUTH_ON_REGISTER =
            chain("auth_on_register", RegisterContext.class, RegisterModifiers.class, ChainHook.Kind.AUTHORIZATION, false);
    /**
     * A MQTT 5 client connects. Chain; exhausted means refused.
     *
     * @since 0.1
     */
    public static final ChainHook<RegisterContext, RegisterModifiers> AUTH_ON_REGISTER_M5 =
            chain("auth_on_register_m5", RegisterContext.class, RegisterModifiers.class, ChainHook.Kind.AUTHORIZATION, true);
    /**
     * One step of MQTT 5 enhanced authentication. Chain.
     *
     * @since 0.1
     */
    public static final ChainHook<AuthContext, AuthModifiers> ON_AUTH_M5 =
            chain("on_auth_m5", AuthContext.class, AuthModifiers.class, ChainHook.Kind.AUTHORIZATION, true);
    /**
     * A MQTT 3 client was admitted. Notification.
     *
     * @since 0.1
     */
    public static final NotificationHook<RegisterContext> ON_REGISTER = notification("on_register", RegisterContext.class, false);
    /**
     * A MQTT 5 client was admitted. Notification.
     *
     * @since 0.1
     */
    public static final NotificationHook<RegisterContext> ON_REGISTER_M5 = notification("on_register_m5", RegisterContext.class, true);
    /**
     * A MQTT 3 client publishes (or connects with a will). Chain; exhausted means the broker's {@code no_match}.
     *
     * @since 0.1
     */
    public static final ChainHook<PublishContext, PublishModifiers> AUTH_ON_PUBLISH =
            chain("auth_on_publish", PublishContext.class, PublishModifiers.class, ChainHook.Kind.AUTHORIZATION, false);
    /**
     * A MQTT 5 client publishes (or connects with a will). Chain; exhausted means the broker's {@code no_match}.
     *
     * @since 0.1
     */
    public static final ChainHook<PublishContext, PublishModifiers> AUTH_ON_PUBLISH_M5 =
            chain("auth_on_publish_m5", PublishContext.class, PublishModifiers.class, ChainHook.Kind.AUTHORIZATION, true);
    /**
     * A MQTT 3 client's message was routed. Notification.
     *
     * @since 0.1
     */
    public static final NotificationHook<PublishContext> ON_PUBLISH = notification("on_publish", PublishContext.class, false);
    /**
     * A MQTT 5 client's message was routed. Notification.
     *
     * @since 0.1
     */
    public static final NotificationHook<PublishContext> ON_PUBLISH_M5 = notification("on_publish_m5", PublishContext.class, true);
    /**
     * A MQTT 3 client subscribes. Chain; exhausted means the broker's {@code no_match}.
     *
     * @since 0.1
     */
    public static final ChainHook<SubscribeContext, SubscribeModifiers> AUTH_ON_SUBSCRIBE =
            chain("auth_on_subscribe", SubscribeContext.class, SubscribeModifiers.class, ChainHook.Kind.AUTHORIZATION, false);
    /**
     * A MQTT 5 client subscribes. Chain; exhausted means the broker's {@code no_match}.
     *
     * @since 0.1
     */
    public static final ChainHook<SubscribeContext, SubscribeModifiers> AUTH_ON_SUBSCRIBE_M5 =
            chain("auth_on_subscribe_m5", SubscribeContext.class, SubscribeModifiers.class, ChainHook.Kind.AUTHORIZATION, true);
    /**
     * A MQTT 3 client's subscriptions were stored. Notification.
     *
     * @since 0.1
     */
    public static final NotificationHook<SubscribeContext> ON_SUBSCRIBE = notification("on_subscribe", SubscribeContext.class, false);
    /**
     * A MQTT 5 client's subscriptions were stored. Notification.
     *
     * @since 0.1
     */
    public static final NotificationHook<SubscribeContext> ON_SUBSCRIBE_M5 = notification("on_subscribe_m5", SubscribeContext.class, true);
    /**
     * A MQTT 3 client unsubscribes. Chain that may rewrite; exhausted means unchanged.
     *
     * @since 0.1
     */
    public static final ChainHook<UnsubscribeContext, UnsubscribeModifiers> ON_UNSUBSCRIBE =
            chain("on_unsubscribe", UnsubscribeContext.class, UnsubscribeModifiers.class, ChainHook.Kind.REWRITE, false);
    /**
     * A MQTT 5 client unsubscribes. Chain that may rewrite; exhausted means unchanged.
     *
     * @since 0.1
     */
    public static final ChainHook<UnsubscribeContext, UnsubscribeModifiers> ON_UNSUBSCRIBE_M5 =
            chain("on_unsubscribe_m5", UnsubscribeContext.class, UnsubscribeModifiers.class, ChainHook.Kind.REWRITE, true);
    /**
     * A message goes to a MQTT 3 subscriber. Chain that may rewrite; delivered whatever the verdict.
     *
     * @since 0.1
     */
    public static final ChainHook<PublishContext, DeliverModifiers> ON_DELIVER =
            chain("on_deliver", PublishContext.class, DeliverModifiers.class, ChainHook.Kind.REWRITE, false);
    /**
     * A message goes to a MQTT 5 subscriber. Chain that may rewrite; delivered whatever the verdict.
     *
     * @since 0.1
     */
    public static final ChainHook<PublishContext, DeliverModifiers> ON_DELIVER_M5 =
            chain("on_deliver_m5", PublishContext.class, DeliverModifiers.class, ChainHook.Kind.REWRITE, true);
    /**
     * A QoS 1 or 2 message was queued for an offline session. Notification.
     *
     * @since 0.1
     */
    public static final NotificationHook<PublishContext> ON_OFFLINE_MESSAGE =
            notification("on_offline_message", PublishContext.class, false);
    /**
     * A session came online. Notification.
     *
     * @since 0.1
     */
    public static final NotificationHook<ClientContext> ON_CLIENT_WAKEUP = notification("on_client_wakeup", ClientContext.class, false);
    /**
     * The last connection of a persistent session went away. Notification.
     *
     * @since 0.1
     */
    public static final NotificationHook<ClientContext> ON_CLIENT_OFFLINE = notification("on_client_offline", ClientContext.class, false);
    /**
     * The last connection of a non-persistent session went away. Notification.
     *
     * @since 0.1
     */
    public static final NotificationHook<ClientContext> ON_CLIENT_GONE = notification("on_client_gone", ClientContext.class, false);
    /**
     * An offline persistent session expired and was removed. Notification.
     *
     * @since 0.1
     */
    public static final NotificationHook<ClientContext> ON_SESSION_EXPIRED = notification("on_session_expired", ClientContext.class, false);

    private static final List<Hook<?>> VIEW = Collections.unmodifiableList(ALL);

    private Hooks() {
    }

    /**
     * All hook points, in the order of this class's constants.
     *
     * @since 0.1
     */
    public static List<Hook<?>> all() {
        return VIEW;
    }

    /**
     * The hook point with that script name ({@code "auth_on_publish"}), if there is one.
     *
     * @since 0.1
     */
    public static Optional<Hook<?>> byName(String name) {
        for (Hook<?> h : ALL) {
            if (h.name().equals(name)) {
                return Optional.of(h);
            }
        }
        return Optional.empty();
    }

    private static <C extends HookContext, M extends Modifiers> ChainHook<C, M> chain(
            String name, Class<C> ctx, Class<M> mods, ChainHook.Kind kind, boolean mqtt5) {
        ChainHook<C, M> h = new ChainHook<>(name, ctx, mods, kind, mqtt5);
        ALL.add(h);
        return h;
    }

    private static <C extends HookContext> NotificationHook<C> notification(String name, Class<C> ctx, boolean mqtt5) {
        NotificationHook<C> h = new NotificationHook<>(name, ctx, mqtt5);
        ALL.add(h);
        return h;
    }
}
