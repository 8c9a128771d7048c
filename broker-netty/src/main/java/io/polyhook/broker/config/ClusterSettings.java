package io.polyhook.broker.config;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The {@code cluster:} section of the config file ({@link ClusterConfig}); what a netsplit allows is
 * the cluster package's {@code ClusterOperation.allowedIn}.
 *
 * @param enabled                      whether this node joins a cluster; false: one node, exactly as without the section
 * @param nodeName                     this node's name, unique in the cluster (shown in $SYS, metrics and logs)
 * @param bind                         where JGroups listens (TCP)
 * @param seeds                        the JGroups addresses to find the cluster at (TCPPING); may include {@code bind}
 * @param dataPlane                    where the node-to-node message link listens (Netty)
 * @param allowRegisterDuringNetsplit  whether clients may connect while this node is on the minority side of a split
 * @param allowSubscribeDuringNetsplit whether SUBSCRIBE/UNSUBSCRIBE are served while the cluster is not whole
 * @param allowPublishDuringNetsplit   whether PUBLISH is served while the cluster is not whole
 */
public record ClusterSettings(boolean enabled, String nodeName, Endpoint bind, List<Endpoint> seeds, Endpoint dataPlane,
                              boolean allowRegisterDuringNetsplit, boolean allowSubscribeDuringNetsplit,
                              boolean allowPublishDuringNetsplit) {

    /** Node names appear in keys, logs and metric tags: letters, digits and {@code _ . @ -}, 1 to 64 of them. */
    public static final Pattern NODE_NAME = Pattern.compile("[A-Za-z0-9_.@-]{1,64}");

    /** The defaults of the issue: a single node named {@code node1}, register refused in a minority, subscribe and publish allowed. */
    public static final ClusterSettings DEFAULT = new ClusterSettings(false, "node1", new Endpoint("127.0.0.1", 7800),
            List.of(new Endpoint("127.0.0.1", 7800)), new Endpoint("127.0.0.1", 7900), false, true, true);

    /** Checks the name and copies the seeds. */
    public ClusterSettings {
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(dataPlane, "dataPlane");
        if (nodeName == null || !NODE_NAME.matcher(nodeName).matches()) {
            throw new IllegalArgumentException("node name must be 1-64 of letters, digits, _ . @ -");
        }
        seeds = List.copyOf(seeds);
    }

    /** This record with other addresses (tests take free ports). */
    public ClusterSettings withAddresses(Endpoint newBind, List<Endpoint> newSeeds, Endpoint newDataPlane) {
        return new ClusterSettings(enabled, nodeName, newBind, newSeeds, newDataPlane, allowRegisterDuringNetsplit,
                allowSubscribeDuringNetsplit, allowPublishDuringNetsplit);
    }

    /**
     * A host and port as written in the config ({@code "127.0.0.1:7800"}, {@code "[::1]:7800"}).
     *
     * @param host an IP address or host name
     * @param port 0..65535 (0: any free port, for tests)
     */
    public record Endpoint(String host, int port) {

        /** Checks the host is present and the port in range. */
        public Endpoint {
            if (host == null || host.isBlank()) {
                throw new IllegalArgumentException("host must not be empty");
            }
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port must be 0..65535");
            }
        }

        /** Parses {@code host:port}; throws with the reason otherwise. */
        public static Endpoint parse(String text) {
            int colon = text.lastIndexOf(':');
            if (colon <= 0 || colon == text.length() - 1) {
                throw new IllegalArgumentException("expected host:port, got \"" + text + "\"");
            }
            String host = text.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            int port;
            try {
                port = Integer.parseInt(text.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("port of \"" + text + "\" is not a number");
            }
            return new Endpoint(host, port);
        }

        /** {@code host:port}, brackets around an IPv6 host. */
        @Override
        public String toString() {
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }
}
