package io.polyhook.broker.scripttest;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Model values written for a report, in YAML's flow style so they read like the test file:
 * {@code {topic: "a/b", qos: 1}}, {@code [["a/#", 1]]}. Text is quoted and escaped; bytes that
 * are not UTF-8 are shown in hex; long text is cut with its length said. In the arguments of a
 * library call, runs of white space (the indentation of an SQL statement) are shown as one space.
 */
final class ModelText {

    /** Longer text is cut to this many characters. */
    static final int MAX_TEXT = 100;

    private ModelText() {
    }

    static String of(Object value) {
        StringBuilder out = new StringBuilder();
        append(out, value, false);
        return out.toString();
    }

    /** The arguments of a call, comma-separated, as in {@code postgres.execute(...)}. */
    static String arguments(List<?> values) {
        StringJoiner j = new StringJoiner(", ");
        for (Object v : values) {
            StringBuilder out = new StringBuilder();
            append(out, v, true);
            j.add(out);
        }
        return j.toString();
    }

    private static void append(StringBuilder out, Object value, boolean flat) {
        switch (value) {
            case null -> out.append("null");
            case String s -> text(out, s, flat);
            case byte[] b -> {
                String s = utf8(b);
                if (s != null) {
                    text(out, s, flat);
                } else {
                    out.append("<").append(b.length).append(" bytes ")
                            .append(HexFormat.of().formatHex(b, 0, Math.min(b.length, 32)))
                            .append(b.length > 32 ? "...>" : ">");
                }
            }
            case Double d when d == Math.rint(d) && !d.isInfinite() && Math.abs(d) < 1e15 -> out.append(d.longValue());
            case Map<?, ?> m -> {
                out.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    out.append(first ? "" : ", ").append(e.getKey()).append(": ");
                    append(out, e.getValue(), flat);
                    first = false;
                }
                out.append('}');
            }
            case List<?> l -> {
                out.append('[');
                for (int i = 0; i < l.size(); i++) {
                    out.append(i == 0 ? "" : ", ");
                    append(out, l.get(i), flat);
                }
                out.append(']');
            }
            default -> out.append(value);
        }
    }

    private static void text(StringBuilder out, String s, boolean flatten) {
        String shown = flatten ? s.strip().replaceAll("\\s+", " ") : s;
        boolean cut = shown.length() > MAX_TEXT;
        if (cut) {
            shown = shown.substring(0, MAX_TEXT);
        }
        out.append('"');
        for (int i = 0; i < shown.length(); i++) {
            char c = shown.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\x%02x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
        if (cut) {
            out.append("... (").append(s.length()).append(" characters)");
        }
    }

    private static String utf8(byte[] b) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
