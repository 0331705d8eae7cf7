package dev.pictl.types.k3s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pictl.apply.ApplyContext;
import dev.pictl.apply.ApplyException;
import dev.pictl.apply.Recorded;
import dev.pictl.plan.Action;
import dev.pictl.plan.ResourceChange;
import dev.pictl.sim.NodeSpec;
import dev.pictl.sim.Provision;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import dev.pictl.testing.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link K3sServerExecutor} against simulated boards, every outcome read on the board: {@code k3s --version},
 * {@code systemctl is-active k3s}, config.yaml's content and mode, the unit's env file, the token file,
 * {@code kubectl get nodes} on the server and the simulator's event log. Changes come from real plans.
 */
class K3sServerExecutorTest {
    static final int PORT = 24622;
    static final String OLD = "v1.30.6+k3s1";
    static final String VERSION = "v1.31.4+k3s1";
    static final String TOKEN = "srv-t0ken-NEVER-logged-51c2";

    @TempDir
    Path tmp;

    static String description(String version, String extraConfig) {
        return """
                variable "k3s_token" {
                  sensitive = true
                  default   = null
                }

                node "pi-server-1" { address = "192.168.1.10" }

                kernel_params "cgroups" {
                  nodes = [node.pi-server-1]
                  add   = ["cgroup_memory=1", "cgroup_enable=memory"]
                }

                k3s_server "control" {
                  node    = node.pi-server-1
                  version = "%s"
                  token   = var.k3s_token
                  disable = ["traefik"]
                  config  = { "node-ip" = node.pi-server-1.address%s }
                }
                """.formatted(version, extraConfig);
    }

    static NodeSpec board(int octet, Provision p) {
        return NodeSpec.of("pi-server-1", "127.0.62." + octet, PORT).withAdvertisedAddress("192.168.1.10")
                .withProvision(p);
    }

    @Test
    void install_writesConfigFirst_startsWithoutBlocking_nodeReady_andASecondPlanIsANoOp() throws Exception {
        try (SimApply f = SimApply.start(tmp, List.of(board(10, Provision.prepared())))) {
            f.vars(Map.of("k3s_token", TOKEN));
            ResourceChange c = f.planned(description(VERSION, ""), "k3s_server.control");
            assertEquals(Action.CREATE, c.action());
            Recorded r = new K3sServerExecutor().apply(c, f.context(SimApply.options(Duration.ofSeconds(10))));

            // On the board.
            assertTrue(f.sudo("pi-server-1", "k3s --version").startsWith("k3s version " + VERSION + " "));
            assertEquals("active", f.sudo("pi-server-1", "systemctl is-active k3s").strip());
            assertEquals("600", f.sudo("pi-server-1", "stat -c %a \"$PICTL_ROOT/etc/rancher/k3s/config.yaml\"").strip());
            String yaml = f.sudo("pi-server-1", "cat \"$PICTL_ROOT/etc/rancher/k3s/config.yaml\"");
            assertEquals("""
                    "disable":
                      - "traefik"
                    "node-ip": "192.168.1.10"
                    "node-name": "pi-server-1"
                    "token": "%s"
                    """.formatted(TOKEN), yaml);
            // The bare minimum of script arguments: the unit runs `k3s server`, the env file holds no setting.
            assertTrue(f.sudo("pi-server-1", "cat \"$PICTL_ROOT/etc/systemd/system/k3s.service\"")
                    .contains("/usr/local/bin/k3s \\\n    server \\\n"), "ExecStart runs k3s server");
            String env = f.sudo("pi-server-1", "cat \"$PICTL_ROOT/etc/systemd/system/k3s.service.env\"");
            assertFalse(env.contains("K3S_TOKEN"), env);
            assertTrue(f.sudo("pi-server-1", "cat \"$PICTL_ROOT/var/lib/rancher/k3s/server/token\"").strip()
                    .endsWith("::server:" + TOKEN), "the server runs with the description's token");
            assertEquals("True", f.ready("pi-server-1", "pi-server-1"));
            assertTrue(f.events().contains("k3s started on pi-server-1"), f.events().toString());
            assertFalse(f.events().stream().anyMatch(e -> e.startsWith("k3s restarted")), f.events().toString());
            assertTrue(f.sim.nodes().get(0).sudo("journalctl -u k3s --no-pager").stdout().contains("level=info"));

            // What is recorded: the plan's attributes, the token as a keyed hash only.
            assertFalse(r.attributes().containsKey("token"));
            assertEquals(SimApply.HASHER.hash(TOKEN), r.sensitiveHashes().get("token"));
            assertFalse(r.toString().contains(TOKEN));
            assertEquals(VERSION, r.attributes().get("version"));
            assertTrue(f.steps.stream().noneMatch(s -> s.contains(TOKEN)));

            // The planner agrees nothing is left to do, and applying again restarts nothing.
            ResourceChange again = f.planned(description(VERSION, ""), "k3s_server.control");
            assertEquals(Action.NO_OP, again.action(), () -> again.changes().toString());
            new K3sServerExecutor().apply(again, f.context(SimApply.options(Duration.ofSeconds(10))));
            assertFalse(f.events().stream().anyMatch(e -> e.startsWith("k3s restarted")), f.events().toString());
        }
    }

