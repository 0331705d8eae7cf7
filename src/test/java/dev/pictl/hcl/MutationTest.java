package dev.pictl.hcl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.pictl.cli.CliRunner;
import dev.pictl.config.hcl.Lexer;
import dev.pictl.config.hcl.Token;
import dev.pictl.config.hcl.TokenType;
import dev.pictl.diag.Diagnostics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Mutates the examples (every truncation point; every adjacent token swap, token deletion and token
 * duplication) and runs {@code pictl validate} on each mutant through the real CLI. For every mutant: no
 * exception or stack trace, no hang, exit 0 (the mutant happens to be valid) or 1 with diagnostics, and the
 * first error points at or after the first changed line — never at 1:1 unless line 1 changed.
 */
// In-process, but thousands of CLI runs: in mvn verify only, not in the quick fast tier.
@Tag("slow")
class MutationTest {
    private static final Pattern FIRST_ERROR = Pattern.compile("(?m)^Error: [^\\n]*?:(\\d+):(\\d+): ");
    private static ExecutorService pool;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        pool = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "mutant");
            t.setDaemon(true);
            return t;
        });
    }

    @AfterAll
    static void stop() {
        pool.shutdownNow();
    }

    private record Mutant(String description, String text, int firstChangedLine) {
    }

    @ParameterizedTest
    @ValueSource(strings = {"examples/seed/cluster.hcl", "examples/minimal/cluster.hcl"})
    void validate_reportsEveryMutantCleanly(String example) throws Exception {
        String original = Files.readString(Path.of(example));
        List<Mutant> mutants = mutants(original);
        assertTrue(mutants.size() > 300, "too few mutants: " + mutants.size());
        Path file = dir.resolve("cluster.hcl");
        int valid = 0;
        int invalid = 0;
        for (Mutant m : mutants) {
            Files.writeString(file, m.text());
            CliRunner.Result r = runWithTimeout(file, m);
            String all = r.all();
            if (all.contains("Exception") || all.contains("\tat ") || all.contains("internal error")) {
                fail(m.description() + ": crashed\n" + all + "\n--- mutant ---\n" + m.text());
            }
            if (r.exitCode() == 0) {
                valid++;
                continue;
            }
            invalid++;
            assertEquals(1, r.exitCode(), m.description() + ": exit code\n" + all);
            Matcher first = FIRST_ERROR.matcher(r.err());
            if (!first.find()) {
                fail(m.description() + ": exit 1 without a located error\n" + all);
            }
            int line = Integer.parseInt(first.group(1));
            int col = Integer.parseInt(first.group(2));
            if (line < m.firstChangedLine()) {
                fail(m.description() + ": first error at " + line + ":" + col + ", before the first changed line "
                        + m.firstChangedLine() + "\n" + r.err() + "\n--- mutant ---\n" + m.text());
            }
            if (line == 1 && col == 1 && m.firstChangedLine() != 1) {
                fail(m.description() + ": error at 1:1\n" + r.err());
            }
        }
        System.out.printf("%s: %d mutants, %d rejected with located errors, %d still valid%n", example,
                mutants.size(), invalid, valid);
        assertTrue(invalid > mutants.size() / 2, "most mutants must be invalid");
    }

    private static CliRunner.Result runWithTimeout(Path file, Mutant m) throws Exception {
        Future<CliRunner.Result> f = pool.submit(() -> CliRunner.run(Path.of(""), Map.of(), "validate", "--no-color",
                "-c", file.toString()));
        try {
            return f.get(10, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            fail(m.description() + ": validate did not finish within 10 s\n--- mutant ---\n" + m.text());
            throw e;
        }
    }

    private static List<Mutant> mutants(String text) {
        List<Mutant> out = new ArrayList<>();
        for (int cut = 0; cut < text.length(); cut++) {
            out.add(new Mutant("truncated at offset " + cut, text.substring(0, cut), lineOf(text, cut)));
        }
        List<Token> tokens = new ArrayList<>(new Lexer("x", text, new Diagnostics()).tokenize());
        tokens.removeIf(t -> t.type() == TokenType.EOF);
        for (int i = 0; i < tokens.size(); i++) {
            Token t = tokens.get(i);
            int s = t.range().start().offset();
            int e = t.range().end().offset();
            int line = t.range().start().line();
            out.add(new Mutant("deleted token " + i + " " + t.describe() + " at line " + line,
                    text.substring(0, s) + text.substring(e), line));
            out.add(new Mutant("duplicated token " + i + " " + t.describe() + " at line " + line,
                    text.substring(0, e) + " " + text.substring(s, e) + text.substring(e), line));
            if (i + 1 < tokens.size()) {
                Token u = tokens.get(i + 1);
                int s2 = u.range().start().offset();
                int e2 = u.range().end().offset();
                String swapped = text.substring(0, s) + text.substring(s2, e2) + text.substring(e, s2)
                        + text.substring(s, e) + text.substring(e2);
                out.add(new Mutant("swapped tokens " + i + "," + (i + 1) + " at line " + line, swapped, line));
            }
        }
        return out;
    }

    private static int lineOf(String text, int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }
}
