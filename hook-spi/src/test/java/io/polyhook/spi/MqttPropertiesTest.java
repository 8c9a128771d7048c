package io.polyhook.spi;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MqttPropertiesTest {

    private static List<UserProperty> users(String... kv) {
        List<UserProperty> out = new java.util.ArrayList<>();
        for (int i = 0; i < kv.length; i += 2) {
            out.add(new UserProperty(kv[i], kv[i + 1]));
        }
        return out;
    }

    @Test
    void userPropertiesKeepOrderAndDuplicates() {
        MqttProperties p = MqttProperties.builder().userProperties(users("k1", "v1", "k1", "v2", "k2", "v2")).build();

        assertThat(p.userProperties()).containsExactlyElementsOf(users("k1", "v1", "k1", "v2", "k2", "v2"));
    }

    @Test
    void mergeReplacesEveryKeyTheChangesNameAndAppendsTheNewOnes() {
        // The reference example (vmq_diversity §1.5).
        MqttProperties original = MqttProperties.builder()
                .userProperties(users("k1", "v1", "k1", "v2", "k2", "v2", "k4", "v4"))
                .correlationData(Bytes.utf8("correlation_data")).responseTopic("response/topic")
                .payloadFormat(PayloadFormat.UTF8).contentType("content_type").build();
        MqttProperties changes = MqttProperties.builder()
                .userProperties(users("k1", "v3", "k3", "v3"))
                .correlationData(Bytes.utf8("modified_correlation_data")).responseTopic("modified/response/topic")
                .payloadFormat(PayloadFormat.UNSPECIFIED).contentType("modified_content_type").build();

        MqttProperties merged = original.merge(changes);

        assertThat(merged.userProperties()).containsExactlyElementsOf(users("k2", "v2", "k4", "v4", "k1", "v3", "k3", "v3"));
        assertThat(merged.correlationData()).contains(Bytes.utf8("modified_correlation_data"));
        assertThat(merged.responseTopic()).contains("modified/response/topic");
        assertThat(merged.contentType()).contains("modified_content_type");
        assertThat(merged.payloadFormat()).as("undefined clears the indicator").isEmpty();
    }

    @Test
    void mergeKeepsUntouchedProperties() {
        MqttProperties original = MqttProperties.builder().messageExpiryInterval(60).contentType("a").build();

        MqttProperties merged = original.merge(MqttProperties.builder().contentType("b").build());

        assertThat(merged.messageExpiryInterval()).hasValue(60);
        assertThat(merged.contentType()).contains("b");
    }

    @Test
    void keysListWhatIsSet() {
        MqttProperties p = MqttProperties.builder().sessionExpiryInterval(5).addUserProperty("a", "b").build();

        assertThat(p.keys()).containsExactlyInAnyOrder(PropertyKey.SESSION_EXPIRY_INTERVAL, PropertyKey.USER_PROPERTY);
        assertThat(MqttProperties.EMPTY.isEmpty()).isTrue();
    }

    @Test
    void binaryPropertiesNeverShowTheirContent() {
        MqttProperties p = MqttProperties.builder().authenticationData(Bytes.utf8("s3cr3t")).build();

        assertThat(p.toString()).doesNotContain("s3cr3t").contains("p_authentication_data=Bytes[6]");
    }

    @Test
    void scriptNamesRoundTrip() {
        for (PropertyKey k : PropertyKey.values()) {
            assertThat(PropertyKey.ofScriptName(k.scriptName())).isSameAs(k);
        }
        assertThat(PropertyKey.ofScriptName("p_nonsense")).isNull();
    }
}
