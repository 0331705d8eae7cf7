package dev.pictl.types.k3s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.pictl.apply.Recorded;
import dev.pictl.config.VariableInputs;
import dev.pictl.drift.DriftReport;
import dev.pictl.engine.DriftRunRequest;
import dev.pictl.engine.DriftRunResult;
import dev.pictl.engine.Pictl;
import dev.pictl.engine.PlanRunRequest;
import dev.pictl.plan.Action;
import dev.pictl.plan.AttributeChange;
import dev.pictl.plan.PlanRequest;
import dev.pictl.plan.ResourceChange;
import dev.pictl.sim.NodeSpec;
import dev.pictl.sim.Provision;
import dev.pictl.simbridge.SimulatorTargets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Node files on simulated boards, through real plans and the real executors: hostile config values land as exactly
 * the declared map (read back with Jackson's YAML parser) and plan as no-ops afterwards; a hand-edited server token in
 * config.yaml is seen by plan and drift; agents join an IPv6 server through a bracketed URL, and the simulated k3s
 * refuses an unbracketed one as real k3s does.
 */
class NodeFilesSimTest {
    static final int PORT = 24711;
    static final String VERSION = "v1.31.4+k3s1";
    static final String TOKEN = "node-files-t0ken-3b7c";
    static final Duration START = Duration.ofSeconds(10);
    static final YAMLMapper YAML = new YAMLMapper();

    /** Values a YAML file splices badly: a newline that adds a key, specials, quotes, unicode, controls. */
    static final List<String> HOSTILE = List.of(
            "--v=2\nwrite-kubeconfig-mode: \"0644\"",
            "a: b # c",
            "---",
            "\"quoted\" 'single' \\back\\slash",
            "é 中文 😀 \u2028 \u0085 \ufeff",
            "\ttab\rcr",
            "\u001b[31mred\u001b[0m",
            "- item",
            "{x: [y]}");

    @TempDir
    Path tmp;

    static String description(String address, String config) {
        return """
                variable "k3s_token" {
                  sensitive = true
                }
                variable "hostile" {}

                node "pi-server-1" { address = "%s" }

                kernel_params "cgroups" {
                  nodes = [node.pi-server-1]
                  add   = ["cgroup_memory=1", "cgroup_enable=memory"]
                }

                k3s_server "control" {
                  node    = node.pi-server-1
                  version = "%s"
                  token   = var.k3s_token
                  disable = ["traefik"]
                  config  = %s
                }
                """.formatted(address, VERSION, config);
    }

    /** A Java string as an HCL string literal. */
    static String hcl(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> b.append(c < 0x20 || c >= 0x7f && c <= 0x9f || c >= 0x2028 && c <= 0x2029 || c == 0xfeff
                        ? String.format("\\u%04X", (int) c) : String.valueOf(c));
            }
        }
        return b.append('"').toString();
    }

    @Test
    @SuppressWarnings("unchecked")
    void hostileConfigValues_landAsExactlyTheDeclaredMap_andTheNextPlanIsANoOp() throws Exception {
        NodeSpec board = NodeSpec.of("pi-server-1", "127.0.111.10", PORT).withAdvertisedAddress("192.168.1.10")
                .withProvision(Provision.prepared());
        String config = "{\n    \"kubelet-arg\" = [" + String.join(", ", HOSTILE.stream().map(NodeFilesSimTest::hcl)
                .toList()) + "]\n    \"kube-apiserver-arg\" = var.hostile\n    \"cluster-domain\" = "
                + hcl(HOSTILE.get(3)) + "\n  }";
        // The variable comes raw from --var, newline and all.
        String fromVar = "x\nwrite-kubeconfig-mode: 0644\ntoken: evil";
        try (SimApply f = SimApply.start(tmp, List.of(board))) {
            f.vars(Map.of("k3s_token", TOKEN, "hostile", fromVar));
            String hcl = description("192.168.1.10", config);
            ResourceChange c = f.planned(hcl, "k3s_server.control");
            assertEquals(Action.CREATE, c.action());
            Recorded r = new K3sServerExecutor().apply(c, f.context(SimApply.options(START)));
            f.record(c, r);

            String yaml = f.sudo("pi-server-1", "cat \"$PICTL_ROOT/etc/rancher/k3s/config.yaml\"");
            Map<String, Object> expected = new TreeMap<>(Map.of(
                    "kubelet-arg", HOSTILE, "kube-apiserver-arg", fromVar, "cluster-domain", HOSTILE.get(3),
                    "disable", List.of("traefik"), "node-name", "pi-server-1", "token", TOKEN));
            assertEquals(expected, new TreeMap<>(YAML.readValue(yaml, Map.class)), yaml);
            // Nothing injected took effect: the admin kubeconfig keeps k3s's 0600, k3s runs with the real token.
            assertEquals("600", f.sudo("pi-server-1", "stat -c %a \"$PICTL_ROOT/etc/rancher/k3s/k3s.yaml\"").strip());
            assertTrue(f.sudo("pi-server-1", "cat \"$PICTL_ROOT/var/lib/rancher/k3s/server/token\"").strip()
                    .endsWith("::server:" + TOKEN));
            assertEquals("active", f.sudo("pi-server-1", "systemctl is-active k3s").strip());

            ResourceChange again = f.planned(hcl, "k3s_server.control");
            assertEquals(Action.NO_OP, again.action(), () -> again.changes().toString());
        }
    }

    @Test
    void aServerTokenEditedByHand_isSeenByPlanAndDrift_andApplyPutsItBack() throws Exception {
        NodeSpec board = NodeSpec.of("pi-server-1", "127.0.111.20", PORT).withAdvertisedAddress("192.168.1.10")
                .withProvision(Provision.prepared());
        String config = "{ \"node-ip\" = node.pi-server-1.address }";
        try (SimApply f = SimApply.start(tmp, List.of(board))) {
            f.vars(Map.of("k3s_token", TOKEN, "hostile", "-"));
            String hcl = description("192.168.1.10", config);
            ResourceChange c = f.planned(hcl, "k3s_server.control");
            Recorded r = new K3sServerExecutor().apply(c, f.context(SimApply.options(START)));
            f.record(c, r);
            assertEquals(Action.NO_OP, f.planned(hcl, "k3s_server.control").action());

            String edited = "hand-edited-0ther-t0ken";
            f.sudo("pi-server-1", "sed -i 's/^\"token\": .*/\"token\": \"" + edited + "\"/' "
                    + "\"$PICTL_ROOT/etc/rancher/k3s/config.yaml\"");

            ResourceChange seen = f.planned(hcl, "k3s_server.control");
            assertEquals(Action.UPDATE, seen.action(), () -> seen.changes().toString());
            AttributeChange cfg = seen.changes().stream().filter(a -> a.name().equals("config")).findFirst()
                    .orElseThrow(() -> new AssertionError(seen.changes().toString()));
            assertTrue(String.valueOf(cfg.before()).contains("(not the server's token)"), cfg.toString());
            assertFalse(seen.toString().contains(edited) || seen.toString().contains(TOKEN), seen.toString());

            DriftRunResult drift = new Pictl().drift(new DriftRunRequest(new PlanRunRequest(f.work,
                    new VariableInputs(Map.of(), Map.of(), false), null, SimulatorTargets.at(f.simDir),
                    PlanRequest.normal(), 8, null, Duration.ofSeconds(30)), List.of(), false, false));
            assertEquals(DriftReport.DRIFT, drift.exitCode(), () -> drift.diagnostics().sorted().toString());
            DriftReport.Drifted d = drift.report().drift().stream()
                    .filter(x -> x.address().toString().equals("k3s_server.control")).findFirst()
                    .orElseThrow(() -> new AssertionError(drift.report().drift().toString()));
            assertTrue(d.attributes().stream().anyMatch(a -> a.name().equals("config")), d.toString());
            assertFalse(drift.report().toString().contains(edited), "drift never shows the token");

            new K3sServerExecutor().apply(seen, f.context(SimApply.options(START)));
            assertTrue(f.sudo("pi-server-1", "cat \"$PICTL_ROOT/etc/rancher/k3s/config.yaml\"")
                    .contains("\"token\": \"" + TOKEN + "\"\n"));
            assertEquals(Action.NO_OP, f.planned(hcl, "k3s_server.control").action());
        }
    }

    @Test
    void agentsJoinAnIpv6Server_throughABracketedUrl_andAnUnbracketedOneIsRefusedAsK3sDoes() throws Exception {
        List<NodeSpec> boards = List.of(
                NodeSpec.of("pi-server-1", "127.0.111.30", PORT).withAdvertisedAddress("fd00::10")
                        .withProvision(Provision.prepared()),
                NodeSpec.of("pi-worker-1", "127.0.111.31", PORT).withAdvertisedAddress("fd00::11")
                        .withProvision(Provision.prepared()));
        String hcl = """
                variable "k3s_token" {
                  sensitive = true
                }
                node "pi-server-1" { address = "fd00::10" }
                node "pi-worker-1" { address = "fd00::11" }
                kernel_params "cgroups" {
                  nodes = [node.pi-server-1, node.pi-worker-1]
                  add   = ["cgroup_enable=memory"]
                }
                k3s_server "control" {
                  node    = node.pi-server-1
                  version = "%s"
                  token   = var.k3s_token
                }
                k3s_agent "workers" {
                  nodes  = [node.pi-worker-1]
                  server = k3s_server.control
                }
                """.formatted(VERSION);
        try (SimApply f = SimApply.start(tmp, boards)) {
            f.vars(Map.of("k3s_token", TOKEN));
            ResourceChange s = f.planned(hcl, "k3s_server.control");
            f.record(s, new K3sServerExecutor().apply(s, f.context(SimApply.options(START))));
            ResourceChange a = f.planned(hcl, "k3s_agent.workers[\"pi-worker-1\"]");
            assertEquals("https://[fd00::10]:6443", a.after().get("server_url"));
            f.record(a, new K3sAgentExecutor().apply(a, f.context(SimApply.options(START))));

            assertTrue(f.sudo("pi-worker-1", "cat \"$PICTL_ROOT/etc/rancher/k3s/config.yaml\"")
                    .contains("\"server\": \"https://[fd00::10]:6443\"\n"));
            assertTrue(f.sudo("pi-worker-1", "cat \"$PICTL_ROOT/etc/systemd/system/k3s-agent.service.env\"")
                    .contains("K3S_URL='https://[fd00::10]:6443'"));
            assertEquals("True", f.ready("pi-server-1", "pi-worker-1"));
            assertEquals(Action.NO_OP, f.planned(hcl, "k3s_agent.workers[\"pi-worker-1\"]").action());

            // The old, unbracketed form: k3s cannot split host and port and exits.
            f.sudo("pi-worker-1", "sed -i 's|\\[fd00::10\\]|fd00::10|' \"$PICTL_ROOT/etc/rancher/k3s/config.yaml\" "
                    + "\"$PICTL_ROOT/etc/systemd/system/k3s-agent.service.env\" && systemctl --no-block restart k3s-agent");
            await(() -> f.sudoAny("pi-worker-1", "journalctl -u k3s-agent --no-pager").stdout()
                    .contains("address fd00::10:6443: too many colons in address"), "k3s-agent refuses the URL");
            assertFalse(f.sudoAny("pi-worker-1", "systemctl is-active k3s-agent").stdout().strip().equals("active"));
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting: " + what);
            }
            Thread.onSpinWait();
            Thread.sleep(50); // polling interval of a condition wait, not a fixed delay
        }
    }
}
