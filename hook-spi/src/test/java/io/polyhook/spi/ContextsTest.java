package io.polyhook.spi;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class ContextsTest {

    private static RegisterContext register(Optional<Bytes> password) {
        return new RegisterContext(MqttVersion.V5, new Peer("192.168.123.123", 12345),
                new Listener("127.0.0.1", 1883, ListenerType.MQTT), "", "client", Optional.of("test-user"), password,
                true, MqttProperties.EMPTY, Optional.empty());
    }

    @Test
    void aRegisterContextNeverPrintsThePassword() {
        RegisterContext ctx = register(Optional.of(Bytes.utf8("test-password")));

        assertThat(ctx.toString()).doesNotContain("test-password").contains("password=<redacted>").contains("test-user");
        assertThat(ctx.passwordAsString()).contains("test-password");
    }

    @Test
    void bytesShowOnlyTheirLength() {
        assertThat(Bytes.utf8("hunter2").toString()).isEqualTo("Bytes[7]");
    }

    @Test
    void bytesAreCopiedInAndOut() {
        byte[] raw = {1, 2, 3};
        Bytes b = Bytes.copyOf(raw);
        raw[0] = 9;
        b.toByteArray()[1] = 9;

        assertThat(b.toByteArray()).containsExactly(1, 2, 3);
        assertThat(b.asReadOnlyBuffer().isReadOnly()).isTrue();
    }

    @Test
    void theSubscriberIdIsMountpointAndClientId() {
        assertThat(new ClientContext("mp", "c").subscriberId()).isEqualTo(new SubscriberId("mp", "c"));
    }

    @Test
    void contextListsAreImmutableCopies() {
        java.util.List<String> topics = new java.util.ArrayList<>(java.util.List.of("a/b"));
        UnsubscribeContext ctx = new UnsubscribeContext(MqttVersion.V3_1_1, "", "c", Optional.empty(), topics,
                MqttProperties.EMPTY);
        topics.add("c/d");

        assertThat(ctx.topics()).containsExactly("a/b");
    }
}
