package io.polyhook.provider.authcache;

import io.polyhook.spi.Topics;

/**
 * The topic pattern of one ACL, split into levels once, when the ACL is inserted, so that
 * checking a request allocates nothing. This is the project's one implementation of ACL
 * matching: the auth cache's hooks and the script functions {@code auth_cache.match_publish} /
 * {@code match_subscribe} all go through it.
 *
 * <h2>Containment, not word matching</h2>
 * A request is granted only if <b>every topic it can reach is matched by the pattern</b>:
 * <ul>
 *   <li>a pattern level {@code +} matches exactly one level, so it covers a requested literal
 *       level or a requested {@code +}, but never a requested {@code #} ({@code a/+} does not grant
 *       {@code a/#}, unlike vmq_diversity's word matching);</li>
 *   <li>a pattern's trailing {@code #} covers whatever the request has from there on, including no
 *       level ({@code a/#} grants {@code a}, {@code a/+/b} and {@code a/#});</li>
 *   <li>a literal pattern level covers only the same literal: a requested {@code +} or {@code #}
 *       is a wildcard, never the text "+" or "#";</li>
 *   <li>{@code $}-topics (MQTT §4.7.2): a pattern whose first level is {@code +} or {@code #}
 *       matches no topic that starts with {@code $}, so it grants no request whose first level
 *       is a literal starting with {@code $} ({@code #} does not grant {@code $SYS/#});</li>
 *   <li>a shared subscription {@code $share/<group>/<filter>} reaches the topics of
 *       {@code <filter>}: it is granted by a pattern that grants {@code <filter>}, or by a
 *       pattern that itself starts with {@code $share/} and contains the whole request.</li>
 * </ul>
 * A topic name (a PUBLISH) is a request without wildcards, so the same check is plain matching.
 *
 * <h2>Placeholders</h2>
 * {@code %u}, {@code %c} and {@code %m} that form a whole level are replaced by the user name,
 * client id and mountpoint. A substituted value must stand for exactly one level that is not a
 * {@code $}-topic's: a value that contains {@code +}, {@code #} or {@code /}, or that starts
 * with {@code $} where it would be the first level, is refused ({@link #compile} throws, the ACL
 * matches nothing), so no client id or user name ever turns into a wildcard, a level separator
 * or a way into {@code $SYS} / {@code $share}.
 */
final class TopicPattern {

    /** A pattern that matches nothing: the ACL had no valid pattern. */
    static final TopicPattern NOTHING = new TopicPattern(new String[0], new byte[0], "<invalid>");

    private static final String SHARE = "$share";
    private static final String SHARE_PREFIX = SHARE + "/";

    private static final byte LITERAL = 0;
    private static final byte ONE_LEVEL = 1;
    private static final byte REST = 2;

    private final String[] words;
    private final byte[] kinds;
    private final String text;
    private final boolean shared;

    private TopicPattern(String[] words, byte[] kinds, String text) {
        this.words = words;
        this.kinds = kinds;
        this.text = text;
        this.shared = words.length > 0 && kinds[0] == LITERAL && words[0].equals(SHARE);
    }

    /**
     * The pattern {@code pattern} with its placeholders replaced.
     *
     * @throws IllegalArgumentException if {@code pattern} is not a valid topic filter, or a value
     *     substituted for a placeholder cannot stand for one level (the message says which)
     */
    static TopicPattern compile(String pattern, String mountpoint, String clientId, String username) {
        if (!Topics.isValidFilter(pattern)) {
            throw new IllegalArgumentException("pattern '" + pattern + "' is not a valid topic filter");
        }
        String[] words = pattern.split("/", -1);
        byte[] kinds = new byte[words.length];
        for (int i = 0; i < words.length; i++) {
            switch (words[i]) {
                case "+" -> kinds[i] = ONE_LEVEL;
                case "#" -> kinds[i] = REST;
                case "%u" -> words[i] = level("%u", "user name", username, i);
                case "%c" -> words[i] = level("%c", "client id", clientId, i);
                case "%m" -> words[i] = level("%m", "mountpoint", mountpoint, i);
                default -> kinds[i] = LITERAL;
            }
        }
        return new TopicPattern(words, kinds, String.join("/", words));
    }

    /** {@code value} as the literal level at {@code index}, or why it cannot be one. */
    private static String level(String placeholder, String what, String value, int index) {
        if (value == null) {
            throw new IllegalArgumentException(placeholder + ": there is no " + what + " to substitute");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '+' || c == '#' || c == '/') {
                throw new IllegalArgumentException(placeholder + ": the " + what + " '" + value
                        + "' contains '" + c + "', and a substituted value must match only itself as one level");
            }
        }
        if (index == 0 && value.startsWith("$")) {
            throw new IllegalArgumentException(placeholder + ": the " + what + " '" + value
                    + "' starts with '$', which would make the pattern a $-topic's");
        }
        return value;
    }

    /** Whether a PUBLISH to the topic name {@code topic} is granted; allocates nothing. */
    boolean grantsTopic(String topic) {
        return contains(topic, 0);
    }

    /**
     * Whether subscribing (or unsubscribing) {@code filter} is granted: every topic it can match
     * is matched by this pattern. Allocates nothing.
     */
    boolean grantsFilter(String filter) {
        if (!shared && filter.startsWith(SHARE_PREFIX)) {
            int group = filter.indexOf('/', SHARE_PREFIX.length());
            return group >= 0 && contains(filter, group + 1);
        }
        return contains(filter, 0);
    }

    /** Whether the request that starts at {@code from} in {@code request} is contained in this pattern. */
    private boolean contains(String request, int from) {
        int last = words.length - 1;
        if (last < 0) {
            return false;
        }
        int n = request.length();
        if (kinds[0] != LITERAL && from < n && request.charAt(from) == '$') {
            return false;
        }
        int pos = from;
        for (int i = 0; i <= last; i++) {
            byte kind = kinds[i];
            if (kind == REST) {
                return true;
            }
            if (pos > n) {
                // The request has no level here, the pattern needs one.
                return false;
            }
            int end = request.indexOf('/', pos);
            if (end < 0) {
                end = n;
            }
            boolean wildcard = end - pos == 1 && (request.charAt(pos) == '+' || request.charAt(pos) == '#');
            if (wildcard && request.charAt(pos) == '#') {
                // Only a pattern's '#' covers a requested '#', which also reaches the level above
                // (a/# matches a). At the first level there is no level above: +/# is #.
                return i == 0 && kind == ONE_LEVEL && last == 1 && kinds[1] == REST;
            }
            if (wildcard && kind == LITERAL) {
                // A literal covers no wildcard: a requested '+' is never the text "+".
                return false;
            }
            if (kind == LITERAL) {
                String word = words[i];
                if (end - pos != word.length() || !request.regionMatches(pos, word, 0, word.length())) {
                    return false;
                }
            }
            pos = end + 1;
        }
        return pos > n;
    }

    /** The pattern with its placeholders replaced, as inserted. */
    @Override
    public String toString() {
        return text;
    }
}
