package io.polyhook.broker.config;

import io.polyhook.spi.ListenerType;

import java.util.Objects;
import java.util.Optional;

/**
 * One listener of the {@code listeners} list.
 *
 * @param type           the transport: tcp, ws, tls or wss
 * @param host           the bind address ({@code 0.0.0.0} for all)
 * @param port           the port, 0 for an ephemeral one
 * @param path           the HTTP path of a WebSocket listener ({@code /mqtt} by default)
 * @param mountpoint     the mountpoint of every client of this listener ({@code ""} by default)
 * @param allowAnonymous overrides {@code broker.allow_anonymous} for this listener
 * @param certFile       PEM certificate chain of a tls/wss listener
 * @param keyFile        PEM (PKCS#8) private key of a tls/wss listener
 * @param tls            protocol versions and cipher suites of a tls/wss listener
 */
public record ListenerConfig(Kind type, String host, int port, String path, String mountpoint,
                             Optional<Boolean> allowAnonymous, Optional<String> certFile, Optional<String> keyFile,
                             TlsSettings tls) {

    /** The listener types of the config file. */
    public enum Kind {
        /** Plain MQTT over TCP. */
        TCP("tcp", ListenerType.MQTT),
        /** MQTT over WebSocket. */
        WS("ws", ListenerType.MQTTWS),
        /** MQTT over TLS. */
        TLS("tls", ListenerType.MQTTS),
        /** MQTT over WebSocket over TLS. */
        WSS("wss", ListenerType.MQTTWSS);

        private final String configName;
        private final ListenerType spiType;

        Kind(String configName, ListenerType spiType) {
            this.configName = configName;
            this.spiType = spiType;
        }

        /** The name in the config file: tcp, ws, tls, wss. */
        public String configName() {
            return configName;
        }

        /** The listener type hooks see. */
        public ListenerType spiType() {
            return spiType;
        }

        /** Whether this listener speaks WebSocket. */
        public boolean isWebSocket() {
            return this == WS || this == WSS;
        }

        /** Whether this listener speaks TLS. */
        public boolean isTls() {
            return this == TLS || this == WSS;
        }

        /** The kind with config name {@code name}, or empty. */
        public static Optional<Kind> of(String name) {
            for (Kind k : values()) {
                if (k.configName.equals(name)) {
                    return Optional.of(k);
                }
            }
            return Optional.empty();
        }
    }

    /** Checks every field is present. */
    public ListenerConfig {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(mountpoint, "mountpoint");
        Objects.requireNonNull(allowAnonymous, "allowAnonymous");
        Objects.requireNonNull(certFile, "certFile");
        Objects.requireNonNull(keyFile, "keyFile");
        Objects.requireNonNull(tls, "tls");
    }

    /** A listener with the default TLS versions and cipher suites. */
    public ListenerConfig(Kind type, String host, int port, String path, String mountpoint,
                          Optional<Boolean> allowAnonymous, Optional<String> certFile, Optional<String> keyFile) {
        this(type, host, port, path, mountpoint, allowAnonymous, certFile, keyFile, TlsSettings.DEFAULT);
    }

    /** A plain listener of {@code type} on {@code host:port} with defaults for the rest. */
    public static ListenerConfig of(Kind type, String host, int port) {
        return new ListenerConfig(type, host, port, "/mqtt", "", Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** This listener with another mountpoint. */
    public ListenerConfig withMountpoint(String value) {
        return new ListenerConfig(type, host, port, path, value, allowAnonymous, certFile, keyFile, tls);
    }

    /** This listener with its own anonymous-access rule. */
    public ListenerConfig withAllowAnonymous(boolean value) {
        return new ListenerConfig(type, host, port, path, mountpoint, Optional.of(value), certFile, keyFile, tls);
    }

    /** This listener with other TLS versions and cipher suites. */
    public ListenerConfig withTls(TlsSettings value) {
        return new ListenerConfig(type, host, port, path, mountpoint, allowAnonymous, certFile, keyFile, value);
    }

    /** {@code host:port} as written in the config file. */
    public String address() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
