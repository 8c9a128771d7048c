package io.polyhook.cluster.infinispan.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.polyhook.broker.cluster.ClusterException;
import io.polyhook.broker.cluster.DataPlane;
import io.polyhook.broker.cluster.MessageId;
import io.polyhook.broker.cluster.RemoteDelivery;
import io.polyhook.broker.routing.Message;
import io.polyhook.spi.Bytes;
import io.polyhook.spi.MqttProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The node-to-node link on its own: bursts in one frame, order per sender, requests and their answers. */
class DataPlaneTest {

    DataPlanePair pair;

    @BeforeEach
    void start() throws Exception {
        pair = new DataPlanePair(64L << 20);
    }

    @AfterEach
    void stop() {
        pair.close();
    }

    static RemoteDelivery delivery(DataPlane from, String topic, String payload) {
        Message m = Message.of(topic, 1, Bytes.utf8(payload), false, MqttProperties.EMPTY, "pub");
        return new RemoteDelivery(from.newId(), "", m, true, List.of());
    }

    /** Sends one message and waits for it, so the link is connected. */
    void warmUp() throws InterruptedException {
        CountDownLatch got = new CountDownLatch(1);
        var r = pair.b.onDelivery(d -> got.countDown());
        assertThat(pair.a.send("b", delivery(pair.a, "warm", "up"))).isTrue();
        assertThat(got.await(30, TimeUnit.SECONDS)).isTrue();
        r.close();
    }

