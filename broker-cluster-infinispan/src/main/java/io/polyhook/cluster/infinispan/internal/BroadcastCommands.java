package io.polyhook.cluster.infinispan.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.polyhook.broker.cluster.ClusterCommand;
import io.polyhook.broker.cluster.ClusterCommands;
import io.polyhook.broker.cluster.CommandOutcome;
import io.polyhook.spi.Registration;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/** Commands sent to every member on the data plane (one request each) and run here too. */
public final class BroadcastCommands implements ClusterCommands {

    static final int OP_COMMAND = 3;

    private final String self;
    private final NodeDirectory directory;
    private final NettyDataPlane plane;
    private volatile Function<ClusterCommand, CompletionStage<CommandOutcome>> handler;

    /** Commands to the members of {@code directory}'s view over {@code plane}. */
    public BroadcastCommands(String self, NodeDirectory directory, NettyDataPlane plane) {
        this.self = self;
        this.directory = directory;
        this.plane = plane;
        plane.onRequest(OP_COMMAND, (from, body) -> run(CommandCodec.read(body)).thenApply(outcome -> {
            ByteBuf out = Unpooled.buffer();
            CommandCodec.writeOutcome(out, outcome);
            byte[] bytes = new byte[out.readableBytes()];
            out.readBytes(bytes);
            return bytes;
        }));
    }

    @Override
    public CompletionStage<Map<String, CommandOutcome>> broadcast(ClusterCommand command) {
        ByteBuf b = Unpooled.buffer();
        CommandCodec.write(b, command);
        byte[] body = new byte[b.readableBytes()];
        b.readBytes(body);
        Map<String, CompletableFuture<CommandOutcome>> all = new TreeMap<>();
        for (String node : directory.view().members()) {
            CompletionStage<CommandOutcome> outcome = node.equals(self) ? run(command)
                    : plane.request(node, OP_COMMAND, body).thenApply(r -> CommandCodec.readOutcome(Unpooled.wrappedBuffer(r)));
            all.put(node, outcome.toCompletableFuture()
                    .exceptionally(e -> new CommandOutcome(false, "failed: " + rootMessage(e))));
        }
        return CompletableFuture.allOf(all.values().toArray(CompletableFuture[]::new)).thenApply(v -> {
            Map<String, CommandOutcome> out = new TreeMap<>();
            all.forEach((node, f) -> out.put(node, f.join()));
            return out;
        });
    }

    @Override
    public Registration onCommand(Function<ClusterCommand, CompletionStage<CommandOutcome>> h) {
        handler = h;
        return () -> handler = null;
    }

    private CompletionStage<CommandOutcome> run(ClusterCommand command) {
        var h = handler;
        if (h == null) {
            return CompletableFuture.completedFuture(CommandOutcome.none());
        }
        try {
            return h.apply(command);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(new CommandOutcome(false, "failed: " + e.getMessage()));
        }
    }

    private static String rootMessage(Throwable e) {
        while (e.getCause() != null && e instanceof java.util.concurrent.CompletionException) {
            e = e.getCause();
        }
        return String.valueOf(e.getMessage());
    }
}
