package io.polyhook.provider.sql;

import org.jdbi.v3.core.statement.ParsedSql;

import java.util.Locale;
import java.util.Set;

/**
 * A script's SQL made ready for JDBC: its placeholders found, outside string literals, quoted
 * identifiers and comments, and turned into JDBI named parameters {@code p1..pn}.
 *
 * <p>PostgreSQL scripts write {@code $1..$n}, as epgsql wanted: each {@code $n} becomes the
 * parameter {@code pn}, so one may be used twice or out of order, and a literal {@code ?}
 * (the jsonb operator) is escaped as pgjdbc wants it, {@code ??}. MySQL scripts write
 * {@code ?}: the i-th one becomes {@code pi}.
 *
 * @param sql            the statement for JDBI
 * @param parameterCount how many values the script must pass: the highest {@code $n}, or the
 *                       number of {@code ?}
 * @param changesRows    whether it starts with INSERT, UPDATE, DELETE, MERGE or REPLACE, whose
 *                       PostgreSQL results vmq_diversity reports as true/false
 */
record ScriptStatement(ParsedSql sql, int parameterCount, boolean changesRows) {

    private static final Set<String> ROW_CHANGING = Set.of("INSERT", "UPDATE", "DELETE", "MERGE", "REPLACE");

    static ScriptStatement parse(SqlLibrary.Dialect dialect, String sql) {
        return new Lexer(sql, dialect == SqlLibrary.Dialect.POSTGRES).run();
    }

    /** Name of the JDBI parameter for the script's n-th value (1-based). */
    static String parameterName(int n) {
        return "p" + n;
    }

    /** One pass over the text; copies it, replacing placeholders. */
    private static final class Lexer {
        private final String sql;
        private final boolean postgres;
        private final int length;
        private final ParsedSql.Builder out = ParsedSql.builder();
        private final StringBuilder text = new StringBuilder();
        private int pos;
        private int parameters;
        private String firstWord;
        private boolean leading = true;

        Lexer(String sql, boolean postgres) {
            this.sql = sql;
            this.postgres = postgres;
            this.length = sql.length();
        }

        ScriptStatement run() {
            while (pos < length) {
                char c = sql.charAt(pos);
                if (c == '\'' ) {
                    copyQuoted('\'', !postgres || isEscapeString());
                } else if (c == '"') {
                    copyQuoted('"', !postgres);
                } else if (c == '`' && !postgres) {
                    copyQuoted('`', false);
                } else if (c == '-' && peek(1) == '-' && (postgres || isSpaceOrEnd(peek(2)))) {
                    copyUntilLineEnd();
                } else if (c == '#' && !postgres) {
                    copyUntilLineEnd();
                } else if (c == '/' && peek(1) == '*') {
                    copyBlockComment();
                } else if (c == '$' && postgres) {
                    dollar();
                } else if (c == '?') {
                    leading = false;
                    pos++;
                    if (postgres) {
                        text.append("??");
                    } else {
                        parameter(++parameters);
                    }
                } else if (isWordStart(c)) {
                    copyWord();
                } else {
                    if (!(Character.isWhitespace(c) || c == '(')) {
                        leading = false;
                    }
                    text.append(c);
                    pos++;
                }
            }
            out.append(text.toString());
            boolean changesRows = firstWord != null && ROW_CHANGING.contains(firstWord.toUpperCase(Locale.ROOT));
            return new ScriptStatement(out.build(), parameters, changesRows);
        }

        private char peek(int ahead) {
            return pos + ahead < length ? sql.charAt(pos + ahead) : '\0';
        }

        private static boolean isSpaceOrEnd(char c) {
            return c == '\0' || Character.isWhitespace(c) || Character.isISOControl(c);
        }

        private static boolean isWordStart(char c) {
            return Character.isLetter(c) || c == '_';
        }

        private static boolean isWordPart(char c) {
            return Character.isLetterOrDigit(c) || c == '_' || c == '$';
        }

        // E'...' (either case), where a backslash escapes the next character.
        private boolean isEscapeString() {
            if (pos == 0) {
                return false;
            }
            char before = sql.charAt(pos - 1);
            return (before == 'E' || before == 'e') && (pos < 2 || !isWordPart(sql.charAt(pos - 2)));
        }

        private void copyQuoted(char quote, boolean backslashEscapes) {
            leading = false;
            int start = pos++;
            while (pos < length) {
                char c = sql.charAt(pos);
                if (backslashEscapes && c == '\\') {
                    pos += 2;
                } else if (c == quote) {
                    if (peek(1) == quote) {
                        pos += 2;
                    } else {
                        pos++;
                        break;
                    }
                } else {
                    pos++;
                }
            }
            pos = Math.min(pos, length);
            text.append(sql, start, pos);
        }

        private void copyUntilLineEnd() {
            int end = sql.indexOf('\n', pos);
            end = end < 0 ? length : end;
            text.append(sql, pos, end);
            pos = end;
        }

        // PostgreSQL nests block comments, MySQL does not.
        private void copyBlockComment() {
            int start = pos;
            int depth = 0;
            while (pos < length) {
                if (sql.charAt(pos) == '/' && peek(1) == '*') {
                    depth = postgres ? depth + 1 : 1;
                    pos += 2;
                } else if (sql.charAt(pos) == '*' && peek(1) == '/') {
                    pos += 2;
                    if (--depth == 0) {
                        break;
                    }
                } else {
                    pos++;
                }
            }
            text.append(sql, start, Math.min(pos, length));
        }

        private void copyWord() {
            int start = pos;
            while (pos < length && isWordPart(sql.charAt(pos))) {
                pos++;
            }
            if (leading) {
                firstWord = sql.substring(start, pos);
                leading = false;
            }
            text.append(sql, start, pos);
        }

        // $n is a parameter; $tag$...$tag$ a dollar-quoted string; anything else a plain $.
        private void dollar() {
            leading = false;
            char next = peek(1);
            if (Character.isDigit(next)) {
                int start = ++pos;
                while (pos < length && Character.isDigit(sql.charAt(pos))) {
                    pos++;
                }
                int n;
                try {
                    n = Integer.parseInt(sql.substring(start, pos));
                } catch (NumberFormatException tooLarge) {
                    n = Integer.MAX_VALUE;
                }
                if (n == 0) {
                    text.append('$').append(sql, start, pos); // not a placeholder; the server will say so
                    return;
                }
                parameters = Math.max(parameters, n);
                parameter(n);
                return;
            }
            int tagEnd = pos + 1;
            if (isWordStart(next)) {
                while (tagEnd < length && (Character.isLetterOrDigit(sql.charAt(tagEnd)) || sql.charAt(tagEnd) == '_')) {
                    tagEnd++;
                }
            }
            if (tagEnd < length && sql.charAt(tagEnd) == '$') {
                String tag = sql.substring(pos, tagEnd + 1);
                int close = sql.indexOf(tag, tagEnd + 1);
                int end = close < 0 ? length : close + tag.length();
                text.append(sql, pos, end);
                pos = end;
            } else {
                text.append('$');
                pos++;
            }
        }

        private void parameter(int n) {
            out.append(text.toString());
            text.setLength(0);
            out.appendNamedParameter(parameterName(n));
        }
    }
}
