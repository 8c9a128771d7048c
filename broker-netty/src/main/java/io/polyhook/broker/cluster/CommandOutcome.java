package io.polyhook.broker.cluster;

import java.util.Objects;

/**
 * What a command did on one node.
 *
 * @param applied whether the node did something (a disconnect found the client, a script loaded)
 * @param detail  a one-line description for the admin API and CLI (an error message when it failed)
 */
public record CommandOutcome(boolean applied, String detail) {

    /** Checks the detail is present. */
    public CommandOutcome {
        Objects.requireNonNull(detail, "detail");
    }

    /** Nothing to do on this node. */
    public static CommandOutcome none() {
        return new CommandOutcome(false, "");
    }
}
