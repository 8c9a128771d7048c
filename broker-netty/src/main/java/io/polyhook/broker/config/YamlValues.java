package io.polyhook.broker.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reading one YAML value of the config as the type a key wants, with an error that names the key
 * path: the vocabulary every section's parser shares.
 */
final class YamlValues {

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");

    private YamlValues() {
    }

    /** Free-form sections (providers, auth, plugins): a map of maps of plain values. */
    static Map<String, Object> freeMap(JsonNode n, String at) {
        if (n == null || n.isNull()) {
            return Map.of();
        }
        if (!n.isObject()) {
            throw new ConfigException(at, "must be a map, was " + kind(n));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : n.properties()) {
            if (!e.getValue().isObject()) {
                throw new ConfigException(at + "." + e.getKey(), "must be a map, was " + kind(e.getValue()));
            }
            out.put(e.getKey(), plain(e.getValue()));
        }
        return out;
    }

    static Object plain(JsonNode n) {
        return switch (n.getNodeType()) {
            case OBJECT -> {
                Map<String, Object> m = new LinkedHashMap<>();
                n.properties().forEach(e -> m.put(e.getKey(), plain(e.getValue())));
                yield java.util.Collections.unmodifiableMap(m);
            }
            case ARRAY -> {
                List<Object> l = new ArrayList<>();
                n.forEach(x -> l.add(plain(x)));
                yield java.util.Collections.unmodifiableList(l);
            }
            case BOOLEAN -> n.booleanValue();
            case NUMBER -> n.isIntegralNumber() ? (Object) n.longValue() : (Object) n.doubleValue();
            case NULL, MISSING -> "";
            default -> n.asText();
        };
    }

    static void object(JsonNode n, String at, Set<String> allowed) {
        if (!n.isObject()) {
            throw new ConfigException(at, "must be a map, was " + kind(n));
        }
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!allowed.contains(key)) {
                throw new ConfigException(at.isEmpty() ? key : at + "." + key,
                        "unknown key (expected one of " + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
        }
    }

    static String text(JsonNode n, String at) {
        if (!n.isTextual()) {
            throw new ConfigException(at, "must be a string, was " + kind(n));
        }
        return n.textValue();
    }

    static boolean bool(JsonNode parent, String key, String at, boolean dflt) {
        JsonNode n = parent.get(key);
        if (n == null || n.isNull()) {
            return dflt;
        }
        if (!n.isBoolean()) {
            throw new ConfigException(at + "." + key, "must be true or false, was " + describe(n));
        }
        return n.booleanValue();
    }

    static int integer(JsonNode parent, String key, String at, int dflt, int min, int max) {
        JsonNode n = parent.get(key);
        if (n == null || n.isNull()) {
            return dflt;
        }
        if (!n.isIntegralNumber() || n.longValue() < min || n.longValue() > max) {
            throw new ConfigException(at + "." + key, "must be an integer " + min + ".." + max + ", was " + describe(n));
        }
        return n.intValue();
    }

    /** "5s", "500ms", "2m", "1h". */
    static Duration duration(JsonNode n, String at) {
        String s = n.isTextual() ? n.textValue().trim() : n.asText();
        Matcher m = DURATION.matcher(s);
        if (!n.isTextual() || !m.matches()) {
            throw new ConfigException(at, "must be a duration such as \"5s\" or \"500ms\" (units ms, s, m, h), was " + describe(n));
        }
        long v = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(v);
            case "s" -> Duration.ofSeconds(v);
            case "m" -> Duration.ofMinutes(v);
            default -> Duration.ofHours(v);
        };
        if (d.isZero()) {
            throw new ConfigException(at, "must be positive, was " + describe(n));
        }
        return d;
    }

    /** "host:port" or "[v6]:port"; returns {host, port}. */
    static String[] address(JsonNode n, String at) {
        String s = text(n, at);
        int colon = s.lastIndexOf(':');
        String host = colon < 0 ? "" : s.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        String port = colon < 0 ? "" : s.substring(colon + 1);
        if (host.isEmpty() || !port.matches("\\d{1,5}") || Integer.parseInt(port) > 65535) {
            throw new ConfigException(at, "must be \"host:port\" with a port 0..65535, was \"" + s + "\"");
        }
        return new String[] {host, port};
    }

    static String describe(JsonNode n) {
        return n.isTextual() ? "\"" + n.textValue() + "\"" : n.toString();
    }

    static String kind(JsonNode n) {
        JsonNodeType t = n.getNodeType();
        return switch (t) {
            case OBJECT -> "a map";
            case ARRAY -> "a list";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            default -> t.name().toLowerCase();
        };
    }
}
