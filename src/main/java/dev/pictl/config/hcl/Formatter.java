package dev.pictl.config.hcl;

import dev.pictl.diag.Diagnostics;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The canonical layout of a description file ({@code pictl fmt}), the rules of {@code terraform fmt}
 * (hclwrite): the file's lines stay the lines they are (no line is joined or split, every blank line between
 * two lines of text is kept, every comment is kept); each line is indented two spaces per bracket level
 * opened on the lines before it; tokens on a line are separated by one space or none (none after an opening
 * or before a closing bracket, around {@code .}, before {@code ,} and {@code ...}, between a function's name
 * and its {@code (}, after a unary {@code -} or {@code !}; braces keep a space inside, {@code {}} none); the
 * {@code =} of consecutive one-line attributes line up, and so do consecutive end-of-line comments. Strings
 * and heredocs are copied as they are, so is the inside of a {@code /* *}{@code /} comment. Trailing
 * whitespace, blank lines at the start and the end of the file, tabs and CRs outside heredocs go; the file
 * ends with one newline.
 *
 * <p>It works on the lexer's tokens (with {@link Lexer#keepComments}), never on text, and it refuses a file
 * with a syntax error. Its result is checked before it is returned: lexed again, it must give the same
 * tokens in the same order on the same lines (blank lines aside), so formatting can never change what a file
 * means; if it would, that is a bug, reported as an {@link IllegalStateException}.
 */
public final class Formatter {
    private static final int INDENT = 2;

    private Formatter() {
    }

    /**
     * The formatted text, or (text null) the syntax errors that stopped it.
     *
     * @param text        the file formatted; null when {@code diagnostics} has errors
     * @param diagnostics the parser's diagnostics on the original
     */
    public record Result(String text, Diagnostics diagnostics) {
        public boolean ok() {
            return text != null;
        }
    }

    /** Formats one file; {@code fileName} is how its errors name it. */
    public static Result format(String fileName, String src) {
        Diagnostics diags = new Diagnostics();
        Parser.parse(fileName, src, diags);
        if (diags.hasErrors()) {
            return new Result(null, diags);
        }
        String out = render(lines(fileName, src));
        if (!significant(fileName, out).equals(significant(fileName, src))) {
            throw new IllegalStateException("fmt would change the tokens of " + fileName + "; it is left as it is");
        }
        return new Result(out, diags);
    }

    // ---- tokens and lines -----------------------------------------------------------------------------------

    /** Tokens and comments in source order, EOF left out. */
    private static List<Token> tokens(String fileName, String src) {
        List<Token> comments = new ArrayList<>();
        List<Token> all = new ArrayList<>(new Lexer(fileName, src, new Diagnostics()).keepComments(comments).tokenize());
        all.remove(all.size() - 1);
        all.addAll(comments);
        all.sort(Comparator.comparingInt(t -> t.range().start().offset()));
        return all;
    }

    /** The tokens of each line (NEWLINE tokens are the separators, not kept). */
    private static List<List<Token>> lines(String fileName, String src) {
        List<List<Token>> lines = new ArrayList<>();
        List<Token> line = new ArrayList<>();
        for (Token t : tokens(fileName, src)) {
            if (t.type() == TokenType.NEWLINE) {
                lines.add(line);
                line = new ArrayList<>();
            } else {
                line.add(t);
            }
        }
        lines.add(line);
        return lines;
    }

    /** What must not change: the tokens, comments and line breaks, with runs of blank lines as one. */
    private static List<String> significant(String fileName, String src) {
        List<String> out = new ArrayList<>();
        for (Token t : tokens(fileName, src)) {
            if (t.type() == TokenType.NEWLINE) {
                if (!out.isEmpty() && !out.get(out.size() - 1).equals("\n")) {
                    out.add("\n");
                }
            } else {
                out.add(t.type() + " " + text(t));
            }
        }
        while (!out.isEmpty() && out.get(out.size() - 1).equals("\n")) {
            out.remove(out.size() - 1);
        }
        return out;
    }

    /** A token as written out: a comment or a heredoc without trailing blanks (a heredoc's end after its marker). */
    private static String text(Token t) {
        return t.type() == TokenType.COMMENT || t.type() == TokenType.HEREDOC ? t.text().stripTrailing() : t.text();
    }

    // ---- layout ----------------------------------------------------------------------------------------------

    /** One line cut as hclwrite cuts it: lead, then {@code = value} (assign), then an end-of-line comment. */
    private static final class Line {
        final List<Token> lead;
        final List<Token> assign;
        final Token comment;
        int indent;
        int equalsPad = 1;
        int commentPad = 1;

        Line(List<Token> tokens) {
            List<Token> rest = tokens;
            Token c = null;
            if (rest.size() > 1 && rest.get(rest.size() - 1).type() == TokenType.COMMENT) {
                c = rest.get(rest.size() - 1);
                rest = rest.subList(0, rest.size() - 1);
            }
            comment = c;
            List<Token> a = null;
            for (int i = 1; i < rest.size(); i++) {
                if (rest.get(i).type() == TokenType.EQUAL) {
                    // Only a whole expression on this line is aligned: "a = [" opens a multi-line one.
                    if (net(rest.subList(i, rest.size())) == 0) {
                        a = rest.subList(i, rest.size());
                        rest = rest.subList(0, i);
                    }
                    break;
                }
            }
            assign = a;
            lead = rest;
        }

        boolean blank() {
            return lead.isEmpty();
        }

        /** Columns of the lead with its indent; -1 when it spans lines (then nothing after it is aligned). */
        int leadColumns() {
            String s = join(lead, null);
            return s.indexOf('\n') >= 0 ? -1 : indent + width(s);
        }

        int assignColumns() {
            String s = join(assign, lead.isEmpty() ? null : lead.get(lead.size() - 1));
            return s.indexOf('\n') >= 0 ? -1 : equalsPad + width(s);
        }

        String render() {
            if (blank()) {
                return "";
            }
            StringBuilder b = new StringBuilder(" ".repeat(indent)).append(join(lead, null));
            if (assign != null) {
                b.append(" ".repeat(equalsPad)).append(join(assign, lead.get(lead.size() - 1)));
            }
            if (comment != null) {
                b.append(" ".repeat(commentPad)).append(text(comment));
            }
            return b.toString();
        }
    }

    private static String render(List<List<Token>> tokenLines) {
        List<Line> lines = new ArrayList<>();
        for (List<Token> l : tokenLines) {
            lines.add(new Line(l));
        }
        while (!lines.isEmpty() && lines.get(0).blank()) {
            lines.remove(0);
        }
        while (!lines.isEmpty() && lines.get(lines.size() - 1).blank()) {
            lines.remove(lines.size() - 1);
        }
        indent(lines);
        alignEquals(lines);
        alignComments(lines);
        StringBuilder out = new StringBuilder();
        for (Line l : lines) {
            out.append(l.render()).append('\n');
        }
        return out.toString();
    }

    /**
     * hclwrite's indent: a line with more brackets opened than closed is indented at the current level and
     * pushes one level; a line that closes more pops the levels it closes and is indented at what is left.
     */
    private static void indent(List<Line> lines) {
        List<Integer> stack = new ArrayList<>();
        for (Line line : lines) {
            if (line.blank()) {
                continue;
            }
            int net = net(line.lead) + (line.assign == null ? 0 : net(line.assign));
            if (net > 0) {
                line.indent = INDENT * stack.size();
                stack.add(net);
            } else {
                int closed = -net;
                while (closed > 0 && !stack.isEmpty()) {
                    int top = stack.get(stack.size() - 1);
                    if (closed >= top) {
                        closed -= top;
                        stack.remove(stack.size() - 1);
                    } else {
                        stack.set(stack.size() - 1, top - closed);
                        closed = 0;
                    }
                }
                line.indent = INDENT * stack.size();
            }
        }
    }

    /** The {@code =} of consecutive lines that each hold a whole {@code name = value} line up one space past the longest name. */
    private static void alignEquals(List<Line> lines) {
        int start = 0;
        while (start < lines.size()) {
            if (lines.get(start).assign == null || lines.get(start).leadColumns() < 0) {
                start++;
                continue;
            }
            int end = start;
            int max = 0;
            while (end < lines.size() && lines.get(end).assign != null && lines.get(end).leadColumns() >= 0) {
                max = Math.max(max, lines.get(end).leadColumns());
                end++;
            }
            for (Line l : lines.subList(start, end)) {
                l.equalsPad = max - l.leadColumns() + 1;
            }
            start = end;
        }
    }

    /** End-of-line comments of consecutive lines line up one space past the longest code among them. */
    private static void alignComments(List<Line> lines) {
        int start = 0;
        while (start < lines.size()) {
            if (codeColumns(lines.get(start)) < 0) {
                start++;
                continue;
            }
            int end = start;
            int max = 0;
            while (end < lines.size() && codeColumns(lines.get(end)) >= 0) {
                max = Math.max(max, codeColumns(lines.get(end)));
                end++;
            }
            for (Line l : lines.subList(start, end)) {
                l.commentPad = max - codeColumns(l) + 1;
            }
            start = end;
        }
    }

    /** The columns before a line's end-of-line comment; -1 when it has none or its code spans lines. */
    private static int codeColumns(Line l) {
        if (l.comment == null) {
            return -1;
        }
        int lead = l.leadColumns();
        if (lead < 0 || l.assign == null) {
            return lead;
        }
        int assign = l.assignColumns();
        return assign < 0 ? -1 : lead + assign;
    }

    /** The tokens with hclwrite's spacing between them; {@code before} is the token before the first, if any. */
    private static String join(List<Token> tokens, Token before) {
        StringBuilder b = new StringBuilder();
        Token prev = before;
        Token prevPrev = null;
        for (int i = 0; i < tokens.size(); i++) {
            Token t = tokens.get(i);
            if (i > 0 && space(prevPrev, prev, t)) {
                b.append(' ');
            }
            b.append(text(t));
            prevPrev = prev;
            prev = t;
        }
        return b.toString();
    }

    /** Whether one space goes between {@code subject} and {@code after} (hclwrite's spaceAfterToken). */
    static boolean space(Token before, Token subject, Token after) {
        TokenType s = subject.type();
        TokenType a = after.type();
        if (s == TokenType.COMMENT || a == TokenType.COMMENT) {
            return true;
        }
        if (s == TokenType.IDENT && a == TokenType.LPAREN) {
            return false;
        }
        if (s == TokenType.DOT || a == TokenType.DOT) {
            return false;
        }
        if (a == TokenType.COMMA || a == TokenType.ELLIPSIS) {
            return false;
        }
        if (s == TokenType.COMMA) {
            return true;
        }
        if (s == TokenType.IDENT && subject.text().equals("in") && before != null && before.type() == TokenType.IDENT) {
            return true; // [for x in [a, b] : x]: "in" is the keyword here, not a name indexed
        }
        if (a == TokenType.LBRACKET && (s == TokenType.IDENT || s == TokenType.NUMBER || bracket(s) < 0)) {
            return false;
        }
        if (s == TokenType.OPERATOR && subject.text().equals("-")) {
            return before != null && !negationFollows(before.type());
        }
        if (s == TokenType.LBRACE || a == TokenType.RBRACE) {
            return !(s == TokenType.LBRACE && a == TokenType.RBRACE);
        }
        if (bracket(s) > 0 || bracket(a) < 0) {
            return false;
        }
        return !(s == TokenType.OPERATOR && subject.text().equals("!"));
    }

    /** A minus after these is a negation: nothing before it ends an expression. */
    private static boolean negationFollows(TokenType t) {
        return switch (t) {
            case LPAREN, LBRACE, LBRACKET, EQUAL, COLON, COMMA, QUESTION, OPERATOR, STAR, ARROW -> true;
            default -> false;
        };
    }

    private static int bracket(TokenType t) {
        return switch (t) {
            case LBRACE, LBRACKET, LPAREN -> 1;
            case RBRACE, RBRACKET, RPAREN -> -1;
            default -> 0;
        };
    }

    private static int net(List<Token> tokens) {
        int n = 0;
        for (Token t : tokens) {
            n += bracket(t.type());
        }
        return n;
    }

    private static int width(String s) {
        return s.codePointCount(0, s.length());
    }
}
