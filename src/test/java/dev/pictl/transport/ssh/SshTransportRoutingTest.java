package dev.pictl.transport.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pictl.transport.NodeTarget;
import dev.pictl.transport.RemoteCommand;
import dev.pictl.transport.Secrets;
import dev.pictl.transport.Session;
import dev.pictl.transport.SudoMode;
import dev.pictl.transport.TransportException;
import dev.pictl.transport.TransportException.Kind;
import dev.pictl.transport.TransportSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** How a node is reached: ssh-agent, ~/.ssh/config, jump hosts. Two in-process servers: a bastion and a node. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SshTransportRoutingTest {

    @TempDir
    static Path dir;
    static Path auth;
    static Path key;
    static Path knownHosts;
    static TestServer bastion;
    static TestServer node;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(TestKeys.sshKeygenAvailable(), "ssh-keygen (openssh-client) is needed");
        key = TestKeys.generate(dir, "id_ed25519", "ed25519", "");
        auth = dir.resolve("authorized_keys");
        Files.copy(TestKeys.pub(key), auth);
        bastion = new TestServer(auth, "pi", "jumper");
        node = new TestServer(auth, KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256), null, "pi");
        knownHosts = dir.resolve("known_hosts");
        TestKeys.appendLine(knownHosts, bastion.knownHostsLine());
        TestKeys.appendLine(knownHosts, node.knownHostsLine());
    }

    @AfterAll
    static void stop() throws Exception {
        if (bastion != null) {
            bastion.close();
        }
        if (node != null) {
            node.close();
        }
    }

    static TransportSettings settings() {
        return TransportSettings.isolated(knownHosts, "local-user-not-on-the-node", Secrets.none());
    }

    static String hello(Session s) throws TransportException {
        return s.exec(RemoteCommand.of("hello", "echo hello")).stdout().trim();
    }

    @Test
    void open_authenticatesWithKeyHeldOnlyBySshAgent() throws Exception {
        Path agentKey = TestKeys.generate(dir, "agent_only", "ecdsa", "");
        TestKeys.appendLine(auth, Files.readString(TestKeys.pub(agentKey)).trim());
        Path sock = dir.resolve("agent.sock");
        Process agent = new ProcessBuilder("ssh-agent", "-D", "-a", sock.toString()).redirectErrorStream(true).start();
        try {
            SshSessionExecTest.waitUntil(() -> Files.exists(sock));
            ProcessBuilder add = new ProcessBuilder("ssh-add", agentKey.toString()).redirectErrorStream(true);
            add.environment().put("SSH_AUTH_SOCK", sock.toString());
            Process p = add.start();
            assertTrue(p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0, new String(p.getInputStream().readAllBytes()));
            Files.delete(agentKey); // from now on only the agent has this key

            NodeTarget t = NodeTarget.of("pi-agent", "127.0.0.1").withPort(node.port()).withUser("pi")
                    .withSudo(SudoMode.NONE);
            try (SshTransport withAgent = new SshTransport(settings().withAgentSocket(sock))) {
                assertEquals("hello", hello(withAgent.open(t)));
            }
            // The control: without the agent the same node refuses, as there is no other key to offer.
            try (SshTransport noAgent = new SshTransport(settings())) {
                TransportException e = assertThrows(TransportException.class, () -> noAgent.open(t));
                assertEquals(Kind.AUTH_REFUSED, e.kind());
            }
            // A node's own private_key is the only key offered: the agent is not consulted (IdentitiesOnly).
            Path stranger = TestKeys.generate(dir, "stranger", "ed25519", "");
            try (SshTransport withAgent = new SshTransport(settings().withAgentSocket(sock))) {
                TransportException e = assertThrows(TransportException.class,
                        () -> withAgent.open(t.withPrivateKey(stranger)));
                assertEquals(Kind.AUTH_REFUSED, e.kind());
                assertFalse(e.getMessage().contains("ssh-agent"), e.getMessage());
            }
        } finally {
            agent.destroy();
            agent.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void open_takesHostNameUserPortAndIdentityFileFromSshConfig() throws Exception {
        Path config = dir.resolve("config-direct");
        Files.writeString(config, """
                Host pi-alias
                  HostName 127.0.0.1
                  Port %d
                  User pi
                  IdentityFile %s
                """.formatted(node.port(), key));
        try (SshTransport t = new SshTransport(settings().withSshConfig(config))) {
            Session s = t.open(NodeTarget.of("pi-cfg", "pi-alias").withSudo(SudoMode.NONE));
            assertEquals("hello", hello(s));
        }
    }

    @Test
    void open_prefersNodeSettingsOverSshConfig() throws Exception {
        Path config = dir.resolve("config-override");
        Files.writeString(config, """
                Host 127.0.0.1
                  Port 1
                  User nobody
                  IdentityFile %s
                """.formatted(key));
        try (SshTransport t = new SshTransport(settings().withSshConfig(config))) {
            Session s = t.open(NodeTarget.of("pi-cfg2", "127.0.0.1").withPort(node.port()).withUser("pi")
                    .withSudo(SudoMode.NONE));
            assertEquals("hello", hello(s));
        }
    }

    @Test
    void open_reachesNodeThroughJumpHostSharedByNodesBehindIt() throws Exception {
        int bastionSessions = bastion.sessionsCreated.get();
        int forwards = bastion.forwardTargets.size();
        try (SshTransport t = new SshTransport(settings())) {
            for (String name : List.of("pi-behind-1", "pi-behind-2")) {
                NodeTarget target = NodeTarget.of(name, "127.0.0.1").withPort(node.port()).withUser("pi")
                        .withPrivateKey(key).withSudo(SudoMode.NONE)
                        .withJumpHost("jumper@127.0.0.1:" + bastion.port());
                assertEquals("hello", hello(t.open(target)));
            }
        }
        assertEquals(1, bastion.sessionsCreated.get() - bastionSessions, "one bastion session for both nodes");
        assertEquals(List.of("127.0.0.1:" + node.port(), "127.0.0.1:" + node.port()),
                bastion.forwardTargets.subList(forwards, bastion.forwardTargets.size()));
    }

    @Test
    void open_followsProxyJumpFromSshConfig() throws Exception {
        Path config = dir.resolve("config-jump");
        Files.writeString(config, """
                Host bastion
                  HostName 127.0.0.1
                  Port %d
                  User jumper
                  IdentityFile %s

                Host pi-far
                  HostName 127.0.0.1
                  Port %d
                  User pi
                  IdentityFile %s
                  ProxyJump bastion
                """.formatted(bastion.port(), key, node.port(), key));
        int forwards = bastion.forwardTargets.size();
        try (SshTransport t = new SshTransport(settings().withSshConfig(config))) {
            assertEquals("hello", hello(t.open(NodeTarget.of("pi-far", "pi-far").withSudo(SudoMode.NONE))));
        }
        assertEquals(List.of("127.0.0.1:" + node.port()),
                bastion.forwardTargets.subList(forwards, bastion.forwardTargets.size()));
    }

    @Test
    void open_checksJumpedNodeHostKeyUnderItsOwnAddressNotTheLocalForward() throws Exception {
        Path onlyBastion = dir.resolve("known_hosts_bastion_only");
        Files.writeString(onlyBastion, bastion.knownHostsLine() + "\n");
        try (SshTransport t = new SshTransport(settings())) {
            TransportException e = assertThrows(TransportException.class, () -> t.open(
                    NodeTarget.of("pi-behind", "127.0.0.1").withPort(node.port()).withUser("pi").withPrivateKey(key)
                            .withKnownHosts(onlyBastion).withConnectTimeout(Duration.ofSeconds(5))
                            .withJumpHost("jumper@127.0.0.1:" + bastion.port())));
            assertEquals(Kind.HOST_KEY_UNKNOWN, e.kind());
            assertTrue(e.getMessage().startsWith("pi-behind: connect: host [127.0.0.1]:" + node.port() + " is not in"),
                    e.getMessage());
        }
    }

    @Test
    void open_reportsUnreachableJumpHostNamingIt() throws Exception {
        int dead;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            dead = s.getLocalPort();
        }
        try (SshTransport t = new SshTransport(settings())) {
            int deadPort = dead;
            TransportException e = assertThrows(TransportException.class, () -> t.open(
                    NodeTarget.of("pi-behind", "127.0.0.1").withPort(node.port()).withUser("pi").withPrivateKey(key)
                            .withJumpHost("jumper@127.0.0.1:" + deadPort)));
            assertEquals(Kind.UNREACHABLE, e.kind());
            assertEquals("pi-behind: connect: connection refused by jump host 127.0.0.1:" + deadPort, e.getMessage());
        }
    }

    @Test
    void settings_fromEnvironmentUseUsersSshFilesAndAgentSocket() {
        Path home = Path.of("/home/someone");
        TransportSettings s = TransportSettings.fromEnvironment(Map.of("SSH_AUTH_SOCK", "/run/agent.sock"), home,
                "someone", null);
        assertEquals(home.resolve(".ssh/config"), s.sshConfig());
        assertEquals(Path.of("/run/agent.sock"), s.agentSocket());
        assertEquals(home.resolve(".ssh/known_hosts"), s.defaultKnownHosts());
        assertEquals(List.of(home.resolve(".ssh/id_ed25519"), home.resolve(".ssh/id_ecdsa"),
                home.resolve(".ssh/id_rsa")), s.defaultIdentities());
        assertTrue(s.heartbeatInterval().compareTo(Duration.ZERO) > 0, "heartbeat is on by default");
    }
}
