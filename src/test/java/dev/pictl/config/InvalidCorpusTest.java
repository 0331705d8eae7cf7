package dev.pictl.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pictl.cli.Cli;
import dev.pictl.cli.CliContext;
import dev.pictl.testing.Golden;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs {@code pictl validate} (the real CLI, injected writers) over every invalid configuration under
 * {@code src/test/resources/invalid/} and checks it against the expectations written by hand at the top of each
 * file:
 *
 * <pre>
 * # expect: error 4:3 "unknown attribute \"adress\"" "did you mean \"address\""
 * # expect: warning 9:12 "cgroup_enable=memory"
 * </pre>
 *
 * Each expectation names severity, line:column (in the file that carries it) and key words that must all appear
 * in that diagnostic's rendering (header, snippet and detail; {@code \"} and {@code \\} escape inside quotes).
 * The check is strict both ways: every expectation must be met by its own diagnostic, and every diagnostic,
 * warnings included, must be expected. Positions come from {@code --json}; key words are looked up in the
 * human rendering, whose headers must agree with the JSON.
 */
@Tag("fast")
class InvalidCorpusTest {
    private static final Path CORPUS = Path.of("src", "test", "resources", "invalid");
    private static final Path GOLDEN = Path.of("src", "test", "resources", "golden", "validate");
    private static final Pattern EXPECT = Pattern.compile(
            "#\\s*expect:\\s*(error|warning)\\s+(\\d+):(\\d+)((?:\\s+\"(?:[^\"\\\\]|\\\\.)*\")*)\\s*");
    private static final Pattern KEYWORD = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern HEADER = Pattern.compile("(?m)^(?=(?:Error|Warning): )");

    private record Expectation(String file, String severity, int line, int column, List<String> keywords) {
        @Override
        public String toString() {
            return severity + " " + file + ":" + line + ":" + column + " " + keywords;
        }
    }

    /** One diagnostic as --json reports it, with its block of the human rendering. */
    private record Seen(String file, String severity, int line, int column, String summary, String rendered) {
        @Override
        public String toString() {
            return severity + " " + file + ":" + line + ":" + column + ": " + summary;
        }
    }

    private record Run(int exitCode, String out, String err) {
        String all() {
            return out + err;
        }
    }

    static Stream<String> cases() throws IOException {
        try (Stream<Path> s = Files.list(CORPUS)) {
            return s.filter(p -> Files.isDirectory(p) || p.getFileName().toString().endsWith(".hcl"))
                    .map(p -> p.getFileName().toString()).sorted().toList().stream();
        }
    }

    @Test
    void corpus_holdsAtLeastFortyFiveCases() throws IOException {
        assertTrue(cases().count() >= 45, "the invalid corpus must hold at least 45 cases");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void validate_reportsExactlyTheExpectedDiagnostics(String caseName) throws IOException {
        List<Expectation> expected = expectations(CORPUS.resolve(caseName));
        assertTrue(expected.stream().anyMatch(e -> e.severity().equals("error")),
                caseName + ": an invalid configuration must expect at least one error");

        Run json = validate(caseName, "--json");
        Run text = validate(caseName);
        for (Run r : List.of(json, text)) {
            assertEquals(1, r.exitCode(), caseName + ": exit code\n" + r.all());
            assertFalse(r.all().contains("Exception") || r.all().contains("\tat "),
                    caseName + ": a stack trace or exception reached the user:\n" + r.all());
        }
        assertEquals("", text.out(), caseName + ": diagnostics go to stderr, nothing to stdout");

        List<Seen> seen = parse(caseName, json, text);
        List<Seen> unmatched = new ArrayList<>(seen);
        List<String> problems = new ArrayList<>();
        for (Expectation e : expected) {
            Seen hit = unmatched.stream().filter(d -> matches(e, d)).findFirst().orElse(null);
            if (hit == null) {
                problems.add("missing: " + e + nearest(e, seen));
            } else {
                unmatched.remove(hit);
            }
        }
        unmatched.forEach(d -> problems.add("unexpected: " + d));
        if (!problems.isEmpty()) {
            fail(caseName + ":\n  " + String.join("\n  ", problems) + "\n--- pictl validate output ---\n" + text.err());
        }
    }

    /** A handful of representative cases whose full human rendering is kept as golden files. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "syntax-unclosed-block.hcl",
            "syntax-bad-escape.hcl",
            "unknown-attribute.hcl",
            "three-independent-errors.hcl",
            "cycle-reference-and-depends-on.hcl",
            "cluster-second-server.hcl",
            "kernel-lint-seed-guide-typo.hcl",
            "multi-file-duplicates"})
    void validate_rendersDiagnosticsAsInGoldenFile(String caseName) {
        Run text = validate(caseName);
        assertEquals(1, text.exitCode(), text.all());
        String name = caseName.endsWith(".hcl") ? caseName.substring(0, caseName.length() - 4) : caseName;
        Golden.assertMatches(GOLDEN.resolve(name + ".txt"), text.err());
    }

    // ---- running ----------------------------------------------------------------------------------------------

    /** Runs validate with a relative working directory, so that file names in the output are stable. */
    private static Run validate(String caseName, String... extra) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> args = new ArrayList<>(List.of("validate", "--no-color", "-c", caseName));
        args.addAll(List.of(extra));
        int code = Cli.run(new CliContext(new PrintWriter(out), new PrintWriter(err), Map.of(), CORPUS),
                args.toArray(String[]::new));
        return new Run(code, out.toString(), err.toString());
    }

