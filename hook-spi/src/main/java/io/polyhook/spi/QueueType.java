package io.polyhook.spi;

/**
 * The order in which an offline queue hands out messages.
 *
 * @since 0.1
 */
public enum QueueType {
    /**
     * First in, first out (the default).
     *
     * @since 0.1
     */
    FIFO("fifo"),
    /**
     * Last in, first out.
     *
     * @since 0.1
     */
    LIFO("lifo");

    private final String scriptName;

    QueueType(String scriptName) {
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
     * Returns the type with that script name; throws naming the value otherwise.
     *
     * @since 0.1
     */
    public static QueueType ofScriptName(String name) {
        for (QueueType q : values()) {
            if (q.scriptName.equals(name)) {
                return q;
            }
        }
        throw new InvalidModifierException("queue_type", name, "must be fifo or lifo");
    }
}
