package dev.pictl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every numeric option out of its range is a usage error (exit 1, as every usage error) naming the option and its
 * range, before anything runs: no "internal error", no stack trace, no attempt to reach the (absent) simulator.
 */
class OptionRangesTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource({
            "plan, --parallelism, 0, 1 to 256",
            "plan, --parallelism, -4, 1 to 256",
            "plan, --parallelism, 257, 1 to 256",
            "apply, --parallelism, 0, 1 to 256",
            "drift, --parallelism, 0, 1 to 256",
            "plan, --probe-timeout, 0, 1 to 86400 seconds",
            "drift, --probe-timeout, -1, 1 to 86400 seconds",
            "plan, --reboot-timeout, 0, 1 to 86400 seconds",
            "apply, --reboot-timeout, 0, 1 to 86400 seconds",
            "apply, --reboot-timeout, -600, 1 to 86400 seconds",
            "apply, --reboot-timeout, 86401, 1 to 86400 seconds",
            "apply, --max-unavailable, 0, 1 to 1000",
            "apply, --max-unavailable, -1, 1 to 1000",
            "apply, --k3s-start-timeout, -1, 1 to 86400 seconds",
            "apply, --k3s-start-timeout, 0, 1 to 86400 seconds",
    })
    void outOfRange_isAUsageErrorNamingOptionAndRange(String command, String option, String value, String range) {
        List<String> args = new ArrayList<>(List.of(command, option, value, "-c",
                Path.of("examples/minimal").toAbsolutePath().toString(), "--sim=" + dir.resolve("none")));
        if (command.equals("apply")) {
            args.add("--auto-approve");
        }
        CliRunner.Result r = CliRunner.run(dir, Map.of(), args.toArray(String[]::new));

        assertEquals(1, r.exitCode(), r.all());
        assertTrue(r.err().startsWith("Error: Invalid value for option '" + option + "': " + value
                + " is out of range; expected " + range + "\n"), r.err());
        assertTrue(r.err().contains("Run 'pictl " + command + " --help' for usage."), r.err());
        assertFalse(r.all().contains("internal error") || r.all().contains("\tat ") || r.all().contains("simulated"),
                r.all());
    }

    @ParameterizedTest
    @CsvSource({"99999999999999999999s", "1000000000h", "25h", "-1s", "90000s"})
    void lockTimeout_outOfRangeIsAUsageError(String value) {
        CliRunner.Result r = CliRunner.run(dir, Map.of(), "state", "rm", "--lock-timeout", value,
                "--state", dir.resolve("s.json").toString(), "node.pi");

        assertEquals(1, r.exitCode(), r.all());
        assertTrue(r.err().startsWith("Error: Invalid --lock-timeout '" + value + "'"), r.err());
        assertFalse(r.all().contains("internal error"), r.all());
    }

    @ParameterizedTest
    @CsvSource({"0", "-1", "86401"})
    void simStartTimeout_outOfRangeIsAUsageError(String value) {
        CliRunner.Result r = CliRunner.run(dir, Map.of(), "sim", "start", "--timeout", value, "--dir",
                dir.resolve("sim").toString(), "-c", Path.of("examples/minimal").toAbsolutePath().toString());

        assertEquals(1, r.exitCode(), r.all());
        assertTrue(r.err().startsWith("Error: Invalid value for option '--timeout': " + value), r.err());
    }
}
