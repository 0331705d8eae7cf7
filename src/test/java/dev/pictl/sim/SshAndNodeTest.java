package dev.pictl.sim;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Exec, stdin/stdout/stderr, auth, host keys, SFTP, node facts, sudo and process cleanup, over real SSH. */
class SshAndNodeTest extends SimTestSupport {
    @TempDir static Path dir;
    static SimCluster cluster;
    static SshClient client;
    static SimNode n1, n2;

    @BeforeAll
    static void start() throws IOException {
        String base = randomBase();
        List<NodeSpec> ns = nodes(base, 2222, "pi-a", "pi-b");
        ns = List.of(ns.get(0), ns.get(1).withSudoPassword("s3cret").withOs("bullseye"));
        cluster = SimCluster.start(fast(ns), dir);
        client = client(cluster);
        n1 = cluster.node("pi-a");
        n2 = cluster.node("pi-b");
    }

    @AfterAll
    static void stop() throws IOException {
        client.stop();
        cluster.close();
    }

    @Test
    void exec_passesStdoutStderrAndExitStatusSeparately() throws IOException {
        Result r = ssh(client, n1, "echo to-stdout; echo to-stderr >&2; exit 3");
        assertEquals(3, r.exit());
        assertEquals("to-stdout\n", r.out());
        assertEquals("to-stderr\n", r.err());
    }

    @Test
    void exec_runsInARealShellWithTheNodeEnvironment() throws IOException {
        Result r = ssh(client, n1, "echo \"$PICTL_ROOT|$PICTL_SIM_NODE|$HOME\"; for i in 1 2 3; do printf $i; done");
        assertEquals(0, r.exit());
        assertEquals(n1.root() + "|pi-a|" + n1.root().resolve("home/pi") + "\n123", r.out());
    }

    /** sim_call frames words and answers by their length in bytes: newlines, UTF-8, and quotes pass as they are. */
    @Test
    void standIns_carryWordsAndAnswersByteForByte() throws IOException {
        Result odd = ssh(client, n1, "cd /tmp && systemctl 'odd verb\n  \u00e9 \u2713 \\ $x \"q\"'; echo \"rc=$?\"");
        assertEquals("rc=1\n", odd.out());
        assertEquals("Unknown command verb odd verb\n  \u00e9 \u2713 \\ $x \"q\".\n", odd.err());
        Result show = ssh(client, n1, "systemctl show -p Id -p LoadState -p ActiveState ssh no-such-unit");
        assertEquals("Id=ssh.service\nLoadState=loaded\nActiveState=active\n\n"
                + "Id=no-such-unit.service\nLoadState=not-found\nActiveState=inactive\n", show.out());
        Result many = ssh(client, n1, "for i in $(seq 40); do systemctl show -p Id ssh; done | wc -c");
        assertEquals("600\n", many.out(), "40 answers of 15 bytes each, none lost or cut");
    }

    @Test
    void exec_forwardsStdin() throws IOException {
        try (ClientSession s = session(client, n1)) {
            Result r = exec(s, "tr a-z A-Z", "hello pi\n", Duration.ofSeconds(10));
            assertEquals(0, r.exit());
            assertEquals("HELLO PI\n", r.out());
        }
    }

    @Test
    void execCount_countsRoundTripsOnTheServerSide() throws IOException {
        long before = n2.execCount();
        try (ClientSession s = session(client, n2)) {
            for (int i = 0; i < 3; i++) assertEquals(0, exec(s, "true").exit());
        }
        assertEquals(before + 3, n2.execCount());
    }

