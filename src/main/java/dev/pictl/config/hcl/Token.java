package dev.pictl.config.hcl;

import dev.pictl.diag.SourceRange;
import java.util.List;

/**
 * A lexical token. For {@link TokenType#STRING} and {@link TokenType#HEREDOC}, {@code parts} holds the
 * template's pieces (literal text and interpolations, each with its own tokens); otherwise it is empty.
 */
public record Token(TokenType type, String text, SourceRange range, List<TemplatePart> parts) {
    public Token {
        parts = List.copyOf(parts);
    }

    Token(TokenType type, String text, SourceRange range) {
        this(type, text, range, List.of());
    }

    /** How this token is named in "unexpected ..." messages. */
    public String describe() {
        return switch (type) {
            case IDENT -> "identifier \"" + text + "\"";
            case NUMBER -> "number " + text;
            case STRING, HEREDOC -> type.description();
            case OPERATOR, STAR -> "\"" + text + "\"";
            default -> type.description();
        };
    }

    /** True for a quoted string with no interpolation. */
    public boolean isPlainString() {
        return type == TokenType.STRING && parts.stream().allMatch(p -> p instanceof TemplatePart.Literal);
    }

    /** The text of a plain string; only meaningful when {@link #isPlainString()}. */
    public String plainValue() {
        StringBuilder b = new StringBuilder();
        for (TemplatePart p : parts) {
            if (p instanceof TemplatePart.Literal l) {
                b.append(l.value());
            }
        }
        return b.toString();
    }
}
