package io.polyhook.engine.luaj.syntax;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Lua 5.3 front end: checks a chunk against the Lua 5.3 grammar and spells it for LuaJ's
 * 5.2 compiler. What 5.2 has is left as written, byte for byte; what it lacks becomes something
 * it has:
 * <ul>
 *   <li>{@code //}, {@code &}, {@code |}, binary and unary {@code ~}, {@code <<}, {@code >>},
 *       and {@code %} (unless its divisor is a constant other than 0) become calls of functions
 *       named in the {@link Translation}, which the compiler binds to the operators' 5.3
 *       implementations;</li>
 *   <li>hexadecimal numerals that 5.3 wraps around or reads as floats are spelled in decimal;</li>
 *   <li>strings with {@code \\u{XXX}} escapes are spelled with decimal escapes.</li>
 * </ul>
 * Every token stays on its line, so LuaJ's line numbers in run-time errors are the user's.
 * A chunk that is not Lua 5.3 fails with {@link LuaSyntaxException}, which names the line and
 * column.
 */
public final class Lua53Translator {

    private static final String PREFIX = "__lua53_";
    private static final Pattern NUMBERED_PREFIX = Pattern.compile("__lua53_(\\d{1,17})_");
    private static final int MAX_SHORT_SOURCE = 45;

    private Lua53Translator() {
    }

    /**
     * Translates {@code source}.
     *
     * @param chunkName the chunk's name as LuaJ takes it: {@code @file}, {@code =name}, or the
     *                  source itself
     * @throws LuaSyntaxException if the source is not Lua 5.3
     */
    public static Translation translate(byte[] source, String chunkName) throws LuaSyntaxException {
        Lexer lexer = new Lexer(source, display(chunkName));
        lexer.skipHashLine();
        Parser parser = new Parser(lexer);
        parser.chunk();
        List<Edit> edits = parser.edits();
        if (edits.isEmpty()) {
            return new Translation(source, Map.of(), 0);
        }
        Map<Operator, String> names = new EnumMap<>(Operator.class);
        String prefix = unusedPrefix(source);
        for (Operator op : parser.operators()) {
            names.put(op, prefix + op.name().toLowerCase(java.util.Locale.ROOT));
        }
        edits.sort(Comparator.comparingInt(Edit::start).thenComparing(Comparator.comparingInt(Edit::end).reversed()));
        Emitter emitter = new Emitter(source, edits, names);
        emitter.copy(0, source.length);
        return new Translation(emitter.out.toByteArray(), names,
                (int) edits.stream().filter(e -> e instanceof Edit.Call).count());
    }

    /**
     * How Lua names a chunk in messages: {@code @file} is {@code file}, {@code =name} is
     * {@code name}, and source text is {@code [string "its first line..."]}.
     */
    public static String display(String chunkName) {
        if (chunkName.startsWith("@") || chunkName.startsWith("=")) {
            return chunkName.substring(1);
        }
        int newline = chunkName.indexOf('\n');
        String first = newline >= 0 ? chunkName.substring(0, newline) : chunkName;
        if (newline < 0 && first.length() < MAX_SHORT_SOURCE) {
            return "[string \"" + first + "\"]";
        }
        return "[string \"" + first.substring(0, Math.min(first.length(), MAX_SHORT_SOURCE)) + "...\"]";
    }

    /**
     * A name prefix that occurs nowhere in the source, so the operators' names cannot clash with
     * the user's: {@code __lua53_}, or {@code __lua53_<n>_} with an {@code n} above every one the
     * source spells (one pass, however many the source holds).
     */
    private static String unusedPrefix(byte[] source) {
        String text = new String(source, StandardCharsets.ISO_8859_1);
        if (!text.contains(PREFIX)) {
            return PREFIX;
        }
        long max = 0;
        Matcher m = NUMBERED_PREFIX.matcher(text);
        while (m.find()) {
            max = Math.max(max, Long.parseLong(m.group(1)));
        }
        return PREFIX + (max + 1) + "_";
    }

    /** Writes the source with the edits applied; edits sorted by start, outermost first. */
    private static final class Emitter {
        final byte[] source;
        final List<Edit> edits;
        final Map<Operator, String> names;
        final ByteArrayOutputStream out;
        int next;

        Emitter(byte[] source, List<Edit> edits, Map<Operator, String> names) {
            this.source = source;
            this.edits = edits;
            this.names = names;
            this.out = new ByteArrayOutputStream(source.length + 16 * edits.size());
        }

        /** Copies {@code [from, to)}, applying the edits that start in it (they end in it too). */
        void copy(int from, int to) {
            int p = from;
            while (next < edits.size() && edits.get(next).start() < to) {
                Edit e = edits.get(next++);
                out.write(source, p, e.start() - p);
                switch (e) {
                    case Edit.Replace r -> write(r.text());
                    // In parentheses: one value, and never a tail call, so that an error in the
                    // operator is reported at the operator's line.
                    case Edit.Call c when c.unary() -> {
                        write("(" + names.get(c.operator()) + "(");
                        copy(c.opEnd(), c.end());
                        write("))");
                    }
                    case Edit.Call c -> {
                        write("(" + names.get(c.operator()) + "(");
                        copy(c.start(), c.opStart());
                        write(",");
                        copy(c.opEnd(), c.end());
                        write("))");
                    }
                }
                p = e.end();
            }
            out.write(source, p, to - p);
        }

        private void write(String s) {
            out.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
        }
    }
}
