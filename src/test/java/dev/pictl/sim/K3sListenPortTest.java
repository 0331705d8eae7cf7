package dev.pictl.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.sshd.client.SshClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The k3s stand-in's API port, as real k3s: the server listens on its {@code https-listen-port} (default 6443) and
 * says so in its kubeconfig and "To join" lines; an agent whose server URL names another port cannot reach it
 * ("connection refused", retrying) and joins once its URL is right; a port k3s cannot parse is fatal.
 */
class K3sListenPortTest extends SimTestSupport {
    @TempDir static Path dir;
    static SimCluster cluster;
    static SshClient client;
    static SimNode server, agent, late, bad;

    @BeforeAll
    static void start() throws IOException {
        List<NodeSpec> ns = nodes(randomBase(), 2222, "srv", "agt", "late", "bad");
        ns = List.of(
                ns.get(0).withProvision(Provision.prepared().withK3sServer("v1.31.4+k3s1", "s3cr3t-token")
                        .withK3sConfig(Map.of("https-listen-port", 6444))),
                ns.get(1).withProvision(Provision.prepared().withK3sAgent("srv")),
                ns.get(2).withProvision(Provision.prepared()),
                ns.get(3).withProvision(Provision.prepared()));
        cluster = SimCluster.start(fast(ns), dir);
        client = client(cluster);
        server = cluster.node("srv");
        agent = cluster.node("agt");
        late = cluster.node("late");
        bad = cluster.node("bad");
    }

    @AfterAll
    static void stop() throws IOException {
        client.stop();
        cluster.close();
    }

    @Test
    void theServerListensOnItsConfiguredPort_andAProvisionedAgentJoinedThere() throws Exception {
        assertTrue(read(server, "/etc/rancher/k3s/k3s.yaml").contains("server: https://127.0.0.1:6444\n"));
        Result j = ssh(client, server, "sudo journalctl -u k3s -n 20 -o cat");
        assertTrue(j.out().contains("To join agent node to cluster: k3s agent -s https://" + server.address()
                + ":6444 -t ${AGENT_NODE_TOKEN}"), j.out());
        assertTrue(read(agent, "/etc/rancher/k3s/config.yaml").contains(server.address() + ":6444"));
        assertTrue(await(Duration.ofSeconds(6), () -> agent.unitState("k3s-agent").equals("active (running)")),
                agent.unitState("k3s-agent"));
        Result nodes = ssh(client, server, "sudo k3s kubectl get nodes --no-headers");
        assertTrue(nodes.out().lines().anyMatch(l -> l.matches("agt +Ready .*")), nodes.out());
    }

    @Test
    void anAgentOnTheDefaultPort_isRefused_andJoinsOnTheServersPort() throws Exception {
        String token = read(server, "/var/lib/rancher/k3s/server/token").trim();
        String wrong = "https://" + server.address() + ":6443";
        Result inst = ssh(client, late, "curl -sfL https://get.k3s.io | K3S_URL=" + wrong + " K3S_TOKEN='" + token
                + "' INSTALL_K3S_SKIP_START=true sh - >/dev/null && sudo systemctl start --no-block k3s-agent");
        assertEquals(0, inst.exit(), inst.out() + inst.err());
        String refused = "failed to get CA certs: Get \\\"" + wrong + "/cacerts\\\": dial tcp " + server.address()
                + ":6443: connect: connection refused";
        assertTrue(await(Duration.ofSeconds(6), () -> journal(late, "k3s-agent").contains(refused)),
                journal(late, "k3s-agent"));
        assertEquals("activating\n", ssh(client, late, "systemctl is-active k3s-agent").out(), "it keeps retrying");
        assertTrue(ssh(client, server, "sudo k3s kubectl get nodes -o name").out().lines()
                .noneMatch(l -> l.equals("node/late")));

        Result fix = ssh(client, late, "sudo sed -i 's|:6443|:6444|' \"$PICTL_ROOT/etc/systemd/system/k3s-agent.service.env\""
                + " && sudo systemctl restart --no-block k3s-agent");
        assertEquals(0, fix.exit(), fix.err());
        assertTrue(await(Duration.ofSeconds(6), () -> late.unitState("k3s-agent").equals("active (running)")),
                late.unitState("k3s-agent") + "\n" + journal(late, "k3s-agent"));
        assertTrue(ssh(client, server, "sudo k3s kubectl get nodes -o name").out().lines()
                .anyMatch(l -> l.equals("node/late")));
    }

    @Test
    void aPortK3sCannotParse_isFatal() throws Exception {
        Result r = ssh(client, bad, "sudo mkdir -p \"$PICTL_ROOT/etc/rancher/k3s\" && printf 'https-listen-port: web\\n'"
                + " | sudo tee \"$PICTL_ROOT/etc/rancher/k3s/config.yaml\" >/dev/null"
                + " && curl -sfL https://get.k3s.io | INSTALL_K3S_SKIP_START=true sh - >/dev/null"
                + " && sudo systemctl start --no-block k3s");
        assertEquals(0, r.exit(), r.out() + r.err());
        String fatal = "level=fatal msg=\"Error: invalid value \\\"web\\\" for flag -https-listen-port: parse error\"";
        assertTrue(await(Duration.ofSeconds(6), () -> journal(bad, "k3s").contains(fatal)), journal(bad, "k3s"));
    }

    private static String journal(SimNode n, String unit) {
        try {
            return ssh(client, n, "sudo journalctl -u " + unit + " -n 30 -o cat").out();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
