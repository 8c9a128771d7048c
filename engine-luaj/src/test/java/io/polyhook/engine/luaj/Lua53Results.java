package io.polyhook.engine.luaj;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The result tables of the Lua 5.3 tests ({@code src/test/resources/lua53/*.txt}), in the form
 * {@code render.lua} prints what real Lua 5.3 gives: one row a line,
 * {@code expression ==> result [==> result]}. A result is the values separated by spaces
 * (integers and floats as numbers, strings {@code "in quotes"} or {@code bytes:<hex>},
 * {@code nil}, {@code true}, {@code false}), {@code (nothing)}, or {@code error: message}.
 */
final class Lua53Results {

    private static final Pattern TOKEN = Pattern.compile("\"[^\"]*\"|\\S+");
    private static final Pattern POSITION = Pattern.compile("^expr:\\d+: ");

    /** One row: the expression and its results (the first is what it must give here). */
    record Row(String expression, List<String> results) {
        @Override
        public String toString() {
            return expression;
        }
    }

    private Lua53Results() {
    }

    /** The rows of a table in {@code src/test/resources/lua53/}. */
    static List<Row> rows(String resource) {
        List<Row> rows = new ArrayList<>();
        for (String line : text(resource).split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split(" ==> ");
            rows.add(new Row(parts[0], List.of(parts).subList(1, parts.length)));
        }
        return rows;
    }

    /** The text of a resource of {@code src/test/resources/lua53/}. */
    static String text(String resource) {
        try (InputStream in = Lua53Results.class.getResourceAsStream("/lua53/" + resource)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What the engine gives for {@code expression}, rendered as the tables render it where it matches {@code expected}. */
    static String evaluate(LuaExpressions lua, String expression, String expected) {
        Varargs values;
        try {
            values = lua.values(expression);
        } catch (LuaError e) {
            return "error: " + POSITION.matcher(String.valueOf(e.getMessage())).replaceFirst("");
        }
        if (values.narg() == 0) {
            return "(nothing)";
        }
        List<String> wanted = new ArrayList<>();
        Matcher m = TOKEN.matcher(expected);
        while (m.find()) {
            wanted.add(m.group());
        }
        List<String> out = new ArrayList<>();
        for (int i = 1; i <= values.narg(); i++) {
            out.add(render(values.arg(i), i <= wanted.size() ? wanted.get(i - 1) : null));
        }
        return String.join(" ", out);
    }

    /** A value as the tables show it; a number that equals the expected one is shown as that. */
    private static String render(LuaValue v, String expected) {
        if (v.isnumber() && v.type() == LuaValue.TNUMBER) {
            double d = v.todouble();
            Double want = expected == null ? null : number(expected);
            if (want != null && (want.equals(d) || (Double.isNaN(want) && Double.isNaN(d)))) {
                return expected;
            }
            return v.tojstring();
        }
        if (v.type() == LuaValue.TSTRING) {
            byte[] b = new byte[v.strvalue().length()];
            v.strvalue().copyInto(0, b, 0, b.length);
            String s = new String(b, StandardCharsets.ISO_8859_1);
            if (s.matches("[ -~]*") && !s.contains("\"")) {
                return "\"" + s + "\"";
            }
            return "bytes:" + HexFormat.of().formatHex(b);
        }
        return v.tojstring();
    }

    /** A number as the tables print it, or null if {@code token} is not one. */
    private static Double number(String token) {
        return switch (token) {
            case "inf" -> Double.POSITIVE_INFINITY;
            case "-inf" -> Double.NEGATIVE_INFINITY;
            case "nan", "-nan" -> Double.NaN;
            default -> {
                try {
                    yield token.matches("-?\\d+") ? (double) Long.parseLong(token) : Double.parseDouble(token);
                } catch (NumberFormatException e) {
                    yield null;
                }
            }
        };
    }
}
