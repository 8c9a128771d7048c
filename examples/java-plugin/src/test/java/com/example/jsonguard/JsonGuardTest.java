package com.example.jsonguard;

import io.polyhook.core.hook.ChainOutcome;
import io.polyhook.spi.Bytes;
import io.polyhook.spi.Hooks;
import io.polyhook.spi.MqttVersion;
import io.polyhook.spi.PublishContext;
import io.polyhook.spi.ReasonCode;
import io.polyhook.testing.PluginExtension;
import io.polyhook.testing.PluginHarness;
import io.polyhook.testing.TestContexts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

class JsonGuardTest {

    @RegisterExtension
    final PluginExtension plugin = PluginExtension.of(JsonGuard::new).settings(Map.of("prefix", "json/"));

    @Test
    void aPayloadThatIsNotJsonIsRefusedWithPayloadFormatInvalid(PluginHarness harness) {
        ChainOutcome<?> outcome = harness.chain(Hooks.AUTH_ON_PUBLISH_M5,
                TestContexts.publish(MqttVersion.V5, "c1", null, "json/temp", "{not json"));

        ChainOutcome.Denied<?> denied = assertInstanceOf(ChainOutcome.Denied.class, outcome);
        assertEquals(ReasonCode.PAYLOAD_FORMAT_INVALID, denied.reasonCode().orElseThrow());
        assertEquals(1.0, harness.metrics("json-guard").counter("refused", "").count());
    }

    @Test
    void jsonAndOtherTopicsAreLeftToTheNextHandler(PluginHarness harness) {
        assertInstanceOf(ChainOutcome.Exhausted.class, harness.chain(Hooks.AUTH_ON_PUBLISH_M5,
                TestContexts.publish(MqttVersion.V5, "c1", null, "json/temp", "{\"celsius\": 21.5}")));
        assertInstanceOf(ChainOutcome.Exhausted.class, harness.chain(Hooks.AUTH_ON_PUBLISH,
                TestContexts.publish(MqttVersion.V3_1_1, "c1", null, "text/note", "{not json")));
    }

    @Test
    void aRetainedQos1MessageOfAnMqtt3ClientIsCheckedToo(PluginHarness harness) {
        // A context of your own: name the fields you care about, the builder fills in the rest,
        // and a field added to PublishContext in a minor release does not break this line.
        PublishContext retained = PublishContext.builder().protocolVersion(MqttVersion.V3_1_1).clientId("c1")
                .topic("json/config").qos(1).retain(true).payload(Bytes.utf8("[1, 2")).build();

        ChainOutcome.Denied<?> denied = assertInstanceOf(ChainOutcome.Denied.class,
                harness.chain(Hooks.AUTH_ON_PUBLISH, retained));
        assertEquals("payload is not JSON", denied.reasonString().orElseThrow());
    }

    @Test
    void itAnnouncesTheJacksonVersionItRunsWith(PluginHarness harness) {
        assertEquals("plugins/json-guard/info", harness.broker().published().getFirst().topic());
    }
}
