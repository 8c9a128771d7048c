package io.polyhook.engine.luaj.syntax;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A recursive-descent parser of the Lua 5.3 grammar. It checks the whole chunk (syntax, and with
 * {@link Scopes} the use of {@code ...}, {@code break}, labels and {@code goto}) with Lua 5.3's
 * messages, and records the {@link Edit edits} that make the chunk something LuaJ compiles to
 * the same meaning. It builds no tree: an expression is known by its span and its shape.
 */
final class Parser {

    /** Lua 5.3's limit on nested syntax levels (LUAI_MAXCCALLS); also keeps hostile input off the Java stack. */
    private static final int MAX_LEVELS = 200;
    private static final int UNARY_PRIORITY = 12;

    private enum Shape { VAR, CALL, VARARG, NONZERO_NUMBER, OTHER }

    /** An expression: where it is and what it is. */
    private record Expr(int start, int end, Shape shape) {
    }

    private final Lexer lexer;
    private final Scopes scopes;
    private final List<Edit> edits = new ArrayList<>();
    private final Set<Operator> operators = EnumSet.noneOf(Operator.class);
    private Token current;
    private Token ahead;
    private int lastEnd;
    private int levels;

    Parser(Lexer lexer) {
        this.lexer = lexer;
        this.scopes = new Scopes(lexer);
    }

    /** Parses the whole chunk. */
    void chunk() throws LuaSyntaxException {
        current = lexer.next();
        scopes.openFunction(true, 0);
        block();
        if (current.kind() != Kind.EOF) {
            throw expected(Kind.EOF);
        }
        scopes.closeFunction();
    }

    /** The edits, in the order the parser met the operands' ends. */
    List<Edit> edits() {
        return edits;
    }

    /** The operators the chunk uses. */
    Set<Operator> operators() {
        return operators;
    }

    // ---- statements

    private void block() throws LuaSyntaxException {
        while (!blockFollows(true)) {
            if (current.kind() == Kind.RETURN) {
                statement();
                return;
            }
            statement();
        }
    }

    private boolean blockFollows(boolean withUntil) {
        return switch (current.kind()) {
            case ELSE, ELSEIF, END, EOF -> true;
            case UNTIL -> withUntil;
            default -> false;
        };
    }

    private void statement() throws LuaSyntaxException {
        int line = current.line();
        enterLevel();
        switch (current.kind()) {
            case SEMI -> advance();
            case IF -> ifStatement(line);
            case WHILE -> {
                advance();
                expression();
                expect(Kind.DO);
                loopBody();
                match(Kind.END, Kind.WHILE, line);
            }
            case DO -> {
                advance();
                scopedBlock(false);
                match(Kind.END, Kind.DO, line);
            }
            case FOR -> forStatement(line);
            case REPEAT -> {
                advance();
                scopedBlock(true);
                match(Kind.UNTIL, Kind.REPEAT, line);
                expression();
            }
            case FUNCTION -> {
                advance();
                name();
                while (current.kind() == Kind.DOT) {
                    advance();
                    name();
                }
                if (current.kind() == Kind.COLON) {
                    advance();
                    name();
                }
                body(line);
            }
            case LOCAL -> {
                advance();
                if (current.kind() == Kind.FUNCTION) {
                    advance();
                    name();
                    body(current.line());
                } else {
                    do {
                        name();
                    } while (accept(Kind.COMMA));
                    if (accept(Kind.ASSIGN)) {
                        expressionList();
                    }
                }
            }
            case DBCOLON -> label();
            case RETURN -> {
                advance();
                if (!blockFollows(true) && current.kind() != Kind.SEMI) {
                    expressionList();
                }
                accept(Kind.SEMI);
            }
            case BREAK -> breakStatement();
            case GOTO -> gotoStatement();
            default -> expressionStatement();
        }
        levels--;
    }

