package dev.pictl.config.hcl;

import dev.pictl.diag.Diagnostic;
import dev.pictl.diag.Diagnostics;
import dev.pictl.diag.SourceRange;
import java.math.BigDecimal;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Recursive-descent parser for pictl's HCL subset.
 *
 * <pre>
 * Body      = { Attribute | Block | NEWLINE }
 * Attribute = IDENT "=" Expr (NEWLINE | EOF)
 * Block     = IDENT { STRING | IDENT } "{" NEWLINE Body "}" (NEWLINE | EOF)       multi-line
 *           | IDENT { STRING | IDENT } "{" [ IDENT "=" Expr ] "}" (NEWLINE | EOF)  one-line: at most one attribute
 * Expr      = literal | template | "[" items "]" | "{" items "}" | IDENT "(" args ")" | traversal | "(" Expr ")"
 * </pre>
 *
 * On a syntax error the current item is abandoned, tokens are skipped to the end of its line (keeping
 * bracket balance), and parsing resumes, so every independent syntax error is reported in one run.
 */
public final class Parser {
    /** How deep blocks and expressions may nest; the lexer bounds nested interpolations by the same number. */
    public static final int MAX_DEPTH = 64;

    private final List<Token> tokens;
    private final Diagnostics diags;
    private int i;
    /**
     * Brackets opened by the item being parsed and not yet closed, innermost first: error recovery needs their
     * kinds to tell a list left open from the "}" that closes the enclosing block.
     */
    private ArrayDeque<TokenType> openInItem = new ArrayDeque<>();
    private int nesting;

