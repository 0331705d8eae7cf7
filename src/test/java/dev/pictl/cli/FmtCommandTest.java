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
import java.util.List;
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

    /** Every command of docs/fmt.md's first example block runs as written, on unformatted files. */
    @Test
    void theCommandsOfDocsFmtMdRunAsWritten() throws IOException {
        String doc = Files.readString(Path.of("docs/fmt.md"));
        int start = doc.indexOf("```sh\n") + "```sh\n".length();
        List<String> lines = doc.substring(start, doc.indexOf("```", start)).lines().filter(l -> !l.isBlank()).toList();
        assertTrue(lines.size() >= 5, lines.toString());
        int n = 0;
        for (String line : lines) {
            String command = line.contains("#") ? line.substring(0, line.indexOf('#')).strip() : line.strip();
            String input = null;
            if (command.contains(" < ")) {
                input = command.substring(command.indexOf(" < ") + 3).strip();
                command = command.substring(0, command.indexOf(" < ")).strip();
            }
            List<String> words = List.of(command.split(" +"));
            assertEquals("pictl", words.get(0), line);
            Path work = Files.createDirectories(dir.resolve("run" + n++));
            Files.writeString(work.resolve("cluster.hcl"), UNFORMATTED);
            Files.createDirectories(work.resolve("other"));
            Files.writeString(work.resolve("other/more.hcl"), UNFORMATTED);
            String[] args = words.subList(1, words.size()).toArray(String[]::new);
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            byte[] stdin = input == null ? new byte[0] : Files.readAllBytes(work.resolve(input));
            int code = Cli.run(new CliContext(new PrintWriter(out), new PrintWriter(err), Map.of(), work,
                    new ByteArrayInputStream(stdin)), args);
            assertEquals(command.contains("-check") ? 3 : 0, code, line + "\n" + out + err);
            assertEquals("", err.toString(), line);
            boolean writes = !command.contains("-check") && !command.contains("-write=false") && input == null;
            assertEquals(writes ? FORMATTED : UNFORMATTED, Files.readString(work.resolve("cluster.hcl")), line);
            if (input != null) {
                assertEquals(FORMATTED, out.toString(), line);
            }
        }
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
