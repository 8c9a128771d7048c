package io.polyhook.engine.luaj.syntax;

import java.util.HashMap;
import java.util.Map;

/** The kinds of Lua 5.3 tokens: reserved words, symbols, names, numerals, strings and the end. */
enum Kind {
    AND("and"), BREAK("break"), DO("do"), ELSE("else"), ELSEIF("elseif"), END("end"), FALSE("false"),
    FOR("for"), FUNCTION("function"), GOTO("goto"), IF("if"), IN("in"), LOCAL("local"), NIL("nil"),
    NOT("not"), OR("or"), REPEAT("repeat"), RETURN("return"), THEN("then"), TRUE("true"), UNTIL("until"),
    WHILE("while"),

    PLUS("+"), MINUS("-"), STAR("*"), SLASH("/"), DSLASH("//"), PERCENT("%"), CARET("^"), HASH("#"),
    AMP("&"), TILDE("~"), PIPE("|"), SHL("<<"), SHR(">>"), EQ("=="), NE("~="), LE("<="), GE(">="),
    LT("<"), GT(">"), ASSIGN("="), LPAREN("("), RPAREN(")"), LBRACE("{"), RBRACE("}"), LBRACKET("["),
    RBRACKET("]"), DBCOLON("::"), SEMI(";"), COLON(":"), COMMA(","), DOT("."), CONCAT(".."), DOTS("..."),

    NAME("<name>"), NUMBER("<number>"), STRING("<string>"), EOF("<eof>");

    private static final Map<String, Kind> RESERVED = new HashMap<>();

    static {
        for (Kind k : values()) {
            if (k.ordinal() <= WHILE.ordinal()) {
                RESERVED.put(k.text, k);
            }
        }
    }

    private final String text;

    Kind(String text) {
        this.text = text;
    }

    /** How Lua names the kind in "'x' expected": the word or symbol, or {@code <name>} and the like. */
    String text() {
        return text;
    }

    /** The reserved word spelled {@code word}, or null if it is a name. */
    static Kind reserved(String word) {
        return RESERVED.get(word);
    }
}
