package dev.pictl.types.k3s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pictl.apply.ApplyException;
import dev.pictl.apply.Recorded;
import dev.pictl.plan.Action;
import dev.pictl.plan.ResourceChange;
import dev.pictl.sim.NodeSpec;
import dev.pictl.sim.Provision;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link K3sAgentExecutor} against a simulated server and workers; every outcome read on the boards: the agent's
 * binary version, unit state, config.yaml and env file, the Nodes as the server's kubectl lists them, and the
 * simulator's event log (restarts, re-registrations).
 */
class K3sAgentExecutorTest {
    static final int PORT = 24622;
    static final String OLD = "v1.30.6+k3s1";
    static final String VERSION = "v1.31.4+k3s1";
    static final String TOKEN = "agent-test-t0ken-7d1e";
    static final Duration START = Duration.ofSeconds(10);

    @TempDir
    Path tmp;

    static String description(String version, String agents) {
        return """
                variable "k3s_token" {
                  sensitive = true
                  default   = null
                }

                node "pi-server-1" { address = "192.168.1.10" }
                node "pi-worker-1" { address = "192.168.1.11" }
                node "pi-worker-2" { address = "192.168.1.12" }

                kernel_params "cgroups" {
                  nodes = [node.pi-server-1, node.pi-worker-1, node.pi-worker-2]
                  add   = ["cgroup_memory=1", "cgroup_enable=memory"]
                }

                k3s_server "control" {
                  node    = node.pi-server-1
                  version = "%s"
                  token   = var.k3s_token
                  disable = ["traefik"]
                  config  = { "node-ip" = node.pi-server-1.address }
                }

                k3s_agent "workers" {
                  nodes  = [%s]
                  server = k3s_server.control
                }
                """.formatted(version, agents);
    }

    /** The server (provisioned at {@code version}) and two workers, fresh or joined. */
    static List<NodeSpec> boards(int base, String version, boolean agentsJoined) {
        List<NodeSpec> out = new ArrayList<>();
        out.add(NodeSpec.of("pi-server-1", "127.0.62." + base, PORT).withAdvertisedAddress("192.168.1.10")
                .withProvision(Provision.prepared().withK3sServer(version, TOKEN)
                        .withK3sConfig(Map.of("node-ip", "192.168.1.10", "disable", List.of("traefik")))));
        for (int i = 1; i <= 2; i++) {
            Provision p = agentsJoined ? Provision.prepared().withK3sAgent("pi-server-1") : Provision.prepared();
            out.add(NodeSpec.of("pi-worker-" + i, "127.0.62." + (base + i), PORT)
                    .withAdvertisedAddress("192.168.1.1" + i).withProvision(p));
        }
        return out;
    }

    static final String BOTH = "node.pi-worker-1, node.pi-worker-2";

    @Test
    void join_readsTheTokenFromTheServer_andTheNodeIsReady() throws Exception {
        try (SimApply f = SimApply.start(tmp, boards(100, VERSION, false))) {
            ResourceChange c = f.planned(description(VERSION, "node.pi-worker-1"), "k3s_agent.workers[\"pi-worker-1\"]");
            assertEquals(Action.CREATE, c.action());
            Recorded r = new K3sAgentExecutor().apply(c, f.context(SimApply.options(START)));

            String nodeToken = f.sudo("pi-server-1", "cat \"$PICTL_ROOT/var/lib/rancher/k3s/server/node-token\"").strip();
            assertTrue(nodeToken.startsWith("K10") && nodeToken.endsWith("::server:" + TOKEN), nodeToken);
            assertTrue(f.sudo("pi-worker-1", "k3s --version").startsWith("k3s version " + VERSION + " "));
            assertEquals("active", f.sudo("pi-worker-1", "systemctl is-active k3s-agent").strip());
            assertEquals("600", f.sudo("pi-worker-1", "stat -c %a \"$PICTL_ROOT/etc/rancher/k3s/config.yaml\"").strip());
            assertEquals("""
                    "node-name": "pi-worker-1"
                    "server": "https://192.168.1.10:6443"
                    "token": "%s"
                    """.formatted(nodeToken), f.sudo("pi-worker-1", "cat \"$PICTL_ROOT/etc/rancher/k3s/config.yaml\""));
            String env = f.sudo("pi-worker-1", "cat \"$PICTL_ROOT/etc/systemd/system/k3s-agent.service.env\"");
            assertTrue(env.contains("K3S_URL='https://192.168.1.10:6443'"), env);
            assertEquals("600", f.sudo("pi-worker-1",
                    "stat -c %a \"$PICTL_ROOT/etc/systemd/system/k3s-agent.service.env\"").strip());
            assertEquals("True", f.ready("pi-server-1", "pi-worker-1"));
            JsonNode n = f.kubectlJson("pi-server-1", "get node pi-worker-1");
            assertEquals(VERSION, n.path("status").path("nodeInfo").path("kubeletVersion").asText());
            assertTrue(f.events().contains("k3s-agent started on pi-worker-1"), f.events().toString());

            assertFalse(r.attributes().containsKey("token"));
            assertEquals(SimApply.HASHER.hash(TOKEN), r.sensitiveHashes().get("token"));
            assertTrue(f.steps.stream().noneMatch(s -> s.contains(TOKEN)), f.steps.toString());

            // The planner sees the agent as described: nothing left to do.
            ResourceChange again = f.planned(description(VERSION, "node.pi-worker-1"),
                    "k3s_agent.workers[\"pi-worker-1\"]");
            assertEquals(Action.NO_OP, again.action(), () -> again.changes().toString());
        }
    }

