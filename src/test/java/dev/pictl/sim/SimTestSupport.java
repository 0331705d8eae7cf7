package dev.pictl.sim;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.keyverifier.KnownHostsServerKeyVerifier;
import org.apache.sshd.client.keyverifier.RejectAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;

/** Shared helpers: a strict MINA client with the cluster's key and known_hosts, and waiting. */
abstract class SimTestSupport {
    static {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }

    /** A random 127.x.y.0/24 base so that parallel runs (other worktrees) do not collide. */
    static String randomBase() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return "127." + r.nextInt(100, 250) + "." + r.nextInt(1, 250) + ".";
    }

    static List<NodeSpec> nodes(String base, int port, String... names) {
        List<NodeSpec> out = new ArrayList<>();
        for (int i = 0; i < names.length; i++) out.add(NodeSpec.of(names[i], base + (10 + i), port));
        return out;
    }

    static ClusterSpec fast(List<NodeSpec> nodes) {
        return ClusterSpec.of(nodes).withRebootDelayMillis(600).withK3sStartDelayMillis(50).withK3sRestartMillis(800);
    }

    record Result(Integer exit, String out, String err) {
        boolean lost() { return exit == null; }
    }

    static SshClient client(SimCluster c) {
        SshClient cl = SshClient.setUpDefaultClient();
        cl.setServerKeyVerifier(new KnownHostsServerKeyVerifier(RejectAllServerKeyVerifier.INSTANCE, c.knownHosts()));
        cl.setKeyIdentityProvider(new FileKeyPairProvider(c.userKey()));
        cl.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
        cl.start();
        return cl;
    }

    static ClientSession session(SshClient cl, SimNode n) throws IOException {
        ClientSession s = cl.connect(n.user(), n.address(), n.port()).verify(Duration.ofSeconds(10)).getSession();
        s.auth().verify(Duration.ofSeconds(10));
        return s;
    }

    static Result exec(ClientSession s, String cmd) throws IOException { return exec(s, cmd, null, Duration.ofSeconds(30)); }

    static Result exec(ClientSession s, String cmd, String stdin, Duration timeout) throws IOException {
        try (ChannelExec ch = s.createExecChannel(cmd)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
            ch.setOut(out);
            ch.setErr(err);
            if (stdin != null) ch.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
            ch.open().verify(Duration.ofSeconds(10));
            ch.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), timeout);
            return new Result(ch.getExitStatus(), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        }
    }

    /** One command over a fresh connection (connect + auth + exec + close). */
    static Result ssh(SshClient cl, SimNode n, String cmd) throws IOException {
        try (ClientSession s = session(cl, n)) {
            return exec(s, cmd);
        }
    }

    static boolean await(Duration timeout, BooleanSupplier cond) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (cond.getAsBoolean()) return true;
            Thread.sleep(25);
        }
        return cond.getAsBoolean();
    }

    static String read(SimNode n, String path) {
        try {
            return java.nio.file.Files.readString(n.root().resolve(path.replaceFirst("^/", "")));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static Path p(SimNode n, String path) { return n.root().resolve(path.replaceFirst("^/", "")); }
}
