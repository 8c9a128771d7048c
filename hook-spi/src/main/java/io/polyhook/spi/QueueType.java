package io.polyhook.spi;

/** The order in which an offline queue hands out messages. */
public enum QueueType {
    /** First in, first out (the default). */
    FIFO("fifo"),
    /** Last in, first out. */
    LIFO("lifo");

    private final String scriptName;

    QueueType(String scriptName) {
        this.scriptName = scriptName;
    }

    /** The name scripts use. */
    public String scriptName() {
        return scriptName;
    }

    /** Returns the type with that script name; throws naming the value otherwise. */
    public static QueueType ofScriptName(String name) {
        for (QueueType q : values()) {
            if (q.scriptName.equals(name)) {
                return q;
            }
        }
        throw new InvalidModifierException("queue_type", name, "must be fifo or lifo");
    }
}