    @Test
    void wrongToken_failsClearlyWithThe401FromTheJournal() throws Exception {
        try (SimApply f = SimApply.start(tmp, boards(110, VERSION, false))) {
            // The description's token is not the server's (the server's own plan refuses to change it).
            f.vars(Map.of("k3s_token", "not-the-servers-token"));
            ResourceChange c = f.planned(description(VERSION, "node.pi-worker-1"), "k3s_agent.workers[\"pi-worker-1\"]");
            ApplyException e = assertThrows(ApplyException.class, () -> new K3sAgentExecutor().apply(c,
                    f.context(SimApply.options(Duration.ofSeconds(3)))));
            String m = e.getMessage();
            assertTrue(m.startsWith("pi-worker-1: wait for k3s-agent to be active: k3s-agent is not active after 3s "
                    + "(activating (start)): Failed to retrieve agent configuration: "
                    + "https://192.168.1.10:6443/v1-k3s/serving-kubelet.crt: 401 Unauthorized"), m);
            assertTrue(m.contains("journalctl -u k3s-agent -n 20 --no-pager:"), m);
            assertTrue(e.hint().contains("refused the join token (401 Unauthorized)"), e.hint());
            assertFalse(m.contains("not-the-servers-token") || e.hint().contains("not-the-servers-token"));

            assertEquals("activating", f.sudoAny("pi-worker-1", "systemctl is-active k3s-agent").stdout().strip());
            assertTrue(f.sudo("pi-worker-1", "journalctl -u k3s-agent --no-pager").contains("401 Unauthorized"));
            assertNull(f.ready("pi-server-1", "pi-worker-1"), "the agent never registered");
        }
    }

    @Test
    void versionBump_upgradesServerThenAgent() throws Exception {
        try (SimApply f = SimApply.start(tmp, boards(120, OLD, true))) {
            f.vars(Map.of("k3s_token", TOKEN));
            assertTrue(f.sudo("pi-worker-1", "k3s --version").startsWith("k3s version " + OLD));
            f.plan(description(VERSION, "node.pi-worker-1"));
            ResourceChange server = f.change("k3s_server.control");
            ResourceChange agent = f.change("k3s_agent.workers[\"pi-worker-1\"]");
            assertEquals(Action.UPDATE, server.action());
            assertEquals(Action.UPDATE, agent.action());
            int before = f.events().size();
            // The walker's order: the server first, then its agents.
            new K3sServerExecutor().apply(server, f.context(SimApply.options(START)));
            new K3sAgentExecutor().apply(agent, f.context(SimApply.options(START)));

            assertTrue(f.sudo("pi-server-1", "k3s --version").startsWith("k3s version " + VERSION + " "));
            assertTrue(f.sudo("pi-worker-1", "k3s --version").startsWith("k3s version " + VERSION + " "));
            assertEquals(VERSION, f.kubectlJson("pi-server-1", "get node pi-worker-1")
                    .path("status").path("nodeInfo").path("kubeletVersion").asText());
            assertEquals("True", f.ready("pi-server-1", "pi-worker-1"));
            List<String> ev = f.events().subList(before, f.events().size());
            int s = ev.indexOf("k3s restarted on pi-server-1");
            int a = ev.indexOf("k3s-agent restarted on pi-worker-1");
            assertTrue(s >= 0 && a > s, ev.toString());
            // The other worker was not touched.
            assertTrue(f.sudo("pi-worker-2", "k3s --version").startsWith("k3s version " + OLD));
        }
    }

