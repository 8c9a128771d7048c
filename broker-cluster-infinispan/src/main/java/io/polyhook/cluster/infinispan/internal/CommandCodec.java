package io.polyhook.cluster.infinispan.internal;

import io.netty.buffer.ByteBuf;
import io.polyhook.broker.cluster.ClusterCommand;
import io.polyhook.broker.cluster.CommandOutcome;

import java.util.Optional;

/** Cluster commands and their outcomes in bytes. */
final class CommandCodec {

    private static final int DISCONNECT = 1;
    private static final int REAUTHORIZE = 2;
    private static final int AUTH_CLIENT = 3;
    private static final int AUTH_USER = 4;
    private static final int AUTH_ALL = 5;
    private static final int SCRIPT = 6;

    private CommandCodec() {
    }

    static void write(ByteBuf out, ClusterCommand command) {
        switch (command) {
            case ClusterCommand.Disconnect d -> {
                out.writeByte(DISCONNECT);
                SessionStateCodec.writeId(out, d.id());
                out.writeBoolean(d.cleanup());
            }
            case ClusterCommand.ReauthorizeSubscriptions r -> {
                out.writeByte(REAUTHORIZE);
                SessionStateCodec.writeId(out, r.id());
                writeOptional(out, r.username());
            }
            case ClusterCommand.InvalidateAuthClient c -> {
                out.writeByte(AUTH_CLIENT);
                SessionStateCodec.writeId(out, c.id());
            }
            case ClusterCommand.InvalidateAuthUser u -> {
                out.writeByte(AUTH_USER);
                writeOptional(out, u.mountpoint());
                Wire.writeString(out, u.username());
            }
            case ClusterCommand.InvalidateAuthAll a -> out.writeByte(AUTH_ALL);
            case ClusterCommand.Script s -> {
                out.writeByte(SCRIPT);
                out.writeByte(s.action().ordinal());
                Wire.writeString(out, s.path());
            }
        }
    }

    static ClusterCommand read(ByteBuf in) {
        int type = in.readUnsignedByte();
        return switch (type) {
            case DISCONNECT -> new ClusterCommand.Disconnect(SessionStateCodec.readId(in), in.readBoolean());
            case REAUTHORIZE -> new ClusterCommand.ReauthorizeSubscriptions(SessionStateCodec.readId(in), readOptional(in));
            case AUTH_CLIENT -> new ClusterCommand.InvalidateAuthClient(SessionStateCodec.readId(in));
            case AUTH_USER -> new ClusterCommand.InvalidateAuthUser(readOptional(in), Wire.readString(in));
            case AUTH_ALL -> new ClusterCommand.InvalidateAuthAll();
            case SCRIPT -> {
                int action = in.readUnsignedByte();
                if (action >= ClusterCommand.ScriptAction.values().length) {
                    throw new Wire.WireException("script action " + action);
                }
                yield new ClusterCommand.Script(ClusterCommand.ScriptAction.values()[action], Wire.readString(in));
            }
            default -> throw new Wire.WireException("command type " + type);
        };
    }

    static void writeOutcome(ByteBuf out, CommandOutcome o) {
        out.writeBoolean(o.applied());
        Wire.writeString(out, o.detail());
    }

    static CommandOutcome readOutcome(ByteBuf in) {
        return new CommandOutcome(in.readBoolean(), Wire.readString(in));
    }

    private static void writeOptional(ByteBuf out, Optional<String> s) {
        out.writeBoolean(s.isPresent());
        s.ifPresent(v -> Wire.writeString(out, v));
    }

    private static Optional<String> readOptional(ByteBuf in) {
        return in.readBoolean() ? Optional.of(Wire.readString(in)) : Optional.empty();
    }
}