    @Test
    void messagesSentWhileTheLinkIsBusyGoOutAsOneFrame() throws Exception {
        warmUp();
        long framesBefore = pair.a.stats().frames();
        List<String> received = java.util.Collections.synchronizedList(new ArrayList<>());
        CountDownLatch all = new CountDownLatch(500);
        pair.b.onDelivery(d -> {
            received.add(d.message().payload().toUtf8String());
            all.countDown();
        });
        // Hold the link's event loop: the 500 sends gather in the queue, as in a burst of publishes.
        CountDownLatch hold = new CountDownLatch(1);
        CountDownLatch holding = new CountDownLatch(1);
        pair.a.existingLink("b").channel().eventLoop().execute(() -> {
            holding.countDown();
            try {
                hold.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(holding.await(30, TimeUnit.SECONDS)).isTrue();
        for (int i = 0; i < 500; i++) {
            assertThat(pair.a.send("b", delivery(pair.a, "burst/" + i, "m" + i))).isTrue();
        }
        hold.countDown();
        assertThat(all.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(pair.a.stats().frames() - framesBefore).isEqualTo(1);
        assertThat(received).hasSize(500);
        for (int i = 0; i < 500; i++) {
            assertThat(received.get(i)).isEqualTo("m" + i);
        }
    }

    @Test
    void eachPublishersMessagesArriveInTheOrderItSentThem() throws Exception {
        int publishers = 4;
        int each = 5_000;
        Map<String, Integer> last = new ConcurrentHashMap<>();
        List<String> outOfOrder = java.util.Collections.synchronizedList(new ArrayList<>());
        CountDownLatch all = new CountDownLatch(publishers * each);
        pair.b.onDelivery(d -> {
            String publisher = d.message().publisher().orElseThrow();
            int seq = Integer.parseInt(d.message().payload().toUtf8String());
            Integer before = last.put(publisher, seq);
            if (before != null && before + 1 != seq) {
                outOfOrder.add(publisher + ": " + before + " then " + seq);
            }
            all.countDown();
        });
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < publishers; p++) {
            String name = "publisher-" + p;
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < each; i++) {
                    Message m = Message.of("t/" + name, 1, Bytes.utf8(Integer.toString(i)), false, MqttProperties.EMPTY, name);
                    while (!pair.a.send("b", new RemoteDelivery(pair.a.newId(), "", m, true, List.of()))) {
                        Thread.onSpinWait();
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(all.await(60, TimeUnit.SECONDS)).isTrue();
        assertThat(outOfOrder).isEmpty();
        assertThat(last).hasSize(publishers).allSatisfy((p, seq) -> assertThat(seq).isEqualTo(each - 1));
    }

    @Test
    void aDeliveryKeepsItsIdentityGroupsAndProperties() throws Exception {
        MqttProperties props = MqttProperties.builder().contentType("text/plain").responseTopic("reply/here")
                .correlationData(Bytes.utf8("corr")).addUserProperty("k", "v1").addUserProperty("k", "v2")
                .payloadFormat(io.polyhook.spi.PayloadFormat.UTF8).messageExpiryInterval(120).build();
        Message m = new Message("props/x", 2, Bytes.utf8("body"), true, props, java.util.Optional.of("pub-1"),
                List.of(3, 9), System.nanoTime());
        MessageId id = new MessageId("a", 42);
        CompletableFuture<RemoteDelivery> got = new CompletableFuture<>();
        pair.b.onDelivery(got::complete);
        pair.a.send("b", new RemoteDelivery(id, "tenant", m, false, List.of("$share/g/props/#")));
        RemoteDelivery d = got.get(30, TimeUnit.SECONDS);
        assertThat(d.id()).isEqualTo(id);
        assertThat(d.mountpoint()).isEqualTo("tenant");
        assertThat(d.subscribers()).isFalse();
        assertThat(d.groups()).containsExactly("$share/g/props/#");
        assertThat(d.message().topic()).isEqualTo("props/x");
        assertThat(d.message().qos()).isEqualTo(2);
        assertThat(d.message().retain()).isTrue();
        assertThat(d.message().publisher()).contains("pub-1");
        assertThat(d.message().subscriptionIds()).containsExactly(3, 9);
        assertThat(d.message().properties()).isEqualTo(props);
        assertThat(d.message().isExpired(System.nanoTime())).isFalse();
    }

    @Test
    void aRequestIsAnsweredOnThePeersOwnLink() throws Exception {
        pair.b.onRequest(7, (from, body) -> {
            ByteBuf out = Unpooled.buffer();
            Wire.writeString(out, from + " asked " + Wire.readString(body));
            byte[] bytes = new byte[out.readableBytes()];
            out.readBytes(bytes);
            return CompletableFuture.completedFuture(bytes);
        });
        ByteBuf q = Unpooled.buffer();
        Wire.writeString(q, "hello");
        byte[] body = new byte[q.readableBytes()];
        q.readBytes(body);
        byte[] answer = pair.a.request("b", 7, body).get(30, TimeUnit.SECONDS);
        assertThat(Wire.readString(Unpooled.wrappedBuffer(answer))).isEqualTo("a asked hello");
    }

    @Test
    void aFailedRequestKeepsItsReason() {
        pair.b.onRequest(8, (from, body) -> CompletableFuture.failedFuture(
                new ClusterException(ClusterException.Reason.STALE_CLAIM, "not yours")));
        assertThatThrownBy(() -> pair.a.request("b", 8, new byte[0]).get(30, TimeUnit.SECONDS))
                .cause().isInstanceOf(ClusterException.class).hasMessage("not yours")
                .satisfies(e -> assertThat(((ClusterException) e).reason()).isEqualTo(ClusterException.Reason.STALE_CLAIM));
    }

    @Test
    void aSendToAnUnknownNodeIsRefusedAndCounted() {
        assertThat(pair.a.send("nobody", delivery(pair.a, "t", "x"))).isFalse();
        assertThat(pair.a.stats().dropped()).isEqualTo(1);
    }

    @Test
    void aFullQueueRefusesInsteadOfGrowing() throws Exception {
        try (DataPlanePair small = new DataPlanePair(4_096)) {
            // No server at that address: nothing drains, the bound is reached.
            small.addresses.put("c", new java.net.InetSocketAddress("127.0.0.1", 1));
            int accepted = 0;
            for (int i = 0; i < 1_000; i++) {
                if (small.a.send("c", delivery(small.a, "t", "x".repeat(100)))) {
                    accepted++;
                }
            }
            assertThat(accepted).isLessThan(1_000).isGreaterThan(0);
            assertThat(small.a.stats().dropped()).isEqualTo(1_000 - accepted);
        }
    }
}
