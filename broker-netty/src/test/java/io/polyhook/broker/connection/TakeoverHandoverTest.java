package io.polyhook.broker.connection;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import io.polyhook.broker.config.BrokerSettings;
import io.polyhook.core.hook.internal.HookRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A connection that takes over a live one of the same persistent session: the old connection's
 * unacknowledged messages keep their packet ids and go out first, whatever is routed to the new
 * connection while the old one is still closing on its event loop. On frozen time: the
 * connections' event loops run a timer only when the test moves the clock.
 */
class TakeoverHandoverTest {

    /** How long a connection that took over a live one waits for its hand-over (Admission). */
    private static final long HANDOVER_WAIT_MILLIS = 5_000;

    private final MockTicker time = Ticker.newMockTicker();
    private final EmbeddedCore core = new EmbeddedCore(BrokerSettings.DEFAULT.withAllowAnonymous(true), new HookRegistry(),
            time);

    @AfterEach
    void tearDown() {
        core.close();
    }

    private static MqttMessage connect(String clientId, boolean cleanSession) {
        return MqttMessageBuilders.connect().clientId(clientId).protocolVersion(MqttVersion.MQTT_3_1_1)
                .cleanSession(cleanSession).build();
    }

    private static MqttPublishMessage publish(int qos, int id, String payload) {
        return MqttMessageBuilders.publish().topicName("t").qos(MqttQoS.valueOf(qos)).messageId(id)
                .payload(Unpooled.copiedBuffer(payload, StandardCharsets.UTF_8)).build();
    }

    /** The PUBLISH packets {@code ch} wrote so far, as payload#packetId with "dup " before resent ones. */
    private static List<String> published(EmbeddedChannel ch) {
        ch.runPendingTasks();
        List<String> out = new ArrayList<>();
        Object o;
        while ((o = ch.readOutbound()) != null) {
            if (o instanceof MqttPublishMessage p) {
                out.add((p.fixedHeader().isDup() ? "dup " : "") + p.payload().toString(StandardCharsets.UTF_8)
                        + "#" + p.variableHeader().packetId());
            }
            ReferenceCountUtil.release(o);
        }
        return out;
    }

    /** Moves the clock and runs what fell due on {@code ch}. */
    private void advance(long millis, EmbeddedChannel ch) {
        time.advance(millis, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
    }

    /** Connections "c" (subscribed to "t", with "old" unacknowledged at QoS 2) and the publisher "p". */
    private record Takeover(EmbeddedChannel first, EmbeddedChannel publisher) {
    }

    private Takeover firstConnectionWithAnUnacknowledgedMessage() {
        EmbeddedChannel first = core.channel();
        first.writeInbound(connect("c", false));
        first.writeInbound(MqttMessageBuilders.subscribe().messageId(1).addSubscription(MqttQoS.EXACTLY_ONCE, "t").build());
        published(first);
        EmbeddedChannel publisher = core.channel();
        publisher.writeInbound(connect("p", true));
        publisher.writeInbound(publish(2, 1, "old"));
        publisher.runPendingTasks();
        assertThat(published(first)).containsExactly("old#1");    // no PUBREC from the client
        return new Takeover(first, publisher);
    }

    @Test
    void aMessageRoutedToTheNewConnectionBeforeTheOldOneClosedWaitsForTheOldOnesInFlightMessages() {
        Takeover t = firstConnectionWithAnUnacknowledgedMessage();

        EmbeddedChannel second = core.channel();
        second.writeInbound(connect("c", false));                 // takes over; the first closes on its own loop, later
        published(second);
        t.publisher().writeInbound(publish(1, 2, "new"));
        t.publisher().runPendingTasks();
        assertThat(published(second)).as("before the old connection handed over").isEmpty();

        t.first().runPendingTasks();                              // the old connection closes and hands over
        assertThat(published(second)).containsExactly("dup old#1", "new#2");
    }

    @Test
    void afterTheHandOverNoTimerOfTheWaitIsLeftOnTheNewConnectionsEventLoop() {
        Takeover t = firstConnectionWithAnUnacknowledgedMessage();
        EmbeddedChannel second = core.channel();
        second.writeInbound(connect("c", false));
        published(second);

        t.first().runPendingTasks();                              // the old connection closes and hands over
        assertThat(published(second)).containsExactly("dup old#1");

        assertThat(second.runScheduledPendingTasks()).as("a task still scheduled on the new connection's loop")
                .isEqualTo(-1);
    }

    @Test
    void whenTheOldConnectionNeverHandsOverTheNewOneSendsOnOnceTheWaitRunsOut() {
        Takeover t = firstConnectionWithAnUnacknowledgedMessage();
        EmbeddedChannel second = core.channel();
        second.writeInbound(connect("c", false));                 // the first connection's loop never runs again
        published(second);
        t.publisher().writeInbound(publish(1, 2, "new"));
        t.publisher().runPendingTasks();

        advance(HANDOVER_WAIT_MILLIS - 1, second);
        assertThat(published(second)).as("before the wait ran out").isEmpty();
        advance(1, second);
        assertThat(published(second)).containsExactly("new#1");
    }

    /** An MQTT 5 CONNECT that keeps its session and takes one unacknowledged message at a time. */
    private static MqttMessage connectWithWindowOfOne(String clientId) {
        MqttProperties props = new MqttProperties();
        props.add(new MqttProperties.IntegerProperty(MqttProperties.MqttPropertyType.SESSION_EXPIRY_INTERVAL.value(), 600));
        props.add(new MqttProperties.IntegerProperty(MqttProperties.MqttPropertyType.RECEIVE_MAXIMUM.value(), 1));
        return MqttMessageBuilders.connect().clientId(clientId).protocolVersion(MqttVersion.MQTT_5).cleanSession(false)
                .properties(props).build();
    }

    @Test
    void messagesTheOldConnectionNeverSentGoOutBeforeThoseRoutedToTheNewOneMeanwhile() {
        EmbeddedChannel first = core.channel();
        first.writeInbound(connectWithWindowOfOne("c"));
        first.writeInbound(MqttMessageBuilders.subscribe().messageId(1).addSubscription(MqttQoS.AT_LEAST_ONCE, "t").build());
        published(first);
        EmbeddedChannel publisher = core.channel();
        publisher.writeInbound(connect("p", true));
        publisher.writeInbound(publish(1, 1, "a"), publish(1, 2, "b"));
        publisher.runPendingTasks();
        assertThat(published(first)).as("b waits behind a, unsent").containsExactly("a#1");

        EmbeddedChannel second = core.channel();
        second.writeInbound(connectWithWindowOfOne("c"));
        published(second);
        publisher.writeInbound(publish(1, 3, "c"));
        publisher.runPendingTasks();
        first.runPendingTasks();                                  // the old connection closes and hands over
        List<String> out = new ArrayList<>(published(second));
        second.writeInbound(MqttMessageBuilders.pubAck().packetId((short) 1).build());
        out.addAll(published(second));
        second.writeInbound(MqttMessageBuilders.pubAck().packetId((short) 1).build());
        out.addAll(published(second));

        assertThat(out).containsExactly("dup a#1", "b#1", "c#2");
    }
}
