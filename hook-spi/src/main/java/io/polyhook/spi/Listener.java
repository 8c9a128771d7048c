package io.polyhook.spi;

import java.util.Objects;

/**
 * The broker listener a client connected through.
 *
 * @param address the local address the listener is bound to, as text
 * @param port    the local port
 * @param type    the transport
 * @since 0.1
 */
public record Listener(String address, int port, ListenerType type) {
    /**
     * Checks every field is present and the port in range.
     *
     * @since 0.1
     */
    public Listener {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(type, "type");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, was " + port);
        }
    }
}
