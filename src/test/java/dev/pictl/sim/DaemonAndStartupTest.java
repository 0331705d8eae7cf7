package dev.pictl.sim;

import org.apache.sshd.client.SshClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.*;

/** The daemon a user (or the CLI) starts, and start-up time. */
class DaemonAndStartupTest extends SimTestSupport {

    @Test
    void daemon_keepsTheClusterBetweenInvocations_andAnswersControlCommands(@TempDir Path dir) throws Exception {
        ClusterSpec spec = fast(nodes(randomBase(), 2222, "d1", "d2"));
        SimControl.Status st = SimControl.start(dir, spec, Duration.ofSeconds(60));
        try {
            assertTrue(st.running());
            assertTrue(st.text().contains("d1 ") && st.text().contains(" up "), st.text());
            assertTrue(ProcessHandle.of(st.pid()).isPresent());
            assertThrows(IllegalStateException.class, () -> SimControl.start(dir, spec, Duration.ofSeconds(5)));

            ExecResult r = SimControl.exec(dir, "d1", "echo \"$PICTL_SIM_NODE\"; sudo id -u");
            assertEquals(new ExecResult(0, "d1\n0\n", ""), r);

            // a client of the daemon's cluster, from the files in the state directory only
            SimCluster view = null;
            SshClient cl = SshClient.setUpDefaultClient();
            cl.setServerKeyVerifier(new org.apache.sshd.client.keyverifier.KnownHostsServerKeyVerifier(
                    org.apache.sshd.client.keyverifier.RejectAllServerKeyVerifier.INSTANCE, dir.resolve("known_hosts")));
            cl.setKeyIdentityProvider(new org.apache.sshd.common.keyprovider.FileKeyPairProvider(dir.resolve("id_ed25519")));
            cl.setHostConfigEntryResolver(org.apache.sshd.client.config.hosts.HostConfigEntryResolver.EMPTY);
            cl.start();
            try (var s = cl.connect("pi", spec.nodes().get(1).address(), 2222).verify(Duration.ofSeconds(5)).getSession()) {
                s.auth().verify(Duration.ofSeconds(5));
                assertEquals("d2\n", exec(s, "echo $PICTL_SIM_NODE").out());
            } finally {
                cl.stop();
            }
            assertNull(view);

            assertEquals(0, SimControl.fault(dir, "d2", "throttled", "0x50005").exitCode());
            assertEquals("throttled=0x50005\n", SimControl.exec(dir, "d2", "vcgencmd get_throttled").stdout());
            assertEquals(1, SimControl.fault(dir, "d2", "no-such-fault").exitCode());
            assertEquals(0, SimControl.admin(dir, "reboot", "d1").exitCode());
            assertTrue(await(Duration.ofSeconds(10), () -> {
                try { return SimControl.admin(dir, "events").stdout().contains("reboot d1"); } catch (Exception e) { return false; }
            }));
        } finally {
            SimControl.stop(dir, Duration.ofSeconds(20));
        }
        assertFalse(SimControl.status(dir).running());
        assertFalse(ProcessHandle.of(st.pid()).map(ProcessHandle::isAlive).orElse(false));
        assertFalse(Files.exists(dir.resolve("daemon.json")));
        assertTrue(Files.isDirectory(dir.resolve("nodes/d1/root/etc")), "the state directory stays for the next start");
    }

    @Test
    void tenNodes_startInACoupleOfSeconds(@TempDir Path dir) throws Exception {
        ClusterSpec spec = ClusterSpec.generate(10, "pi", 2222);
        String base = randomBase();
        spec = spec.withNodes(spec.nodes().stream().map(n -> NodeSpec.of(n.name(), base + n.address().substring(n.address().lastIndexOf('.') + 1), 2222)).toList());
        try (SimCluster c = SimCluster.start(spec, dir)) {
            System.out.println("simulator: 10 fresh nodes started in " + c.startupTime().toMillis() + " ms");
            assertTrue(c.startupTime().toSeconds() < 20, "10 nodes took " + c.startupTime());
            SshClient cl = client(c);
            try {
                for (SimNode n : c.nodes()) assertEquals(0, ssh(cl, n, "true").exit());
            } finally {
                cl.stop();
            }
        }
        try (SimCluster c = SimCluster.start(spec, dir)) {
            System.out.println("simulator: 10 existing nodes restarted in " + c.startupTime().toMillis() + " ms");
        }
    }

    @Test
    void twoHundredNodes_work(@TempDir Path dir) throws Exception {
        String base = randomBase();
        java.util.List<NodeSpec> ns = new java.util.ArrayList<>();
        for (int i = 0; i < 200; i++) ns.add(NodeSpec.of("n" + i, base + (10 + i), 2222));
        try (SimCluster c = SimCluster.start(ClusterSpec.of(ns), dir)) {
            System.out.println("simulator: 200 fresh nodes started in " + c.startupTime().toMillis() + " ms");
            SshClient cl = client(c);
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(16);
            try {
                long t0 = System.nanoTime();
                java.util.List<java.util.concurrent.Future<Result>> fs = new java.util.ArrayList<>();
                for (SimNode n : c.nodes()) fs.add(pool.submit(() -> ssh(cl, n, "echo $PICTL_SIM_NODE")));
                for (int i = 0; i < fs.size(); i++) assertEquals("n" + i + "\n", fs.get(i).get().out());
                System.out.println("simulator: connect + 1 command to 200 nodes in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
            } finally {
                pool.shutdown();
                cl.stop();
            }
            for (SimNode n : c.nodes()) assertEquals(1, n.execCount());
        }
    }
}
