package dev.pictl.config.hcl;

import dev.pictl.diag.Diagnostics;
import dev.pictl.diag.SourcePos;
import dev.pictl.diag.SourceRange;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns HCL source text into tokens. Lexical errors (unterminated string, bad escape, stray character,
 * unclosed comment or heredoc) are added to the diagnostics and lexing goes on, so that one run reports
 * them all. Newlines are tokens: HCL's grammar depends on them.
 */
public final class Lexer {
    private final String file;
    private final String src;
    private final Diagnostics diags;
    private final int[] lineStarts;
    private int pos;
    /** How many quoted strings' {@code ${ }} the lexer is inside: a string in there is nested. */
    private int quotedInterpolations;
    /** How many {@code ${ }} (of any template) the lexer is inside; bounded by {@link Parser#MAX_DEPTH}. */
    private int interpolations;
    /** Set when an interpolation nested too deeply: the enclosing ones end without errors of their own. */
    private boolean abandoned;
    /**
     * Where lexing stops: the end of the file, or inside a heredoc the start of its closing line. An interpolation
     * in a heredoc that does not close before that line is unclosed; without this bound it would lex on into the
     * rest of the file, and the heredoc would then lex that text again from its closing line, once per level of
     * nesting: exponential time for a few KB of nested heredocs.
     */
    private int limit;
    /** Where comments outside templates go, for {@code pictl fmt} ({@link #keepComments}); null: dropped. */
    private List<Token> comments;

    public Lexer(String file, String src, Diagnostics diags) {
        this.file = file;
        this.src = src;
        this.diags = diags;
        this.lineStarts = lineStarts(src);
        this.limit = src.length();
    }

    /**
     * Also collects every comment outside strings and heredocs into {@code sink}, in source order, as
     * {@link TokenType#COMMENT} tokens (for {@code pictl fmt}). The token list and the diagnostics are the same
     * with or without it: comments never reach the parser.
     */
    public Lexer keepComments(List<Token> sink) {
        this.comments = sink;
        return this;
    }

    /** Lexes the whole text; the last token is always {@link TokenType#EOF}. */
    public List<Token> tokenize() {
        List<Token> tokens = new ArrayList<>();
        lexInto(tokens, Mode.FILE);
        tokens.add(new Token(TokenType.EOF, "", range(src.length(), src.length())));
        return tokens;
    }

    private enum Mode {
        /** Top level: runs to end of file. */
        FILE,
        /** Inside {@code ${ } } of a quoted string: ends at the matching brace; a raw newline is an error. */
        QUOTED_INTERP,
        /** Inside {@code ${ } } of a heredoc: ends at the matching brace; newlines allowed. */
        HEREDOC_INTERP
    }

    /**
     * Lexes tokens until end of file, or (in an interpolation) until the brace that closes it, which is consumed.
     * Returns false if an interpolation was not closed.
     */
    private boolean lexInto(List<Token> out, Mode mode) {
        int braceDepth = 0;
        while (pos < limit) {
            char c = src.charAt(pos);
            int start = pos;
            if (c == '\n') {
                if (mode == Mode.QUOTED_INTERP) {
                    return false;
                }
                pos++;
                out.add(new Token(TokenType.NEWLINE, "\n", range(start, pos)));
            } else if (c == ' ' || c == '\t' || c == '\r' || c == '\uFEFF') {
                pos++;
            } else if (c == '#' || (c == '/' && peek(1) == '/')) {
                while (pos < limit && src.charAt(pos) != '\n') {
                    pos++;
                }
                comment(mode, start);
            } else if (c == '/' && peek(1) == '*') {
                int end = src.indexOf("*/", pos + 2);
                if (end < 0 || end + 2 > limit) {
                    diags.error(range(start, start + 2), "unclosed comment",
                            "This \"/*\" comment has no closing \"*/\". Close it, or use \"#\" for a one-line comment.");
                    pos = limit;
                } else {
                    pos = end + 2;
                    comment(mode, start);
                }
            } else if (c == '"') {
                out.add(quoted());
            } else if (c == '<' && peek(1) == '<' && (isIdStart(peek(2)) || (peek(2) == '-' && isIdStart(peek(3))))) {
                out.add(heredoc());
            } else if (isIdStart(c)) {
                pos++;
                while (pos < src.length() && isIdPart(src.charAt(pos))) {
                    pos++;
                }
                out.add(new Token(TokenType.IDENT, src.substring(start, pos), range(start, pos)));
            } else if (isDigit(c)) {
                out.add(number());
            } else if (c == '{') {
                braceDepth++;
                pos++;
                out.add(new Token(TokenType.LBRACE, "{", range(start, pos)));
            } else if (c == '}') {
                if (mode != Mode.FILE && braceDepth == 0) {
                    pos++;
                    return true;
                }
                braceDepth--;
                pos++;
                out.add(new Token(TokenType.RBRACE, "}", range(start, pos)));
            } else {
                Token t = punct(c);
                if (t == null) {
                    int cp = src.codePointAt(pos);
                    pos += Character.charCount(cp);
                    diags.error(range(start, pos), "invalid character " + describeChar(cp),
                            "This character has no meaning in HCL here. Remove it; text belongs inside \"quotes\".");
                } else {
                    out.add(t);
                }
            }
        }
        return mode == Mode.FILE;
    }

