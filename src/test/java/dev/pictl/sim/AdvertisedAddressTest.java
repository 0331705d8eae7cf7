package dev.pictl.sim;

import org.apache.sshd.client.SshClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A node's advertised (LAN) address: SSH goes to the loopback endpoint, while everything k3s-side that names a
 * board by address uses the address a cluster description gives it.
 */
class AdvertisedAddressTest extends SimTestSupport {
    @TempDir static Path dir;
    static SimCluster cluster;
    static SshClient client;
    static SimNode server, agent, fresh, plain;

    @BeforeAll
    static void start() throws IOException {
        List<NodeSpec> ns = nodes(randomBase(), 2222, "srv", "agt", "fresh", "plain");
        ns = List.of(
                ns.get(0).withAdvertisedAddress("192.168.1.10")
                        .withProvision(Provision.prepared().withK3sServer("v1.31.4+k3s1", "tok-adv")),
                ns.get(1).withAdvertisedAddress("192.168.1.11").withProvision(Provision.prepared().withK3sAgent("srv")),
                ns.get(2).withAdvertisedAddress("192.168.1.12").withProvision(Provision.prepared()),
                ns.get(3).withProvision(Provision.prepared()));
        cluster = SimCluster.start(fast(ns), dir);
        client = client(cluster);
        server = cluster.node("srv");
        agent = cluster.node("agt");
        fresh = cluster.node("fresh");
        plain = cluster.node("plain");
    }

    @AfterAll
    static void stop() {
        client.stop();
        cluster.close();
    }

    @Test
    void sshGoesToLoopback_whileHostnameShowsTheAdvertisedAddress() throws IOException {
        assertTrue(server.address().startsWith("127."), server.address());
        Result r = ssh(client, server, "hostname -I; hostname -i");
        assertEquals(0, r.exit(), r.err());
        assertEquals("192.168.1.10 \n192.168.1.10\n", r.out());
        assertEquals(plain.address() + " \n", ssh(client, plain, "hostname -I").out(), "without one, the loopback address");
    }

    @Test
    void provisionedAgent_joinsThroughTheServersAdvertisedAddress_andNodesHaveThemAsInternalIp() throws IOException {
        assertTrue(read(agent, "/etc/rancher/k3s/config.yaml").contains("server: https://192.168.1.10:6443"),
                read(agent, "/etc/rancher/k3s/config.yaml"));
        Result r = ssh(client, server, "sudo kubectl get nodes -o wide --no-headers");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("agt +Ready +<none> +\\S+ +v1\\.31\\.4\\+k3s1 +192\\.168\\.1\\.11 .*")), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("srv +Ready +control-plane,master +\\S+ +v1\\.31\\.4\\+k3s1 +192\\.168\\.1\\.10 .*")), r.out());
        Result ip = ssh(client, server, "sudo kubectl get node agt -o jsonpath='{.status.addresses[0].type}={.status.addresses[0].address}'");
        assertEquals("InternalIP=192.168.1.11", ip.out());
        Result log = ssh(client, server, "sudo journalctl -u k3s -o cat | grep 'To join agent'");
        assertTrue(log.out().contains("k3s agent -s https://192.168.1.10:6443 -t ${AGENT_NODE_TOKEN}"), log.out());
    }

    @Test
    void agentInstalledByHand_withK3sUrlOnTheAdvertisedAddress_joins() throws Exception {
        String token = read(server, "/var/lib/rancher/k3s/server/token").trim();
        Result r = ssh(client, fresh, "curl -sfL https://get.k3s.io | K3S_URL=https://192.168.1.10:6443 K3S_TOKEN='" + token
                + "' INSTALL_K3S_SKIP_START=true sh - >/dev/null && sudo systemctl start k3s-agent && systemctl is-active k3s-agent");
        assertEquals("active\n", r.out(), r.err());
        Result nodes = ssh(client, server, "sudo kubectl get node fresh -o jsonpath='{.status.addresses[0].address}'");
        assertEquals("192.168.1.12", nodes.out());
    }

    @Test
    void anUnknownLanAddress_isConnectionRefused_likeABoardThatIsNotThere() throws Exception {
        String token = read(server, "/var/lib/rancher/k3s/server/token").trim();
        Result r = ssh(client, plain, "curl -sfL https://get.k3s.io | K3S_URL=https://192.168.1.99:6443 K3S_TOKEN='" + token
                + "' INSTALL_K3S_SKIP_START=true sh - >/dev/null && sudo systemctl start --no-block k3s-agent && sleep 0.4;"
                + " systemctl is-active k3s-agent; journalctl -u k3s-agent -n 1 -o cat; sudo systemctl stop k3s-agent");
        assertTrue(r.out().startsWith("activating\n"), r.out());
        assertTrue(r.out().contains("dial tcp 192.168.1.99:6443: connect: connection refused"), r.out());
    }

    @Test
    void statusTable_showsBothAddresses() {
        String status = cluster.statusText();
        assertTrue(status.lines().anyMatch(l -> l.matches("NODE +SSH +ADVERTISED +POWER .*")), status);
        assertTrue(status.lines().anyMatch(l -> l.matches("srv +" + server.address().replace(".", "\\.") + ":2222 +192\\.168\\.1\\.10 +up .*")), status);
    }

    @Test
    void clusterJson_keepsTheAdvertisedAddress_andOldFilesReadWithoutOne() throws IOException {
        Path f = dir.resolve("copy.json");
        cluster.spec().write(f);
        assertTrue(Files.readString(f).contains("\"advertisedAddress\" : \"192.168.1.10\""), Files.readString(f));
        ClusterSpec back = ClusterSpec.read(f);
        assertEquals(cluster.spec(), back);
        Files.writeString(f, "{\"nodes\": [{\"name\": \"old\", \"address\": \"127.0.1.10\", \"port\": 2222}]}");
        NodeSpec old = ClusterSpec.read(f).nodes().get(0);
        assertNull(old.advertisedAddress());
        assertEquals("127.0.1.10", old.lanAddress());
    }

    @Test
    void advertisedAddresses_mustNameOneBoard() {
        NodeSpec a = NodeSpec.of("a", "127.0.1.10", 2222).withAdvertisedAddress("192.168.1.10");
        NodeSpec b = NodeSpec.of("b", "127.0.1.11", 2222).withAdvertisedAddress("192.168.1.10");
        IllegalArgumentException dup = assertThrows(IllegalArgumentException.class, () -> ClusterSpec.of(List.of(a, b)));
        assertEquals("duplicate advertised address 192.168.1.10", dup.getMessage());
        NodeSpec c = NodeSpec.of("c", "127.0.1.11", 2222).withAdvertisedAddress("127.0.1.10");
        IllegalArgumentException clash = assertThrows(IllegalArgumentException.class, () -> ClusterSpec.of(List.of(a, c)));
        assertEquals("c: advertised address 127.0.1.10 is the loopback address of a", clash.getMessage());
        assertThrows(IllegalArgumentException.class, () -> NodeSpec.of("d", "127.0.1.12", 2222).withAdvertisedAddress("not an address"));
    }
}
