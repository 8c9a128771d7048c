package io.polyhook.provider.authcache;

import io.polyhook.spi.TopicSubscription;

import java.util.List;

/**
 * One subscribe ACL, ready to match: its pattern pre-split, its QoS limit and the subscriptions
 * a matching filter is rewritten to.
 *
 * @param pattern         the topic pattern, placeholders replaced
 * @param maxQos          the highest QoS granted
 * @param rewrite         the subscriptions a matching filter is replaced with, or {@code null} to
 *                        keep the filter as requested
 * @param scriptModifiers the modifiers array as the script gave it (validated), or {@code null}
 */
record SubscribeAcl(TopicPattern pattern, int maxQos, List<TopicSubscription> rewrite, List<Object> scriptModifiers) {

    /**
     * Whether this ACL grants subscribing {@code filter} with {@code qos}: every topic the filter
     * can match must be matched by the pattern ({@link TopicPattern#grantsFilter}).
     */
    boolean grants(String filter, int qos) {
        return qos <= maxQos && pattern.grantsFilter(filter);
    }
}