    /** Thrown to abandon the current item; the diagnostic is already recorded. */
    private static final class Abandon extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Abandon() {
            super(null, null, false, false);
        }
    }

    Parser(List<Token> tokens, Diagnostics diags) {
        this.tokens = tokens;
        this.diags = diags;
    }

    /** Lexes and parses one file; problems go to {@code diags}. Never throws for bad input. */
    public static HclFile parse(String fileName, String text, Diagnostics diags) {
        Lexer lexer = new Lexer(fileName, text, diags);
        List<Token> tokens = lexer.tokenize();
        Parser p = new Parser(tokens, diags);
        Body body = p.parseBody(null);
        return new HclFile(fileName, text, body);
    }

    // ---- bodies -------------------------------------------------------------------------------------------

    /** Parses until EOF (top level) or until a "}" (inside a block, not consumed). */
    private Body parseBody(Token openBrace) {
        List<Body.Attribute> attrs = new ArrayList<>();
        List<Body.Block> blocks = new ArrayList<>();
        while (true) {
            Token t = peek();
            if (t.type() == TokenType.NEWLINE) {
                i++;
                continue;
            }
            if (t.type() == TokenType.EOF) {
                break;
            }
            if (t.type() == TokenType.RBRACE) {
                if (openBrace != null) {
                    break;
                }
                error(t, "unexpected \"}\"", "There is no open block for this \"}\" to close. Remove it.");
                i++;
                continue;
            }
            openInItem.clear();
            try {
                parseItem(attrs, blocks);
            } catch (Abandon a) {
                recover();
            }
        }
        return new Body(attrs, blocks);
    }

    private void parseItem(List<Body.Attribute> attrs, List<Body.Block> blocks) {
        Token name = peek();
        if (name.type() != TokenType.IDENT) {
            throw fail(name, "unexpected " + name.describe() + "; expected an attribute or a block",
                    "Each line holds an attribute (name = value) or starts a block (type \"label\" {).");
        }
        i++;
        Token next = peek();
        if (next.type() == TokenType.EQUAL) {
            i++;
            Body.Attribute a = attribute(name);
            endOfItem("attribute " + name.text());
            attrs.add(a);
        } else if (next.type() == TokenType.STRING || next.type() == TokenType.IDENT || next.type() == TokenType.LBRACE) {
            blocks.add(block(name));
        } else if (next.type() == TokenType.COLON) {
            throw fail(next, "unexpected \":\" after \"" + name.text() + "\"; expected \"=\"",
                    "Attributes are written name = value. Replace \":\" with \"=\".");
        } else {
            throw fail(next, "unexpected " + next.describe() + " after \"" + name.text() + "\"; expected \"=\" or a block",
                    "Write \"" + name.text() + " = value\" for an attribute, or \"" + name.text()
                            + " \"label\" {\" to open a block.");
        }
    }

    private Body.Attribute attribute(Token name) {
        Expr value = expression(true);
        return new Body.Attribute(name.text(), name.range(), value, name.range().to(value.range()));
    }

    private Body.Block block(Token type) {
        List<Body.Label> labels = new ArrayList<>();
        while (peek().type() == TokenType.STRING || peek().type() == TokenType.IDENT) {
            Token l = next();
            if (l.type() == TokenType.STRING && !l.isPlainString()) {
                throw fail(l, "block labels cannot contain interpolation",
                        "A block label is a fixed name such as \"pi-1\"; ${...} is not allowed in it.");
            }
            labels.add(new Body.Label(l.type() == TokenType.STRING ? l.plainValue() : l.text(), l.range()));
        }
        Token open = peek();
        if (open.type() != TokenType.LBRACE) {
            throw fail(open, "unexpected " + open.describe() + " in the header of block \"" + type.text()
                    + "\"; expected \"{\"", "A block header is the block type, its labels in quotes, then \"{\".");
        }
        i++;
        SourceRange header = labels.isEmpty() ? type.range() : type.range().to(labels.get(labels.size() - 1).range());
        if (nesting >= MAX_DEPTH) {
            openInItem.push(TokenType.LBRACE); // so that recovery skips the whole block, not one line of it
            throw tooDeep(open.range());
        }
        nesting++;
        try {
            Body body;
            Token close;
            if (peek().type() == TokenType.NEWLINE) {
                body = closeBlock(open, type, labels);
                close = previous();
            } else {
                // Counted as open so that recovery from an error inside it stops at its "}", not at the next one.
                openInItem.push(TokenType.LBRACE);
                body = oneLineBlock(open, type, labels);
                openInItem.pop();
                close = previous();
            }
            endOfItem("block");
            return new Body.Block(type.text(), type.range(), labels, body, header, type.range().to(close.range()));
        } finally {
            nesting--;
        }
    }

    /** Multi-line body after "{": parses it and consumes the closing "}". */
    private Body closeBlock(Token open, Token type, List<Body.Label> labels) {
        ArrayDeque<TokenType> saved = new ArrayDeque<>(openInItem);
        Body body = parseBody(open);
        openInItem = saved;
        Token close = peek();
        if (close.type() != TokenType.RBRACE) {
            String what = describeHeader(type, labels);
            error(close, "unclosed block " + what,
                    "The block " + what + " opened at " + open.range().location()
                            + " has no closing \"}\" before the end of the file. Add one.");
            throw new Abandon();
        }
        i++;
        return body;
    }

    /**
     * One-line block: "{" [attr] "}" on one line. HCL allows at most one attribute and no nested block there;
     * after reporting a violation, the rest is parsed as a multi-line body so recovery stays local.
     */
    private Body oneLineBlock(Token open, Token type, List<Body.Label> labels) {
        if (peek().type() == TokenType.RBRACE) {
            i++;
            return new Body(List.of(), List.of());
        }
        Token name = peek();
        if (name.type() != TokenType.IDENT) {
            throw fail(name, "unexpected " + name.describe() + " after \"{\"",
                    "After \"{\" comes a new line, or (for a one-line block) a single attribute and \"}\".");
        }
        i++;
        if (peek().type() != TokenType.EQUAL) {
            Token n = peek();
            if (n.type() == TokenType.LBRACE || n.type() == TokenType.STRING || n.type() == TokenType.IDENT) {
                throw fail(name, "a one-line block cannot contain a nested block",
                        "Put a new line after the \"{\" of " + describeHeader(type, labels)
                                + " and write the nested block on lines of its own.");
            }
            throw fail(n, "unexpected " + n.describe() + " after \"" + name.text() + "\"; expected \"=\"",
                    "Attributes are written name = value.");
        }
        i++;
        Body.Attribute attr = attribute(name);
        Token after = peek();
        if (after.type() == TokenType.RBRACE) {
            i++;
            return new Body(List.of(attr), List.of());
        }
        if (after.type() == TokenType.NEWLINE) {
            error(after, "a one-line block must end with \"}\" right after its attribute",
                    "Either close " + describeHeader(type, labels) + " with \"}\" on this line, or put a new line "
                            + "right after its \"{\" so that it is a multi-line block.");
            Body rest = closeBlock(open, type, labels);
            List<Body.Attribute> attrs = new ArrayList<>();
            attrs.add(attr);
            attrs.addAll(rest.attributes());
            return new Body(attrs, rest.blocks());
        }
        if (after.type() == TokenType.COMMA || after.type() == TokenType.IDENT) {
            throw fail(after, "a one-line block can hold only one attribute",
                    "HCL allows one attribute in a block written on one line. Put a new line after the \"{\" of "
                            + describeHeader(type, labels) + " and each attribute on its own line.");
        }
        throw fail(after, "unexpected " + after.describe() + " after the value of \"" + name.text() + "\"",
                "Each attribute ends at the end of its line (or at \"}\" in a one-line block).");
    }

    private static String describeHeader(Token type, List<Body.Label> labels) {
        StringBuilder b = new StringBuilder(type.text());
        for (Body.Label l : labels) {
            b.append(" \"").append(l.value()).append('"');
        }
        return b.toString();
    }

    /** After an attribute or block: a newline, the end of file, or the "}" of the enclosing block. */
    private void endOfItem(String what) {
        Token t = peek();
        switch (t.type()) {
            case NEWLINE -> i++;
            case EOF, RBRACE -> {
                // RBRACE: the enclosing block closes on the same line; the body loop handles it.
            }
            default -> {
                if (what.equals("block")) {
                    throw fail(t, "unexpected " + t.describe() + " after the closing \"}\" of a block",
                            "A block ends at the end of its line; start the next item on a new line.");
                }
                throw fail(t, "unexpected " + t.describe() + " after the value of " + what.replace("attribute ", "\"") + "\"",
                        "An attribute's value ends at the end of its line. If this is a new attribute, "
                                + "put it on its own line; a list needs [ ] and commas.");
            }
        }
    }

    /**
     * Skips to the end of the abandoned item's line, keeping bracket balance. A "}" met while a "[" or "(" is
     * open means that those were never closed (a list missing its "]" ends at its block's "}"): they are dropped,
     * so that the "}" still closes its block instead of leaving it unclosed.
     */
    private void recover() {
        ArrayDeque<TokenType> open = new ArrayDeque<>(openInItem);
        while (true) {
            Token t = peek();
            switch (t.type()) {
                case EOF -> {
                    return;
                }
                case LBRACE, LBRACKET, LPAREN -> open.push(t.type());
                case RBRACE -> {
                    while (!open.isEmpty() && open.peek() != TokenType.LBRACE) {
                        open.pop();
                    }
                    if (open.isEmpty()) {
                        return; // closes the enclosing block
                    }
                    open.pop();
                }
                case RBRACKET, RPAREN -> {
                    if (open.peek() == (t.type() == TokenType.RBRACKET ? TokenType.LBRACKET : TokenType.LPAREN)) {
                        open.pop();
                    }
                }
                case NEWLINE -> {
                    if (open.isEmpty()) {
                        i++;
                        return;
                    }
                }
                default -> {
                }
            }
            i++;
        }
    }

    // ---- expressions --------------------------------------------------------------------------------------

    /**
     * @param top whether this is an attribute's whole value (then a following operator gets a specific error)
     */
    private Expr expression(boolean top) {
        Expr e = term();
        Token t = peek();
        if (t.type() == TokenType.OPERATOR || t.type() == TokenType.QUESTION || t.type() == TokenType.STAR) {
            throw fail(t, "operators are not supported: " + t.describe(),
                    "pictl configurations hold plain values: strings, numbers, booleans, lists, maps, "
                            + "references and function calls. Write the resulting value instead.");
        }
        return e;
    }

    /**
     * Every recursion of the expression grammar passes through here (list items, map keys and values, call
     * arguments, index keys, parentheses, interpolations), so counting here bounds the parser's stack, and the
     * depth of every tree that evaluation, decoding and printing later walk, by {@link #MAX_DEPTH}.
     */
    private Expr term() {
        if (nesting >= MAX_DEPTH) {
            throw tooDeep(peek().range());
        }
        nesting++;
        try {
            return termAt();
        } finally {
            nesting--;
        }
    }

    private Abandon tooDeep(SourceRange at) {
        return fail(at, "nesting deeper than " + MAX_DEPTH + " levels",
                "Blocks, lists, maps, function calls and ${ } interpolations nest at most " + MAX_DEPTH
                        + " levels deep in a pictl configuration. Flatten the value.");
    }

    private Expr termAt() {
        Token t = peek();
        switch (t.type()) {
            case NUMBER -> {
                i++;
                return new Expr.Literal(number(t), t.range());
            }
            case OPERATOR -> {
                if (t.text().equals("-") && peekAt(1).type() == TokenType.NUMBER) {
                    i++;
                    Token n = next();
                    return new Expr.Literal(number(n).negate(), t.range().to(n.range()));
                }
                throw fail(t, "operators are not supported: " + t.describe(),
                        "Write the value itself; pictl does not evaluate operators.");
            }
            case STRING, HEREDOC -> {
                i++;
                return template(t);
            }
            case LBRACKET -> {
                return tuple();
            }
            case LBRACE -> {
                return object();
            }
            case LPAREN -> {
                i++;
                openInItem.push(TokenType.LPAREN);
                skipNewlines();
                Expr inner = expression(false);
                skipNewlines();
                expect(TokenType.RPAREN, "\")\" to close \"(\"");
                openInItem.pop();
                return inner;
            }
            case IDENT -> {
                return identifierExpr();
            }
            case NEWLINE, EOF -> throw fail(t, "missing value",
                    "Something must follow \"=\": a \"string\", a number, true/false, a [list], a {map} or a reference.");
            default -> throw fail(t, "unexpected " + t.describe() + "; expected a value",
                    "A value is a \"string\", a number, true/false, a [list], a {map} or a reference such as node.pi-1.");
        }
    }

    private Expr identifierExpr() {
        Token id = next();
        switch (id.text()) {
            case "true" -> {
                return new Expr.Literal(Boolean.TRUE, id.range());
            }
            case "false" -> {
                return new Expr.Literal(Boolean.FALSE, id.range());
            }
            case "null" -> {
                return new Expr.Literal(null, id.range());
            }
            default -> {
            }
        }
        if (peek().type() == TokenType.LPAREN) {
            return call(id);
        }
        List<Expr.Traversal.Step> steps = new ArrayList<>();
        SourceRange end = id.range();
        while (true) {
            Token t = peek();
            if (t.type() == TokenType.DOT) {
                i++;
                Token n = peek();
                if (n.type() == TokenType.IDENT || n.type() == TokenType.NUMBER) {
                    i++;
                    steps.add(new Expr.Traversal.GetAttr(n.text(), n.range()));
                    end = n.range();
                } else if (n.type() == TokenType.STAR) {
                    throw fail(n, "splat expressions are not supported", "Refer to each item by name instead of .*.");
                } else {
                    throw fail(n, "unexpected " + n.describe() + " after \".\"; expected a name",
                            "A reference reads like node.pi-1 or var.token.");
                }
            } else if (t.type() == TokenType.LBRACKET) {
                i++;
                openInItem.push(TokenType.LBRACKET);
                if (peek().type() == TokenType.STAR) {
                    throw fail(peek(), "splat expressions are not supported", "Refer to each item by name instead of [*].");
                }
                Expr key = expression(false);
                Token close = expect(TokenType.RBRACKET, "\"]\" to close the index");
                openInItem.pop();
                steps.add(new Expr.Traversal.Index(key, t.range().to(close.range())));
                end = close.range();
            } else {
                break;
            }
        }
        return new Expr.Traversal(id.text(), id.range(), steps, id.range().to(end));
    }

    private Expr call(Token name) {
        Token open = next();
        openInItem.push(TokenType.LPAREN);
        List<Expr> args = new ArrayList<>();
        skipNewlines();
        while (peek().type() != TokenType.RPAREN) {
            args.add(expression(false));
            skipNewlines();
            Token sep = peek();
            if (sep.type() == TokenType.COMMA) {
                i++;
                skipNewlines();
            } else if (sep.type() == TokenType.ELLIPSIS) {
                throw fail(sep, "argument expansion with \"...\" is not supported", "Pass each argument separately.");
            } else if (sep.type() != TokenType.RPAREN) {
                throw fail(sep, "unexpected " + sep.describe() + " in the arguments of " + name.text() + "()",
                        "Separate arguments with commas and close the call with \")\" (opened at "
                                + open.range().location() + ").");
            }
        }
        Token close = next();
        openInItem.pop();
        return new Expr.FunctionCall(name.text(), name.range(), args, name.range().to(close.range()));
    }

    private Expr tuple() {
        Token open = next();
        openInItem.push(TokenType.LBRACKET);
        List<Expr> items = new ArrayList<>();
        skipNewlines();
        if (peek().type() == TokenType.IDENT && peek().text().equals("for")
                && peekAt(1).type() == TokenType.IDENT) {
            throw fail(peek(), "for expressions are not supported", "List the items explicitly.");
        }
        while (peek().type() != TokenType.RBRACKET) {
            if (peek().type() == TokenType.EOF) {
                throw unclosedList(open);
            }
            items.add(expression(false));
            skipNewlines();
            Token sep = peek();
            if (sep.type() == TokenType.COMMA) {
                i++;
                skipNewlines();
            } else if (sep.type() != TokenType.RBRACKET) {
                if (sep.type() == TokenType.EOF) {
                    throw unclosedList(open);
                }
                throw fail(sep, "unexpected " + sep.describe() + " in a list; expected \",\" or \"]\"",
                        "Separate list items with commas; the list opened at " + open.range().location()
                                + " ends with \"]\".");
            }
        }
        Token close = next();
        openInItem.pop();
        return new Expr.Tuple(items, open.range().to(close.range()));
    }

    private Abandon unclosedList(Token open) {
        return fail(peek(), "unclosed list", "The list opened at " + open.range().location()
                + " has no closing \"]\". Add one.");
    }

    private Expr object() {
        Token open = next();
        openInItem.push(TokenType.LBRACE);
        List<Expr.ObjectCons.Item> items = new ArrayList<>();
        skipNewlines();
        if (peek().type() == TokenType.IDENT && peek().text().equals("for") && peekAt(1).type() == TokenType.IDENT) {
            throw fail(peek(), "for expressions are not supported", "List the entries explicitly.");
        }
        while (peek().type() != TokenType.RBRACE) {
            Token k = peek();
            Expr key;
            if (k.type() == TokenType.IDENT && (peekAt(1).type() == TokenType.EQUAL || peekAt(1).type() == TokenType.COLON)) {
                i++;
                key = new Expr.Literal(k.text(), k.range());
            } else if (k.type() == TokenType.EOF) {
                throw fail(k, "unclosed map", "The map opened at " + open.range().location() + " has no closing \"}\".");
            } else {
                key = term();
            }
            Token eq = peek();
            if (eq.type() != TokenType.EQUAL && eq.type() != TokenType.COLON) {
                throw fail(eq, "unexpected " + eq.describe() + " in a map; expected \"=\"",
                        "Map entries are written key = value, separated by commas or new lines.");
            }
            i++;
            Expr value = expression(false);
            items.add(new Expr.ObjectCons.Item(key, value));
            Token sep = peek();
            if (sep.type() == TokenType.COMMA || sep.type() == TokenType.NEWLINE) {
                i++;
                skipNewlines();
            } else if (sep.type() != TokenType.RBRACE) {
                throw fail(sep, "unexpected " + sep.describe() + " in a map; expected \",\", a new line or \"}\"",
                        "Separate map entries with commas or new lines; the map opened at "
                                + open.range().location() + " ends with \"}\".");
            }
        }
        Token close = next();
        openInItem.pop();
        return new Expr.ObjectCons(items, open.range().to(close.range()));
    }

    private Expr template(Token t) {
        List<Expr> parts = new ArrayList<>();
        for (TemplatePart p : t.parts()) {
            if (p instanceof TemplatePart.Literal l) {
                parts.add(new Expr.Literal(l.value(), l.range()));
            } else if (p instanceof TemplatePart.Interpolation in) {
                parts.add(interpolation(in));
            }
        }
        return new Expr.Template(parts, t.range());
    }

    private Expr interpolation(TemplatePart.Interpolation in) {
        List<Token> sub = new ArrayList<>();
        for (Token tok : in.tokens()) {
            if (tok.type() != TokenType.NEWLINE) {
                sub.add(tok);
            }
        }
        SourceRange end = in.range();
        SourceRange eofAt = new SourceRange(end.file(), end.end(), end.end());
        sub.add(new Token(TokenType.EOF, "", eofAt));
        if (sub.size() == 1) {
            throw fail(in.range(), "empty interpolation", "Put an expression between ${ and }, e.g. ${var.name}.");
        }
        Parser p = new Parser(sub, diags);
        p.nesting = nesting;
        Expr e;
        try {
            e = p.expression(false);
        } catch (Abandon a) {
            throw new Abandon();
        }
        Token rest = p.peek();
        if (rest.type() != TokenType.EOF) {
            throw fail(rest, "unexpected " + rest.describe() + " in interpolation",
                    "An interpolation ${ ... } holds one expression such as var.name.");
        }
        return e;
    }

    private BigDecimal number(Token t) {
        BigDecimal d = boundedNumber(t.text());
        if (d == null) {
            throw fail(t, "number out of range", "pictl's numbers are ports, sizes and counts: a number lies between -"
                    + MAX_NUMBER + " and " + MAX_NUMBER + ", with at most " + MAX_DECIMALS + " decimal places.");
        }
        return d;
    }

    /** The largest magnitude of a number in a configuration: it fits Java's long, as every number pictl uses. */
    public static final BigDecimal MAX_NUMBER = BigDecimal.valueOf(Long.MAX_VALUE);
    /** The most decimal places a number may have. */
    public static final int MAX_DECIMALS = 18;

    /**
     * {@code text} as a number, or null when it is not one or lies outside {@link #MAX_NUMBER} and
     * {@link #MAX_DECIMALS}: a bound here keeps {@code 1e999999999} from becoming a billion-digit string in a
     * plan and a value too large for an int from reaching code that converts it.
     */
    public static BigDecimal boundedNumber(String text) {
        BigDecimal d;
        try {
            d = new BigDecimal(text);
        } catch (NumberFormatException e) {
            return null; // also an exponent beyond an int
        }
        if (d.abs().compareTo(MAX_NUMBER) > 0 || d.stripTrailingZeros().scale() > MAX_DECIMALS) {
            return null;
        }
        return d;
    }

    // ---- token helpers ------------------------------------------------------------------------------------

    private Token peek() {
        return tokens.get(Math.min(i, tokens.size() - 1));
    }

    private Token peekAt(int ahead) {
        return tokens.get(Math.min(i + ahead, tokens.size() - 1));
    }

    private Token next() {
        Token t = peek();
        if (i < tokens.size() - 1) {
            i++;
        }
        return t;
    }

    private Token previous() {
        return tokens.get(Math.max(0, i - 1));
    }

    private void skipNewlines() {
        while (peek().type() == TokenType.NEWLINE) {
            i++;
        }
    }

    private Token expect(TokenType type, String what) {
        Token t = peek();
        if (t.type() != type) {
            throw fail(t, "unexpected " + t.describe() + "; expected " + what, "Add " + what + ".");
        }
        i++;
        return t;
    }

    private void error(Token at, String summary, String detail) {
        diags.add(Diagnostic.error(at.range(), summary, detail));
    }

    private Abandon fail(Token at, String summary, String detail) {
        return fail(at.range(), summary, detail);
    }

    private Abandon fail(SourceRange at, String summary, String detail) {
        diags.add(Diagnostic.error(at, summary, detail));
        return new Abandon();
    }
}