    @Test
    void install_withoutMemoryCgroup_failsAtTheDeadlineWithK3sOwnError() throws Exception {
        // Hostname set, no cgroup flags booted: k3s exits fatally and systemd restarts it forever.
        try (SimApply f = SimApply.start(tmp, List.of(board(11, Provision.none().withHostname(true))))) {
            ResourceChange c = f.planned(description(VERSION, ""), "k3s_server.control");
            ApplyContext ctx = f.context(SimApply.options(Duration.ofSeconds(3)));
            long t0 = System.nanoTime();
            ApplyException e = assertThrows(ApplyException.class, () -> new K3sServerExecutor().apply(c, ctx));
            long took = Duration.ofNanos(System.nanoTime() - t0).toSeconds();
            assertTrue(took < 20, "returned after " + took + "s");
            String m = e.getMessage();
            // Between two restarts the unit is "activating (auto-restart)"; for a moment of each try "(start)".
            assertTrue(m.matches("(?s)pi-server-1: wait for k3s to be active: k3s is not active after 3s "
                    + "\\(activating \\((auto-restart|start)\\)\\): Error: failed to find memory cgroup \\(v2\\)\n.*"), m);
            assertTrue(m.contains("journalctl -u k3s -n 20 --no-pager:"), m);
            assertTrue(m.contains("Scheduled restart job"), m);
            assertTrue(e.hint().contains("cgroup_enable=memory"), e.hint());

            assertEquals("activating", f.sudoAny("pi-server-1", "systemctl is-active k3s").stdout().strip());
            assertTrue(f.events().stream().anyMatch(ev -> ev.equals(
                    "k3s failed on pi-server-1: Error: failed to find memory cgroup (v2)")), f.events().toString());
        }
    }

    @Test
    void configChange_restartsTheRunningServer() throws Exception {
        Provision p = Provision.prepared().withK3sServer(VERSION, TOKEN)
                .withK3sConfig(Map.of("node-ip", "192.168.1.10", "disable", List.of("traefik")));
        try (SimApply f = SimApply.start(tmp, List.of(board(12, p)))) {
            f.vars(Map.of("k3s_token", TOKEN));
            assertEquals("600", f.sudo("pi-server-1", "stat -c %a \"$PICTL_ROOT/etc/rancher/k3s/k3s.yaml\"").strip());
            ResourceChange c = f.planned(description(VERSION, ", \"write-kubeconfig-mode\" = \"0644\""), "k3s_server.control");
            assertEquals(Action.UPDATE, c.action(), () -> c.changes().toString());
            int before = f.events().size();
            new K3sServerExecutor().apply(c, f.context(SimApply.options(Duration.ofSeconds(10))));

            List<String> ev = f.events().subList(before, f.events().size());
            assertTrue(ev.contains("k3s restarted on pi-server-1"), ev.toString());
            // The new setting is live: k3s rewrote its kubeconfig with the mode config.yaml now asks for.
            assertEquals("644", f.sudo("pi-server-1", "stat -c %a \"$PICTL_ROOT/etc/rancher/k3s/k3s.yaml\"").strip());
            assertTrue(f.sudo("pi-server-1", "cat \"$PICTL_ROOT/etc/rancher/k3s/config.yaml\"")
                    .contains("\"write-kubeconfig-mode\": \"0644\"\n"));
            assertEquals("active", f.sudo("pi-server-1", "systemctl is-active k3s").strip());
            assertEquals("True", f.ready("pi-server-1", "pi-server-1"));
            // Same binary: the install script was not run again.
            assertFalse(f.steps.stream().anyMatch(s -> s.contains("install") || s.contains("upgrade")), f.steps.toString());
        }
    }

