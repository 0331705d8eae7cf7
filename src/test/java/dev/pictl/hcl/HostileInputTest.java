package dev.pictl.hcl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pictl.cli.CliRunner;
import dev.pictl.config.hcl.Parser;
import dev.pictl.diag.Diagnostic;
import dev.pictl.diag.Diagnostics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The mutation test's hostile cousins: deep nesting of every kind, huge numbers and long strings and lines, each
 * through the real CLI ({@code pictl validate}) and under 100 KB. For each: nothing but a result escapes (no
 * Throwable, no stack trace, no "internal error"), the run ends within 2 s (checked preemptively), and when the
 * file is refused the first error is located (file:line:col). Deep nesting is refused at the parser's bound with
 * "nesting deeper than 64 levels" at the first token past it.
 */
@Tag("fast")
class HostileInputTest {
    private static final Pattern FIRST_ERROR = Pattern.compile("(?m)^Error: [^\\n]*?:(\\d+):(\\d+): ([^\\n]*)");
    private static final int D = Parser.MAX_DEPTH;

    @TempDir
    Path dir;

    /** Loads the CLI's classes once, so that the 2 s bound measures the work on the file, not class loading. */
    @BeforeAll
    static void warmUp(@TempDir Path warm) throws Exception {
        Files.copy(Path.of("examples/seed/cluster.hcl"), warm.resolve("cluster.hcl"));
        for (int i = 0; i < 3; i++) {
            CliRunner.run(warm, Map.of(), "validate", "--no-color", "-c", warm.toString());
        }
    }

    private static String nest(String open, String inner, String close, int depth) {
        return open.repeat(depth) + inner + close.repeat(depth);
    }

    /** x = <<E0, then ${<<E1 ... ${<<En, each closed by its own marker line and "}". */
    private static String nestedHeredocs(int depth) {
        StringBuilder b = new StringBuilder("x = <<E0\n");
        for (int i = 1; i <= depth; i++) {
            b.append("${<<E").append(i).append('\n');
        }
        b.append("a\n");
        for (int i = depth; i >= 1; i--) {
            b.append('E').append(i).append("\n}\n");
        }
        return b.append("E0\n").toString();
    }

