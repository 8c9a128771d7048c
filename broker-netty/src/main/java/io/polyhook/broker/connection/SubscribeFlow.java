package io.polyhook.broker.connection;

import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttTopicSubscription;
import io.netty.handler.codec.mqtt.MqttUnsubscribeMessage;
import io.polyhook.broker.codec.Packets;
import io.polyhook.broker.codec.PropertyMapping;
import io.polyhook.broker.hookbridge.ReasonCodes;
import io.polyhook.broker.hookbridge.Refusal;
import io.polyhook.broker.routing.Message;
import io.polyhook.broker.routing.SubscriptionTree;
import io.polyhook.broker.session.SessionRegistry;
import io.polyhook.core.hook.ChainOutcome;
import io.polyhook.core.hook.HandlerOrigin;
import io.polyhook.spi.MqttProperties;
import io.polyhook.spi.RetainHandling;
import io.polyhook.spi.SubscribeContext;
import io.polyhook.spi.SubscribeModifiers;
import io.polyhook.spi.SubscriptionOptions;
import io.polyhook.spi.TopicSubscription;
import io.polyhook.spi.Topics;
import io.polyhook.spi.UnsubscribeContext;
import io.polyhook.spi.UnsubscribeModifiers;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * SUBSCRIBE and UNSUBSCRIBE of an admitted client: the filters checked, then
 * {@code auth_on_subscribe[_m5]} (or {@code on_unsubscribe[_m5]}) while the client's later packets
 * wait, the subscriptions stored, the SUBACK (UNSUBACK) with a code per filter and the reason
 * string of a deny, the retained messages, and {@code on_subscribe[_m5]}. Stateless: everything
 * is on the {@link Connection} and its session.
 */
final class SubscribeFlow {

    // What allow_subscribe=false from auth_on_register amounts to, without calling a hook.
    private static final ChainOutcome<SubscribeModifiers> NOT_PERMITTED = new ChainOutcome.Denied<>(
            Optional.empty(), Optional.empty(), HandlerOrigin.plugin("allow_subscribe"), ChainOutcome.Cause.VERDICT);

    // allow_subscribe_during_netsplit: false while the cluster is not whole.
    private static final ChainOutcome<SubscribeModifiers> NETSPLIT = new ChainOutcome.Denied<>(
            Optional.of(io.polyhook.spi.ReasonCode.IMPLEMENTATION_SPECIFIC_ERROR), Optional.of("cluster netsplit"),
            HandlerOrigin.plugin("cluster"), ChainOutcome.Cause.VERDICT);

    private SubscribeFlow() {
    }

    static void subscribe(Connection c, MqttSubscribeMessage m) {
        boolean v5 = c.isMqtt5();
        int packetId = m.idAndPropertiesVariableHeader().messageId();
        MqttProperties props;
        try {
            props = PropertyMapping.fromWire(m.idAndPropertiesVariableHeader().properties());
        } catch (IllegalArgumentException e) {
            c.disconnect(Packets.PROTOCOL_ERROR, "invalid SUBSCRIBE properties");
            return;
        }
        OptionalInt subId = props.subscriptionIdentifiers().isEmpty() ? OptionalInt.empty()
                : OptionalInt.of(props.subscriptionIdentifiers().get(0));
        List<MqttTopicSubscription> requested = m.payload().topicSubscriptions();
        // Per requested filter: the code to send if it never reaches the authorization (-1: it does).
        int[] early = new int[requested.size()];
        List<TopicSubscription> valid = new ArrayList<>();
        List<Integer> validIndex = new ArrayList<>();
        for (int i = 0; i < requested.size(); i++) {
            MqttTopicSubscription t = requested.get(i);
            String filter = t.topicFilter();
            boolean shared = filter.startsWith("$share/");
            if (shared ? SubscriptionTree.sharedParts(filter).isEmpty() : !Topics.isValidFilter(filter)) {
                early[i] = v5 ? Packets.TOPIC_FILTER_INVALID : Packets.UNSPECIFIED_ERROR;
                continue;
            }
            if (shared && v5 && t.option().isNoLocal()) {
                // MQTT 5 §3.8.3.1: No Local on a shared subscription is a protocol error.
                c.protocolError("No Local on a shared subscription");
                return;
            }
            early[i] = -1;
            SubscriptionOptions options = v5
                    ? new SubscriptionOptions(t.option().isRetainAsPublished(), t.option().isNoLocal(),
                    RetainHandling.values()[t.option().retainHandling().value()], subId)
                    : SubscriptionOptions.DEFAULT;
            valid.add(new TopicSubscription(filter, t.qualityOfService().value(), options));
            validIndex.add(i);
        }
        Request request = new Request(packetId, early, valid, validIndex, props);
        var hook = c.hooks.authOnSubscribe();
        if (!c.policy.maySubscribe()) {
            verdict(c, request, NOT_PERMITTED);
        } else if (!c.services.sessions.cluster().allowsSubscribe()) {
            verdict(c, request, NETSPLIT);
        } else if (valid.isEmpty() || !c.services.dispatcher.has(hook)) {
            verdict(c, request, ChainOutcome.unhandled());
        } else {
            SubscribeContext sc = new SubscribeContext(c.version, c.mountpoint, c.clientId, c.username, valid, props);
            c.sequencer.await(c.services.dispatcher.chain(c.lane, hook, sc), outcome -> verdict(c, request, outcome));
        }
    }

