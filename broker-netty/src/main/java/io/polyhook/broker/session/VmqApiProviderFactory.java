package io.polyhook.broker.session;

import io.polyhook.core.provider.Arguments;
import io.polyhook.core.provider.DataProvider;
import io.polyhook.core.provider.ProviderContext;
import io.polyhook.core.provider.ProviderFactory;
import io.polyhook.core.script.model.HookResults;
import io.polyhook.spi.BrokerActions;
import io.polyhook.spi.Bytes;
import io.polyhook.spi.Hooks;
import io.polyhook.spi.MqttProperties;
import io.polyhook.spi.Publication;
import io.polyhook.spi.PublishModifiers;
import io.polyhook.spi.SubscriberId;
import io.polyhook.spi.Topics;
import io.polyhook.spi.Verdict;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code vmq_api} library (vmq_diversity §2.16) over this broker's sessions, through the same
 * {@link BrokerActions} Java plugins get. Not found by ServiceLoader: the broker constructs it and
 * adds it to the provider catalog with {@code .factory(...)}.
 *
 * <ul>
 *   <li>{@code disconnect_by_subscriber_id({mountpoint=, client_id=}, {do_cleanup=bool})} →
 *       {@code "ok"} | {@code "not_found"}; both subscriber-id fields are mandatory.</li>
 *   <li>{@code reauthorize_subscriptions(username, {mountpoint=, client_id=}, opts)} → {@code "ok"}:
 *       re-runs {@code auth_on_subscribe[_m5]} for each stored subscription, asynchronously on the
 *       client's lane (so a hook of that very client may call it without waiting on itself).</li>
 *   <li>{@code publish(topic, payload, qos, retain[, opts])} → {@code true}: routes a message as
 *       the broker itself (no publisher, so no-local never filters it, and no
 *       {@code auth_on_publish}). {@code opts.mountpoint} picks the mountpoint (default {@code ""});
 *       the other keys are MQTT 5 properties in the {@code p_*} form hooks return
 *       ({@code p_user_property}, {@code p_message_expiry_interval}, ...). Errors for an invalid
 *       topic, a QoS other than 0..2, or an unknown property.</li>
 * </ul>
 */
public final class VmqApiProviderFactory implements ProviderFactory {

    private final BrokerActions broker;

    /** A factory whose provider acts through {@code broker}, as Java plugins do. */
    public VmqApiProviderFactory(BrokerActions broker) {
        this.broker = broker;
    }

    @Override
    public String name() {
        return "vmq_api";
    }

    @Override
    public DataProvider create(ProviderContext context) {
        return DataProvider.builder("vmq_api")
                .function("disconnect_by_subscriber_id", this::disconnect)
                .function("reauthorize_subscriptions", this::reauthorize)
                .function("publish", this::publish)
                .build();
    }

    private Object disconnect(Arguments args) {
        SubscriberId id = subscriberId(args, 1);
        boolean cleanup = args.size() >= 2 && !args.isNil(2) && Boolean.TRUE.equals(args.map(2).get("do_cleanup"));
        return broker.disconnect(id, cleanup) ? "ok" : "not_found";
    }

    private Object reauthorize(Arguments args) {
        Optional<String> username = args.isNil(1) ? Optional.empty() : Optional.of(args.string(1));
        SubscriberId id = subscriberId(args, 2);
        broker.reauthorizeSubscriptions(id, username);
        return "ok";
    }

    private Object publish(Arguments args) {
        String topic = args.string(1);
        if (!Topics.isValidName(topic)) {
            throw args.argError(1, "is not a valid topic name: '" + topic + "'");
        }
        byte[] payload = args.isBinary(2) ? args.bytes(2) : args.string(2).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        long qos = args.longValue(3);
        if (qos < 0 || qos > 2) {
            throw args.argError(3, "qos must be 0, 1 or 2, was " + qos);
        }
        boolean retain = args.bool(4);
        String mountpoint = "";
        MqttProperties props = MqttProperties.EMPTY;
        if (args.size() >= 5 && !args.isNil(5)) {
            Map<String, Object> opts = new LinkedHashMap<>(args.map(5));
            Object mp = opts.remove("mountpoint");
            if (mp != null) {
                if (!(mp instanceof String s)) {
                    throw args.argError(5, "mountpoint must be a string");
                }
                mountpoint = s;
            }
            if (!opts.isEmpty()) {
                props = properties(args, opts);
            }
        }
        broker.publish(Publication.builder(topic, Bytes.wrap(payload)).qos((int) qos).retain(retain).mountpoint(mountpoint)
                .properties(props).build());
        return Boolean.TRUE;
    }

    /** The p_* properties, read exactly as an auth_on_publish_m5 modifier's would be. */
    private static MqttProperties properties(Arguments args, Map<String, Object> opts) {
        try {
            Verdict<PublishModifiers> v = HookResults.verdict(Hooks.AUTH_ON_PUBLISH_M5, Map.of("properties", opts), List.of());
            if (v instanceof Verdict.Ok<PublishModifiers> ok && ok.modifiers().isPresent()) {
                return ok.modifiers().get().properties().orElse(MqttProperties.EMPTY);
            }
            return MqttProperties.EMPTY;
        } catch (RuntimeException e) {
            throw args.argError(5, e.getMessage());
        }
    }

    private static SubscriberId subscriberId(Arguments args, int position) {
        Map<String, Object> sid = args.map(position);
        Object mp = sid.get("mountpoint");
        Object cid = sid.get("client_id");
        if (!(mp instanceof String mountpoint) || !(cid instanceof String clientId)) {
            throw args.argError(position, "must have the string fields mountpoint and client_id");
        }
        return new SubscriberId(mountpoint, clientId);
    }
}