    /** Pairs the --json diagnostics with the blocks of the text rendering, checking that both agree. */
    private static List<Seen> parse(String caseName, Run json, Run text) throws IOException {
        JsonNode root = new ObjectMapper().readTree(json.out());
        assertEquals("1.0", root.path("format_version").asText(), caseName);
        assertFalse(root.path("valid").asBoolean(true), caseName + ": valid must be false");
        String err = text.err();
        int footer = err.lastIndexOf("\nValidation failed: ");
        assertTrue(footer >= 0, caseName + ": no \"Validation failed\" line:\n" + err);
        String footerLine = err.substring(footer + 1).strip();
        assertEquals("Validation failed: " + countPhrase(root.path("error_count").asLong(), "error") + ", "
                + countPhrase(root.path("warning_count").asLong(), "warning") + ".", footerLine, caseName);
        List<String> blocks = new ArrayList<>(List.of(HEADER.split(err.substring(0, footer))));
        blocks.removeIf(String::isBlank);

        JsonNode diags = root.path("diagnostics");
        assertEquals(diags.size(), blocks.size(), caseName + ": --json and text disagree on the number of "
                + "diagnostics\n" + json.out() + "\n" + err);
        List<Seen> seen = new ArrayList<>();
        long errors = 0;
        for (int i = 0; i < diags.size(); i++) {
            JsonNode d = diags.get(i);
            JsonNode range = d.path("range");
            assertFalse(range.isMissingNode(), caseName + ": every diagnostic of a file must have a range: " + d);
            String severity = d.path("severity").asText();
            errors += severity.equals("error") ? 1 : 0;
            String file = range.path("filename").asText();
            int line = range.path("start").path("line").asInt();
            int column = range.path("start").path("column").asInt();
            String summary = d.path("summary").asText();
            String header = (severity.equals("error") ? "Error: " : "Warning: ") + file + ":" + line + ":" + column
                    + ": " + summary + "\n";
            assertTrue(blocks.get(i).startsWith(header), caseName + ": text block " + i + " does not start with\n"
                    + header + "but reads\n" + blocks.get(i));
            assertFalse(d.path("detail").asText().isBlank(), caseName + ": diagnostic without a detail: " + summary);
            seen.add(new Seen(Path.of(file).getFileName().toString(), severity, line, column, summary, blocks.get(i)));
        }
        assertEquals(errors, root.path("error_count").asLong(), caseName + ": error_count");
        return seen;
    }

    private static String countPhrase(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    private static boolean matches(Expectation e, Seen d) {
        return e.file().equals(d.file()) && e.severity().equals(d.severity()) && e.line() == d.line()
                && e.column() == d.column() && e.keywords().stream().allMatch(d.rendered()::contains);
    }

    /** For a failure message: what was reported at that spot, or with those key words. */
    private static String nearest(Expectation e, List<Seen> seen) {
        List<String> near = seen.stream().filter(d -> d.file().equals(e.file())
                        && (d.line() == e.line() || e.keywords().stream().anyMatch(d.summary()::contains)))
                .map(Seen::toString).toList();
        return near.isEmpty() ? "" : "\n      (reported nearby: " + String.join("; ", near) + ")";
    }

    // ---- expectations -----------------------------------------------------------------------------------------

    /** The expectations of a case: of its file, or of every .hcl file of its directory. */
    private static List<Expectation> expectations(Path casePath) throws IOException {
        List<Path> files;
        if (Files.isDirectory(casePath)) {
            try (Stream<Path> s = Files.list(casePath)) {
                files = s.filter(p -> p.getFileName().toString().endsWith(".hcl")
                        || p.getFileName().toString().equals(".pivars")).sorted().toList();
            }
        } else {
            files = List.of(casePath);
        }
        List<Expectation> out = new ArrayList<>();
        for (Path f : files) {
            List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).strip();
                if (!line.startsWith("#") || !line.contains("expect")) {
                    continue;
                }
                Matcher m = EXPECT.matcher(line);
                if (!m.matches()) {
                    fail(f + ":" + (i + 1) + ": malformed expectation: " + line);
                }
                List<String> keywords = new ArrayList<>();
                Matcher k = KEYWORD.matcher(m.group(4));
                while (k.find()) {
                    keywords.add(k.group(1).replaceAll("\\\\(.)", "$1"));
                }
                out.add(new Expectation(f.getFileName().toString(), m.group(1), Integer.parseInt(m.group(2)),
                        Integer.parseInt(m.group(3)), keywords));
            }
        }
        return out;
    }
}
