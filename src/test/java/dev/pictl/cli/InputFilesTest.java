package dev.pictl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.pictl.io.BoundedFiles;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Files a user points pictl at. Class 6: a configuration directory's {@code .hcl} entry that cannot be read (a
 * dangling link, a link loop, a directory, a FIFO, an unreadable file) is an error naming it, never skipped.
 * Every path option (-c, --state, a saved plan) at a FIFO, a device, a directory or an oversized file is a clear
 * error, at once: each run is bounded by {@link #LIMIT}, so a read that blocks on a FIFO or drains /dev/zero
 * fails the test instead of hanging it.
 */
public class InputFilesTest {
    static final Duration LIMIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    /** Makes a FIFO at {@code p}. */
    public static Path fifo(Path p) throws IOException, InterruptedException {
        Process mk = new ProcessBuilder("mkfifo", p.toString()).redirectErrorStream(true).start();
        assertEquals(0, mk.waitFor(), new String(mk.getInputStream().readAllBytes()));
        return p;
    }

    /** A sparse file of {@code size} bytes: larger than a limit without using the disk. */
    public static Path sparse(Path p, long size) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(size);
        }
        return p;
    }

    private CliRunner.Result run(String... args) {
        CliRunner.Result r = assertTimeoutPreemptively(LIMIT, () -> CliRunner.run(dir, Map.of(), args));
        assertFalse(r.all().contains("\tat ") || r.all().contains("internal error") || r.all().contains("Exception"),
                r.all());
        return r;
    }

    private Path configDir() throws IOException {
        Path c = dir.resolve("cfg");
        Files.createDirectories(c);
        Files.copy(Path.of("examples/minimal/cluster.hcl"), c.resolve("cluster.hcl"));
        return c;
    }

    // ---- class 6: every .hcl entry is part of the configuration ----------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"dangling", "loop", "directory", "fifo"})
    void hclEntryThatCannotBeRead_failsValidateAndPlanNamingIt(String kind) throws Exception {
        Path c = configDir();
        Path bad = c.resolve("extra.hcl");
        String why = switch (kind) {
            case "dangling" -> {
                Files.createSymbolicLink(bad, c.resolve("missing.hcl"));
                yield "it is a symbolic link whose target does not exist";
            }
            case "loop" -> {
                Files.createSymbolicLink(bad, c.resolve("other.hcl"));
                Files.createSymbolicLink(c.resolve("other.hcl"), bad);
                yield "loop of symbolic links";
            }
            case "directory" -> {
                Files.createDirectory(bad);
                yield "it is a directory, not a configuration file";
            }
            default -> {
                fifo(bad);
                yield "it is not a regular file";
            }
        };
        for (String command : List.of("validate", "plan")) {
            CliRunner.Result r = command.equals("validate") ? run(command, "--no-color", "-c", c.toString())
                    : run(command, "--no-color", "-c", c.toString(), "--sim=" + dir.resolve("none"));
            assertEquals(1, r.exitCode(), r.all());
            assertTrue(r.err().contains("Error: cannot read " + bad + ": "), r.err());
            assertTrue(r.err().contains(why), r.err());
            assertFalse(r.all().contains("Success"), r.all());
            assertFalse(r.all().contains("destroy"), r.all());
        }
    }

    @Test
    void unreadableHclFile_isAnError() throws Exception {
        assumeFalse("root".equals(System.getProperty("user.name")), "root reads a file of mode 000");
        Path c = configDir();
        Path bad = Files.writeString(c.resolve("secret.hcl"), "");
        Files.setPosixFilePermissions(bad, PosixFilePermissions.fromString("---------"));

        CliRunner.Result r = run("validate", "--no-color", "-c", c.toString());

        assertEquals(1, r.exitCode(), r.all());
        assertTrue(r.err().contains("Error: cannot read " + bad + ": permission denied"), r.err());
    }

    // ---- -c ---------------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"fifo", "device", "oversized", "dangling"})
    void configOption_atSomethingUnreadable_isAClearError(String kind) throws Exception {
        Path target = switch (kind) {
            case "fifo" -> fifo(dir.resolve("cluster.fifo"));
            case "device" -> Path.of("/dev/zero");
            case "dangling" -> Files.createSymbolicLink(dir.resolve("gone.hcl"), dir.resolve("nothing"));
            default -> sparse(dir.resolve("huge.hcl"), BoundedFiles.Kind.CONFIG.limit() + 1);
        };
        CliRunner.Result r = run("validate", "--no-color", "-c", target.toString());

        assertEquals(1, r.exitCode(), r.all());
        assertTrue(r.err().startsWith("Error: cannot read " + target + ": it "), r.err());
        assertTrue(r.err().contains(kind.equals("oversized") ? "larger than 10 MB, the limit for a configuration file"
                : kind.equals("dangling") ? "symbolic link" : "not a regular file"), r.err());
    }

    @Test
    void hclFileJustUnderTheLimit_isRead() throws Exception {
        Path c = configDir();
        // 9 MB of comment lines: read and parsed (the limit is a bound, not a guess at a sane size).
        String line = "# " + "x".repeat(1021) + "\n";
        Files.writeString(c.resolve("padding.hcl"), line.repeat(9 * 1024));

        CliRunner.Result r = run("validate", "--no-color", "-c", c.toString());

        assertEquals(0, r.exitCode(), r.all());
    }

    // ---- --state ----------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"fifo", "device", "directory", "oversized", "dangling"})
    void stateOption_atSomethingUnreadable_isAClearError(String kind) throws Exception {
        Path target = switch (kind) {
            case "fifo" -> fifo(dir.resolve("state.fifo"));
            case "device" -> Path.of("/dev/zero");
            case "directory" -> Files.createDirectory(dir.resolve("state.d"));
            case "dangling" -> Files.createSymbolicLink(dir.resolve("state.link"), dir.resolve("nothing"));
            default -> sparse(dir.resolve("state.big"), BoundedFiles.Kind.STATE.limit() + 1);
        };
        String why = switch (kind) {
            case "directory" -> "it is a directory, not a state file";
            case "oversized" -> "it is larger than 64 MB, the limit for a state file";
            case "dangling" -> "it is a symbolic link whose target does not exist";
            default -> "it is not a regular file (a FIFO, a device or a socket)";
        };
        for (List<String> args : List.of(
                List.of("state", "list", "--state", target.toString()),
                List.of("plan", "--no-color", "-c", configDir().toString(), "--sim=" + dir.resolve("none"),
                        "--state", target.toString()))) {
            CliRunner.Result r = run(args.toArray(String[]::new));
            assertEquals(1, r.exitCode(), args + "\n" + r.all());
            assertTrue(r.err().contains("Error: cannot read " + target.getFileName()), r.all());
            assertTrue(r.err().contains(why), r.all());
        }
    }

    // ---- saved plan -------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"fifo", "device", "directory", "oversized"})
    void planFile_atSomethingUnreadable_isAClearError(String kind) throws Exception {
        Path target = switch (kind) {
            case "fifo" -> fifo(dir.resolve("p.fifo"));
            case "device" -> Path.of("/dev/zero");
            case "directory" -> Files.createDirectory(dir.resolve("p.d"));
            default -> sparse(dir.resolve("p.big"), BoundedFiles.Kind.PLAN.limit() + 1);
        };
        CliRunner.Result r = run("show", "--no-color", target.toString());

        assertEquals(1, r.exitCode(), r.all());
        assertTrue(r.err().startsWith("Error: cannot read the plan " + target + ": it "), r.err());
    }

    /**
     * {@code apply PLANFILE} reads the saved plan bounded too, under the lock and before any node is reached (the
     * description's addresses are never contacted: the plan is refused first).
     */
    @ParameterizedTest
    @ValueSource(strings = {"fifo", "device", "directory", "oversized"})
    void applyOfAPlanFile_atSomethingUnreadable_isAClearError_beforeAnyNode(String kind) throws Exception {
        Path config = configDir();
        Path target = switch (kind) {
            case "fifo" -> fifo(dir.resolve("a.fifo"));
            case "device" -> Path.of("/dev/zero");
            case "directory" -> Files.createDirectory(dir.resolve("a.d"));
            default -> sparse(dir.resolve("a.big"), BoundedFiles.Kind.PLAN.limit() + 1);
        };
        CliRunner.Result r = run("apply", "-c", config.toString(), "--no-color", target.toString());

        assertEquals(1, r.exitCode(), r.all());
        assertTrue(r.err().contains("cannot read") && r.err().contains(target.toString()), r.err());
        assertFalse(r.all().contains("192.168."), "no node was named, let alone reached:\n" + r.all());
        assertFalse(Files.exists(config.resolve("pictl.state.json")), "nothing was written");
    }
}
