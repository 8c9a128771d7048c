package io.polyhook.spi;

/**
 * How messages for a shared subscription group are spread (vmq_diversity's policy names).
 *
 * @since 0.1
 */
public enum SharedSubscriptionPolicy {
    /**
     * Prefer group members on this node.
     *
     * @since 0.1
     */
    PREFER_LOCAL("prefer_local"),
    /**
     * Only group members on this node.
     *
     * @since 0.1
     */
    LOCAL_ONLY("local_only"),
    /**
     * Any member, at random.
     *
     * @since 0.1
     */
    RANDOM("random"),
    /**
     * Prefer online members, then local ones.
     *
     * @since 0.1
     */
    PREFER_ONLINE_BEFORE_LOCAL("prefer_online_before_local");

    private final String scriptName;

    SharedSubscriptionPolicy(String scriptName) {
        this.scriptName = scriptName;
    }

    /**
     * The name scripts use.
     *
     * @since 0.1
     */
    public String scriptName() {
        return scriptName;
    }

    /**
     * Returns the policy with that script name; throws naming the value otherwise.
     *
     * @since 0.1
     */
    public static SharedSubscriptionPolicy ofScriptName(String name) {
        for (SharedSubscriptionPolicy p : values()) {
            if (p.scriptName.equals(name)) {
                return p;
            }
        }
        throw new InvalidModifierException("shared_subscription_policy", name,
                "must be prefer_local, local_only, random or prefer_online_before_local");
    }
}
