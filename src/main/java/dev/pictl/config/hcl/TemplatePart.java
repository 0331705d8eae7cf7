package dev.pictl.config.hcl;

import dev.pictl.diag.SourceRange;
import java.util.List;

/** A piece of a string or heredoc template: literal text, or an interpolation {@code ${ ... }}. */
public sealed interface TemplatePart {
    SourceRange range();

    /** Literal text with escapes already decoded. */
    record Literal(String value, SourceRange range) implements TemplatePart {
    }

    /** The tokens between {@code ${} and its closing brace (without a trailing EOF token). */
    record Interpolation(List<Token> tokens, SourceRange range) implements TemplatePart {
        public Interpolation {
            tokens = List.copyOf(tokens);
        }
    }
}
