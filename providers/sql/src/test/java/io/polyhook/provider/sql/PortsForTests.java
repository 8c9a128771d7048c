package io.polyhook.provider.sql;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Ports for tests that need one where nothing listens. */
final class PortsForTests {

    private PortsForTests() {
    }

    /** A loopback port that was free a moment ago, and is closed now. */
    static int unused() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
