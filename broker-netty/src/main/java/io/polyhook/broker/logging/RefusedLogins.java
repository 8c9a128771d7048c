package io.polyhook.broker.logging;

import io.polyhook.spi.Peer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.Optional;

/**
 * Logs refused logins (a CONNECT answered with a refusing CONNACK) at INFO with the client id,
 * user name, peer and reason, never the password. At most {@link #LINES_PER_SECOND} lines a
 * second: a login storm cannot flood the log; the lines left out are counted and said in the
 * next line that is written. Names come from the network, so they are cut to
 * {@link #MAX_NAME} characters and control characters are escaped (one event, one line).
 */
public final class RefusedLogins {

    /** The most refusal lines written in one second. */
    public static final int LINES_PER_SECOND = 10;
    /** The most characters of a client id or user name written. */
    static final int MAX_NAME = 128;

    /** The broker's log of refused logins (logger {@code io.polyhook.broker.logging.RefusedLogins}). */
    public static final RefusedLogins LOG = new RefusedLogins(LoggerFactory.getLogger(RefusedLogins.class),
            Clock.systemUTC());

    private final Logger log;
    private final Clock clock;
    private long windowStart = Long.MIN_VALUE; // guarded by this
    private int linesInWindow;                 // guarded by this
    private long suppressed;                   // guarded by this

    RefusedLogins(Logger log, Clock clock) {
        this.log = log;
        this.clock = clock;
    }

    /**
     * A login was refused.
     *
     * @param clientId the client id the CONNECT gave, null if it was refused before its id was read
     * @param username the user name, if the CONNECT gave one
     * @param peer     the remote address
     * @param reason   the CONNACK code and why, e.g. {@code NOT_AUTHORIZED_5 (denied by script auth.lua)}
     */
    public void refused(String clientId, Optional<String> username, Peer peer, String reason) {
        if (!log.isInfoEnabled()) {
            return;
        }
        long left;
        synchronized (this) {
            long second = clock.millis() / 1000;
            if (second != windowStart) {
                windowStart = second;
                linesInWindow = 0;
            }
            if (linesInWindow >= LINES_PER_SECOND) {
                suppressed++;
                return;
            }
            linesInWindow++;
            left = suppressed;
            suppressed = 0;
        }
        String id = clientId == null ? "" : clean(clientId);
        String user = username.map(u -> "\"" + clean(u) + "\"").orElse("none");
        String at = peer.address().contains(":") ? "[" + peer.address() + "]:" + peer.port() : peer.address() + ":" + peer.port();
        if (left == 0) {
            log.info("login refused: client id \"{}\", username {}, peer {}: {}", id, user, at, clean(reason));
        } else {
            log.info("login refused: client id \"{}\", username {}, peer {}: {} ({} more refused login(s) not logged:"
                    + " over {} a second)", id, user, at, clean(reason), left, LINES_PER_SECOND);
        }
    }

    /** At most {@link #MAX_NAME} characters, control characters and quotes escaped. */
    static String clean(String s) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), MAX_NAME) + 8);
        int n = Math.min(s.length(), MAX_NAME);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == '\u2028' || c == '\u2029') {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        if (s.length() > MAX_NAME) {
            b.append("...(").append(s.length()).append(" chars)");
        }
        return b.toString();
    }
}
