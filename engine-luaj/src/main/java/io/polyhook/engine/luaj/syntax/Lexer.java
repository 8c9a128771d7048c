package io.polyhook.engine.luaj.syntax;

import java.nio.charset.StandardCharsets;

/**
 * Splits Lua 5.3 source bytes into tokens, as Lua 5.3's own lexer does: the same tokens, the
 * same numerals and escapes, and the same errors, with the line and column of the token at
 * fault. Comments and white space are skipped. A first line starting with {@code #} is skipped
 * when the parser asks (as {@code luaL_loadfile} does).
 */
final class Lexer {

    private static final int MAX_NEAR = 80;

    private final byte[] src;
    private final String chunk;
    private int pos;
    private int line = 1;
    private int lineStart;
    private int columnLineStart = -1;
    private int columnOffset;
    private int columnCount;

    Lexer(byte[] src, String chunk) {
        this.src = src;
        this.chunk = chunk;
    }

    /** Skips a first line that starts with {@code #} (a Unix "#!" line), keeping its line break. */
    void skipHashLine() {
        if (src.length > 0 && src[0] == '#') {
            while (pos < src.length && src[pos] != '\n' && src[pos] != '\r') {
                pos++;
            }
        }
    }

    /** The next token; {@link Kind#EOF} at the end, again and again. */
    Token next() throws LuaSyntaxException {
        skipSpaceAndComments();
        int start = pos;
        int startLine = line;
        int column = column(start);
        if (pos >= src.length) {
            return new Token(Kind.EOF, start, start, startLine, column, null);
        }
        int c = src[pos] & 0xff;
        if (isAlpha(c)) {
            while (pos < src.length && isAlnum(src[pos] & 0xff)) {
                pos++;
            }
            String word = new String(src, start, pos - start, StandardCharsets.ISO_8859_1);
            Kind reserved = Kind.reserved(word);
            return new Token(reserved != null ? reserved : Kind.NAME, start, pos, startLine, column, word);
        }
        if (isDigit(c) || (c == '.' && pos + 1 < src.length && isDigit(src[pos + 1] & 0xff))) {
            return numeral(start, startLine, column);
        }
        switch (c) {
            case '"', '\'' -> {
                return shortString(start, startLine, column);
            }
            case '[' -> {
                int level = longBracketLevel();
                if (level >= 0) {
                    longBracket(level, start, startLine, column, "string");
                    return new Token(Kind.STRING, start, pos, startLine, column, StringLiteral.AS_WRITTEN);
                }
                if (level == -1) {
                    pos++;
                    return new Token(Kind.LBRACKET, start, pos, startLine, column, null);
                }
                int end = pos + 1;
                while (end < src.length && src[end] == '=') {
                    end++;
                }
                throw error(startLine, column, "invalid long string delimiter", near(start, end));
            }
            default -> {
                Kind symbol = symbol(c);
                if (symbol == null) {
                    pos++;
                    String shown = c >= 0x20 && c < 0x7f ? "'" + (char) c + "'" : "'<\\" + c + ">'";
                    throw error(startLine, column, "unexpected symbol", shown);
                }
                pos += symbol.text().length();
                return new Token(symbol, start, pos, startLine, column, null);
            }
        }
    }

    /** The source text of {@code [from, to)}, for messages. */
    String text(int from, int to) {
        return new String(src, from, to - from, StandardCharsets.UTF_8);
    }

    /** How Lua shows a token after "near": its text in quotes, or {@code <eof>}. */
    String near(Token t) {
        return t.kind() == Kind.EOF ? "<eof>" : near(t.start(), t.end());
    }

    /** An error at {@code (line, column)}: {@code reason near <near>}. */
    LuaSyntaxException error(int atLine, int atColumn, String reason, String near) {
        return new LuaSyntaxException(chunk, atLine, atColumn, near == null ? reason : reason + " near " + near);
    }

    private String near(int from, int to) {
        // Lua quotes the whole token; a megabyte of numeral is not worth a megabyte of message.
        int end = Math.min(to, src.length);
        return "'" + text(from, Math.min(end, from + MAX_NEAR)) + (end - from > MAX_NEAR ? "..." : "") + "'";
    }

    private Kind symbol(int c) {
        int d = pos + 1 < src.length ? src[pos + 1] & 0xff : -1;
        return switch (c) {
            case '+' -> Kind.PLUS;
            case '-' -> Kind.MINUS;
            case '*' -> Kind.STAR;
            case '/' -> d == '/' ? Kind.DSLASH : Kind.SLASH;
            case '%' -> Kind.PERCENT;
            case '^' -> Kind.CARET;
            case '#' -> Kind.HASH;
            case '&' -> Kind.AMP;
            case '~' -> d == '=' ? Kind.NE : Kind.TILDE;
            case '|' -> Kind.PIPE;
            case '<' -> d == '<' ? Kind.SHL : d == '=' ? Kind.LE : Kind.LT;
            case '>' -> d == '>' ? Kind.SHR : d == '=' ? Kind.GE : Kind.GT;
            case '=' -> d == '=' ? Kind.EQ : Kind.ASSIGN;
            case '(' -> Kind.LPAREN;
            case ')' -> Kind.RPAREN;
            case '{' -> Kind.LBRACE;
            case '}' -> Kind.RBRACE;
            case ']' -> Kind.RBRACKET;
            case ':' -> d == ':' ? Kind.DBCOLON : Kind.COLON;
            case ';' -> Kind.SEMI;
            case ',' -> Kind.COMMA;
            case '.' -> d == '.' ? (pos + 2 < src.length && src[pos + 2] == '.' ? Kind.DOTS : Kind.CONCAT) : Kind.DOT;
            default -> null;
        };
    }