    private void ifStatement(int line) throws LuaSyntaxException {
        do {
            advance(); // 'if' or 'elseif'
            expression();
            expect(Kind.THEN);
            scopedBlock(false);
        } while (current.kind() == Kind.ELSEIF);
        if (accept(Kind.ELSE)) {
            scopedBlock(false);
        }
        match(Kind.END, Kind.IF, line);
    }

    private void forStatement(int line) throws LuaSyntaxException {
        advance();
        name();
        if (accept(Kind.ASSIGN)) {
            expression();
            expect(Kind.COMMA);
            expression();
            if (accept(Kind.COMMA)) {
                expression();
            }
        } else if (current.kind() == Kind.COMMA || current.kind() == Kind.IN) {
            while (accept(Kind.COMMA)) {
                name();
            }
            expect(Kind.IN);
            expressionList();
        } else {
            throw error("'=' or 'in' expected");
        }
        expect(Kind.DO);
        loopBody();
        match(Kind.END, Kind.FOR, line);
    }

    private void loopBody() throws LuaSyntaxException {
        scopedBlock(true);
    }

    private void scopedBlock(boolean loop) throws LuaSyntaxException {
        scopes.openBlock(loop);
        block();
        scopes.closeBlock();
    }

    private void expressionStatement() throws LuaSyntaxException {
        Expr e = suffixedExpression();
        if (current.kind() == Kind.ASSIGN || current.kind() == Kind.COMMA) {
            if (e.shape() != Shape.VAR) {
                throw error("syntax error");
            }
            while (accept(Kind.COMMA)) {
                if (suffixedExpression().shape() != Shape.VAR) {
                    throw error("syntax error");
                }
            }
            expect(Kind.ASSIGN);
            expressionList();
        } else if (e.shape() != Shape.CALL) {
            throw error("syntax error");
        }
    }

    private void breakStatement() throws LuaSyntaxException {
        Token t = current;
        advance();
        scopes.breakAt(t);
    }

    private void gotoStatement() throws LuaSyntaxException {
        Token t = current;
        advance();
        scopes.gotoAt(t, name());
    }

    private void label() throws LuaSyntaxException {
        Token t = current;
        advance();
        String name = name();
        expect(Kind.DBCOLON);
        scopes.labelAt(t, name);
    }

    /** {@code (params) block end}, the function's line being {@code line}. */
    private void body(int line) throws LuaSyntaxException {
        expect(Kind.LPAREN);
        boolean vararg = false;
        if (current.kind() != Kind.RPAREN) {
            do {
                if (current.kind() == Kind.NAME) {
                    advance();
                } else if (current.kind() == Kind.DOTS) {
                    advance();
                    vararg = true;
                } else {
                    throw error("<name> or '...' expected");
                }
            } while (!vararg && accept(Kind.COMMA));
        }
        expect(Kind.RPAREN);
        scopes.openFunction(vararg, line);
        block();
        match(Kind.END, Kind.FUNCTION, line);
        scopes.closeFunction();
    }

    // ---- expressions

    private void expressionList() throws LuaSyntaxException {
        expression();
        while (accept(Kind.COMMA)) {
            expression();
        }
    }

    private Expr expression() throws LuaSyntaxException {
        return subexpression(0);
    }