    @Test
    void versionBump_upgradesByRerunningTheScript_andRestarts() throws Exception {
        Provision p = Provision.prepared().withK3sServer(OLD, TOKEN)
                .withK3sConfig(Map.of("node-ip", "192.168.1.10", "disable", List.of("traefik")));
        try (SimApply f = SimApply.start(tmp, List.of(board(13, p)))) {
            f.vars(Map.of("k3s_token", TOKEN));
            assertTrue(f.sudo("pi-server-1", "k3s --version").startsWith("k3s version " + OLD));
            ResourceChange c = f.planned(description(VERSION, ""), "k3s_server.control");
            assertEquals(Action.UPDATE, c.action());
            int before = f.events().size();
            new K3sServerExecutor().apply(c, f.context(SimApply.options(Duration.ofSeconds(10))));

            assertTrue(f.sudo("pi-server-1", "k3s --version").startsWith("k3s version " + VERSION + " "));
            JsonNode node = f.kubectlJson("pi-server-1", "get node pi-server-1");
            assertEquals(VERSION, node.path("status").path("nodeInfo").path("kubeletVersion").asText());
            assertEquals("True", f.ready("pi-server-1", "pi-server-1"));
            List<String> ev = f.events().subList(before, f.events().size());
            assertTrue(ev.contains("k3s restarted on pi-server-1"), ev.toString());
            assertTrue(f.steps.contains("k3s_server.control: upgrade k3s " + OLD + " -> " + VERSION), f.steps.toString());
            // The datastore survived: the same token still opens it.
            assertTrue(f.sudo("pi-server-1", "cat \"$PICTL_ROOT/var/lib/rancher/k3s/server/token\"").strip()
                    .endsWith("::server:" + TOKEN));
        }
    }

    @Test
    void tokenChangeOnALiveServer_isRefusedBeforeAnythingIsWritten() throws Exception {
        Provision p = Provision.prepared().withK3sServer(VERSION, TOKEN)
                .withK3sConfig(Map.of("node-ip", "192.168.1.10", "disable", List.of("traefik")));
        try (SimApply f = SimApply.start(tmp, List.of(board(14, p)))) {
            String configBefore = f.sudo("pi-server-1", "cat \"$PICTL_ROOT/etc/rancher/k3s/config.yaml\"");
            f.vars(Map.of("k3s_token", "another-token"));
            ResourceChange c = f.planned(description(VERSION, ""), "k3s_server.control");
            assertTrue(f.change("k3s_server.control").changes().stream().anyMatch(a -> a.name().equals("token")));
            ApplyException e = assertThrows(ApplyException.class,
                    () -> new K3sServerExecutor().apply(c, f.context(SimApply.options(Duration.ofSeconds(5)))));
            assertTrue(e.getMessage().startsWith("pi-server-1: change k3s token: "), e.getMessage());
            assertTrue(e.hint().contains("k3s token rotate"), e.hint());
            assertFalse(e.getMessage().contains("another-token"));
            assertEquals(configBefore, f.sudo("pi-server-1", "cat \"$PICTL_ROOT/etc/rancher/k3s/config.yaml\""));
            assertEquals("active", f.sudo("pi-server-1", "systemctl is-active k3s").strip());
        }
    }

    @Test
    void downgrade_isRefusedBeforeAnythingIsWritten() throws Exception {
        Provision p = Provision.prepared().withK3sServer(VERSION, TOKEN)
                .withK3sConfig(Map.of("node-ip", "192.168.1.10", "disable", List.of("traefik")));
        try (SimApply f = SimApply.start(tmp, List.of(board(16, p)))) {
            f.vars(Map.of("k3s_token", TOKEN));
            String configBefore = f.sudo("pi-server-1", "cat \"$PICTL_ROOT/etc/rancher/k3s/config.yaml\"");
            // The planner reports the downgrade as an error; if the change reaches the executor anyway, it refuses.
            ResourceChange c = f.planned(description(OLD, ", \"write-kubeconfig-mode\" = \"0644\""),
                    "k3s_server.control");
            ApplyException e = assertThrows(ApplyException.class,
                    () -> new K3sServerExecutor().apply(c, f.context(SimApply.options(Duration.ofSeconds(5)))));
            assertEquals("pi-server-1: upgrade k3s server: k3s " + VERSION + " is installed; it cannot be downgraded "
                    + "to " + OLD, e.getMessage());
            assertTrue(f.sudo("pi-server-1", "k3s --version").startsWith("k3s version " + VERSION + " "));
            assertEquals(configBefore, f.sudo("pi-server-1", "cat \"$PICTL_ROOT/etc/rancher/k3s/config.yaml\""));
        }
    }

