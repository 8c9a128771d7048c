package io.polyhook.spi;

import java.util.Objects;

/**
 * The remote end of a client's connection.
 *
 * @param address the peer IP address as text (IPv4 dotted or IPv6 textual form)
 * @param port    the peer TCP port
 * @since 0.1
 */
public record Peer(String address, int port) {
    /**
     * Checks the address is present and the port in range.
     *
     * @since 0.1
     */
    public Peer {
        Objects.requireNonNull(address, "address");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, was " + port);
        }
    }
}