    private void skipSpaceAndComments() throws LuaSyntaxException {
        while (pos < src.length) {
            int c = src[pos] & 0xff;
            if (c == '\n' || c == '\r') {
                newline();
            } else if (c == ' ' || c == '\t' || c == 0x0b || c == '\f') {
                pos++;
            } else if (c == '-' && pos + 1 < src.length && src[pos + 1] == '-') {
                int start = pos;
                int startLine = line;
                pos += 2;
                int level = pos < src.length && src[pos] == '[' ? longBracketLevel() : -1;
                if (level >= 0) {
                    longBracket(level, start, startLine, column(start), "comment");
                } else {
                    while (pos < src.length && src[pos] != '\n' && src[pos] != '\r') {
                        pos++;
                    }
                }
            } else {
                return;
            }
        }
    }

    /** At a line break: skips it ({@code \n}, {@code \r}, {@code \r\n} or {@code \n\r}) and counts a line. */
    private void newline() {
        int first = src[pos];
        pos++;
        if (pos < src.length && (src[pos] == '\n' || src[pos] == '\r') && src[pos] != first) {
            pos++;
        }
        line++;
        lineStart = pos;
    }

    /**
     * At a {@code [}: the level of the long bracket that starts here ({@code [[} is 0,
     * {@code [==[} is 2), -1 for a plain {@code [}, -2 for {@code [=} without the second
     * bracket. Moves past the opening bracket only if it is one.
     */
    private int longBracketLevel() {
        int i = pos + 1;
        while (i < src.length && src[i] == '=') {
            i++;
        }
        if (i < src.length && src[i] == '[') {
            int level = i - pos - 1;
            pos = i + 1;
            return level;
        }
        return i == pos + 1 ? -1 : -2;
    }

    /** Reads the body of a long string or comment up to its closing bracket. */
    private void longBracket(int level, int start, int startLine, int column, String what) throws LuaSyntaxException {
        while (true) {
            if (pos >= src.length) {
                throw error(startLine, column, "unfinished long " + what + " (starting at line " + startLine + ")", "<eof>");
            }
            int c = src[pos];
            if (c == ']') {
                int i = pos + 1;
                while (i < src.length && src[i] == '=') {
                    i++;
                }
                if (i < src.length && src[i] == ']' && i - pos - 1 == level) {
                    pos = i + 1;
                    return;
                }
                pos++;
            } else if (c == '\n' || c == '\r') {
                newline();
            } else {
                pos++;
            }
        }
    }

    private Token numeral(int start, int startLine, int column) throws LuaSyntaxException {
        String exponent = "Ee";
        if (src[pos] == '0' && pos + 1 < src.length && (src[pos + 1] == 'x' || src[pos + 1] == 'X')) {
            exponent = "Pp";
            pos += 2;
        }
        while (pos < src.length) {
            int c = src[pos] & 0xff;
            if (exponent.indexOf(c) >= 0) {
                pos++;
                if (pos < src.length && (src[pos] == '+' || src[pos] == '-')) {
                    pos++;
                }
            } else if (isHexDigit(c) || c == '.') {
                pos++;
            } else {
                break;
            }
        }
        Numeral n = Numeral.parse(new String(src, start, pos - start, StandardCharsets.ISO_8859_1));
        if (n == null) {
            throw error(startLine, column, "malformed number", near(start, pos));
        }
        return new Token(Kind.NUMBER, start, pos, startLine, column, n);
    }

