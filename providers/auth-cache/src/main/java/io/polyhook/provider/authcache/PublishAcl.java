package io.polyhook.provider.authcache;

import io.polyhook.spi.PublishModifiers;
import io.polyhook.spi.Verdict;

import java.util.Map;

/**
 * One publish ACL, ready to match: its pattern pre-split, its limits, and the verdicts it grants
 * built once at insert time, so a cache hit allocates nothing.
 *
 * @param pattern        the topic pattern, placeholders replaced
 * @param maxQos         the highest QoS granted
 * @param maxPayloadSize the largest payload granted, in bytes
 * @param allowedRetain  whether retained messages are granted
 * @param grantV3        the verdict for MQTT 3 clients: ok, or ok with the modifiers minus properties
 * @param grantV5        the verdict for MQTT 5 clients: ok, or ok with the modifiers
 * @param scriptModifiers the modifiers table as the script gave it (validated), or {@code null}
 */
record PublishAcl(TopicPattern pattern, int maxQos, long maxPayloadSize, boolean allowedRetain,
                  Verdict<PublishModifiers> grantV3, Verdict<PublishModifiers> grantV5,
                  Map<String, Object> scriptModifiers) {

    /** Whether this ACL grants the publish described. */
    boolean grants(String topic, int qos, int payloadSize, boolean retain) {
        return qos <= maxQos && payloadSize <= maxPayloadSize && (!retain || allowedRetain) && pattern.grantsTopic(topic);
    }
}
