package dev.pictl.config.hcl;

/** Kinds of token of the HCL native syntax that the lexer produces. */
public enum TokenType {
    IDENT("identifier"),
    NUMBER("number"),
    /** A quoted string; its content is in {@link Token#parts()}. */
    STRING("string"),
    /** A heredoc ({@code <<EOT}); its content is in {@link Token#parts()}. */
    HEREDOC("heredoc"),
    LBRACE("\"{\""),
    RBRACE("\"}\""),
    LBRACKET("\"[\""),
    RBRACKET("\"]\""),
    LPAREN("\"(\""),
    RPAREN("\")\""),
    EQUAL("\"=\""),
    COMMA("\",\""),
    DOT("\".\""),
    COLON("\":\""),
    QUESTION("\"?\""),
    ARROW("\"=>\""),
    ELLIPSIS("\"...\""),
    /** Arithmetic, comparison and logic operators: {@code + - * / % == != < > <= >= && || !}. */
    OPERATOR("operator"),
    STAR("\"*\""),
    NEWLINE("end of line"),
    /** A comment: only from {@link Lexer#keepComments}, never in the token list the parser reads. */
    COMMENT("comment"),
    EOF("end of file");

    private final String description;

    TokenType(String description) {
        this.description = description;
    }

    /** How the token kind is named in messages. */
    public String description() {
        return description;
    }
}