    private void comment(Mode mode, int start) {
        if (comments != null && mode == Mode.FILE) {
            comments.add(new Token(TokenType.COMMENT, src.substring(start, pos), range(start, pos)));
        }
    }

    private Token punct(char c) {
        int start = pos;
        String two = pos + 1 < src.length() ? src.substring(pos, pos + 2) : "";
        TokenType type;
        int len = 1;
        switch (two) {
            case "==", "!=", "<=", ">=", "&&", "||" -> {
                type = TokenType.OPERATOR;
                len = 2;
            }
            case "=>" -> {
                type = TokenType.ARROW;
                len = 2;
            }
            default -> {
                if (src.startsWith("...", pos)) {
                    type = TokenType.ELLIPSIS;
                    len = 3;
                } else {
                    type = switch (c) {
                        case '[' -> TokenType.LBRACKET;
                        case ']' -> TokenType.RBRACKET;
                        case '(' -> TokenType.LPAREN;
                        case ')' -> TokenType.RPAREN;
                        case '=' -> TokenType.EQUAL;
                        case ',' -> TokenType.COMMA;
                        case '.' -> TokenType.DOT;
                        case ':' -> TokenType.COLON;
                        case '?' -> TokenType.QUESTION;
                        case '*' -> TokenType.STAR;
                        case '+', '-', '/', '%', '<', '>', '!' -> TokenType.OPERATOR;
                        default -> null;
                    };
                    if (type == null) {
                        return null;
                    }
                }
            }
        }
        pos += len;
        return new Token(type, src.substring(start, pos), range(start, pos));
    }

    private Token number() {
        int start = pos;
        while (pos < src.length() && isDigit(src.charAt(pos))) {
            pos++;
        }
        if (pos + 1 < src.length() && src.charAt(pos) == '.' && isDigit(src.charAt(pos + 1))) {
            pos++;
            while (pos < src.length() && isDigit(src.charAt(pos))) {
                pos++;
            }
        }
        if (pos < src.length() && (src.charAt(pos) == 'e' || src.charAt(pos) == 'E')) {
            int save = pos;
            pos++;
            if (pos < src.length() && (src.charAt(pos) == '+' || src.charAt(pos) == '-')) {
                pos++;
            }
            if (pos < src.length() && isDigit(src.charAt(pos))) {
                while (pos < src.length() && isDigit(src.charAt(pos))) {
                    pos++;
                }
            } else {
                pos = save;
            }
        }
        return new Token(TokenType.NUMBER, src.substring(start, pos), range(start, pos));
    }

