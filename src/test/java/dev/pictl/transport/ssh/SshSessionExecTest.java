package dev.pictl.transport.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pictl.transport.ExecResult;
import dev.pictl.transport.NodeTarget;
import dev.pictl.transport.RemoteCommand;
import dev.pictl.transport.Secrets;
import dev.pictl.transport.Session;
import dev.pictl.transport.SudoMode;
import dev.pictl.transport.TransportException;
import dev.pictl.transport.TransportException.Kind;
import dev.pictl.transport.TransportSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Commands and uploads over a real SSH round trip to an in-process server running a real /bin/sh. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SshSessionExecTest {

    @TempDir
    static Path dir;
    static Path key;
    static Path knownHosts;
    static TestServer server;
    static SshTransport transport;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(TestKeys.sshKeygenAvailable(), "ssh-keygen (openssh-client) is needed");
        key = TestKeys.generate(dir, "id_ed25519", "ed25519", "");
        Path auth = dir.resolve("authorized_keys");
        Files.copy(TestKeys.pub(key), auth);
        server = new TestServer(auth, "pi");
        knownHosts = dir.resolve("known_hosts");
        TestKeys.appendLine(knownHosts, server.knownHostsLine());
        transport = new SshTransport(TransportSettings.isolated(knownHosts, "pi", Secrets.none())
                .withKillGrace(Duration.ofSeconds(1)));
    }

    @AfterAll
    static void stop() throws Exception {
        if (transport != null) {
            transport.close();
        }
        if (server != null) {
            server.close();
        }
    }

    static NodeTarget target(String node) {
        return NodeTarget.of(node, "127.0.0.1").withPort(server.port()).withUser("pi").withPrivateKey(key)
                .withKnownHosts(knownHosts).withSudo(SudoMode.NONE);
    }

    @Test
    void exec_returnsExitCodeAndStdoutAndStderrSeparately() throws Exception {
        Session s = transport.open(target("pi-worker-1"));
        ExecResult r = s.exec(RemoteCommand.of("probe", "echo out; echo err >&2; exit 3"));
        assertEquals(new ExecResult(3, "out\n", "err\n"), r);
        assertFalse(r.ok());
    }

    @Test
    void exec_feedsStdinThenEndOfFile() throws Exception {
        Session s = transport.open(target("pi-worker-1"));
        ExecResult r = s.exec(RemoteCommand.of("stdin", "cat; echo ' done'")
                .withStdin("hello".getBytes(StandardCharsets.UTF_8)));
        assertEquals("hello done\n", r.stdout());
    }

    @Test
    void exec_runsScriptWithQuotesAndDollarsUnchanged() throws Exception {
        Session s = transport.open(target("pi-worker-1"));
        ExecResult r = s.exec(RemoteCommand.of("quoting", "x='it'\"'\"'s $HOME'; printf '%s|' \"$x\" 'a\"b'"));
        assertEquals("it's $HOME|a\"b|", r.stdout());
    }

    @Test
    void open_reusesOneSessionPerNodeForEveryCommand() throws Exception {
        NodeTarget t = target("pi-reuse");
        int before = server.sessionsCreated.get();
        Session first = transport.open(t);
        for (int i = 0; i < 3; i++) {
            assertTrue(first.exec(RemoteCommand.of("n" + i, "true")).ok());
        }
        Session again = transport.open(t);
        assertSame(first, again);
        again.exec(RemoteCommand.of("again", "true"));
        assertEquals(1, server.sessionsCreated.get() - before, "SSH sessions the server saw for one node");
    }

    @Test
    void open_replacesSessionWhoseConnectionDied() throws Exception {
        NodeTarget t = target("pi-reconnect");
        Session first = transport.open(t);
        first.exec(RemoteCommand.of("one", "true"));
        server.sessions.get(server.sessions.size() - 1).close(true);
        waitUntil(() -> !first.isOpen());
        Session second = transport.open(t);
        assertTrue(second != first && second.isOpen());
        assertEquals("ok\n", second.exec(RemoteCommand.of("two", "echo ok")).stdout());
    }

    @Test
    void exec_killsRemoteProcessWhenTimeLimitPasses() throws Exception {
        Path pidFile = dir.resolve("sleep.pid");
        Session s = transport.open(target("pi-worker-1"));
        long start = System.nanoTime();
        TransportException e = assertThrows(TransportException.class, () -> s.exec(new RemoteCommand("wait for it",
                "sleep 30 & echo $! > " + pidFile + "; wait", Duration.ofSeconds(1), false, null)));
        assertEquals(Kind.TIMED_OUT, e.kind());
        assertEquals("pi-worker-1: wait for it: did not finish within 1s; stopped on the node", e.getMessage());
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 10);
        assertProcessGone(pidFile);
    }

    @Test
    void exec_killsProcessThatIgnoresTermOnceKillGracePasses() throws Exception {
        Path pidFile = dir.resolve("stubborn.pid");
        Session s = transport.open(target("pi-worker-1"));
        TransportException e = assertThrows(TransportException.class, () -> s.exec(new RemoteCommand("stubborn",
                "trap '' TERM; sleep 30 & echo $! > " + pidFile + "; wait; wait", Duration.ofSeconds(1), false,
                null)));
        assertEquals(Kind.TIMED_OUT, e.kind());
        assertProcessGone(pidFile);
    }

    @Test
    void exec_treatsCommandsOwnExit124WithinLimitAsData() throws Exception {
        Session s = transport.open(target("pi-worker-1"));
        assertEquals(124, s.exec(RemoteCommand.of("own 124", "exit 124")).exitCode());
    }

    @Test
    void exec_reportsConnectionLostWhenConnectionDropsMidCommand() throws Exception {
        Session s = transport.open(target("pi-drop"));
        int seen = server.commands.size();
        CompletableFuture<ExecResult> running = CompletableFuture.supplyAsync(() -> {
            try {
                // the node-side limit bounds the orphan the dropped connection leaves behind
                return s.exec(new RemoteCommand("install k3s agent", "sleep 8", Duration.ofSeconds(9), false, null));
            } catch (TransportException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
        waitUntil(() -> server.commands.size() > seen);
        server.sessions.get(server.sessions.size() - 1).close(true);
        Throwable t = assertThrows(java.util.concurrent.ExecutionException.class,
                () -> running.get(10, TimeUnit.SECONDS)).getCause();
        TransportException e = (TransportException) t;
        assertEquals(Kind.CONNECTION_LOST, e.kind());
        assertTrue(e.getMessage().startsWith("pi-drop: install k3s agent: the connection was lost mid-command"),
                e.getMessage());
        assertTrue(e.hint().contains("rebooted"), e.hint());
    }

    @Test
    void check_turnsNonZeroExitIntoCommandFailedWithStderrTail() throws Exception {
        Session s = transport.open(target("pi-worker-1"));
        TransportException e = assertThrows(TransportException.class, () -> s.check(RemoteCommand.of(
                "install k3s agent", "echo progress; echo 'curl: (6) Could not resolve host' >&2; exit 1")));
        assertEquals(Kind.COMMAND_FAILED, e.kind());
        assertEquals("pi-worker-1: install k3s agent: command exited 1: curl: (6) Could not resolve host",
                e.getMessage());
    }

    @Test
    void upload_writesContentWithModeAndCreatesParents() throws Exception {
        Session s = transport.open(target("pi-worker-1"));
        Path dest = dir.resolve("up/deep/config.yaml");
        s.upload("token: x\n".getBytes(StandardCharsets.UTF_8), dest.toString(), 0640);
        assertEquals("token: x\n", Files.readString(dest));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(dest)));
        s.upload("v2\n".getBytes(StandardCharsets.UTF_8), dest.toString(), 0600);
        assertEquals("v2\n", Files.readString(dest));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dest)));
    }

    @Test
    void sudo_wrapsCommandInSudoNonInteractivelyAndNeverAllocatesPty() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/sudo")), "sudo is needed");
        Session s = transport.open(target("pi-sudo").withSudo(SudoMode.PASSWORDLESS));
        ExecResult r = s.exec(RemoteCommand.of("as root", "id -u; tty").asRoot());
        assertEquals("0\nnot a tty\n", r.stdout());
        assertTrue(server.commands.stream().anyMatch(c -> c.startsWith("sudo -n -- timeout --kill-after=1s 300s sh -c ")),
                server.commands.toString());
    }

    @Test
    void sudo_firstCommandChecksSudoInTheSameRoundTrip() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/sudo")), "sudo is needed");
        Session s = transport.open(target("pi-sudo-once").withSudo(SudoMode.PASSWORDLESS));
        int before = server.commands.size();
        ExecResult first = s.exec(RemoteCommand.of("probe", "echo out; echo err >&2; exit 3").asRoot());
        assertEquals(3, first.exitCode());
        assertEquals("out\n", first.stdout());
        assertEquals("err\n", first.stderr(), "the sudo marker is not shown to the caller");
        assertEquals(1, server.commands.size() - before, "one round trip: " + server.commands);
        ExecResult second = s.exec(RemoteCommand.of("again", "echo two >&2").asRoot());
        assertEquals("two\n", second.stderr());
        assertEquals(2, server.commands.size() - before, server.commands.toString());
        assertTrue(server.commands.stream().noneMatch(c -> c.equals("sudo -n true")), server.commands.toString());
    }

    @Test
    void upload_asRootInstallsThroughSudoAndLeavesNoTemporaryFile() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/sudo")), "sudo is needed");
        Session s = transport.open(target("pi-sudo-up").withSudo(SudoMode.PASSWORDLESS));
        Path dest = dir.resolve("root-owned/cmdline.txt");
        s.upload("console=tty1\n".getBytes(StandardCharsets.UTF_8), dest.toString(), 0644, true);
        assertEquals("console=tty1\n", Files.readString(dest));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(dest)));
        assertTrue(server.commands.stream().anyMatch(c -> c.startsWith("sudo -n -- ") && c.contains("install -D -m 644")));
        // No temporary file of this upload is left (another test fork may be uploading its own at this moment).
        assertEquals(List.of(), UploadLeftovers.in(Path.of("/tmp"), "console=tty1\n"));
    }

    @Test
    void heartbeat_keepsSilentCommandAliveAcrossServerIdleTimeout() throws Exception {
        Path auth = dir.resolve("authorized_keys");
        try (TestServer idle = new TestServer(auth, KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256),
                Duration.ofMillis(1500), "pi")) {
            TestKeys.appendLine(knownHosts, idle.knownHostsLine());
            NodeTarget t = target("pi-idle").withPort(idle.port());
            TransportSettings base = TransportSettings.isolated(knownHosts, "pi", Secrets.none());
            try (SshTransport withHeartbeat = new SshTransport(base.withHeartbeat(Duration.ofMillis(300), 3))) {
                ExecResult r = withHeartbeat.open(t).exec(RemoteCommand.of("silent", "sleep 3; echo done"));
                assertEquals("done\n", r.stdout());
            }
            // The control: the same command without heartbeat is cut by the server's idle timeout.
            try (SshTransport without = new SshTransport(base.withHeartbeat(Duration.ZERO, 0))) {
                TransportException e = assertThrows(TransportException.class,
                        () -> without.open(t).exec(RemoteCommand.of("silent", "sleep 3; echo done")));
                assertEquals(Kind.CONNECTION_LOST, e.kind());
            }
        }
    }

    static void assertProcessGone(Path pidFile) throws Exception {
        waitUntil(() -> Files.exists(pidFile));
        String pid = Files.readString(pidFile).trim();
        assertFalse(pid.isEmpty());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (Files.exists(Path.of("/proc", pid)) && !isZombie(pid) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(!Files.exists(Path.of("/proc", pid)) || isZombie(pid), "process " + pid + " still running");
    }

    private static boolean isZombie(String pid) {
        try {
            String stat = Files.readString(Path.of("/proc", pid, "stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (Exception e) {
            return false;
        }
    }

    static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 10s");
            }
            Thread.sleep(20);
        }
    }
}