    @Test
    void auth_rejectsAnUnknownKeyAndAnotherUser() throws Exception {
        try (SshClient other = SshClient.setUpDefaultClient()) {
            other.setServerKeyVerifier((s, a, k) -> true);
            other.setKeyIdentityProvider(KeyPairProvider.wrap(KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256)));
            other.start();
            try (ClientSession s = other.connect("pi", n1.address(), n1.port()).verify(Duration.ofSeconds(5)).getSession()) {
                assertThrows(Exception.class, () -> s.auth().verify(Duration.ofSeconds(5)));
            }
        }
        try (ClientSession s = client.connect("root", n1.address(), n1.port()).verify(Duration.ofSeconds(5)).getSession()) {
            assertThrows(Exception.class, () -> s.auth().verify(Duration.ofSeconds(5)));
        }
    }

    @Test
    void hostKey_isInKnownHostsAndItsFingerprintMatchesSshKeygen() throws Exception {
        String known = Files.readString(cluster.knownHosts());
        assertTrue(known.contains("[" + n1.address() + "]:2222 ssh-ed25519 "), known);
        Process p = new ProcessBuilder("ssh-keygen", "-lf", n1.root().getParent().resolve("ssh_host_ed25519_key.pub").toString()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor());
        assertEquals(out.split(" ")[1], n1.hostKeyFingerprint());
    }

    @Test
    void hostKeys_persistAcrossRestartsOfTheSimulator() throws IOException {
        Path d2 = dir.resolveSibling(dir.getFileName() + "-restart");
        ClusterSpec spec = fast(nodes(randomBase(), 2222, "pi-r"));
        String fp;
        try (SimCluster c = SimCluster.start(spec, d2)) { fp = c.node("pi-r").hostKeyFingerprint(); }
        try (SimCluster c = SimCluster.start(spec, d2)) { assertEquals(fp, c.node("pi-r").hostKeyFingerprint()); }
    }

    @Test
    void sftp_isRootedAtTheNodeRoot() throws IOException {
        try (ClientSession s = session(client, n1); SftpClient sftp = SftpClientFactory.instance().createSftpClient(s)) {
            sftp.mkdir("/etc/rancher/k3s");
            try (OutputStream os = sftp.write("/etc/rancher/k3s/config.yaml")) {
                os.write("node-name: pi-a\n".getBytes(StandardCharsets.UTF_8));
            }
            try (InputStream is = sftp.read("/etc/hostname")) {
                assertEquals("raspberrypi\n", new String(is.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        assertEquals("node-name: pi-a\n", read(n1, "/etc/rancher/k3s/config.yaml"));
        assertTrue(n1.sftpCount() >= 1);
    }

    @Test
    void nodeFacts_lookLikeARaspberryPiOnBookworm() throws IOException {
        Result r = ssh(client, n1, "tr -d '\\0' < \"$PICTL_ROOT/proc/device-tree/model\"; echo; uname -m; "
                + ". \"$PICTL_ROOT/etc/os-release\"; echo \"$ID $VERSION_ID $VERSION_CODENAME\"; "
                + "awk '/MemTotal/{print $2}' \"$PICTL_ROOT/proc/meminfo\"; grep 127.0.1.1 \"$PICTL_ROOT/etc/hosts\"; "
                + "head -1 \"$PICTL_ROOT/boot/cmdline.txt\"; vcgencmd get_throttled; vcgencmd measure_temp; dpkg --print-architecture; "
                + "findmnt -n -o TARGET /boot/firmware; hostname");
        assertEquals(0, r.exit(), r.err());
        assertEquals(List.of("Raspberry Pi 4 Model B Rev 1.4", "aarch64", "debian 12 bookworm", "7997156", "127.0.1.1\t\traspberrypi",
                "DO NOT EDIT THIS FILE", "throttled=0x0", "temp=47.2'C", "arm64", "/boot/firmware", "raspberrypi"), r.out().lines().toList());
        byte[] model = Files.readAllBytes(p(n1, "/sys/firmware/devicetree/base/model"));
        assertEquals(0, model[model.length - 1], "the model file is NUL-terminated");
        assertTrue(read(n1, "/boot/firmware/cmdline.txt").lines().count() == 1);
    }

    @Test
    void bullseyeNode_hasTheRealCmdlineInBoot() throws IOException {
        Result r = ssh(client, n2, "test -e \"$PICTL_ROOT/boot/firmware/cmdline.txt\" || echo no-firmware-file; cat \"$PICTL_ROOT/boot/cmdline.txt\"; findmnt -n /boot/firmware; echo rc=$?");
        assertTrue(r.out().startsWith("no-firmware-file\nconsole=serial0,115200 console=tty1 root=PARTUUID="), r.out());
        assertTrue(r.out().endsWith("rc=1\n"), r.out());
    }

    @Test
    void sudo_passwordless_runsAsRootKeepingTheEnvironment() throws IOException {
        Result r = ssh(client, n1, "id -u; sudo -n id -u; sudo sh -c 'echo $PICTL_ROOT'; sudo -n sh -c 'echo out; echo err >&2; exit 4'");
        assertEquals(4, r.exit());
        assertEquals("1000\n0\n" + n1.root() + "\nout\n", r.out());
        assertEquals("err\n", r.err());
    }

    @Test
    void sudo_withPassword_refusesNonInteractiveAndAcceptsStdin() throws IOException {
        Result r = ssh(client, n2, "sudo -n true");
        assertEquals(1, r.exit());
        assertEquals("sudo: a password is required\n", r.err());
        try (ClientSession s = session(client, n2)) {
            Result ok = exec(s, "sudo -S -p '' id -u", "s3cret\n", Duration.ofSeconds(10));
            assertEquals(0, ok.exit(), ok.err());
            assertEquals("0\n", ok.out());
            Result bad = exec(s, "sudo -S -p '' id -u", "wrong\nwrong\nwrong\n", Duration.ofSeconds(10));
            assertEquals(1, bad.exit());
            assertTrue(bad.err().contains("sudo: 3 incorrect password attempts"), bad.err());
        }
    }

    @Test
    void privilegedStandIns_refuseWithoutSudo() throws IOException {
        Result r = ssh(client, n1, "systemctl restart ssh; echo rc=$?; apt-get install -y docker.io; echo rc=$?; reboot; echo rc=$?");
        assertEquals("rc=1\nrc=100\nrc=1\n", r.out());
        assertTrue(r.err().contains("Interactive authentication required"), r.err());
        assertTrue(r.err().contains("are you root?"), r.err());
        assertTrue(n1.isUp());
    }

    @Test
    void remoteTimeout_leavesNoProcessBehind_whileAClosedChannelAloneDoesNot() throws Exception {
        Result r = ssh(client, n1, "timeout 1 sleep 31.4159; echo rc=$?");
        assertEquals("rc=124\n", r.out());
        assertEquals("none\n", n1.exec("pgrep -f 'slee[p] 31.4159' || echo none").stdout(), "timeout killed it on the node");

        try (ClientSession s = session(client, n1)) {
            Result cut = exec(s, "sleep 27.1828", null, Duration.ofMillis(500));
            assertNull(cut.exit(), "no exit status: the client gave up");
        }
        assertTrue(await(Duration.ofSeconds(3), () -> !n1.exec("pgrep -f 'slee[p] 27.1828' || true").stdout().isBlank()),
                "like OpenSSH without a PTY, closing the channel does not kill the command");
        n1.killProcesses();
        assertEquals("none\n", n1.exec("pgrep -f 'slee[p] 27.1828' || echo none").stdout());
    }

    @Test
    void hostnamectl_setsTheHostnameButNotEtcHosts() throws IOException {
        Result r = ssh(client, n2, "echo s3cret | sudo -S -p '' hostnamectl set-hostname pi-b && hostname && uname -n && cat \"$PICTL_ROOT/etc/hostname\" && grep -c raspberrypi \"$PICTL_ROOT/etc/hosts\"");
        assertEquals(0, r.exit(), r.err());
        assertEquals("pi-b\npi-b\npi-b\n1\n", r.out());
    }

    @Test
    void commandsNotInstalled_areNotFound() throws IOException {
        Result r = ssh(client, n1, "k3s --version; echo rc=$?; kubectl version; echo rc=$?; docker info; echo rc=$?");
        assertEquals("rc=127\nrc=127\nrc=127\n", r.out());
        assertTrue(r.err().contains("k3s: not found"), r.err());
    }
}