    /** A SUBSCRIBE as checked: early codes per requested filter, the valid ones with their positions. */
    private record Request(int packetId, int[] early, List<TopicSubscription> valid, List<Integer> validIndex,
                           MqttProperties properties) {
    }

    private static void verdict(Connection c, Request r, ChainOutcome<SubscribeModifiers> outcome) {
        boolean v5 = c.isMqtt5();
        SessionRegistry sessions = c.services.sessions;
        Refusal refusal = ReasonCodes.ofAuthorization(outcome, c.services.settings.noMatch());
        List<TopicSubscription> granted = outcome instanceof ChainOutcome.Allowed<SubscribeModifiers> ok
                ? ok.modifiers().map(SubscribeModifiers::topics).orElse(r.valid()) : r.valid();
        int denyCode = refusal == null ? -1 : v5 ? ReasonCodes.subAck(refusal.reasonCode()) : Packets.UNSPECIFIED_ERROR;
        List<Integer> codes = new ArrayList<>(r.early().length);
        for (int code : r.early()) {
            codes.add(code);
        }
        List<TopicSubscription> stored = new ArrayList<>();
        List<Message> retainedToSend = new ArrayList<>();
        for (int k = 0; k < granted.size(); k++) {
            TopicSubscription sub = granted.get(k);
            int code;
            if (denyCode >= 0) {
                code = denyCode;
            } else if (sub.isRejected()) {
                code = v5 ? Packets.NOT_AUTHORIZED : Packets.UNSPECIFIED_ERROR;
            } else if (!sessions.maySubscribe(c.session, sub.filter())) {
                // broker.max_subscriptions_per_client: refused, the others stay.
                code = v5 ? Packets.QUOTA_EXCEEDED : Packets.UNSPECIFIED_ERROR;
            } else {
                boolean isNew = sessions.subscribe(c.session, sub);
                stored.add(sub);
                code = sub.qos();
                addRetained(c, sub, isNew, retainedToSend);
            }
            // A rewrite answers the requested filters by position; extra entries are subscribed silently.
            if (k < r.validIndex().size()) {
                codes.set(r.validIndex().get(k), code);
            }
        }
        for (int i = 0; i < codes.size(); i++) {
            if (codes.get(i) < 0) {
                // The rewrite returned fewer entries than were requested: the rest are refused.
                codes.set(i, v5 ? Packets.NOT_AUTHORIZED : Packets.UNSPECIFIED_ERROR);
            }
        }
        c.send(Packets.subAck(r.packetId(), codes, reasonString(c, refusal, codes.size())));
        for (Message retained : retainedToSend) {
            c.outbound.deliverOnLoop(retained);
        }
        var hook = c.hooks.onSubscribe();
        if (!stored.isEmpty() && c.services.dispatcher.has(hook)) {
            c.services.dispatcher.notify(c.lane, hook, new SubscribeContext(c.version, c.mountpoint, c.clientId,
                    c.username, stored, r.properties()));
        }
    }

