package io.polyhook.spi;

import java.util.Objects;

/**
 * A session changing state: the context of {@code on_client_wakeup}, {@code on_client_offline},
 * {@code on_client_gone} and {@code on_session_expired}.
 *
 * @param mountpoint the mountpoint ({@code ""} for the default)
 * @param clientId   the client identifier
 * @since 0.1
 */
public record ClientContext(String mountpoint, String clientId) implements HookContext {

    /**
     * Checks both fields are present.
     *
     * @since 0.1
     */
    public ClientContext {
        Objects.requireNonNull(mountpoint, "mountpoint");
        Objects.requireNonNull(clientId, "clientId");
    }
}
