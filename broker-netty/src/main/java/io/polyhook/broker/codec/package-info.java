/**
 * Strict MQTT framing and validation in front of Netty's lenient {@code MqttDecoder}: every packet
 * a client sends is checked against MQTT 3.1.1 and 5 before it is decoded, and a violation becomes
 * a failed decoder result that carries the MQTT 5 reason code to answer with.
 */
package io.polyhook.broker.codec;