    static Stream<Arguments> deep() {
        List<Arguments> out = new ArrayList<>();
        for (int depth : new int[] {D + 1, 500, 5000}) {
            out.add(Arguments.of("map values " + depth, "x = " + nest("{ a = ", "1", " }", depth) + "\n"));
            out.add(Arguments.of("map keys " + depth, "x = " + nest("{", "a = 1", " = 1}", depth) + "\n"));
            out.add(Arguments.of("open braces " + depth, "x = " + "{".repeat(depth) + "\n"));
            out.add(Arguments.of("lists " + depth, "x = " + nest("[", "1", "]", depth) + "\n"));
            out.add(Arguments.of("parens " + depth, "x = " + nest("(", "1", ")", depth) + "\n"));
            out.add(Arguments.of("calls " + depth, "x = " + nest("upper(", "\"a\"", ")", depth) + "\n"));
            out.add(Arguments.of("index " + depth, "x = " + nest("var.a[", "0", "]", depth) + "\n"));
            out.add(Arguments.of("interpolations " + depth, "x = " + nest("\"${", "1", "}\"", depth) + "\n"));
            out.add(Arguments.of("heredoc interpolations " + depth, nestedHeredocs(depth)));
            out.add(Arguments.of("blocks " + depth, "b {\n".repeat(depth) + "}\n".repeat(depth)));
            out.add(Arguments.of("blocks and maps " + depth, "b {\n".repeat(D - 1) + "x = " + nest("{ a = ", "1", " }", depth)
                    + "\n" + "}\n".repeat(D - 1)));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("deep")
    void deepNesting_isOneLocatedErrorAtTheBound(String what, String text) throws Exception {
        CliRunner.Result r = validate(text);

        assertEquals(1, r.exitCode(), what + "\n" + r.all());
        Matcher m = FIRST_ERROR.matcher(r.err());
        assertTrue(m.find(), r.err());
        assertTrue(r.err().contains("nesting deeper than " + D + " levels"), r.err().substring(0, Math.min(2000, r.err().length())));
    }

    @Test
    void nestingAtTheBound_parses() {
        // One level of the bound is the attribute's own value, the rest nests inside it.
        for (String text : List.of("x = " + nest("[", "1", "]", D - 1) + "\n", "x = " + nest("{ a = ", "1", " }", D - 1) + "\n",
                "b {\n".repeat(D) + "}\n".repeat(D))) {
            Diagnostics d = new Diagnostics();
            Parser.parse("t.hcl", text, d);
            assertFalse(d.hasErrors(), () -> d.sorted().toString());
        }
    }

    static Stream<Arguments> numbers() {
        return Stream.of("99999999999999999999", "9223372036854775808", "-9223372036854775808", "1e19", "1e2147483648",
                "1e999999999", "1" + "0".repeat(50_000), "0." + "0".repeat(30) + "1", "1.5e-40")
                .map(n -> Arguments.of(n));
    }

    @ParameterizedTest
    @MethodSource("numbers")
    void hugeNumbers_areLocatedErrorsInEveryPosition(String n) throws Exception {
        for (String text : List.of(
                "node \"pi\" {\n  address = \"10.0.0.1\"\n  ssh {\n    port = " + n + "\n  }\n}\n",
                "variable \"v\" {\n  default = " + n + "\n}\n",
                "k3s_server \"s\" {\n  node = node.pi\n  version = \"v1.31.4+k3s1\"\n  config = { \"x\" = [" + n + "] }\n}\n")) {
            CliRunner.Result r = validate(text);
            assertEquals(1, r.exitCode(), r.all());
            Matcher m = FIRST_ERROR.matcher(r.err());
            assertTrue(m.find(), r.err());
            assertTrue(r.err().contains("number out of range"), r.err().substring(0, Math.min(2000, r.err().length())));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {10, 19, 20, 400, 50_000})
    void hugeDigitsInStrings_neverReachAConversion(int digits) throws Exception {
        // A k3s version, a duration and a port given as strings of huge digits: refused by validation, located.
        String n = "9".repeat(digits);
        for (String text : List.of(
                "node \"pi\" {\n  address = \"10.0.0.1\"\n}\nk3s_server \"s\" {\n  node = node.pi\n  version = \"v1." + n
                        + ".4+k3s1\"\n}\n",
                "node \"pi\" {\n  address = \"10.0.0.1\"\n}\nk3s_server \"s\" {\n  node = node.pi\n  version = \"v" + n
                        + ".1.4+k3s" + n + "\"\n}\n",
                "node \"pi\" {\n  address = \"10.0.0.1\"\n  ssh {\n    port = \"" + n + "\"\n  }\n}\n",
                "node \"pi\" {\n  address = \"10.0.0.1\"\n  ssh {\n    connect_timeout = \"" + n + "s\"\n  }\n}\n")) {
            CliRunner.Result r = validate(text);
            assertEquals(1, r.exitCode(), r.all());
            assertTrue(FIRST_ERROR.matcher(r.err()).find(), r.err());
        }
    }

    @Test
    void longStringsAndLines_areHandledWithinBounds() throws Exception {
        Random random = new Random(11);
        String big = "a".repeat(95_000);
        StringBuilder mixed = new StringBuilder();
        while (mixed.length() < 90_000) {
            mixed.append((char) (0x20 + random.nextInt(0x5e)));
        }
        String mixedEscaped = mixed.toString().replace("\\", "\\\\").replace("\"", "\\\"").replace("${", "$${")
                .replace("%{", "%%{");
        for (String text : List.of(
                "node \"pi\" {\n  address = \"" + big + "\"\n}\n",                 // one long invalid value
                "variable \"v\" {\n  default = \"" + mixedEscaped + "\"\n}\n",     // a long printable string: valid
                "x = \"" + big + "\n",                                               // unterminated, 95 KB line
                "# " + big + "\n",                                                   // a long comment
                "variable \"v\" {\n  default = <<EOT\n" + (big.substring(0, 99) + "\n").repeat(900) + "EOT\n}\n",
                "x" + "y".repeat(95_000) + " = 1\n",                                 // a long name
                "\"" + "\\u0041".repeat(15_000) + "\"\n")) {                          // many escapes
            assertTrue(text.length() < 100_000);
            CliRunner.Result r = validate(text);
            assertTrue(r.exitCode() == 0 || FIRST_ERROR.matcher(r.err()).find(),
                    r.all().substring(0, Math.min(500, r.all().length())));
        }
    }

    /** Random bracket soup: every mix of openers, closers, quotes and interpolations, a few KB each. */
    @Test
    void randomBracketSoup_neverCrashes() throws Exception {
        Random random = new Random(42);
        String[] atoms = {"{", "}", "[", "]", "(", ")", "\"", "${", "<<EOT\n", "\nEOT\n", "=", ",", "a", "1e99999", "\n",
                "upper(", "var.x[", "%{", "#", "/*", "*/"};
        for (int i = 0; i < 60; i++) {
            StringBuilder b = new StringBuilder("x = ");
            int n = 200 + random.nextInt(4000);
            for (int k = 0; k < n; k++) {
                b.append(atoms[random.nextInt(atoms.length)]);
            }
            CliRunner.Result r = validate(b.toString());
            assertTrue(r.exitCode() == 0 || r.exitCode() == 1, r.all());
        }
    }

    /** Runs validate on {@code text}; fails on a stack trace, an internal error, or more than 2 s. */
    private CliRunner.Result validate(String text) throws Exception {
        Path file = dir.resolve("cluster.hcl");
        Files.writeString(file, text);
        CliRunner.Result r = assertTimeoutPreemptively(Duration.ofSeconds(2),
                () -> CliRunner.run(dir, Map.of(), "validate", "--no-color", "-c", file.toString()));
        String all = r.all();
        assertFalse(all.contains("\tat ") || all.contains("internal error") || all.contains("Exception"),
                all.substring(0, Math.min(2000, all.length())));
        return r;
    }

    @Test
    void parserAlone_neverThrowsOnDeepInput() {
        // Directly, with no CLI around it: a Throwable would escape here.
        for (String text : List.of("x = " + "{".repeat(100_000), "x = " + "\"${".repeat(30_000),
                "x = " + "[".repeat(100_000), "b {\n".repeat(30_000))) {
            Diagnostics d = new Diagnostics();
            assertTimeoutPreemptively(Duration.ofSeconds(2), () -> Parser.parse("t.hcl", text, d));
            List<Diagnostic> errors = d.sorted();
            assertFalse(errors.isEmpty());
        }
    }
}
