package dev.pictl.transport.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Tag("fast")
class RemoteScriptsTest {

    @Test
    void wrap_putsSudoBeforeTimeoutSoTheLimitAppliesToRootsProcesses() {
        Duration limit = Duration.ofSeconds(30);
        Duration grace = Duration.ofSeconds(5);
        assertEquals(List.of(
                "timeout --kill-after=5s 30s sh -c 'echo '\\''hi'\\'''",
                "sudo -n -- timeout --kill-after=5s 30s sh -c 'echo '\\''hi'\\'''",
                "sudo -k -S -p '' -- timeout --kill-after=5s 30s sh -c 'echo '\\''hi'\\'''"),
                List.of(RemoteScripts.wrap("echo 'hi'", limit, grace, RemoteScripts.SudoPrefix.NONE),
                        RemoteScripts.wrap("echo 'hi'", limit, grace, RemoteScripts.SudoPrefix.PASSWORDLESS),
                        RemoteScripts.wrap("echo 'hi'", limit, grace, RemoteScripts.SudoPrefix.PASSWORD_ON_STDIN)));
    }

    @ParameterizedTest
    @CsvSource({"30000, 30s", "1500, 1.500s", "250, 0.250s", "0, 0.001s", "600000, 600s"})
    void seconds_formatsAsCoreutilsDuration(long millis, String expected) {
        assertEquals(expected, RemoteScripts.seconds(Duration.ofMillis(millis)));
    }

    @ParameterizedTest
    @CsvSource({
        "124, 2000, 1000, true",
        "137, 1500, 1000, true",
        "124, 500, 1000, false",   // the command's own 124 before the limit is data
        "1, 5000, 1000, false",
        "0, 5000, 1000, false",
    })
    void stoppedByLimit_onlyForTimeoutsExitCodesOnceTheLimitPassed(int exit, long elapsedMs, long limitMs,
                                                                  boolean expected) {
        assertEquals(expected, RemoteScripts.stoppedByLimit(exit, Duration.ofMillis(elapsedMs),
                Duration.ofMillis(limitMs)));
    }

    @ParameterizedTest
    @CsvSource({"TERM, 15", "SIGKILL, 9", "HUP, 1", "WEIRD, 15"})
    void signalNumber_mapsSignalNamesAsShellsDo(String name, int number) {
        assertEquals(number, SshSession.signalNumber(name));
    }
}