    /** An expression whose binary operators bind tighter than {@code limit}. */
    private Expr subexpression(int limit) throws LuaSyntaxException {
        enterLevel();
        int start = current.start();
        Expr left;
        Kind unary = current.kind();
        if (unary == Kind.NOT || unary == Kind.MINUS || unary == Kind.HASH || unary == Kind.TILDE) {
            Token op = current;
            advance();
            Expr operand = subexpression(UNARY_PRIORITY);
            if (unary == Kind.TILDE) {
                use(new Edit.Call(start, operand.end(), op.start(), op.end(), Operator.BNOT, true));
            }
            Shape shape = unary == Kind.MINUS && operand.shape() == Shape.NONZERO_NUMBER ? Shape.NONZERO_NUMBER : Shape.OTHER;
            left = new Expr(start, operand.end(), shape);
        } else {
            left = simpleExpression();
        }
        int[] priority = priority(current.kind());
        while (priority != null && priority[0] > limit) {
            Token op = current;
            advance();
            Expr right = subexpression(priority[1]);
            Operator rewritten = switch (op.kind()) {
                case DSLASH -> Operator.IDIV;
                // A constant divisor other than 0 leaves nothing for 5.3 to do differently.
                case PERCENT -> right.shape() == Shape.NONZERO_NUMBER ? null : Operator.MOD;
                case AMP -> Operator.BAND;
                case PIPE -> Operator.BOR;
                case TILDE -> Operator.BXOR;
                case SHL -> Operator.SHL;
                case SHR -> Operator.SHR;
                default -> null;
            };
            if (rewritten != null) {
                use(new Edit.Call(start, right.end(), op.start(), op.end(), rewritten, false));
            }
            left = new Expr(start, right.end(), Shape.OTHER);
            priority = priority(current.kind());
        }
        levels--;
        return left;
    }

    /** {left, right} priority of a binary operator, or null if {@code kind} is none. */
    private static int[] priority(Kind kind) {
        return switch (kind) {
            case OR -> new int[] {1, 1};
            case AND -> new int[] {2, 2};
            case LT, GT, LE, GE, NE, EQ -> new int[] {3, 3};
            case PIPE -> new int[] {4, 4};
            case TILDE -> new int[] {5, 5};
            case AMP -> new int[] {6, 6};
            case SHL, SHR -> new int[] {7, 7};
            case CONCAT -> new int[] {9, 8};
            case PLUS, MINUS -> new int[] {10, 10};
            case STAR, SLASH, DSLASH, PERCENT -> new int[] {11, 11};
            case CARET -> new int[] {14, 13};
            default -> null;
        };
    }

    private Expr simpleExpression() throws LuaSyntaxException {
        Token t = current;
        switch (t.kind()) {
            case NUMBER -> {
                Numeral n = (Numeral) t.value();
                String luaj = n.luajText();
                if (luaj != null) {
                    edits.add(new Edit.Replace(t.start(), t.end(), luaj));
                }
                advance();
                return new Expr(t.start(), t.end(), n.finiteNonZero() ? Shape.NONZERO_NUMBER : Shape.OTHER);
            }
            case STRING -> {
                string(t);
                advance();
                return new Expr(t.start(), t.end(), Shape.OTHER);
            }
            case NIL, TRUE, FALSE -> {
                advance();
                return new Expr(t.start(), t.end(), Shape.OTHER);
            }
            case DOTS -> {
                if (!scopes.vararg()) {
                    throw error("cannot use '...' outside a vararg function");
                }
                advance();
                return new Expr(t.start(), t.end(), Shape.VARARG);
            }
            case LBRACE -> {
                constructor();
                return new Expr(t.start(), lastEnd, Shape.OTHER);
            }
            case FUNCTION -> {
                advance();
                body(t.line());
                return new Expr(t.start(), lastEnd, Shape.OTHER);
            }
            default -> {
                return suffixedExpression();
            }
        }
    }

    private Expr suffixedExpression() throws LuaSyntaxException {
        int start = current.start();
        Shape shape;
        if (current.kind() == Kind.NAME) {
            advance();
            shape = Shape.VAR;
        } else if (current.kind() == Kind.LPAREN) {
            int line = current.line();
            advance();
            expression();
            match(Kind.RPAREN, Kind.LPAREN, line);
            shape = Shape.OTHER;
        } else {
            throw error("unexpected symbol");
        }
        while (true) {
            switch (current.kind()) {
                case DOT -> {
                    advance();
                    name();
                    shape = Shape.VAR;
                }
                case LBRACKET -> {
                    advance();
                    expression();
                    expect(Kind.RBRACKET);
                    shape = Shape.VAR;
                }
                case COLON -> {
                    advance();
                    name();
                    arguments();
                    shape = Shape.CALL;
                }
                case LPAREN, STRING, LBRACE -> {
                    arguments();
                    shape = Shape.CALL;
                }
                default -> {
                    return new Expr(start, lastEnd, shape);
                }
            }
        }
    }

