package io.polyhook.broker.cluster;

import io.polyhook.spi.SubscriberId;

import java.util.Objects;
import java.util.Optional;

/**
 * What one node asks every node to do ({@link ClusterCommands#broadcast}). A script's
 * {@code publish} is not a command: a message reaches other nodes by their routes
 * ({@link RouteTable}, {@link DataPlane}), like any other.
 */
public sealed interface ClusterCommand {

    /** vmq_api {@code disconnect_by_subscriber_id}: the node holding the client disconnects it (and discards its session with {@code cleanup}). */
    record Disconnect(SubscriberId id, boolean cleanup) implements ClusterCommand {
        /** Checks the id is present. */
        public Disconnect {
            Objects.requireNonNull(id, "id");
        }
    }

    /** vmq_api {@code reauthorize_subscriptions}: the node holding the session re-runs its subscribe hooks. */
    record ReauthorizeSubscriptions(SubscriberId id, Optional<String> username) implements ClusterCommand {
        /** Checks both parts are present. */
        public ReauthorizeSubscriptions {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(username, "username");
        }
    }

    /** Drops what the auth cache holds for one client. */
    record InvalidateAuthClient(SubscriberId id) implements ClusterCommand {
        /** Checks the id is present. */
        public InvalidateAuthClient {
            Objects.requireNonNull(id, "id");
        }
    }

    /** Drops what the auth cache holds for a user name, in one mountpoint or (empty) in all. */
    record InvalidateAuthUser(Optional<String> mountpoint, String username) implements ClusterCommand {
        /** Checks both parts are present. */
        public InvalidateAuthUser {
            Objects.requireNonNull(mountpoint, "mountpoint");
            Objects.requireNonNull(username, "username");
        }
    }

    /** Empties the auth cache. */
    record InvalidateAuthAll() implements ClusterCommand {
    }

    /** Loads, reloads or unloads a script on every node (the admin API's and CLI's "all nodes"). */
    record Script(ScriptAction action, String path) implements ClusterCommand {
        /** Checks both parts are present. */
        public Script {
            Objects.requireNonNull(action, "action");
            Objects.requireNonNull(path, "path");
        }
    }

    /** What {@link Script} does. */
    enum ScriptAction {
        /** Load a script that is not loaded. */
        LOAD,
        /** Reload a loaded script. */
        RELOAD,
        /** Unload a loaded script. */
        UNLOAD
    }
}
