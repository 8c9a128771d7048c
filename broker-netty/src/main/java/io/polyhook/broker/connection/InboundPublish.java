package io.polyhook.broker.connection;

import io.polyhook.spi.Bytes;

/**
 * A PUBLISH as read, after its payload left the pooled buffer: packets held back behind a
 * verdict own no buffers.
 *
 * @param topic          the topic name (empty when a topic alias stands for it)
 * @param qos            0, 1 or 2
 * @param retain         the retain flag
 * @param packetId       the packet id (QoS 1 and 2)
 * @param payload        the payload
 * @param wireProperties the MQTT 5 properties as decoded
 */
record InboundPublish(String topic, int qos, boolean retain, int packetId, Bytes payload,
                      io.netty.handler.codec.mqtt.MqttProperties wireProperties) {

    /** This PUBLISH with the topic an alias stands for. */
    InboundPublish withTopic(String aliased) {
        return new InboundPublish(aliased, qos, retain, packetId, payload, wireProperties);
    }
}