    private Token shortString(int start, int startLine, int column) throws LuaSyntaxException {
        int quote = src[pos++];
        // The decoded bytes, kept only once a \\u escape makes a new spelling necessary.
        StringBuilder decoded = new StringBuilder();
        boolean unicode = false;
        while (true) {
            if (pos >= src.length) {
                throw error(startLine, column, "unfinished string", "<eof>");
            }
            int c = src[pos] & 0xff;
            if (c == quote) {
                pos++;
                break;
            }
            if (c == '\n' || c == '\r') {
                throw error(startLine, column, "unfinished string", near(start, pos));
            }
            if (c != '\\') {
                decoded.append((char) c);
                pos++;
                continue;
            }
            int escape = pos++;
            if (pos >= src.length) {
                throw error(startLine, column, "unfinished string", "<eof>");
            }
            int e = src[pos] & 0xff;
            switch (e) {
                case 'a' -> decoded.append((char) 7);
                case 'b' -> decoded.append('\b');
                case 'f' -> decoded.append('\f');
                case 'n' -> decoded.append('\n');
                case 'r' -> decoded.append('\r');
                case 't' -> decoded.append('\t');
                case 'v' -> decoded.append((char) 0x0b);
                case '\\', '"', '\'' -> decoded.append((char) e);
                case '\n', '\r' -> {
                    newline();
                    decoded.append('\n');
                    continue;
                }
                case 'x' -> {
                    int value = 0;
                    for (int k = 0; k < 2; k++) {
                        pos++;
                        int h = pos < src.length ? Character.digit(src[pos], 16) : -1;
                        if (h < 0) {
                            throw error(startLine, column, "hexadecimal digit expected", near(start, pos + 1));
                        }
                        value = value * 16 + h;
                    }
                    decoded.append((char) value);
                }
                case 'z' -> {
                    pos++;
                    while (pos < src.length && isSpace(src[pos] & 0xff)) {
                        if (src[pos] == '\n' || src[pos] == '\r') {
                            newline();
                        } else {
                            pos++;
                        }
                    }
                    continue;
                }
                case 'u' -> {
                    unicode = true;
                    utf8Escape(decoded, start, startLine, column);
                }
                default -> {
                    if (!isDigit(e)) {
                        throw error(startLine, column, "invalid escape sequence", near(start, Math.min(escape + 2, src.length)));
                    }
                    int value = 0;
                    int k = 0;
                    for (; k < 3 && pos < src.length && isDigit(src[pos] & 0xff); k++, pos++) {
                        value = value * 10 + (src[pos] - '0');
                    }
                    if (value > 255) {
                        throw error(startLine, column, "decimal escape too large", near(start, pos + 1));
                    }
                    decoded.append((char) value);
                    continue;
                }
            }
            pos++;
        }
        StringLiteral literal = unicode ? new StringLiteral(respell(decoded, line - startLine)) : StringLiteral.AS_WRITTEN;
        return new Token(Kind.STRING, start, pos, startLine, column, literal);
    }

    /** At the {@code u} of {@code \\u{XXX}}: appends the UTF-8 bytes of the code point (up to 10FFFF, as 5.3.6). */
    private void utf8Escape(StringBuilder decoded, int start, int startLine, int column) throws LuaSyntaxException {
        pos++;
        if (pos >= src.length || src[pos] != '{') {
            throw error(startLine, column, "missing '{'", near(start, pos + 1));
        }
        pos++;
        long value = 0;
        int digits = 0;
        while (pos < src.length && Character.digit(src[pos], 16) >= 0) {
            value = value * 16 + Character.digit(src[pos], 16);
            digits++;
            pos++;
            if (value > Utf8.MAX_CODE_POINT) {
                throw error(startLine, column, "UTF-8 value too large", near(start, pos));
            }
        }
        if (digits == 0) {
            throw error(startLine, column, "hexadecimal digit expected", near(start, pos + 1));
        }
        if (pos >= src.length || src[pos] != '}') {
            throw error(startLine, column, "missing '}'", near(start, pos + 1));
        }
        for (byte b : Utf8.encode(value)) {
            decoded.append((char) (b & 0xff));
        }
    }

    /**
     * A double-quoted literal holding {@code bytes} that LuaJ reads as Lua 5.3 reads the original:
     * every byte that is not a plain printable character as a 3-digit decimal escape, and the
     * original's line breaks kept as {@code \z} followed by as many line breaks, so that every
     * later token stays on its line.
     */
    private static String respell(CharSequence bytes, int lineBreaks) {
        StringBuilder out = new StringBuilder(bytes.length() + 2).append('"');
        for (int i = 0; i < bytes.length(); i++) {
            char b = bytes.charAt(i);
            if (b >= 0x20 && b < 0x7f && b != '"' && b != '\\') {
                out.append(b);
            } else {
                out.append('\\').append(String.format("%03d", (int) b));
            }
        }
        if (lineBreaks > 0) {
            out.append("\\z").append("\n".repeat(lineBreaks));
        }
        return out.append('"').toString();
    }

    /**
     * The column of {@code offset} on the current line. Offsets asked for only grow, so the count
     * goes on from the last one: linear in the line, however many tokens it holds.
     */
    private int column(int offset) {
        if (columnLineStart != lineStart || offset < columnOffset) {
            columnLineStart = lineStart;
            columnOffset = lineStart;
            columnCount = 1;
        }
        for (; columnOffset < offset && columnOffset < src.length; columnOffset++) {
            if ((src[columnOffset] & 0xC0) != 0x80) {
                columnCount++;
            }
        }
        return columnCount;
    }

    private static boolean isAlpha(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    }

    private static boolean isAlnum(int c) {
        return isAlpha(c) || isDigit(c);
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isHexDigit(int c) {
        return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static boolean isSpace(int c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x0b || c == '\f';
    }
}
