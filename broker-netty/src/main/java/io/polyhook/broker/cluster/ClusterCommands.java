package io.polyhook.broker.cluster;

import io.polyhook.spi.Registration;

import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/** Commands that act on every node: this one and each peer in the view. */
public interface ClusterCommands {

    /**
     * Runs {@code command} on every node of the view, this one included, and gathers what each
     * did by node name. A node that fails or does not answer in time has an outcome that is not
     * applied and says why; the stage itself does not fail.
     */
    CompletionStage<Map<String, CommandOutcome>> broadcast(ClusterCommand command);

    /** Registers the broker's handler of commands (one at a time); it runs on a cluster thread and may block briefly. */
    Registration onCommand(Function<ClusterCommand, CompletionStage<CommandOutcome>> handler);
}
