package dev.pictl.hcl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pictl.config.hcl.Formatter;
import dev.pictl.config.hcl.Lexer;
import dev.pictl.config.hcl.Parser;
import dev.pictl.config.hcl.Token;
import dev.pictl.diag.Diagnostic;
import dev.pictl.diag.Diagnostics;
import dev.pictl.diag.SourceRange;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code pictl fmt}'s layout ({@link Formatter}): a table of inputs and their canonical form, then every example
 * and every .hcl file of the test corpus: formatting is idempotent, keeps every comment and leaves the parsed
 * description (the AST, positions aside) unchanged; a file with a syntax error is refused with file:line:col.
 */
@Tag("fast")
class FormatterTest {

    static Stream<Arguments> table() {
        return Stream.of(
                Arguments.of("spacing around = and indentation",
                        "node \"pi-1\" {\naddress=\"10.0.0.1\"\n}\n",
                        "node \"pi-1\" {\n  address = \"10.0.0.1\"\n}\n"),
                Arguments.of("tabs and deep indentation become two spaces a level",
                        "a {\n\t\tb {\n\t\t\t\tc = 1\n\t}\n}\n",
                        "a {\n  b {\n    c = 1\n  }\n}\n"),
                Arguments.of("consecutive attributes align their =",
                        "n {\n  a = 1\n  long_name = 2\n  bb = 3\n}\n",
                        "n {\n  a         = 1\n  long_name = 2\n  bb        = 3\n}\n"),
                Arguments.of("a blank line ends an alignment group and is kept",
                        "n {\n  a = 1\n  long_name = 2\n\n  bb = 3\n}\n",
                        "n {\n  a         = 1\n  long_name = 2\n\n  bb = 3\n}\n"),
                Arguments.of("a comment line ends an alignment group",
                        "a = 1\n# about b\nlong_name = 2\n",
                        "a = 1\n# about b\nlong_name = 2\n"),
                Arguments.of("a line opening a multi-line value is not aligned and ends the group",
                        "a = 1\nbb = [\n  1,\n]\nccc = 2\n",
                        "a = 1\nbb = [\n  1,\n]\nccc = 2\n"),
                Arguments.of("end-of-line comments align; # // and /* */ kept as written",
                        "a = 1 # one\nlong = \"x\"  // two\nc = 3 /* three */\n",
                        "a    = 1   # one\nlong = \"x\" // two\nc    = 3   /* three */\n"),
                Arguments.of("trailing whitespace, leading and trailing blank lines go; one newline at the end",
                        "\n\n  a = 1   \n\n\n",
                        "a = 1\n"),
                Arguments.of("no newline at the end gets one",
                        "a = 1",
                        "a = 1\n"),
                Arguments.of("CRLF line ends become LF",
                        "a = 1\r\nb = 2\r\n",
                        "a = 1\nb = 2\n"),
                Arguments.of("several blank lines between items are kept",
                        "a = 1\n\n\nb = 2\n",
                        "a = 1\n\n\nb = 2\n"),
                Arguments.of("strings with = and spaces, and interpolations, are copied as they are",
                        "a = \"x  =  y\"\nb=\"${ var.x }  = \"\n",
                        "a = \"x  =  y\"\nb = \"${ var.x }  = \"\n"),
                Arguments.of("a heredoc's text is copied as it is; its line still aligns with the next, as in hclwrite",
                        "n {\ntext = <<EOT\n  a = b   \n\tc\nEOT\nx = 1\n}\n",
                        "n {\n  text = <<EOT\n  a = b   \n\tc\nEOT\n  x    = 1\n}\n"),
                Arguments.of("an indented heredoc keeps its own indentation",
                        "n {\n      t = <<-EOT\n        a\n      EOT\n}\n",
                        "n {\n  t = <<-EOT\n        a\n      EOT\n}\n"),
                Arguments.of("lists: a space after each comma, none inside the brackets",
                        "a = [ 1 ,2,  \"x\" ]\n",
                        "a = [1, 2, \"x\"]\n"),
                Arguments.of("objects keep a space inside their braces; an empty one has none",
                        "a = {x=1,\"y\"=2}\nb = { }\n",
                        "a = { x = 1, \"y\" = 2 }\nb = {}\n"),
                Arguments.of("a one-line block",
                        "ssh {user=\"pi\"}\n",
                        "ssh { user = \"pi\" }\n"),
                Arguments.of("a list over several lines, items indented, comments in it",
                        "nodes = [\nnode.pi-1, # first\n    node.pi-2 ,\n  # last one\nnode.pi-3\n]\n",
                        "nodes = [\n  node.pi-1, # first\n  node.pi-2,\n  # last one\n  node.pi-3\n]\n"),
                Arguments.of("nested objects over several lines",
                        "c = {\n\"a\" = {\nx = 1\nyy = 2\n}\n\"bbb\" = 3\n}\n",
                        "c = {\n  \"a\" = {\n    x  = 1\n    yy = 2\n  }\n  \"bbb\" = 3\n}\n"),
                Arguments.of("function calls: no space before ( or inside the parentheses",
                        "a = file ( \"x\" )\nb = join(\",\" , [\"a\"])\n",
                        "a = file(\"x\")\nb = join(\",\", [\"a\"])\n"),
                Arguments.of("traversals: no space around dots or before an index",
                        "a = node.pi-1 . address\nb = var.list [0]\n",
                        "a = node.pi-1.address\nb = var.list[0]\n"),
                Arguments.of("a negative number stays unspaced",
                        "a = - 1\nb = [ -2, - 3]\n",
                        "a = -1\nb = [-2, -3]\n"),
                Arguments.of("a comment between a block's header and its body, and comments in odd places",
                        "/* head */ node \"a\" /* mid */ { # open\n  address = \"x\" /* after */ # end\n} # close\n",
                        "/* head */ node \"a\" /* mid */ { # open\n  address = \"x\" /* after */     # end\n}                               # close\n"),
                Arguments.of("a multi-line /* */ comment keeps its inside",
                        "  /* one\n      two\n   */\na = 1\n",
                        "/* one\n      two\n   */\na = 1\n"),
                Arguments.of("a comment's trailing spaces go; its text does not change",
                        "a = 1 #   spaced   \n//x\n",
                        "a = 1 #   spaced\n//x\n"),
                Arguments.of("an empty file stays empty",
                        "\n \n",
                        ""),
                Arguments.of("a byte-order mark goes",
                        "\uFEFFa = 1\n",
                        "a = 1\n"),
                Arguments.of("variables and conditional-free expressions in a real block",
                        "variable \"token\" {\ntype=string\nsensitive=true\n}\n",
                        "variable \"token\" {\n  type      = string\n  sensitive = true\n}\n"),
                Arguments.of("alignment counts characters, not bytes",
                        "x = {\n\"é\" = 1\nab = 2\n}\n",
                        "x = {\n  \"é\" = 1\n  ab  = 2\n}\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void formats(String what, String input, String expected) {
        Formatter.Result r = Formatter.format("t.hcl", input);
        assertTrue(r.ok(), () -> what + ": " + r.diagnostics().sorted());
        assertEquals(expected, r.text(), what);
        assertEquals(expected, Formatter.format("t.hcl", expected).text(), what + ": not idempotent");
        assertSameMeaning(input, r.text());
    }

    static Stream<Path> corpus() throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path root : List.of(Path.of("examples"), Path.of("src/test/resources"))) {
            try (Stream<Path> s = Files.walk(root)) {
                s.filter(p -> p.toString().endsWith(".hcl") && Files.isRegularFile(p)).sorted().forEach(files::add);
            }
        }
        assertTrue(files.size() > 50, "the corpus was not found: " + files.size());
        return files.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void corpusFileIsFormattedWithoutChangingItsMeaning(Path file) throws IOException {
        String text = Files.readString(file);
        Diagnostics parsed = new Diagnostics();
        Parser.parse(file.toString(), text, parsed);
        Formatter.Result r = Formatter.format(file.toString(), text);
        if (parsed.hasErrors()) {
            // A syntax error: refused, with the parser's own diagnostics (file:line:col), nothing produced.
            assertFalse(r.ok());
            assertNull(r.text());
            assertEquals(parsed.sorted(), r.diagnostics().sorted());
            Diagnostic first = r.diagnostics().sorted().get(0);
            assertTrue(first.oneLine().startsWith(file + ":" + first.subject().start().line() + ":"),
                    first.oneLine());
            return;
        }
        assertTrue(r.ok(), () -> r.diagnostics().sorted().toString());
        assertEquals(r.text(), Formatter.format(file.toString(), r.text()).text(), "fmt(fmt(x)) != fmt(x)");
        assertSameMeaning(text, r.text());
    }

    /**
     * The layout depends on the tokens and the line breaks only: the same file with its spacing scrambled (random
     * indentation, one to three blanks or tabs between tokens, trailing blanks) formats to the same text.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void spacingDoesNotMatter(Path file) throws IOException {
        String text = Files.readString(file);
        Formatter.Result r = Formatter.format(file.toString(), text);
        if (!r.ok()) {
            return;
        }
        java.util.Random random = new java.util.Random(file.toString().hashCode());
        List<Token> tokens = new ArrayList<>();
        List<Token> comments = new ArrayList<>();
        tokens.addAll(new Lexer("t.hcl", text, new Diagnostics()).keepComments(comments).tokenize());
        tokens.remove(tokens.size() - 1);
        tokens.addAll(comments);
        tokens.sort(java.util.Comparator.comparingInt(t -> t.range().start().offset()));
        StringBuilder b = new StringBuilder();
        boolean lineStart = true;
        for (Token t : tokens) {
            if (t.type() == dev.pictl.config.hcl.TokenType.NEWLINE) {
                b.append(" \t".substring(0, random.nextInt(3))).append(random.nextBoolean() ? "\n" : "\r\n");
                lineStart = true;
                continue;
            }
            b.append(lineStart ? " ".repeat(random.nextInt(7)) : random.nextBoolean() ? " " : random.nextBoolean() ? "\t" : "   ");
            b.append(t.text());
            lineStart = false;
        }
        String scrambled = b.toString();
        assertEquals(r.text(), Formatter.format(file.toString(), scrambled).text(), scrambled);
    }

    @Test
    void examplesAreAlreadyFormatted() throws IOException {
        // The examples are what users copy: they are in the canonical form (pictl fmt -check passes on them).
        try (Stream<Path> s = Files.walk(Path.of("examples"))) {
            for (Path f : s.filter(p -> p.toString().endsWith(".hcl")).toList()) {
                String text = Files.readString(f);
                assertEquals(text, Formatter.format(f.toString(), text).text(), f + " is not formatted");
            }
        }
    }

    @Test
    void aSyntaxErrorIsRefusedAtItsPlace() {
        Formatter.Result r = Formatter.format("bad.hcl", "node \"a\" {\n  address = \"10.0.0.1\n}\n");
        assertFalse(r.ok());
        assertTrue(r.diagnostics().sorted().get(0).oneLine().startsWith("bad.hcl:2:13: unterminated string"),
                r.diagnostics().sorted().get(0).oneLine());
    }

    @Test
    void keepingCommentsChangesNeitherTokensNorDiagnostics() {
        String src = "# a\nnode \"x\" { # b\n  address = \"1\" /* c */\n  bad = \"\\q\"\n} // d\n";
        Diagnostics plain = new Diagnostics();
        List<Token> without = new Lexer("t.hcl", src, plain).tokenize();
        Diagnostics kept = new Diagnostics();
        List<Token> comments = new ArrayList<>();
        List<Token> with = new Lexer("t.hcl", src, kept).keepComments(comments).tokenize();
        assertEquals(without, with);
        assertEquals(plain.sorted(), kept.sorted());
        assertEquals(List.of("# a", "# b", "/* c */", "// d"), comments.stream().map(Token::text).toList());
    }

