package dev.pictl.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pictl.config.Config;
import dev.pictl.config.VariableInputs;
import dev.pictl.diag.Diagnostic;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Errors that point at what is wrong: a missing {@code private_key} once, at its attribute, before any node is
 * contacted (not once per node at each node's line); a directory without .hcl files named even when it is the
 * current directory.
 */
@Tag("fast")
class ErrorPlacesTest {
    @TempDir
    Path tmp;

    private static final String THREE_NODES = """
            node "pi-1" {
              address = "192.168.1.10"
            }
            node "pi-2" {
              address = "192.168.1.11"
            }
            node "pi-3" {
              address = "192.168.1.12"
            }
            """;

    private Config load(String hcl) throws IOException {
        Path dir = tmp.resolve("cluster");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("cluster.hcl"), hcl);
        ValidateResult r = new Pictl().validate(new ValidateRequest(dir, VariableInputs.none()));
        assertTrue(r.ok(), () -> r.diagnostics().sorted().toString());
        assertEquals(0, r.diagnostics().warningCount(), "validate checks the description, not this machine's files");
        return r.config();
    }

    /** LINE:COL: summary, in cluster.hcl (the file every test writes). */
    private static String at(Diagnostic d) {
        assertTrue(d.subject().file().endsWith("cluster.hcl"), d.subject().file());
        return d.subject().start().line() + ":" + d.subject().start().column() + ": " + d.summary();
    }

    private static List<Diagnostic> keyErrors(NodeTargets t) {
        return t.diagnostics().stream().filter(d -> d.summary().startsWith("private_key")).toList();
    }

    @Test
    void aMissingSharedKeyIsOneErrorAtItsAttribute() throws IOException {
        Config c = load("ssh {\n  user        = \"pi\"\n  private_key = \"./missing_key\"\n}\n" + THREE_NODES);
        NodeTargets t = TargetResolver.description().resolve(c);
        assertFalse(t.ok());
        List<Diagnostic> errors = keyErrors(t);
        assertEquals(1, errors.size(), t.diagnostics().toString());
        Diagnostic d = errors.get(0);
        assertEquals("3:17: private_key file ./missing_key does not exist", at(d));
        assertTrue(d.detail().contains(tmp.resolve("cluster/missing_key").toString()), d.detail());
        assertEquals(List.of(), t.diagnostics().stream().filter(x -> !errors.contains(x)).toList(),
                "nothing is said at the node lines");
    }

    @Test
    void aNodesOwnKeyHidesTheSharedOneAndEachMissingKeyIsReportedAtItsLine() throws IOException {
        Files.createDirectories(tmp.resolve("cluster"));
        Files.writeString(tmp.resolve("cluster/good_key"), "not checked for content here");
        String hcl = """
                ssh {
                  private_key = "missing_shared"
                }
                node "pi-1" {
                  address = "192.168.1.10"
                  ssh {
                    private_key = "good_key"
                  }
                }
                node "pi-2" {
                  address = "192.168.1.11"
                  ssh {
                    private_key = "~/missing_own"
                  }
                }
                """;
        Config c = load(hcl);
        assertEquals(List.of(), NodeTargets.keyFileErrors(load(hcl.replace("\"missing_shared\"", "\"good_key\"")
                .replace("\"~/missing_own\"", "\"good_key\"")), tmp), "existing keys are fine");
        List<Diagnostic> errors = NodeTargets.keyFileErrors(c, tmp.resolve("home"));
        assertEquals(List.of("13:19: private_key file ~/missing_own does not exist"),
                errors.stream().map(ErrorPlacesTest::at).toList(), "the shared key is used by no node here");

        Config both = load(hcl.replace("  ssh {\n    private_key = \"good_key\"\n  }\n", ""));
        assertEquals(List.of("2:17: private_key file missing_shared does not exist",
                        "10:19: private_key file ~/missing_own does not exist"),
                NodeTargets.keyFileErrors(both, tmp.resolve("home")).stream().map(ErrorPlacesTest::at).toList());
    }

    @Test
    void aDirectoryIsNotAKey() throws IOException {
        Files.createDirectories(tmp.resolve("cluster/keys"));
        Config c = load("ssh {\n  private_key = \"keys\"\n}\n" + THREE_NODES);
        List<Diagnostic> errors = NodeTargets.keyFileErrors(c, tmp);
        assertEquals(1, errors.size());
        assertTrue(at(errors.get(0)).startsWith("2:17: private_key file keys cannot be used: it is a directory"),
                at(errors.get(0)));
    }

    @Test
    void theCurrentDirectoryWithoutHclFilesIsNamed() throws IOException {
        Path here = Path.of("");
        try (Stream<Path> s = Files.list(here.toAbsolutePath())) {
            assumeTrue(s.noneMatch(p -> p.toString().endsWith(".hcl")), "the working directory has .hcl files");
        }
        ValidateResult r = new Pictl().validate(new ValidateRequest(here, VariableInputs.none()));
        assertEquals(List.of("no .hcl files in " + here.toAbsolutePath()),
                r.diagnostics().sorted().stream().map(Diagnostic::summary).toList());

        Path empty = Files.createDirectories(tmp.resolve("empty"));
        ValidateResult given = new Pictl().validate(new ValidateRequest(empty, VariableInputs.none()));
        assertEquals(List.of("no .hcl files in " + empty),
                given.diagnostics().sorted().stream().map(Diagnostic::summary).toList());
    }
}
