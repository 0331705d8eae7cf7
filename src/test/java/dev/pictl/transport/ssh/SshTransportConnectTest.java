package dev.pictl.transport.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pictl.transport.HostKeyPolicy;
import dev.pictl.transport.NodeTarget;
import dev.pictl.transport.RemoteCommand;
import dev.pictl.transport.Result;
import dev.pictl.transport.Secrets;
import dev.pictl.transport.Session;
import dev.pictl.transport.SudoMode;
import dev.pictl.transport.TransportException;
import dev.pictl.transport.TransportException.Kind;
import dev.pictl.transport.TransportSettings;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Connecting: keys, passphrases, host keys, failures, parallel connect, against an in-process server. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SshTransportConnectTest {

    @TempDir
    static Path dir;
    static Path auth;
    static Path ed25519;
    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(TestKeys.sshKeygenAvailable(), "ssh-keygen (openssh-client) is needed");
        ed25519 = TestKeys.generate(dir, "id_ed25519", "ed25519", "");
        auth = dir.resolve("authorized_keys");
        Files.copy(TestKeys.pub(ed25519), auth);
        server = new TestServer(auth, "pi");
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    static Path knownHostsWith(String... lines) throws IOException {
        Path kh = Files.createTempFile(dir, "known_hosts", "");
        for (String l : lines) {
            TestKeys.appendLine(kh, l);
        }
        return kh;
    }

    static NodeTarget target(String node, Path key, Path knownHosts) {
        return NodeTarget.of(node, "127.0.0.1").withPort(server.port()).withUser("pi").withPrivateKey(key)
                .withKnownHosts(knownHosts).withSudo(SudoMode.NONE).withConnectTimeout(Duration.ofSeconds(5));
    }

    static SshTransport transport(Path knownHosts, Secrets secrets) {
        return new SshTransport(TransportSettings.isolated(knownHosts, "pi", secrets));
    }

    static String whoami(Session s) throws TransportException {
        return s.exec(RemoteCommand.of("whoami", "echo connected")).stdout().trim();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ed25519", "ecdsa", "rsa"})
    void open_authenticatesWithEachKeyType(String type) throws Exception {
        Path key = TestKeys.generate(dir, "plain_" + type, type, "");
        TestKeys.appendLine(auth, Files.readString(TestKeys.pub(key)).trim());
        Path kh = knownHostsWith(server.knownHostsLine());
        try (SshTransport t = transport(kh, Secrets.none())) {
            assertEquals("connected", whoami(t.open(target("pi-" + type, key, kh))));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ed25519", "ecdsa", "rsa"})
    void open_decryptsPassphraseProtectedKeyWithPassphraseFromEnvironment(String type) throws Exception {
        Path key = TestKeys.generate(dir, "enc_" + type, type, "s3cret phrase");
        TestKeys.appendLine(auth, Files.readString(TestKeys.pub(key)).trim());
        Path kh = knownHostsWith(server.knownHostsLine());
        Secrets env = Secrets.fromEnvironment(Map.of(Secrets.PASSPHRASE_ENV, "s3cret phrase"));
        try (SshTransport t = transport(kh, env)) {
            assertEquals("connected", whoami(t.open(target("pi-enc-" + type, key, kh))));
        }
    }

    @Test
    void open_asksPromptOnceForPassphraseAndReusesItAcrossNodes() throws Exception {
        Path key = TestKeys.generate(dir, "enc_prompt", "ed25519", "typed");
        TestKeys.appendLine(auth, Files.readString(TestKeys.pub(key)).trim());
        Path kh = knownHostsWith(server.knownHostsLine());
        List<String> prompts = new CopyOnWriteArrayList<>();
        Secrets prompting = Secrets.fromEnvironment(Map.of()).orElse(Secrets.prompting(p -> {
            prompts.add(p);
            return Optional.of("typed");
        }));
        try (SshTransport t = transport(kh, prompting)) {
            assertEquals("connected", whoami(t.open(target("pi-a", key, kh))));
            assertEquals("connected", whoami(t.open(target("pi-b", key, kh))));
        }
        assertEquals(List.of("Enter passphrase for key '" + key + "': "), prompts);
    }

    /** A path that is no regular file of sane size, made for one case; "device" is /dev/zero. */
    static Path unreadable(String kind, String name, long limit) throws Exception {
        return switch (kind) {
            case "fifo" -> dev.pictl.cli.InputFilesTest.fifo(dir.resolve(name + ".fifo"));
            case "device" -> Path.of("/dev/zero");
            case "directory" -> Files.createDirectories(dir.resolve(name + ".d"));
            default -> dev.pictl.cli.InputFilesTest.sparse(dir.resolve(name + ".big"), limit + 1);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"fifo", "device", "directory", "oversized"})
    void open_refusesAKnownHostsThatIsNoRegularFileAtOnce(String kind) throws Exception {
        Path kh = unreadable(kind, "kh-" + kind, dev.pictl.io.BoundedFiles.Kind.KNOWN_HOSTS.limit());
        try (SshTransport t = transport(kh, Secrets.none())) {
            TransportException e = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(10),
                    () -> assertThrows(TransportException.class, () -> t.open(target("pi-kh", ed25519, kh))));
            assertTrue(e.getMessage().startsWith("pi-kh: connect: cannot read known_hosts " + kh + ": it "),
                    e.getMessage());
            assertTrue(e.hint().contains("known_hosts"), e.hint());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"fifo", "device", "directory", "oversized"})
    void open_namesAKeyFileThatIsNoRegularFile(String kind) throws Exception {
        Path key = unreadable(kind, "key-" + kind, dev.pictl.io.BoundedFiles.Kind.KEY.limit());
        Path kh = knownHostsWith(server.knownHostsLine());
        try (SshTransport t = transport(kh, Secrets.none())) {
            TransportException e = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(10),
                    () -> assertThrows(TransportException.class, () -> t.open(target("pi-key", key, kh))));
            assertTrue(e.hint().contains("cannot read key " + key + ": it "), e.hint());
        }
    }

    @Test
    void open_refusesWithHintWhenEncryptedKeyHasNoPassphrase() throws Exception {
        Path key = TestKeys.generate(dir, "enc_nopass", "ed25519", "unknown");
        TestKeys.appendLine(auth, Files.readString(TestKeys.pub(key)).trim());
        Path kh = knownHostsWith(server.knownHostsLine());
        try (SshTransport t = transport(kh, Secrets.none())) {
            TransportException e = assertThrows(TransportException.class, () -> t.open(target("pi-1", key, kh)));
            assertEquals(Kind.AUTH_REFUSED, e.kind());
            assertTrue(e.getMessage().startsWith("pi-1: connect: pi@127.0.0.1:" + server.port()
                    + " refused authentication; offered no key"), e.getMessage());
            assertTrue(e.hint().contains("is passphrase-protected and no passphrase was given (set "
                    + "PICTL_SSH_PASSPHRASE"), e.hint());
        }
    }

    @Test
    void open_refusesWithHintWhenPassphraseIsWrong() throws Exception {
        Path key = TestKeys.generate(dir, "enc_wrong", "ed25519", "right");
        TestKeys.appendLine(auth, Files.readString(TestKeys.pub(key)).trim());
        Path kh = knownHostsWith(server.knownHostsLine());
        Secrets wrong = Secrets.fromEnvironment(Map.of(Secrets.PASSPHRASE_ENV, "wrong"));
        try (SshTransport t = transport(kh, wrong)) {
            TransportException e = assertThrows(TransportException.class, () -> t.open(target("pi-1", key, kh)));
            assertEquals(Kind.AUTH_REFUSED, e.kind());
            assertTrue(e.hint().contains("the passphrase for key " + key + " was not accepted"), e.hint());
        }
    }

    @Test
    void open_reportsAuthRefusedNamingUserKeyAndAuthorizedKeys() throws Exception {
        Path stranger = TestKeys.generate(dir, "stranger", "ed25519", "");
        Path kh = knownHostsWith(server.knownHostsLine());
        try (SshTransport t = transport(kh, Secrets.none())) {
            TransportException e = assertThrows(TransportException.class,
                    () -> t.open(target("pi-worker-1", stranger, kh)));
            assertEquals(Kind.AUTH_REFUSED, e.kind());
            String fp = TestKeys.fingerprint(TestKeys.pub(stranger));
            assertEquals("pi-worker-1: connect: pi@127.0.0.1:" + server.port() + " refused authentication; offered "
                    + "ssh-ed25519 " + fp + " (" + stranger + ")", e.getMessage());
            assertTrue(e.hint().contains("~pi/.ssh/authorized_keys"), e.hint());
        }
    }

    @Test
    void open_refusesUnknownHostUnderStrictPolicyNamingFingerprint() throws Exception {
        Path kh = knownHostsWith();
        try (SshTransport t = transport(kh, Secrets.none())) {
            TransportException e = assertThrows(TransportException.class,
                    () -> t.open(target("pi-new", ed25519, kh)));
            assertEquals(Kind.HOST_KEY_UNKNOWN, e.kind());
            String fp = TestKeys.fingerprint(server.writeHostPub(dir));
            assertEquals("pi-new: connect: host [127.0.0.1]:" + server.port() + " is not in " + kh
                    + " (it offers ssh-ed25519 " + fp + ")", e.getMessage());
            assertTrue(e.hint().contains("accept-new"), e.hint());
            assertEquals("", Files.readString(kh), "strict must not write known_hosts");
        }
    }

    @Test
    void open_acceptNewRecordsHostKeyThatOpenSshThenFinds() throws Exception {
        Path kh = dir.resolve("fresh/.ssh/known_hosts"); // the directory does not exist yet either
        try (SshTransport t = transport(kh, Secrets.none())) {
            Session s = t.open(target("pi-first", ed25519, kh).withHostKeyPolicy(HostKeyPolicy.ACCEPT_NEW));
            assertEquals("connected", whoami(s));
        }
        String found = TestKeys.run(List.of("ssh-keygen", "-F", "[127.0.0.1]:" + server.port(), "-f", kh.toString()));
        assertTrue(found.contains("ssh-ed25519"), found);
        try (SshTransport t = transport(kh, Secrets.none())) {
            assertEquals("connected", whoami(t.open(target("pi-first", ed25519, kh))), "strict now accepts it");
        }
    }

    @Test
    void open_stopsNodeWhoseHostKeyChangedWithFingerprintAsSshKeygenPrints() throws Exception {
        String oldKey = org.apache.sshd.common.config.keys.PublicKeyEntry.toString(
                KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256).getPublic());
        Path oldPub = dir.resolve("old-host.pub");
        Files.writeString(oldPub, oldKey + "\n");
        Path kh = knownHostsWith("[127.0.0.1]:" + server.port() + " " + oldKey);
        for (HostKeyPolicy policy : HostKeyPolicy.values()) {
            try (SshTransport t = transport(kh, Secrets.none())) {
                TransportException e = assertThrows(TransportException.class,
                        () -> t.open(target("pi-worker-1", ed25519, kh).withHostKeyPolicy(policy)));
                assertEquals(Kind.HOST_KEY_CHANGED, e.kind());
                String now = TestKeys.fingerprint(server.writeHostPub(dir));
                String was = TestKeys.fingerprint(oldPub);
                assertEquals("pi-worker-1: connect: host key for [127.0.0.1]:" + server.port() + " has changed: it "
                        + "now offers ssh-ed25519 " + now + ", but " + kh + " has ssh-ed25519 " + was, e.getMessage());
                assertTrue(e.hint().contains("ssh-keygen -R '[127.0.0.1]:" + server.port() + "'"), e.hint());
            }
        }
        assertEquals(1, Files.readAllLines(kh).size(), "a changed key is never written");
    }

    @Test
    void open_reportsUnreachableWhenNothingListens() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path kh = knownHostsWith();
        try (SshTransport t = transport(kh, Secrets.none())) {
            TransportException e = assertThrows(TransportException.class,
                    () -> t.open(target("pi-off", ed25519, kh).withPort(port)));
            assertEquals(Kind.UNREACHABLE, e.kind());
            assertEquals("pi-off: connect: connection refused by 127.0.0.1:" + port, e.getMessage());
            assertTrue(e.hint().contains("`ssh -p " + port + " pi@127.0.0.1` should connect"), e.hint());
        }
    }

    @Test
    void open_reportsTimedOutWhenServerNeverSpeaksSsh() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Path kh = knownHostsWith();
            try (SshTransport t = transport(kh, Secrets.none())) {
                long start = System.nanoTime();
                TransportException e = assertThrows(TransportException.class, () -> t.open(
                        target("pi-mute", ed25519, kh).withPort(silent.getLocalPort())
                                .withConnectTimeout(Duration.ofSeconds(1))));
                assertEquals(Kind.TIMED_OUT, e.kind());
                assertTrue(e.getMessage().startsWith("pi-mute: connect: node pi@127.0.0.1:" + silent.getLocalPort()
                        + " did not complete the SSH handshake within 1s"), e.getMessage());
                assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 5);
            }
        }
    }

    @Test
    void openAll_connectsInParallelWithinBoundAndReportsEachNode() throws Exception {
        Path kh = knownHostsWith(server.knownHostsLine());
        int refusedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            refusedPort = s.getLocalPort();
        }
        List<NodeTarget> targets = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            targets.add(target("pi-" + i, ed25519, kh));
        }
        targets.add(4, target("pi-dead", ed25519, kh).withPort(refusedPort));
        server.authDelay = Duration.ofMillis(150);
        server.authInFlightMax.set(0);
        try (SshTransport t = transport(kh, Secrets.none())) {
            Map<String, Result<Session>> all = t.openAll(targets, 3);
            assertEquals(targets.stream().map(NodeTarget::node).toList(), List.copyOf(all.keySet()));
            for (Map.Entry<String, Result<Session>> e : all.entrySet()) {
                if (e.getKey().equals("pi-dead")) {
                    Result.Failed<Session> f = assertInstanceOf(Result.Failed.class, e.getValue());
                    assertEquals(Kind.UNREACHABLE, f.error().kind());
                } else {
                    assertEquals("connected", whoami(e.getValue().get()));
                }
            }
        } finally {
            server.authDelay = Duration.ZERO;
        }
        int max = server.authInFlightMax.get();
        assertTrue(max >= 2 && max <= 3, "concurrent handshakes seen by the server: " + max);
    }

    @Test
    void openAll_refusesDuplicateNodeNames() {
        Path kh = dir.resolve("unused");
        try (SshTransport t = transport(kh, Secrets.none())) {
            NodeTarget a = target("pi-1", ed25519, kh);
            assertThrows(IllegalArgumentException.class, () -> t.openAll(List.of(a, a), 2));
        }
    }

    @Test
    void open_reconnectsWhenTargetSettingsChange() throws Exception {
        Path kh = knownHostsWith(server.knownHostsLine());
        try (SshTransport t = transport(kh, Secrets.none())) {
            Session a = t.open(target("pi-1", ed25519, kh));
            Session b = t.open(target("pi-1", ed25519, kh).withConnectTimeout(Duration.ofSeconds(7)));
            assertTrue(a != b);
            assertFalse(a.isOpen());
        }
    }
}
