package dev.pictl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pictl fmt} through the real command line: exit codes, -check writes nothing, in-place writes, stdin. */
@Tag("fast")
class FmtCommandTest {
    private static final String UNFORMATTED = "# the board\nnode \"pi-1\" {\naddress=\"10.0.0.1\" # LAN\n}\n";
    private static final String FORMATTED = "# the board\nnode \"pi-1\" {\n  address = \"10.0.0.1\" # LAN\n}\n";

    @TempDir
    Path dir;

    @Test
    void checkExits3AndListsTheFileWithoutWritingIt() throws IOException {
        Path f = write("cluster.hcl", UNFORMATTED);
        write("ok.hcl", FORMATTED);
        CliRunner.Result r = CliRunner.run(dir, Map.of(), "fmt", "-check");
        assertEquals(3, r.exitCode(), r.all());
        assertEquals("cluster.hcl\n", r.out());
        assertEquals(UNFORMATTED, Files.readString(f));

        CliRunner.Result r2 = CliRunner.run(dir, Map.of(), "fmt", "--check", "--diff");
        assertEquals(3, r2.exitCode(), r2.all());
        assertTrue(r2.out().contains("--- a/cluster.hcl\n+++ b/cluster.hcl\n@@ -1,4 +1,4 @@\n"), r2.out());
        assertTrue(r2.out().contains("\n-address=\"10.0.0.1\" # LAN\n+  address = \"10.0.0.1\" # LAN\n"), r2.out());
        assertEquals(UNFORMATTED, Files.readString(f));
    }

    @Test
    void checkExits0WhenEverythingIsFormatted() throws IOException {
        write("ok.hcl", FORMATTED);
        CliRunner.Result r = CliRunner.run(dir, Map.of(), "fmt", "-check", dir.toString());
        assertEquals(0, r.exitCode(), r.all());
        assertEquals("", r.all());
    }

    @Test
    void rewritesInPlaceKeepingTheModeAndListsWhatChanged() throws IOException {
        Path f = write("cluster.hcl", UNFORMATTED);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r-----"));
        CliRunner.Result r = CliRunner.run(dir, Map.of(), "fmt", "cluster.hcl");
        assertEquals(0, r.exitCode(), r.all());
        assertEquals("cluster.hcl\n", r.out());
        assertEquals(FORMATTED, Files.readString(f));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        try (var s = Files.list(dir)) {
            assertEquals(1, s.count(), "a temporary file was left behind");
        }
        // A second run changes nothing and says nothing.
        CliRunner.Result again = CliRunner.run(dir, Map.of(), "fmt");
        assertEquals(0, again.exitCode());
        assertEquals("", again.all());
    }

    @Test
    void aSymbolicLinkStaysALinkAndItsTargetIsFormatted() throws IOException {
        Path target = write("real.txt", UNFORMATTED);
        Path link = Files.createSymbolicLink(dir.resolve("cluster.hcl"), target);
        CliRunner.Result r = CliRunner.run(dir, Map.of(), "fmt");
        assertEquals(0, r.exitCode(), r.all());
        assertTrue(Files.isSymbolicLink(link));
        assertEquals(FORMATTED, Files.readString(target));
    }

    @Test
    void aSyntaxErrorIsReportedAtItsPlaceAndTheFileIsLeftAlone() throws IOException {
        String bad = "node \"pi-1\" {\n  address = \"10.0.0.1\n}\n";
        Path f = write("bad.hcl", bad);
        Path other = write("other.hcl", UNFORMATTED);
        CliRunner.Result r = CliRunner.run(dir, Map.of("NO_COLOR", "1"), "fmt");
        assertEquals(1, r.exitCode(), r.all());
        assertTrue(r.err().contains("Error: bad.hcl:2:13: unterminated string"), r.err());
        assertTrue(r.err().contains("Error: bad.hcl has syntax errors; fmt left it as it is."), r.err());
        assertEquals(bad, Files.readString(f));
        // The other files are still formatted.
        assertEquals(FORMATTED, Files.readString(other));
    }

    @Test
    void recursiveFormatsSubdirectoriesButNotHiddenOnes() throws IOException {
        Files.createDirectories(dir.resolve("sub"));
        Files.createDirectories(dir.resolve(".pictl-sim"));
        Path sub = write("sub/a.hcl", UNFORMATTED);
        Path hidden = write(".pictl-sim/b.hcl", UNFORMATTED);
        CliRunner.Result flat = CliRunner.run(dir, Map.of(), "fmt", "-check");
        assertEquals(0, flat.exitCode(), flat.all());
        CliRunner.Result r = CliRunner.run(dir, Map.of(), "fmt", "-recursive", ".");
        assertEquals(0, r.exitCode(), r.all());
        assertEquals("sub/a.hcl\n", r.out());
        assertEquals(FORMATTED, Files.readString(sub));
        assertEquals(UNFORMATTED, Files.readString(hidden));
    }

    @Test
    void dashReadsStandardInputAndWritesStandardOutput() {
        assertEquals(new Run(0, FORMATTED), stdin(UNFORMATTED, "fmt", "-"));
        assertEquals(new Run(3, ""), stdin(UNFORMATTED, "fmt", "-check", "-"));
        assertEquals(new Run(0, ""), stdin(FORMATTED, "fmt", "-check", "-"));
        Run bad = stdin("a = \"x\n", "fmt", "-");
        assertEquals(1, bad.code());
        assertFalse(bad.out().contains("a ="));
    }

    @Test
    void aMissingPathIsAnError() {
        CliRunner.Result r = CliRunner.run(dir, Map.of(), "fmt", "nothere.hcl");
        assertEquals(1, r.exitCode());
        assertEquals("Error: no such file or directory: nothere.hcl\n", r.err());
    }

    private record Run(int code, String out) {
    }

    private Run stdin(String input, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Cli.run(new CliContext(new PrintWriter(out), new PrintWriter(err), Map.of(), dir,
                new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8))), args);
        return new Run(code, out.toString());
    }

    private Path write(String name, String text) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return f;
    }
}