    /** A quoted template. Starts at the opening quote. */
    private Token quoted() {
        int start = pos;
        pos++;
        List<TemplatePart> parts = new ArrayList<>();
        StringBuilder lit = new StringBuilder();
        int litStart = pos;
        while (true) {
            if (pos >= limit || src.charAt(pos) == '\n') {
                if (quotedInterpolations > 0) {
                    // A nested string cannot end where its enclosing string did not: the enclosing one reports it
                    // ("${var.ip" lexes its closing quote as the start of a nested string).
                    flush(parts, lit, litStart);
                    return new Token(TokenType.STRING, src.substring(start, pos), range(start, pos), parts);
                }
                diags.error(range(start, start + 1), "unterminated string",
                        "This string has no closing quote before the end of the line. Add the closing \" "
                                + "(a quoted string cannot span lines; use a heredoc <<EOT for several lines).");
                flush(parts, lit, litStart);
                return new Token(TokenType.STRING, src.substring(start, pos), range(start, pos), parts);
            }
            char c = src.charAt(pos);
            if (c == '"') {
                flush(parts, lit, litStart);
                pos++;
                return new Token(TokenType.STRING, src.substring(start, pos), range(start, pos), parts);
            }
            if (c == '\\') {
                escape(lit);
            } else if (c == '$' && peek(1) == '$' && peek(2) == '{') {
                lit.append("${");
                pos += 3;
            } else if (c == '%' && peek(1) == '%' && peek(2) == '{') {
                lit.append("%{");
                pos += 3;
            } else if (c == '$' && peek(1) == '{') {
                flush(parts, lit, litStart);
                if (!interpolation(parts, Mode.QUOTED_INTERP, start)) {
                    return new Token(TokenType.STRING, src.substring(start, pos), range(start, pos), parts);
                }
                litStart = pos;
            } else if (c == '%' && peek(1) == '{') {
                diags.error(range(pos, pos + 2), "template directives are not supported",
                        "pictl does not support %{ ... } directives in strings. Write the value out, "
                                + "or write %%{ for a literal \"%{\".");
                lit.append("%{");
                pos += 2;
            } else {
                lit.append(c);
                pos++;
            }
        }
    }

    /**
     * Lexes {@code ${ ... }} starting at {@code $}; adds an Interpolation part. Returns false (after
     * reporting) when the string ends inside it.
     */
    private boolean interpolation(List<TemplatePart> parts, Mode mode, int templateStart) {
        int start = pos;
        if (interpolations >= Parser.MAX_DEPTH) {
            diags.error(range(start, start + 2), "nesting deeper than " + Parser.MAX_DEPTH + " levels",
                    "${ } interpolations nest at most " + Parser.MAX_DEPTH + " levels deep in a pictl configuration. "
                            + "Flatten the value.");
            // Skip what this string cannot hold any more: the rest of the line, or of the file for a heredoc
            // (whose outermost token then ends at its closing marker). The lexer's stack stays bounded.
            int eol = src.indexOf('\n', pos);
            pos = mode == Mode.QUOTED_INTERP && eol >= 0 && eol < limit ? eol : limit;
            abandoned = true;
            return false;
        }
        pos += 2;
        List<Token> inner = new ArrayList<>();
        boolean quoted = mode == Mode.QUOTED_INTERP;
        quotedInterpolations += quoted ? 1 : 0;
        interpolations++;
        boolean closed = lexInto(inner, mode);
        interpolations--;
        quotedInterpolations -= quoted ? 1 : 0;
        if (!closed && abandoned) {
            abandoned = interpolations > 0;
            return false;
        }
        if (!closed) {
            if (mode == Mode.QUOTED_INTERP) {
                diags.error(range(templateStart, templateStart + 1), "unterminated string",
                        "This string ends inside a ${ ... } interpolation. Close the interpolation with } "
                                + "and the string with \".");
            } else {
                diags.error(range(pos, pos), "unclosed interpolation",
                        "The ${ opened at " + range(start, start + 2).location()
                                + " has no closing }. Close it before the end of the heredoc.");
            }
            return false;
        }
        parts.add(new TemplatePart.Interpolation(inner, range(start, pos)));
        return true;
    }

