package dev.pictl.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The transport's values: what callers build and what they get back. */
@Tag("fast")
class ValuesTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "'a\nb\nc\n'      | 2 | 'b\nc'",
        "'a\n\n  \nb\n\n' | 5 | 'a\nb'",
        "'only'           | 3 | 'only'",
        "''               | 3 | ''",
        "'x\r\ny\r\n'     | 1 | 'y'",
    })
    void stderrTail_keepsLastNonBlankLines(String stderr, int lines, String expected) {
        assertEquals(expected, new ExecResult(1, "", stderr).stderrTail(lines));
    }

    @Test
    void commandFailed_indentsSeveralTailLinesBelowTheMessage() {
        TransportException e = TransportException.commandFailed("pi-worker-1", "install k3s agent",
                new ExecResult(1, "", "[INFO] fetching\nerror: permission denied\n"));
        assertEquals(TransportException.Kind.COMMAND_FAILED, e.kind());
        assertEquals("pi-worker-1: install k3s agent: command exited 1:\n  [INFO] fetching\n  error: permission denied",
                e.getMessage());
        assertEquals("pi-worker-1", e.node());
        assertEquals("install k3s agent", e.step());
        assertFalse(e.hint().isEmpty());
    }

    @Test
    void commandFailed_fallsBackToStdoutWhenStderrIsEmpty() {
        TransportException e = TransportException.commandFailed("n", "s", new ExecResult(2, "E: Unable to locate\n", ""));
        assertEquals("n: s: command exited 2: E: Unable to locate", e.getMessage());
        assertEquals("n: s: command exited 3", TransportException.commandFailed("n", "s",
                new ExecResult(3, "", "")).getMessage());
    }

    @Test
    void remoteCommand_defaultsAndHidesStdinFromToString() {
        RemoteCommand c = RemoteCommand.of("step", "true").withStdin("hunter2".getBytes(StandardCharsets.UTF_8));
        assertEquals(RemoteCommand.DEFAULT_TIMEOUT, c.timeout());
        assertFalse(c.sudo());
        assertTrue(c.asRoot().sudo());
        assertFalse(c.toString().contains("hunter2"), c.toString());
        byte[] in = c.stdin();
        in[0] = 'X';
        assertEquals("hunter2", new String(c.stdin(), StandardCharsets.UTF_8), "stdin is copied, not shared");
        assertEquals(c, RemoteCommand.of("step", "true").withStdin("hunter2".getBytes(StandardCharsets.UTF_8)));
        assertThrows(IllegalArgumentException.class, () -> c.withTimeout(Duration.ZERO));
    }

    @Test
    void nodeTarget_defaultsToStrictHostKeysAndTenSecondConnect() {
        NodeTarget t = NodeTarget.of("pi-1", "10.0.0.5");
        assertEquals(HostKeyPolicy.STRICT, t.hostKeyPolicy());
        assertEquals(Duration.ofSeconds(10), t.connectTimeout());
        assertEquals(0, t.port());
        assertThrows(IllegalArgumentException.class, () -> NodeTarget.of("pi-1", " "));
        assertThrows(IllegalArgumentException.class, () -> NodeTarget.of("", "h"));
        assertThrows(IllegalArgumentException.class, () -> t.withPort(70000));
    }

    @Test
    void secrets_fromEnvironmentReadsPictlVariables() {
        Secrets s = Secrets.fromEnvironment(Map.of("PICTL_SSH_PASSPHRASE", "p", "PICTL_SUDO_PASSWORD", "s"));
        assertEquals(Optional.of("p"), s.keyPassphrase(Path.of("/k")));
        assertEquals(Optional.of("s"), s.sudoPassword("n", "u"));
        assertEquals(Optional.empty(), Secrets.fromEnvironment(Map.of()).sudoPassword("n", "u"));
    }

    @Test
    void secrets_promptingAsksOncePerKeyAndOncePerSudoUser() {
        List<String> asked = new ArrayList<>();
        Secrets s = Secrets.prompting(p -> {
            asked.add(p);
            return Optional.of("answer" + asked.size());
        });
        assertEquals(Optional.of("answer1"), s.keyPassphrase(Path.of("/a")));
        assertEquals(Optional.of("answer1"), s.keyPassphrase(Path.of("/a")));
        assertEquals(Optional.of("answer2"), s.keyPassphrase(Path.of("/b")));
        assertEquals(Optional.of("answer3"), s.sudoPassword("pi-1", "pi"));
        assertEquals(Optional.of("answer3"), s.sudoPassword("pi-2", "pi"));
        assertEquals(List.of("Enter passphrase for key '/a': ", "Enter passphrase for key '/b': ",
                "[sudo] password for pi (asked for pi-1): "), asked);
    }

    @Test
    void secrets_orElseAsksSecondSourceOnlyForWhatFirstLacks() {
        List<String> asked = new ArrayList<>();
        Secrets s = Secrets.fromEnvironment(Map.of("PICTL_SUDO_PASSWORD", "env")).orElse(Secrets.prompting(p -> {
            asked.add(p);
            return Optional.of("typed");
        }));
        assertEquals(Optional.of("env"), s.sudoPassword("n", "u"));
        assertEquals(Optional.of("typed"), s.keyPassphrase(Path.of("/k")));
        assertEquals(1, asked.size());
        assertEquals(Optional.empty(), Secrets.none().keyPassphrase(Path.of("/k")));
    }

    @Test
    void result_getReturnsValueOrRethrowsFailure() throws Exception {
        assertEquals("v", Result.ok("v").get());
        TransportException e = new TransportException(TransportException.Kind.UNREACHABLE, "n", "connect", "down",
                "hint");
        Result<String> failed = Result.failed(e);
        assertFalse(failed.isOk());
        assertEquals(e, assertThrows(TransportException.class, failed::get));
        assertEquals("n: connect: down", e.getMessage());
    }
}
