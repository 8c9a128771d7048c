package io.polyhook.broker;

/**
 * A listener the broker is accepting connections on.
 *
 * @param type       tcp, ws, tls or wss
 * @param host       the configured bind address
 * @param port       the bound port (the real one when the config said 0)
 * @param path       the WebSocket path, {@code ""} for tcp and tls
 * @param mountpoint the mountpoint of its clients
 */
public record BoundListener(String type, String host, int port, String path, String mountpoint) {
}