    private void arguments() throws LuaSyntaxException {
        switch (current.kind()) {
            case STRING -> {
                string(current);
                advance();
            }
            case LBRACE -> constructor();
            case LPAREN -> {
                int line = current.line();
                advance();
                if (current.kind() != Kind.RPAREN) {
                    expressionList();
                }
                match(Kind.RPAREN, Kind.LPAREN, line);
            }
            default -> throw error("function arguments expected");
        }
    }

    private void constructor() throws LuaSyntaxException {
        int line = current.line();
        expect(Kind.LBRACE);
        while (current.kind() != Kind.RBRACE) {
            if (current.kind() == Kind.NAME && peek().kind() == Kind.ASSIGN) {
                advance();
                advance();
                expression();
            } else if (current.kind() == Kind.LBRACKET) {
                advance();
                expression();
                expect(Kind.RBRACKET);
                expect(Kind.ASSIGN);
                expression();
            } else {
                expression();
            }
            if (!accept(Kind.COMMA) && !accept(Kind.SEMI)) {
                break;
            }
        }
        match(Kind.RBRACE, Kind.LBRACE, line);
    }

    private void string(Token t) {
        String luaj = ((StringLiteral) t.value()).luajText();
        if (luaj != null) {
            edits.add(new Edit.Replace(t.start(), t.end(), luaj));
        }
    }

    // ---- tokens

    private void use(Edit.Call call) {
        edits.add(call);
        operators.add(call.operator());
    }

    private void advance() throws LuaSyntaxException {
        lastEnd = current.end();
        if (ahead != null) {
            current = ahead;
            ahead = null;
        } else {
            current = lexer.next();
        }
    }

    private Token peek() throws LuaSyntaxException {
        if (ahead == null) {
            ahead = lexer.next();
        }
        return ahead;
    }

    private boolean accept(Kind kind) throws LuaSyntaxException {
        if (current.kind() == kind) {
            advance();
            return true;
        }
        return false;
    }

    private void expect(Kind kind) throws LuaSyntaxException {
        if (!accept(kind)) {
            throw expected(kind);
        }
    }

    private String name() throws LuaSyntaxException {
        if (current.kind() != Kind.NAME) {
            throw expected(Kind.NAME);
        }
        String name = (String) current.value();
        advance();
        return name;
    }

    /** Expects {@code what}, which closes {@code who} opened at {@code line}. */
    private void match(Kind what, Kind who, int line) throws LuaSyntaxException {
        if (accept(what)) {
            return;
        }
        if (line == current.line()) {
            throw expected(what);
        }
        throw error(quoted(what) + " expected (to close " + quoted(who) + " at line " + line + ")");
    }

    private void enterLevel() throws LuaSyntaxException {
        if (++levels > MAX_LEVELS) {
            throw error("too many C levels (limit is " + MAX_LEVELS + ") in " + scopes.functionName());
        }
    }

    private LuaSyntaxException expected(Kind kind) {
        return error(quoted(kind) + " expected");
    }

    private LuaSyntaxException error(String reason) {
        return lexer.error(current.line(), current.column(), reason, lexer.near(current));
    }

    /** How Lua 5.3 names a token kind in "X expected": symbols and words quoted, {@code <name>} and {@code <eof>} not. */
    private static String quoted(Kind kind) {
        return switch (kind) {
            case NAME, NUMBER, STRING, EOF -> kind.text();
            default -> "'" + kind.text() + "'";
        };
    }
}