    private void escape(StringBuilder lit) {
        int start = pos;
        char n = peek(1);
        switch (n) {
            case 'n' -> lit.append('\n');
            case 'r' -> lit.append('\r');
            case 't' -> lit.append('\t');
            case '"' -> lit.append('"');
            case '\\' -> lit.append('\\');
            case 'u', 'U' -> {
                int len = n == 'u' ? 4 : 8;
                String hex = pos + 2 + len <= src.length() ? src.substring(pos + 2, pos + 2 + len) : "";
                if (hex.length() == len && hex.chars().allMatch(ch -> Character.digit(ch, 16) >= 0)) {
                    int cp = (int) Long.parseLong(hex, 16);
                    if (Character.isValidCodePoint(cp)) {
                        lit.appendCodePoint(cp);
                        pos += 2 + len;
                        return;
                    }
                }
                diags.error(range(start, Math.min(src.length(), start + 2)), "invalid escape sequence",
                        "\\" + n + " must be followed by exactly " + len + " hexadecimal digits of a Unicode code point.");
                pos += 2;
                return;
            }
            default -> {
                if (n == '\n' || n == 0) {
                    // Backslash at end of line or file: let the caller report the unterminated string.
                    lit.append('\\');
                    pos++;
                    return;
                }
                diags.error(range(start, start + 2), "invalid escape sequence \"\\" + n + "\"",
                        "In a quoted string a backslash starts an escape: \\n \\r \\t \\\" \\\\ \\uNNNN \\UNNNNNNNN. "
                                + "Write \\\\ for a literal backslash.");
            }
        }
        pos += 2;
    }

    /** A heredoc template {@code <<EOT} / {@code <<-EOT}. Starts at the first '<'. */
    private Token heredoc() {
        int start = pos;
        pos += 2;
        boolean indent = false;
        if (src.charAt(pos) == '-') {
            indent = true;
            pos++;
        }
        int idStart = pos;
        while (pos < src.length() && isIdPart(src.charAt(pos))) {
            pos++;
        }
        String marker = src.substring(idStart, pos);
        int lineEnd = src.indexOf('\n', pos);
        if (lineEnd < 0 || lineEnd >= limit || !src.substring(pos, lineEnd).isBlank()) {
            diags.error(range(start, pos), "invalid heredoc",
                    "A heredoc's marker <<" + marker + " must end its line; the text starts on the next line.");
            return new Token(TokenType.HEREDOC, src.substring(start, pos), range(start, pos));
        }
        pos = lineEnd + 1;
        // Find the closing line first, then lex the body as a template.
        int bodyStart = pos;
        int scan = pos;
        int closeStart = -1;
        int closeEnd = -1;
        while (scan <= limit) {
            int e = src.indexOf('\n', scan);
            int end = e < 0 || e > limit ? limit : e;
            if (src.substring(scan, end).strip().equals(marker)) {
                closeStart = scan;
                closeEnd = end;
                break;
            }
            if (e < 0 || e >= limit) {
                break;
            }
            scan = e + 1;
        }
        if (closeStart < 0) {
            diags.error(range(limit, limit), "unclosed heredoc",
                    "The heredoc <<" + marker + " opened at " + range(start, idStart + marker.length()).location()
                            + " has no closing line \"" + marker + "\". Add it on a line of its own.");
            pos = limit;
            return new Token(TokenType.HEREDOC, src.substring(start, pos), range(start, pos));
        }
        List<TemplatePart> parts = new ArrayList<>();
        StringBuilder lit = new StringBuilder();
        int litStart = pos;
        while (pos < closeStart) {
            char c = src.charAt(pos);
            if (c == '$' && peek(1) == '$' && peek(2) == '{') {
                lit.append("${");
                pos += 3;
            } else if (c == '%' && peek(1) == '%' && peek(2) == '{') {
                lit.append("%{");
                pos += 3;
            } else if (c == '$' && peek(1) == '{') {
                flush(parts, lit, litStart);
                int outer = limit;
                limit = closeStart;
                boolean closed = interpolation(parts, Mode.HEREDOC_INTERP, start);
                limit = outer;
                if (!closed || pos > closeStart) {
                    pos = closeEnd;
                    return new Token(TokenType.HEREDOC, src.substring(start, pos), range(start, pos), parts);
                }
                litStart = pos;
            } else if (c == '%' && peek(1) == '{') {
                diags.error(range(pos, pos + 2), "template directives are not supported",
                        "pictl does not support %{ ... } directives in heredocs.");
                lit.append("%{");
                pos += 2;
            } else {
                lit.append(c);
                pos++;
            }
        }
        flush(parts, lit, litStart);
        if (indent) {
            parts = dedent(parts);
        }
        pos = closeEnd;
        return new Token(TokenType.HEREDOC, src.substring(start, pos), range(start, pos), parts);
    }

