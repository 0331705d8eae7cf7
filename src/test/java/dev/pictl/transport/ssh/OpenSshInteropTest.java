package dev.pictl.transport.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pictl.transport.ExecResult;
import dev.pictl.transport.HostKeyPolicy;
import dev.pictl.transport.NodeTarget;
import dev.pictl.transport.RemoteCommand;
import dev.pictl.transport.Secrets;
import dev.pictl.transport.Session;
import dev.pictl.transport.SudoMode;
import dev.pictl.transport.TransportException;
import dev.pictl.transport.TransportException.Kind;
import dev.pictl.transport.TransportSettings;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import dev.pictl.testing.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against the server real Pis run: Debian's OpenSSH {@code sshd} on 127.0.0.1 (a free high port, its own config
 * and host key in a temporary directory), with two throwaway users: one with a NOPASSWD sudo rule, one whose
 * sudo wants a password. Needs root (to create users and sudoers drop-ins, and for sshd); skipped otherwise.
 * Everything it creates is removed afterwards.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class OpenSshInteropTest {

    private static final String SUDO_PASSWORD = "pi-" + UUID.randomUUID();
    private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 6);
    private static final String NOPASS = "pictlnp" + SUFFIX;
    private static final String PASS = "pictlpw" + SUFFIX;

    @TempDir
    static Path dir;
    static Path hostKey;
    static Path userKey;
    static Path knownHosts;
    static int port;
    static Process sshd;
    static final List<Runnable> cleanups = new ArrayList<>();

    @BeforeAll
    static void startSshd() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "interop tests need root");
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/sshd")), "openssh-server is not installed");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/sudo")), "sudo is not installed");
        assumeTrue(TestKeys.sshKeygenAvailable(), "ssh-keygen (openssh-client) is needed");

        hostKey = TestKeys.generate(dir, "ssh_host_ed25519_key", "ed25519", "");
        userKey = TestKeys.generate(dir, "id_ed25519", "ed25519", "");
        createUser(NOPASS, NOPASS + " ALL=(ALL) NOPASSWD: ALL");
        createUser(PASS, PASS + " ALL=(ALL) ALL");

        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path config = dir.resolve("sshd_config");
        Files.writeString(config, String.join("\n",
                "Port " + port,
                "ListenAddress 127.0.0.1",
                "HostKey " + hostKey,
                "PidFile " + dir.resolve("sshd.pid"),
                "UsePAM no",
                "StrictModes no",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "PubkeyAuthentication yes",
                "AuthorizedKeysFile .ssh/authorized_keys",
                "AllowUsers " + NOPASS + " " + PASS,
                "Subsystem sftp internal-sftp",
                "LogLevel VERBOSE",
                "") );
        Files.createDirectories(Path.of("/run/sshd")); // Debian's privilege separation directory
        sshd = new ProcessBuilder("/usr/sbin/sshd", "-D", "-e", "-f", config.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("sshd.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                break;
            } catch (IOException notYet) {
                assertTrue(sshd.isAlive(), () -> "sshd exited: " + log());
                assertTrue(System.nanoTime() < deadline, "sshd did not listen within 10s");
                Thread.sleep(25);
            }
        }
        knownHosts = dir.resolve("known_hosts");
        Files.writeString(knownHosts, "[127.0.0.1]:" + port + " " + Files.readString(TestKeys.pub(hostKey)));
    }

    private static void createUser(String name, String sudoRule) throws Exception {
        root("useradd", "-m", "-s", "/bin/sh", name);
        cleanups.add(() -> quietly("userdel", "-r", "-f", name));
        // A locked account (useradd's default "!") is refused by sshd without PAM, even for keys.
        Process p = new ProcessBuilder("chpasswd").redirectErrorStream(true).start();
        p.getOutputStream().write((name + ":" + SUDO_PASSWORD + "\n").getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0, "chpasswd failed");
        Path ssh = Path.of("/home", name, ".ssh");
        Files.createDirectories(ssh);
        Files.copy(TestKeys.pub(userKey), ssh.resolve("authorized_keys"));
        root("chown", "-R", name + ":" + name, ssh.toString());
        Path sudoers = Path.of("/etc/sudoers.d/pictl-test-" + name);
        Files.writeString(sudoers, sudoRule + "\n");
        Files.setPosixFilePermissions(sudoers, PosixFilePermissions.fromString("r--r-----"));
        cleanups.add(() -> quietly("rm", "-f", sudoers.toString()));
    }

    @AfterAll
    static void stopSshd() throws Exception {
        if (sshd != null) {
            sshd.destroy();
            sshd.waitFor(10, TimeUnit.SECONDS);
        }
        for (int i = cleanups.size() - 1; i >= 0; i--) {
            cleanups.get(i).run();
        }
    }

    private static void root(String... cmd) throws Exception {
        TestKeys.run(List.of(cmd));
    }

    private static void quietly(String... cmd) {
        try {
            new ProcessBuilder(cmd).redirectErrorStream(true).start().waitFor(20, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // best effort cleanup
        }
    }

    private static String log() {
        try {
            return Files.readString(dir.resolve("sshd.log"));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    static NodeTarget target(String node, String user) {
        return NodeTarget.of(node, "127.0.0.1").withPort(port).withUser(user).withPrivateKey(userKey)
                .withKnownHosts(knownHosts).withConnectTimeout(Duration.ofSeconds(10));
    }

    static SshTransport transport(Secrets secrets) {
        return new SshTransport(TransportSettings.isolated(knownHosts, "nobody", secrets)
                .withKillGrace(Duration.ofSeconds(1)));
    }

    @Test
    void exec_runsWithEd25519UserAndHostKeysKeepingStreamsApart() throws Exception {
        try (SshTransport t = transport(Secrets.none())) {
            ExecResult r = t.open(target("pi-real", NOPASS)).exec(
                    RemoteCommand.of("probe", "id -un; echo to-stderr >&2; exit 3"));
            assertEquals(new ExecResult(3, NOPASS + "\n", "to-stderr\n"), r);
        }
        assertTrue(log().contains("Accepted publickey for " + NOPASS + " from 127.0.0.1 port")
                && log().contains("ED25519 SHA256:"), log());
    }

    @Test
    void open_refusesChangedHostKeyWithTheFingerprintSshKeygenPrints() throws Exception {
        Path other = TestKeys.generate(dir, "other_host_key_" + UUID.randomUUID(), "ed25519", "");
        Path kh = dir.resolve("known_hosts_changed");
        Files.writeString(kh, "[127.0.0.1]:" + port + " " + Files.readString(TestKeys.pub(other)));
        try (SshTransport t = transport(Secrets.none())) {
            TransportException e = assertThrows(TransportException.class,
                    () -> t.open(target("pi-real", NOPASS).withKnownHosts(kh)));
            assertEquals(Kind.HOST_KEY_CHANGED, e.kind());
            String real = TestKeys.fingerprint(TestKeys.pub(hostKey));
            String recorded = TestKeys.fingerprint(TestKeys.pub(other));
            assertEquals("pi-real: connect: host key for [127.0.0.1]:" + port + " has changed: it now offers "
                    + "ssh-ed25519 " + real + ", but " + kh + " has ssh-ed25519 " + recorded, e.getMessage());
        }
    }

    @Test
    void open_acceptNewWritesKnownHostsThatOpenSshItselfAccepts() throws Exception {
        Path kh = dir.resolve("known_hosts_new");
        try (SshTransport t = transport(Secrets.none())) {
            Session s = t.open(target("pi-real", NOPASS).withKnownHosts(kh).withHostKeyPolicy(HostKeyPolicy.ACCEPT_NEW));
            assertEquals(NOPASS, s.exec(RemoteCommand.of("who", "id -un")).stdout().trim());
        }
        // OpenSSH's own client, strict, trusts the file pictl wrote.
        String out = TestKeys.run(List.of("ssh", "-F", "/dev/null", "-o", "BatchMode=yes", "-o",
                "StrictHostKeyChecking=yes", "-o", "UserKnownHostsFile=" + kh, "-o", "IdentitiesOnly=yes", "-i",
                userKey.toString(), "-p", Integer.toString(port), NOPASS + "@127.0.0.1", "echo openssh-ok"));
        assertEquals("openssh-ok", out.trim());
    }

    @Test
    void sudo_passwordlessRunsAsRootWithoutPty() throws Exception {
        try (SshTransport t = transport(Secrets.none())) {
            Session s = t.open(target("pi-real", NOPASS).withSudo(SudoMode.PASSWORDLESS));
            ExecResult r = s.exec(RemoteCommand.of("as root", "id -u; tty; echo err >&2").asRoot());
            assertEquals(new ExecResult(0, "0\nnot a tty\n", "err\n"), r);
        }
    }

    @Test
    void sudo_withPasswordFromEnvironmentRunsAsRootAndKeepsCommandInput() throws Exception {
        Secrets env = Secrets.fromEnvironment(Map.of(Secrets.SUDO_PASSWORD_ENV, SUDO_PASSWORD));
        try (SshTransport t = transport(env)) {
            Session s = t.open(target("pi-real", PASS).withSudo(SudoMode.WITH_PASSWORD));
            ExecResult r = s.exec(RemoteCommand.of("as root", "id -u; cat").asRoot()
                    .withStdin("payload\n".getBytes(StandardCharsets.UTF_8)));
            assertEquals(new ExecResult(0, "0\npayload\n", ""), r);
            ExecResult again = s.exec(RemoteCommand.of("again", "id -u").asRoot());
            assertEquals("0\n", again.stdout());
        }
    }

    @Test
    void sudo_refusesWrongPasswordAsAuthRefused() throws Exception {
        Secrets wrong = Secrets.fromEnvironment(Map.of(Secrets.SUDO_PASSWORD_ENV, "not-it"));
        try (SshTransport t = transport(wrong)) {
            Session s = t.open(target("pi-real", PASS).withSudo(SudoMode.WITH_PASSWORD));
            TransportException e = assertThrows(TransportException.class,
                    () -> s.exec(RemoteCommand.of("install k3s", "id -u").asRoot()));
            assertEquals(Kind.AUTH_REFUSED, e.kind());
            assertTrue(e.getMessage().startsWith("pi-real: install k3s: sudo refused the password for " + PASS),
                    e.getMessage());
            assertFalse(e.getMessage().contains("not-it"), "never echo the password");
        }
    }

    @Test
    void sudo_passwordlessModeExplainsWhenNodeWantsPassword() throws Exception {
        try (SshTransport t = transport(Secrets.none())) {
            Session s = t.open(target("pi-real", PASS).withSudo(SudoMode.PASSWORDLESS));
            TransportException e = assertThrows(TransportException.class,
                    () -> s.exec(RemoteCommand.of("install k3s", "id -u").asRoot()));
            assertEquals(Kind.AUTH_REFUSED, e.kind());
            assertEquals("pi-real: install k3s: sudo -n was refused for " + PASS + ": sudo: a password is required",
                    e.getMessage());
            assertTrue(e.hint().contains("NOPASSWD"), e.hint());
        }
    }

    @Test
    void exec_timeLimitLeavesNoProcessOnTheNode() throws Exception {
        Path pidFile = Path.of("/home", NOPASS, "sleep.pid");
        try (SshTransport t = transport(Secrets.none())) {
            Session s = t.open(target("pi-real", NOPASS));
            TransportException e = assertThrows(TransportException.class, () -> s.exec(new RemoteCommand(
                    "slow step", "sleep 60 & echo $! > " + pidFile + "; wait", Duration.ofSeconds(1), false, null)));
            assertEquals(Kind.TIMED_OUT, e.kind());
        }
        SshSessionExecTest.assertProcessGone(pidFile);
    }

    @Test
    void exec_reportsLostConnectionWhenSshdSessionIsKilledMidCommand() throws Exception {
        try (SshTransport t = transport(Secrets.none())) {
            Session s = t.open(target("pi-real", NOPASS));
            List<Long> before = sessionProcesses();
            CompletableFuture<ExecResult> running = CompletableFuture.supplyAsync(() -> {
                try {
                    return s.exec(new RemoteCommand("install k3s agent", "sleep 8", Duration.ofSeconds(10), false,
                            null));
                } catch (TransportException e) {
                    throw new CompletionException(e);
                }
            });
            Await.until("the command (sleep 8) running under sshd", Duration.ofSeconds(10), () -> sshd.toHandle()
                    .descendants().anyMatch(c -> c.info().command().map(x -> x.endsWith("/sleep")).orElse(false)));
            List<Long> victims = sessionProcesses();
            assertFalse(victims.isEmpty(), "no sshd session process found; before: " + before);
            for (long pid : victims) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
            Throwable cause = assertThrows(ExecutionException.class, () -> running.get(20, TimeUnit.SECONDS)).getCause();
            TransportException e = (TransportException) cause;
            assertEquals(Kind.CONNECTION_LOST, e.kind());
            assertTrue(e.getMessage().startsWith("pi-real: install k3s agent: the connection was lost"),
                    e.getMessage());
            assertFalse(s.isOpen());
        }
    }

    /** The per-connection sshd processes: children of the listening sshd, and theirs. */
    private static List<Long> sessionProcesses() {
        List<Long> out = new ArrayList<>();
        sshd.toHandle().children().forEach(child -> {
            out.add(child.pid());
            child.children().filter(c -> c.info().command().map(cmd -> cmd.contains("sshd")).orElse(false))
                    .forEach(c -> out.add(c.pid()));
        });
        return out;
    }

    @Test
    void upload_asRootThroughPasswordSudoLandsOwnedByRootWithMode() throws Exception {
        Path targetDir = Path.of("/etc/pictl-interop-" + SUFFIX);
        Secrets env = Secrets.fromEnvironment(Map.of(Secrets.SUDO_PASSWORD_ENV, SUDO_PASSWORD));
        try (SshTransport t = transport(env)) {
            Session s = t.open(target("pi-real", PASS).withSudo(SudoMode.WITH_PASSWORD));
            Path dest = targetDir.resolve("rancher/config.yaml");
            s.upload("token: secret\n".getBytes(StandardCharsets.UTF_8), dest.toString(), 0600, true);
            assertEquals("token: secret\n", Files.readString(dest));
            assertEquals("root", Files.getOwner(dest).getName());
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dest)));
            // No temporary file of this upload is left (another test fork may be uploading its own at this moment).
            assertEquals(List.of(), UploadLeftovers.in(Path.of("/tmp"), "token: secret\n"));
        } finally {
            quietly("rm", "-rf", targetDir.toString());
        }
    }

    @Test
    void upload_asLoginUserWritesOverSftpWithMode() throws Exception {
        try (SshTransport t = transport(Secrets.none())) {
            Session s = t.open(target("pi-real", NOPASS));
            Path dest = Path.of("/home", NOPASS, "bin/tool.sh");
            s.upload("#!/bin/sh\necho tool\n".getBytes(StandardCharsets.UTF_8), dest.toString(), 0750);
            assertEquals(NOPASS, Files.getOwner(dest).getName());
            assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(dest)));
            assertEquals("tool\n", s.exec(RemoteCommand.of("run it", dest.toString())).stdout());
        }
    }
}