    @Test
    void connectionLostMidChange_theNodeStillEndsConsistent_configAndRestartTogether() throws Exception {
        Provision p = Provision.prepared().withK3sServer(VERSION, TOKEN)
                .withK3sConfig(Map.of("node-ip", "192.168.1.10", "disable", List.of("traefik")));
        try (SimApply f = SimApply.start(tmp, List.of(board(17, p)))) {
            f.vars(Map.of("k3s_token", TOKEN));
            ResourceChange c = f.planned(description(VERSION, ", \"write-kubeconfig-mode\" = \"0644\""),
                    "k3s_server.control");
            // pictl loses the node (or dies) just after the node-side change starts (with 0 ms the stdin is cut
            // short and nothing changes: also consistent).
            f.node("pi-server-1").dropConnectionOn("pictl-new", Duration.ofMillis(60));
            // On a fast machine the whole change can finish inside those 60 ms: then apply succeeds, and the checks
            // below still hold (both written and restarted). Either way the node must end consistent.
            try {
                new K3sServerExecutor().apply(c, f.context(SimApply.options(Duration.ofSeconds(5))));
            } catch (ApplyException lost) {
                // the expected case: the connection went while the change ran
            }
            f.node("pi-server-1").clearFaults();
            // Whatever still runs on the node finishes; then, either way, the new config.yaml is on disk exactly
            // when k3s was restarted with it (never on disk with the old process still running).
            // The script ends either with both (config written, k3s restarted) or with neither (stdin cut short):
            // wait for both, and past the script's own run time (a few seconds at most) take what is there.
            java.util.function.BooleanSupplier written = () -> f.sudo("pi-server-1",
                    "cat \"$PICTL_ROOT/etc/rancher/k3s/config.yaml\"").contains("\"write-kubeconfig-mode\": \"0644\"\n");
            java.util.function.BooleanSupplier restarted = () -> f.events().contains("k3s restarted on pi-server-1");
            try {
                Await.until("config.yaml written and k3s restarted", Duration.ofSeconds(5),
                        () -> written.getAsBoolean() && restarted.getAsBoolean());
            } catch (AssertionError neither) {
                // the node-side change did not happen: fine, as long as it is neither (checked below)
            }
            boolean w = written.getAsBoolean();
            boolean r = restarted.getAsBoolean();
            assertEquals(w, r, () -> "config written " + w + ", restarted " + r + ": " + f.events());

            // The next plan and apply converge, restarting only if the first attempt did not.
            ResourceChange again = f.planned(description(VERSION, ", \"write-kubeconfig-mode\" = \"0644\""),
                    "k3s_server.control");
            assertEquals(w ? Action.NO_OP : Action.UPDATE, again.action(), () -> again.changes().toString());
            new K3sServerExecutor().apply(again, f.context(SimApply.options(Duration.ofSeconds(5))));
            assertEquals(1, f.events().stream().filter(e -> e.equals("k3s restarted on pi-server-1")).count(),
                    f.events().toString());
            assertEquals("644", f.sudo("pi-server-1", "stat -c %a \"$PICTL_ROOT/etc/rancher/k3s/k3s.yaml\"").strip());
            assertEquals("active", f.sudo("pi-server-1", "systemctl is-active k3s").strip());
        }
    }

    @Test
    void delete_runsTheUninstallScript() throws Exception {
        try (SimApply f = SimApply.start(tmp, List.of(board(15, Provision.prepared())))) {
            ResourceChange c = f.planned(description(VERSION, ""), "k3s_server.control");
            Recorded r = new K3sServerExecutor().apply(c, f.context(SimApply.options(Duration.ofSeconds(10))));
            f.record(c, r);

            // The block leaves the description: the real Differ plans the delete from the state.
            f.plan(description(VERSION, "").replaceAll("(?s)k3s_server \"control\" \\{.*?\\n}\\n", ""));
            ResourceChange d = f.change("k3s_server.control");
            assertEquals(Action.DELETE, d.action());
            new K3sServerExecutor().delete(d, f.context(SimApply.options(Duration.ofSeconds(10))));

            assertNotEquals(0, f.sudoAny("pi-server-1", "command -v k3s").exitCode());
            assertEquals("inactive", f.sudoAny("pi-server-1", "systemctl is-active k3s").stdout().strip());
            assertNotEquals(0, f.sudoAny("pi-server-1", "test -e \"$PICTL_ROOT/etc/rancher/k3s/config.yaml\"").exitCode());
            assertNotEquals(0, f.sudoAny("pi-server-1", "test -e \"$PICTL_ROOT/var/lib/rancher/k3s\"").exitCode());
            assertTrue(f.events().contains("k3s stopped on pi-server-1"), f.events().toString());
            // Idempotent: deleting again finds nothing to do.
            new K3sServerExecutor().delete(d, f.context(SimApply.options(Duration.ofSeconds(10))));
        }
    }
}
