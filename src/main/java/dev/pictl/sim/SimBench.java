package dev.pictl.sim;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.keyverifier.KnownHostsServerKeyVerifier;
import org.apache.sshd.client.keyverifier.RejectAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Benchmark entry point (bench/sim-bench.sh): simulator start-up time for each node count, then connect +
 * one command to every node in parallel with a plain MINA client (wall time, exec round trips counted per
 * node on the server side). Not a test: it only measures and prints.
 */
public final class SimBench {
    private SimBench() {}

    public static void main(String[] args) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        List<Integer> counts = new ArrayList<>();
        for (String a : args) counts.add(Integer.parseInt(a));
        if (counts.isEmpty()) counts = List.of(10, 50, 200);
        int parallel = Integer.getInteger("bench.parallel", 32);
        System.out.printf("%-7s %6s %12s %14s %14s%n", "nodes", "", "start (ms)", "connect+1 cmd", "execs/node");
        for (int n : counts) {
            Path dir = Files.createTempDirectory("pictl-sim-bench-");
            try (SimCluster c = SimCluster.start(ClusterSpec.generate(n, "pi", 22022), dir)) {
                long start = c.startupTime().toMillis();
                SshClient client = SshClient.setUpDefaultClient();
                client.setServerKeyVerifier(new KnownHostsServerKeyVerifier(RejectAllServerKeyVerifier.INSTANCE, c.knownHosts()));
                client.setKeyIdentityProvider(new FileKeyPairProvider(c.userKey()));
                client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
                client.start();
                ExecutorService pool = Executors.newFixedThreadPool(parallel);
                long t0 = System.nanoTime();
                List<Future<Integer>> fs = new ArrayList<>();
                for (SimNode node : c.nodes()) {
                    fs.add(pool.submit(() -> {
                        try (ClientSession s = client.connect(node.user(), node.address(), node.port()).verify(Duration.ofSeconds(30)).getSession()) {
                            s.auth().verify(Duration.ofSeconds(30));
                            try (ChannelExec ch = s.createExecChannel("cat \"$PICTL_ROOT/proc/sys/kernel/random/boot_id\"; uname -m")) {
                                ch.setOut(new ByteArrayOutputStream());
                                ch.setErr(new ByteArrayOutputStream());
                                ch.open().verify(Duration.ofSeconds(30));
                                ch.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), Duration.ofSeconds(60));
                                return ch.getExitStatus();
                            }
                        }
                    }));
                }
                int failed = 0;
                for (Future<Integer> f : fs) if (!Integer.valueOf(0).equals(f.get())) failed++;
                long wall = (System.nanoTime() - t0) / 1_000_000;
                pool.shutdown();
                client.stop();
                long execs = 0;
                for (SimNode node : c.nodes()) execs += node.execCount();
                System.out.printf("%-7d %6s %12d %11d ms %14.1f%s%n", n, "", start, wall, (double) execs / n,
                        failed == 0 ? "" : "   (" + failed + " failed)");
            } finally {
                SimCluster.deleteTree(dir);
            }
        }
    }
}