    /** {@code <<-}: removes the smallest common indentation of the literal lines. */
    private static List<TemplatePart> dedent(List<TemplatePart> parts) {
        int min = Integer.MAX_VALUE;
        boolean atLineStart = true;
        for (TemplatePart p : parts) {
            if (p instanceof TemplatePart.Literal l) {
                String v = l.value();
                int i = 0;
                while (i < v.length()) {
                    if (atLineStart) {
                        int j = i;
                        while (j < v.length() && (v.charAt(j) == ' ' || v.charAt(j) == '\t')) {
                            j++;
                        }
                        if (j < v.length() && v.charAt(j) != '\n') {
                            min = Math.min(min, j - i);
                        }
                        atLineStart = false;
                        i = j;
                        continue;
                    }
                    if (v.charAt(i) == '\n') {
                        atLineStart = true;
                    }
                    i++;
                }
            } else {
                atLineStart = false;
            }
        }
        if (min == Integer.MAX_VALUE || min == 0) {
            return parts;
        }
        List<TemplatePart> out = new ArrayList<>();
        atLineStart = true;
        for (TemplatePart p : parts) {
            if (p instanceof TemplatePart.Literal l) {
                StringBuilder b = new StringBuilder();
                String v = l.value();
                int i = 0;
                while (i < v.length()) {
                    if (atLineStart) {
                        int skip = 0;
                        while (skip < min && i < v.length() && (v.charAt(i) == ' ' || v.charAt(i) == '\t')) {
                            i++;
                            skip++;
                        }
                        atLineStart = false;
                        continue;
                    }
                    char c = v.charAt(i++);
                    b.append(c);
                    if (c == '\n') {
                        atLineStart = true;
                    }
                }
                out.add(new TemplatePart.Literal(b.toString(), l.range()));
            } else {
                atLineStart = false;
                out.add(p);
            }
        }
        return out;
    }

    private void flush(List<TemplatePart> parts, StringBuilder lit, int litStart) {
        if (lit.length() > 0) {
            parts.add(new TemplatePart.Literal(lit.toString(), range(litStart, pos)));
            lit.setLength(0);
        }
    }

    private char peek(int ahead) {
        int p = pos + ahead;
        return p < src.length() ? src.charAt(p) : 0;
    }

    private static boolean isIdStart(char c) {
        return Character.isLetter(c) || c == '_';
    }

    private static boolean isIdPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '-';
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static String describeChar(int cp) {
        if (cp < 0x20 || cp == 0x7f || Character.isWhitespace(cp)) {
            return String.format("U+%04X", cp);
        }
        return "\"" + new String(Character.toChars(cp)) + "\"";
    }

    private static int[] lineStarts(String s) {
        int[] starts = new int[16];
        int n = 0;
        starts[n++] = 0;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == '\n') {
                if (n == starts.length) {
                    starts = Arrays.copyOf(starts, n * 2);
                }
                starts[n++] = i + 1;
            }
        }
        return Arrays.copyOf(starts, n);
    }

    /** The position of a character offset in this file. */
    public SourcePos position(int offset) {
        int idx = Arrays.binarySearch(lineStarts, offset);
        int line = idx >= 0 ? idx : -idx - 2;
        return new SourcePos(line + 1, offset - lineStarts[line] + 1, offset);
    }

    SourceRange range(int from, int to) {
        return new SourceRange(file, position(from), position(Math.max(from, to)));
    }
}
