package io.polyhook.broker.cli;

import io.polyhook.broker.BoundListener;
import io.polyhook.broker.Version;
import io.polyhook.broker.config.BrokerConfig;
import io.polyhook.broker.config.ListenerConfig;
import io.polyhook.broker.config.PersistenceSettings;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What {@code polyhook run} says once the broker is up: the version, the config file (or that
 * there is none), every listener with its address, the admin API, the scripts and data folders,
 * and a warning for each risky setting (anonymous clients on a listener other hosts can reach,
 * the admin API off the loopback interface).
 *
 * @param lines    the information, one line each
 * @param warnings the risky settings, one line each
 */
record Banner(List<String> lines, List<String> warnings) {

    Banner {
        lines = List.copyOf(lines);
        warnings = List.copyOf(warnings);
    }

    /**
     * The banner of a broker started from {@code configFile} (empty: none) with {@code config},
     * bound to {@code listeners}, its admin API on {@code adminHost:adminPort} (empty port: none).
     * The data folder is the one the broker opened its store in: {@code persistence.dir} as the
     * config resolved it (the working folder without a config file), or none with
     * {@code persistence.enabled: false}.
     */
    static Banner of(Optional<Path> configFile, BrokerConfig config, List<BoundListener> listeners, String adminHost,
                     OptionalInt adminPort) {
        List<String> lines = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        lines.add("Polyhook " + Version.version() + " on Java " + Runtime.version() + " (pid " + ProcessHandle.current().pid() + ")");
        lines.add(configFile.map(f -> "config file: " + f.toAbsolutePath().normalize())
                .orElse("no config file: defaults, loopback only"));
        for (int i = 0; i < listeners.size(); i++) {
            BoundListener bound = listeners.get(i);
            ListenerConfig l = config.listeners().get(i);
            String scheme = switch (l.type()) {
                case TCP -> "mqtt";
                case TLS -> "mqtts";
                case WS -> "ws";
                case WSS -> "wss";
            };
            boolean anonymous = l.allowAnonymous().orElse(config.broker().allowAnonymous());
            lines.add("listener " + l.type().configName() + ": " + scheme + "://" + hostPort(bound.host(), bound.port())
                    + bound.path() + (l.mountpoint().isEmpty() ? "" : " (mountpoint " + l.mountpoint() + ")")
                    + (anonymous ? ", anonymous clients admitted" : ""));
            if (anonymous && !isLoopback(bound.host())) {
                warnings.add("listener " + l.type().configName() + " on " + hostPort(bound.host(), bound.port())
                        + " admits anonymous clients and is reachable from other hosts: set broker.allow_anonymous: false"
                        + " (or listeners[" + i + "].allow_anonymous) and authenticate them with a script or plugin");
            }
        }
        if (adminPort.isPresent()) {
            lines.add("admin API and /metrics: http://" + hostPort(adminHost, adminPort.getAsInt()));
            if (!isLoopback(adminHost)) {
                warnings.add("the admin API listens on " + hostPort(adminHost, adminPort.getAsInt())
                        + ", off the loopback interface: whoever reaches it with the admin.token can load scripts, that is"
                        + " run code in the broker; keep admin.address on 127.0.0.1 and tunnel to it");
            }
        } else {
            lines.add("admin API: off");
        }
        lines.add("scripts folder: " + Path.of(config.scripts().dir()).toAbsolutePath().normalize());
        PersistenceSettings persistence = config.persistence();
        lines.add(persistence.enabled() ? "data folder: " + persistence.folder(Path.of(""))
                : "data folder: none (sessions and retained messages are kept in memory)");
        return new Banner(lines, warnings);
    }

    static String hostPort(String host, int port) {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    /** Whether only this machine can reach {@code host} (127.0.0.0/8, ::1, or a name for one). */
    static boolean isLoopback(String host) {
        try {
            InetAddress[] all = InetAddress.getAllByName(host);
            for (InetAddress a : all) {
                if (!a.isLoopbackAddress()) {
                    return false;
                }
            }
            return all.length > 0;
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