    /** Same AST (positions aside) and the same comments, in the same order. */
    private static void assertSameMeaning(String before, String after) {
        assertEquals(ast(before), ast(after), "the formatted file parses differently");
        assertEquals(comments(before), comments(after), "a comment was lost or changed");
    }

    private static String ast(String text) {
        Diagnostics d = new Diagnostics();
        Object body = Parser.parse("t.hcl", text, d).body();
        assertFalse(d.hasErrors(), () -> d.sorted().toString());
        StringBuilder b = new StringBuilder();
        dump(body, b);
        return b.toString();
    }

    /** A record tree without its source ranges. */
    private static void dump(Object o, StringBuilder b) {
        if (o instanceof Record r) {
            b.append(r.getClass().getSimpleName()).append('(');
            for (RecordComponent c : r.getClass().getRecordComponents()) {
                if (c.getType() == SourceRange.class) {
                    continue;
                }
                b.append(c.getName()).append('=');
                try {
                    dump(c.getAccessor().invoke(r), b);
                } catch (ReflectiveOperationException e) {
                    throw new AssertionError(e);
                }
                b.append(' ');
            }
            b.append(')');
        } else if (o instanceof List<?> l) {
            b.append('[');
            l.forEach(e -> {
                dump(e, b);
                b.append(',');
            });
            b.append(']');
        } else {
            b.append(o == null ? "null" : o.getClass().getSimpleName() + ":" + o);
        }
    }

    private static List<String> comments(String text) {
        List<Token> out = new ArrayList<>();
        new Lexer("t.hcl", text, new Diagnostics()).keepComments(out).tokenize();
        return out.stream().map(t -> t.text().stripTrailing()).toList();
    }
}