    /** The retained messages a new subscription gets, by its Retain Handling (MQTT 5 §3.8.3.1). */
    private static void addRetained(Connection c, TopicSubscription sub, boolean isNew, List<Message> into) {
        RetainHandling rh = sub.options().retainHandling();
        // MQTT 5 §4.8.2: retained messages are not sent for a shared subscription.
        if (sub.filter().startsWith("$share/")) {
            rh = RetainHandling.DONT_SEND;
        }
        if (rh == RetainHandling.SEND_RETAIN || (rh == RetainHandling.SEND_IF_NEW_SUB && isNew)) {
            List<Integer> ids = sub.options().subscriptionIdentifier().isPresent()
                    ? List.of(sub.options().subscriptionIdentifier().getAsInt()) : List.of();
            for (Message r : c.services.router.retained().matching(c.mountpoint, sub.filter())) {
                into.add(r.forDelivery(Math.min(r.qos(), sub.qos()), true, ids));
            }
        }
    }

    static void unsubscribe(Connection c, MqttUnsubscribeMessage m) {
        boolean v5 = c.isMqtt5();
        int packetId = m.idAndPropertiesVariableHeader().messageId();
        List<String> filters = m.payload().topics();
        MqttProperties props;
        try {
            props = PropertyMapping.fromWire(m.idAndPropertiesVariableHeader().properties());
        } catch (IllegalArgumentException e) {
            c.disconnect(Packets.PROTOCOL_ERROR, "invalid UNSUBSCRIBE properties");
            return;
        }
        if (!c.policy.mayUnsubscribe() || !c.services.sessions.cluster().allowsSubscribe()) {
            // allow_unsubscribe=false: the subscriptions stay; MQTT 5 says so, MQTT 3 has no negative UNSUBACK.
            List<Short> codes = new ArrayList<>(filters.size());
            filters.forEach(f -> codes.add((short) (v5 ? Packets.NOT_AUTHORIZED : Packets.SUCCESS)));
            c.send(Packets.unsubAck(packetId, codes));
            return;
        }
        var hook = c.hooks.onUnsubscribe();
        if (!c.services.dispatcher.has(hook)) {
            unsubscribe(c, packetId, filters, filters, null);
            return;
        }
        UnsubscribeContext uc = new UnsubscribeContext(c.version, c.mountpoint, c.clientId, c.username, filters, props);
        c.sequencer.await(c.services.dispatcher.chain(c.lane, hook, uc), outcome -> {
            // A rewrite hook: a refusal means "unchanged", but its reason string still goes to the client.
            List<String> effective = outcome instanceof ChainOutcome.Allowed<UnsubscribeModifiers> ok
                    && ok.modifiers().isPresent() ? ok.modifiers().get().topics() : filters;
            unsubscribe(c, packetId, filters, effective,
                    outcome instanceof ChainOutcome.Denied<?> denied ? ReasonCodes.ofDenied(denied) : null);
        });
    }

    private static void unsubscribe(Connection c, int packetId, List<String> requested, List<String> effective,
                                    Refusal refusal) {
        List<Short> codes = new ArrayList<>(requested.size());
        for (int i = 0; i < effective.size(); i++) {
            boolean existed = c.services.sessions.unsubscribe(c.session, effective.get(i));
            if (i < requested.size()) {
                codes.add((short) (existed ? Packets.SUCCESS : Packets.NO_SUBSCRIPTION_EXISTED));
            }
        }
        while (codes.size() < requested.size()) {
            codes.add((short) Packets.SUCCESS);
        }
        c.send(Packets.unsubAck(packetId, codes, reasonString(c, refusal, codes.size())));
    }

    /** The reason string of a refusal for an MQTT 5 SUBACK or UNSUBACK with {@code codes} codes. */
    private static io.netty.handler.codec.mqtt.MqttProperties reasonString(Connection c, Refusal refusal, int codes) {
        if (refusal == null || !c.isMqtt5()) {
            return io.netty.handler.codec.mqtt.MqttProperties.NO_PROPERTIES;
        }
        return c.problems.reasonString(refusal.reasonString(), false, 2 + codes);
    }
}