    /** Joins both workers through the executor and records them, as an apply would. */
    private static void joinBoth(SimApply f) throws Exception {
        f.plan(description(VERSION, BOTH));
        for (String w : List.of("pi-worker-1", "pi-worker-2")) {
            ResourceChange c = f.change("k3s_agent.workers[\"" + w + "\"]");
            f.record(c, new K3sAgentExecutor().apply(c, f.context(SimApply.options(START))));
        }
        assertEquals("True", f.ready("pi-server-1", "pi-worker-1"));
        assertEquals("True", f.ready("pi-server-1", "pi-worker-2"));
    }

    @Test
    void removal_drainsThenUninstallsThenDeletesTheNode_whichStaysGone() throws Exception {
        try (SimApply f = SimApply.start(tmp, boards(130, VERSION, false))) {
            joinBoth(f);
            f.plan(description(VERSION, "node.pi-worker-2"));
            ResourceChange d = f.change("k3s_agent.workers[\"pi-worker-1\"]");
            assertEquals(Action.DELETE, d.action());

            // First with the uninstaller failing: the drain has already happened (the Node is cordoned).
            f.node("pi-worker-1").failCommands("k3s-agent-uninstall", 1, "uninstall exploded\n");
            ApplyException e = assertThrows(ApplyException.class,
                    () -> new K3sAgentExecutor().delete(d, f.context(SimApply.options(START))));
            assertTrue(e.getMessage().startsWith("pi-worker-1: uninstall k3s agent: command exited 1: uninstall exploded"),
                    e.getMessage());
            assertTrue(f.kubectlJson("pi-server-1", "get node pi-worker-1").path("spec").path("unschedulable")
                    .asBoolean(), "drained (cordoned) before the uninstall");
            f.node("pi-worker-1").clearFaults();

            // Again, now it goes through: idempotent after the partial run.
            new K3sAgentExecutor().delete(d, f.context(SimApply.options(START)));
            assertNotEquals(0, f.sudoAny("pi-worker-1", "command -v k3s").exitCode());
            assertNotEquals(0, f.sudoAny("pi-worker-1",
                    "test -e \"$PICTL_ROOT/etc/systemd/system/k3s-agent.service\"").exitCode());
            assertEquals("inactive", f.sudoAny("pi-worker-1", "systemctl is-active k3s-agent").stdout().strip());
            assertNull(f.ready("pi-server-1", "pi-worker-1"));
            Thread.sleep(1500); // a window (several k3s-agent restart ticks) in which it must NOT register again
            assertNull(f.ready("pi-server-1", "pi-worker-1"), "not registered again");
            assertFalse(f.events().contains("node pi-worker-1 registered again"), f.events().toString());
            assertEquals("True", f.ready("pi-server-1", "pi-worker-2"), "the other worker is untouched");
            assertTrue(f.steps.contains("k3s_agent.workers[\"pi-worker-1\"]: drain pi-worker-1"), f.steps.toString());
        }
    }

    @Test
    void deadBoard_isRemovedByDeletingItsNodeThroughTheServer() throws Exception {
        try (SimApply f = SimApply.start(tmp, boards(140, VERSION, false))) {
            joinBoth(f);
            f.node("pi-worker-1").powerOff();
            assertEquals("Unknown", f.ready("pi-server-1", "pi-worker-1"));

            f.plan(description(VERSION, "node.pi-worker-2"));
            ResourceChange d = f.change("k3s_agent.workers[\"pi-worker-1\"]");
            assertEquals(Action.DELETE, d.action());
            new K3sAgentExecutor().delete(d, f.context(SimApply.options(START)));

            assertNull(f.ready("pi-server-1", "pi-worker-1"), "Node deleted through the server");
            assertTrue(f.steps.stream().anyMatch(s -> s.startsWith("k3s_agent.workers[\"pi-worker-1\"]: pi-worker-1 is "
                    + "unreachable (") && s.endsWith("): deleting Node pi-worker-1 through the server only; "
                    + "k3s-agent stays installed on the board")), f.steps.toString());
            assertEquals("True", f.ready("pi-server-1", "pi-worker-2"));
            // Nothing ran on the dead board: its files are as they were (read from its disk, powered off).
            assertTrue(java.nio.file.Files.exists(f.node("pi-worker-1").root()
                    .resolve("etc/systemd/system/k3s-agent.service")));
        }
    }
}
