package io.polyhook.broker.admin;

import com.sun.net.httpserver.HttpExchange;
import io.polyhook.broker.config.AdminToken;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Who may use the admin API, checked before any route:
 *
 * <ul>
 *   <li>The {@code Host} header must name this API: the address it is bound to, the host name
 *       {@code admin.address} was written with, {@code localhost} on a loopback address, and with
 *       the bound port. A page a browser loaded from a name the attacker controls and then pointed
 *       at this address (DNS rebinding) carries that name, and is refused. On a wildcard address
 *       (0.0.0.0, ::) every IP literal is accepted too: a literal cannot be rebound.</li>
 *   <li>With {@code admin.token}, the request must carry {@code Authorization: Bearer <token>}.</li>
 * </ul>
 *
 * Names are never resolved per request: only literals are parsed.
 */
final class AccessCheck {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]+(%[\\w.]+)?");

    private final Set<String> names;
    private final Set<InetAddress> addresses;
    private final boolean wildcard;
    private final int port;
    private final Optional<AdminToken> token;

    /**
     * @param configuredHost the host {@code admin.address} was written with
     * @param bound          the address the API is bound to, with its actual port
     */
    AccessCheck(String configuredHost, InetSocketAddress bound, Optional<AdminToken> token) {
        this.token = token;
        this.port = bound.getPort();
        InetAddress address = bound.getAddress();
        this.wildcard = address.isAnyLocalAddress();
        Set<String> n = new HashSet<>();
        Set<InetAddress> a = new HashSet<>();
        a.add(address);
        String configured = configuredHost.toLowerCase(Locale.ROOT);
        if (literal(configured).isEmpty()) {
            n.add(configured);
        }
        if (address.isLoopbackAddress() || wildcard) {
            n.add("localhost");
        }
        if (wildcard) {
            try {
                InetAddress self = InetAddress.getLocalHost();
                n.add(self.getHostName().toLowerCase(Locale.ROOT));
                n.add(self.getCanonicalHostName().toLowerCase(Locale.ROOT));
            } catch (UnknownHostException e) {
                // No name for this machine: its addresses still do.
            }
        }
        this.names = Set.copyOf(n);
        this.addresses = Set.copyOf(a);
    }

    /** Throws the answer for a request that may not pass (403 foreign Host, 401 missing or wrong token). */
    void check(HttpExchange exchange) throws ApiException {
        String host = exchange.getRequestHeaders().getFirst("Host");
        if (host == null || !admits(host.trim())) {
            // Never echo the header back: it is the attacker's text.
            throw new ApiException(403, "the Host header does not name this admin API (see admin.address)");
        }
        if (token.isPresent() && !token.get().admits(exchange.getRequestHeaders().getFirst("Authorization"))) {
            exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"polyhook\"");
            throw new ApiException(401, "missing or wrong bearer token (admin.token)");
        }
    }

    /** Whether a {@code Host} header value ({@code name[:port]}, {@code [v6][:port]}) names this API. */
    boolean admits(String host) {
        String name;
        String portText;
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            if (close < 0) {
                return false;
            }
            name = host.substring(1, close);
            String rest = host.substring(close + 1);
            if (!rest.isEmpty() && !rest.startsWith(":")) {
                return false;
            }
            portText = rest.isEmpty() ? null : rest.substring(1);
            if (!IPV6.matcher(name).matches()) {
                return false;
            }
        } else {
            int colon = host.lastIndexOf(':');
            name = colon < 0 ? host : host.substring(0, colon);
            portText = colon < 0 ? null : host.substring(colon + 1);
            if (name.contains(":")) {
                return false;
            }
        }
        int p;
        try {
            p = portText == null ? 80 : Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            return false;
        }
        if (p != port) {
            return false;
        }
        name = name.toLowerCase(Locale.ROOT);
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        Optional<InetAddress> ip = literal(name);
        if (ip.isPresent()) {
            return wildcard || addresses.contains(ip.get());
        }
        return names.contains(name);
    }

    /** The address an IP literal stands for; empty for a name (which is never resolved here). */
    private static Optional<InetAddress> literal(String s) {
        try {
            if (IPV4.matcher(s).matches()) {
                String[] parts = s.split("\\.");
                byte[] b = new byte[4];
                for (int i = 0; i < 4; i++) {
                    int v = Integer.parseInt(parts[i]);
                    if (v > 255) {
                        return Optional.empty();
                    }
                    b[i] = (byte) v;
                }
                return Optional.of(InetAddress.getByAddress(b));
            }
            if (s.contains(":") && IPV6.matcher(s).matches()) {
                // In brackets the JDK only parses the literal, and never looks a name up.
                return Optional.of(InetAddress.getByName("[" + s + "]"));
            }
        } catch (UnknownHostException e) {
            // Not a valid literal.
        }
        return Optional.empty();
    }
}
