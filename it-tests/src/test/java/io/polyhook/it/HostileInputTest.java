package io.polyhook.it;

import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;

import java.io.IOException;

/**
 * Hostile and broken input over the plain TCP listener: the scenarios of
 * {@link HostileMqttInputScenarios} sent with {@link RawMqtt}, next to a bystander on TCP.
 */
class HostileInputTest extends HostileMqttInputScenarios<RawMqtt> {

    @Override
    RawMqtt open() throws IOException {
        return RawMqtt.open(broker.port());
    }

    @Override
    Mqtt5BlockingClient bystander(String id) {
        return broker.v5(id);
    }
}
