package dev.pictl.hcl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pictl.config.hcl.Body;
import dev.pictl.config.hcl.Expr;
import dev.pictl.config.hcl.HclFile;
import dev.pictl.config.hcl.Parser;
import dev.pictl.diag.Diagnostic;
import dev.pictl.diag.Diagnostics;
import java.math.BigDecimal;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@Tag("fast")
class ParserTest {
    private static HclFile parseOk(String text) {
        Diagnostics d = new Diagnostics();
        HclFile f = Parser.parse("t.hcl", text, d);
        assertFalse(d.hasErrors(), () -> "unexpected errors: " + d.sorted());
        return f;
    }

    private static Expr value(String expr) {
        return parseOk("v = " + expr + "\n").body().attributes().get(0).value();
    }

    @Test
    void parse_keepsBlocksLabelsAndPositions() {
        HclFile f = parseOk("""
                # comment
                node "pi-1" {
                  address = "10.0.0.1" // trailing
                  ssh {
                    port = 2222
                  }
                }
                """);
        Body.Block node = f.body().blocks().get(0);
        assertEquals("node", node.type());
        assertEquals("pi-1", node.labels().get(0).value());
        assertEquals(2, node.typeRange().start().line());
        Body.Attribute address = node.body().attributes().get(0);
        assertEquals(3, address.nameRange().start().line());
        assertEquals(3, address.nameRange().start().column());
        assertEquals(13, address.value().range().start().column());
        assertEquals("ssh", node.body().blocks().get(0).type());
    }

    @Test
    void parse_keepsReferencesUnevaluated() {
        Expr e = value("[node.pi-worker-1, kernel_params.cgroups[\"pi-1\"]]");
        Expr.Tuple t = assertInstanceOf(Expr.Tuple.class, e);
        Expr.Traversal first = assertInstanceOf(Expr.Traversal.class, t.items().get(0));
        assertEquals("node.pi-worker-1", first.text());
        Expr.Traversal second = assertInstanceOf(Expr.Traversal.class, t.items().get(1));
        assertEquals("kernel_params.cgroups[\"pi-1\"]", second.text());
    }

    static Stream<Arguments> literals() {
        return Stream.of(
                Arguments.of("\"a\\tb\\n\\\"q\\\" \\u00e9\"", "a\tb\n\"q\" é"),
                Arguments.of("\"$${literal}\"", "${literal}"),
                Arguments.of("22", new BigDecimal("22")),
                Arguments.of("-1.5e3", new BigDecimal("-1.5e3")),
                Arguments.of("true", Boolean.TRUE),
                Arguments.of("null", null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("literals")
    void parse_decodesLiterals(String source, Object expected) {
        Expr e = value(source);
        if (e instanceof Expr.Template t) {
            assertEquals(1, t.parts().size());
            e = t.parts().get(0);
        }
        assertEquals(expected, assertInstanceOf(Expr.Literal.class, e).value());
    }

    @Test
    void parse_splitsTemplatesIntoLiteralAndInterpolation() {
        Expr.Template t = assertInstanceOf(Expr.Template.class, value("\"https://${node.pi-1.address}:6443\""));
        assertEquals(3, t.parts().size());
        assertInstanceOf(Expr.Traversal.class, t.parts().get(1));
    }

    @Test
    void parse_heredocStripsIndentWithDash() {
        HclFile f = parseOk("v = <<-EOT\n    a\n      b\n    EOT\n");
        Expr.Template t = assertInstanceOf(Expr.Template.class, f.body().attributes().get(0).value());
        assertEquals("a\n  b\n", ((Expr.Literal) t.parts().get(0)).value());
    }

    @Test
    void parse_heredocKeepsEscapedTemplateMarkersLiteral() {
        HclFile f = parseOk("v = <<EOT\n$${a} %%{b}\nEOT\n");
        Expr.Template t = assertInstanceOf(Expr.Template.class, f.body().attributes().get(0).value());
        assertEquals("${a} %{b}\n", ((Expr.Literal) t.parts().get(0)).value());
    }

    @Test
    void parse_mapsAcceptNewlinesCommasAndColons() {
        Expr.ObjectCons o = assertInstanceOf(Expr.ObjectCons.class, value("{\n a = 1\n \"b-c\": 2, d = [1,\n 2]\n}"));
        assertEquals(3, o.items().size());
    }

    /** Source, then the expected first error as line:col and a phrase of its summary. */
    static Stream<Arguments> syntaxErrors() {
        return Stream.of(
                Arguments.of("node \"a\" {\n  address = \"x\"\n", "3:1", "unclosed block node \"a\""),
                Arguments.of("v = \"abc\n", "1:5", "unterminated string"),
                Arguments.of("v = \"a\\qb\"\n", "1:7", "invalid escape sequence"),
                Arguments.of("v = 1 2\n", "1:7", "unexpected number 2"),
                Arguments.of("v = [1, 2\n", "2:1", "unclosed list"),
                Arguments.of("v =\n", "1:4", "missing value"),
                Arguments.of("v = 1 + 2\n", "1:7", "operators are not supported"),
                Arguments.of("v = a ? 1 : 2\n", "1:7", "operators are not supported"),
                Arguments.of("v = [for x in y : x]\n", "1:6", "for expressions are not supported"),
                Arguments.of("v = a[*].b\n", "1:7", "splat expressions are not supported"),
                Arguments.of("v = \"%{ if x }y%{ endif }\"\n", "1:6", "template directives are not supported"),
                Arguments.of("node \"a\" { address = \"x\", port = 1 }\n", "1:25", "one-line block can hold only one"),
                Arguments.of("node \"a\" { address = \"x\"\n}\n", "1:25", "must end with \"}\""),
                Arguments.of("node \"a\" { ssh { } }\n", "1:12", "cannot contain a nested block"),
                Arguments.of("node \"a\" {\n} x = 1\n", "2:3", "after the closing \"}\""),
                Arguments.of("v = 1\n}\n", "2:1", "unexpected \"}\""),
                Arguments.of("v = 1 @\n", "1:7", "invalid character \"@\""),
                Arguments.of("\"label\" { }\n", "1:1", "expected an attribute or a block"),
                Arguments.of("v: 1\n", "1:2", "expected \"=\""),
                Arguments.of("v = <<EOT\nabc\n", "3:1", "unclosed heredoc"),
                Arguments.of("/* open\nv = 1\n", "1:1", "unclosed comment"));
    }

    @ParameterizedTest(name = "{2}")
    @MethodSource("syntaxErrors")
    void parse_reportsSyntaxErrorAtOffendingToken(String source, String at, String phrase) {
        Diagnostics d = new Diagnostics();
        Parser.parse("t.hcl", source, d);
        List<Diagnostic> errors = d.sorted().stream().filter(Diagnostic::isError).toList();
        assertFalse(errors.isEmpty(), "no error for: " + source);
        Diagnostic first = errors.get(0);
        assertEquals(at, first.subject().start().line() + ":" + first.subject().start().column(), first.toString());
        assertTrue(first.summary().contains(phrase), first.summary());
    }

    @Test
    void parse_recoversToReportIndependentSyntaxErrors() {
        Diagnostics d = new Diagnostics();
        Parser.parse("t.hcl", """
                node "a" {
                  address = "x" "y"
                  port = [1,
                  user = 3 4
                }
                node "b" {
                  v = 1 +
                }
                """, d);
        List<Integer> lines = d.sorted().stream().map(x -> x.subject().start().line()).toList();
        assertTrue(lines.contains(2) && lines.contains(7), "errors on lines " + lines + ": " + d.sorted());
    }
}
