package io.polyhook.provider.authcache;

import io.polyhook.spi.Topics;

/**
 * The topic pattern of one ACL, split into words once, when the ACL is inserted, so that
 * matching a topic allocates nothing.
 *
 * <p>Matching is word-wise, as in vmq_diversity: a literal word matches the same word (so a
 * literal {@code +} or {@code #} in a requested filter only matches the same literal or a
 * wildcard), {@code +} matches exactly one level (any text, even {@code #}), and a trailing
 * {@code #} matches the remaining levels including none ({@code a} matches {@code a/#}).
 *
 * <p>Placeholders {@code %u}, {@code %c}, {@code %m} that form a whole level are replaced by the
 * user name, client id and mountpoint; the replacement is always a literal word, so a user named
 * {@code #} gets no wildcard.
 */
final class TopicPattern {

    /** A pattern that matches nothing: the ACL had no valid pattern. */
    static final TopicPattern NOTHING = new TopicPattern(new String[0], new byte[0], "<invalid>");

    private static final byte LITERAL = 0;
    private static final byte ONE_LEVEL = 1;
    private static final byte REST = 2;

    private final String[] words;
    private final byte[] kinds;
    private final String text;

    private TopicPattern(String[] words, byte[] kinds, String text) {
        this.words = words;
        this.kinds = kinds;
        this.text = text;
    }

    /**
     * The pattern {@code pattern} with its placeholders replaced, or {@code null} if
     * {@code pattern} is not a valid topic filter.
     */
    static TopicPattern compile(String pattern, String mountpoint, String clientId, String username) {
        if (!Topics.isValidFilter(pattern)) {
            return null;
        }
        String[] words = pattern.split("/", -1);
        byte[] kinds = new byte[words.length];
        for (int i = 0; i < words.length; i++) {
            switch (words[i]) {
                case "+" -> kinds[i] = ONE_LEVEL;
                case "#" -> kinds[i] = REST;
                case "%u" -> words[i] = username;
                case "%c" -> words[i] = clientId;
                case "%m" -> words[i] = mountpoint;
                default -> kinds[i] = LITERAL;
            }
        }
        return new TopicPattern(words, kinds, String.join("/", words));
    }

    /** Whether {@code topic} (a topic name or a requested filter) matches; allocates nothing. */
    boolean matches(String topic) {
        int n = topic.length();
        int pos = 0;
        int last = words.length - 1;
        if (last < 0) {
            return false;
        }
        for (int i = 0; i <= last; i++) {
            byte kind = kinds[i];
            if (kind == REST) {
                return true;
            }
            if (pos > n) {
                return false;
            }
            int end = topic.indexOf('/', pos);
            if (end < 0) {
                end = n;
            }
            if (kind == LITERAL) {
                String word = words[i];
                if (end - pos != word.length() || !topic.regionMatches(pos, word, 0, word.length())) {
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
