package io.polyhook.cluster.infinispan.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Cache keys of several parts as one string, each part prefixed with its length
 * ({@code "5:node1|0:|3:a/b"}), so that no client id, filter or table key can make two
 * different keys equal, whatever characters it holds. Strings are keys every node's
 * marshaller knows without registration.
 */
public final class Keys {

    private Keys() {
    }

    /** The key of {@code parts}. */
    public static String of(String... parts) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                sb.append('|');
            }
            sb.append(parts[i].length()).append(':').append(parts[i]);
        }
        return sb.toString();
    }

    /** The parts of {@code key}; throws {@link IllegalArgumentException} if it is not a key of {@link #of}. */
    public static List<String> parts(String key) {
        List<String> out = new ArrayList<>(4);
        int i = 0;
        while (i < key.length()) {
            int colon = key.indexOf(':', i);
            if (colon < 0) {
                throw new IllegalArgumentException("not a cluster key");
            }
            int n;
            try {
                n = Integer.parseInt(key, i, colon, 10);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a cluster key");
            }
            int end = colon + 1 + n;
            if (n < 0 || end > key.length()) {
                throw new IllegalArgumentException("not a cluster key");
            }
            out.add(key.substring(colon + 1, end));
            if (end < key.length() && key.charAt(end) != '|') {
                throw new IllegalArgumentException("not a cluster key");
            }
            i = end + 1;
        }
        return out;
    }

    /** The first part of {@code key} (the node of a route, the table of a kv entry). */
    public static String first(String key) {
        int colon = key.indexOf(':');
        int n = Integer.parseInt(key, 0, colon, 10);
        return key.substring(colon + 1, colon + 1 + n);
    }
}
