package dev.pictl.types.k3s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pictl.config.VariableInputs;
import dev.pictl.diag.Diagnostic;
import dev.pictl.engine.Pictl;
import dev.pictl.engine.ValidateRequest;
import dev.pictl.engine.ValidateResult;
import dev.pictl.types.ResourceTypes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code pictl validate} on the small-board settings of issue 20: reserved memory and eviction thresholds, registry
 * mirrors and credentials, node labels and taints. Each row is a description and the diagnostics it must give, as
 * {@code severity line:col summary-fragment}, all of them and nothing else (the seed's advisory included where the
 * server reserves nothing).
 */
@Tag("fast")
class NodeSettingsValidationTest {
    @TempDir
    Path tmp;

    /** A server on pi-1 and an agent on pi-2, the memory cgroup on both; {@code server} and {@code agent} are added. */
    static String hcl(String server, String agent, String nodeExtra) {
        return """
                variable "reg_pw" {
                  sensitive = true
                  default   = "hunter2-NEVER-shown"
                }
                node "pi-1" { address = "10.0.0.1" }
                node "pi-2" {
                  address = "10.0.0.2"
                %s
                }
                kernel_params "cg" {
                  nodes = [node.pi-1, node.pi-2]
                  add   = ["cgroup_enable=memory"]
                }
                k3s_server "control" {
                  node    = node.pi-1
                  version = "v1.31.4+k3s1"
                %s
                }
                k3s_agent "workers" {
                  nodes  = [node.pi-2]
                  server = k3s_server.control
                %s
                }
                """.formatted(nodeExtra, server, agent);
    }

    static final String RESERVED = "  system_reserved = { memory = \"256Mi\" }";
    /** Line numbers in {@link #hcl}: the node's extra line is 8, the server's block 14 (extra line 17), the agent's extra line 22. */
    static final String ADVICE = "warning 14:1 k3s_server.control reserves no memory on pi-1";

    static Stream<Arguments> rows() {
        return Stream.of(
                Arguments.of("nothing reserved: the advisory, at the server's block (only on a description without errors)", hcl("", "", ""),
                        List.of(ADVICE)),
                Arguments.of("memory reserved: no advisory", hcl(RESERVED, "", ""), List.of()),
                Arguments.of("a memory eviction threshold counts as reserving memory",
                        hcl("  eviction_hard = { \"memory.available\" = \"200Mi\", \"nodefs.available\" = \"5%\", "
                                + "\"imagefs.available\" = \"5%\" }", "", ""), List.of()),
                Arguments.of("the passthrough's kubelet-arg counts too",
                        hcl("  config = { \"kubelet-arg\" = [\"system-reserved=memory=300Mi\"] }", "", ""), List.of()),
                Arguments.of("an unknown resource key", hcl("  system_reserved = { ram = \"256Mi\" }", "", ""),
                        List.of("error 17:23 \"ram\" is not a resource the kubelet reserves")),
                Arguments.of("a quantity that is none", hcl(RESERVED, "  kube_reserved = { memory = \"lots\" }", ""),
                        List.of("error 22:30 the value of kube_reserved[\"memory\"] is not a quantity")),
                Arguments.of("a percentage is fine for a signal, not over 100",
                        hcl(RESERVED, "  eviction_hard = { \"nodefs.available\" = \"101%\", \"imagefs.available\" = "
                                + "\"5%\" }", ""),
                        List.of("error 22:42 the value of eviction_hard[\"nodefs.available\"] is not a quantity or "
                                + "percentage")),
                Arguments.of("an unknown eviction signal",
                        hcl(RESERVED, "  eviction_hard = { \"mem.available\" = \"1Gi\", \"nodefs.available\" = \"5%\", "
                                + "\"imagefs.available\" = \"5%\" }", ""),
                        List.of("error 22:21 \"mem.available\" is not a kubelet eviction signal")),
                Arguments.of("eviction_hard without the disk signals: a warning (k3s's set is replaced)",
                        hcl(RESERVED, "  eviction_hard = { \"memory.available\" = \"200Mi\" }", ""),
                        List.of("warning 22:19 k3s_agent.workers: eviction_hard replaces k3s's disk thresholds")),
                Arguments.of("the same kubelet argument as attribute and passthrough",
                        hcl(RESERVED + "\n  config = { \"kubelet-arg\" = \"system-reserved=cpu=1\" }", "", ""),
                        List.of("error 17:21 k3s_server.control sets system-reserved twice")),
                Arguments.of("mirrors and credentials, well formed",
                        hcl(RESERVED, "  registry_mirrors = { \"docker.io\" = [\"http://10.0.0.9:5000\"], \"*\" = "
                                + "\"https://mirror.lan\" }\n  registry_auth = { \"10.0.0.9:5000\" = [\"pi\", var.reg_pw] }",
                                ""), List.of()),
                Arguments.of("a mirror endpoint that is no URL",
                        hcl(RESERVED, "  registry_mirrors = { \"docker.io\" = [\"10.0.0.9:5000\"] }", ""),
                        List.of("error 22:39 a mirror endpoint of \"docker.io\" is not an http or https URL")),
                Arguments.of("a mirror without endpoints",
                        hcl(RESERVED, "  registry_mirrors = { \"docker.io\" = [] }", ""),
                        List.of("error 22:38 the mirror of \"docker.io\" has no endpoint")),
                Arguments.of("a registry name with a path",
                        hcl(RESERVED, "  registry_mirrors = { \"docker.io/library\" = [\"http://m:5000\"] }", ""),
                        List.of("error 22:24 \"docker.io/library\" is not a registry name")),
                Arguments.of("labels and taints, well formed (node-role.kubernetes.io/NAME is the user's)",
                        hcl(RESERVED, "", "  labels = { \"disk\" = \"ssd\", \"example.com/zone\" = \"a-1\", "
                                + "\"node-role.kubernetes.io/worker\" = \"\" }\n  taints = [\"dedicated=db:NoSchedule\", "
                                + "\"gpu:NoExecute\"]"), List.of()),
                Arguments.of("a label key that is no Kubernetes key",
                        hcl(RESERVED, "", "  labels = { \"-disk\" = \"ssd\" }"),
                        List.of("error 8:14 label key \"-disk\" is not a Kubernetes label key")),
                Arguments.of("a label value that is too long",
                        hcl(RESERVED, "", "  labels = { \"disk\" = \"" + "x".repeat(64) + "\" }"),
                        List.of("error 8:23 the value of label \"disk\" is not a Kubernetes label value")),
                Arguments.of("a label Kubernetes owns",
                        hcl(RESERVED, "", "  labels = { \"kubernetes.io/hostname\" = \"x\" }"),
                        List.of("error 8:14 label \"kubernetes.io/hostname\" is not pictl's to set")),
                Arguments.of("the control-plane role k3s sets",
                        hcl(RESERVED, "", "  labels = { \"node-role.kubernetes.io/control-plane\" = \"true\" }"),
                        List.of("error 8:14 label \"node-role.kubernetes.io/control-plane\" is not pictl's to set")),
                Arguments.of("a taint without an effect",
                        hcl(RESERVED, "", "  taints = [\"dedicated=db\"]"),
                        List.of("error 8:13 taint \"dedicated=db\" is not a Kubernetes taint")),
                Arguments.of("a taint with an unknown effect",
                        hcl(RESERVED, "", "  taints = [\"dedicated=db:NoScheduling\"]"),
                        List.of("error 8:13 taint \"dedicated=db:NoScheduling\" is not a Kubernetes taint")),
                Arguments.of("a taint Kubernetes' controllers own",
                        hcl(RESERVED, "", "  taints = [\"node.kubernetes.io/unreachable:NoExecute\"]"),
                        List.of("error 8:13 taint \"node.kubernetes.io/unreachable:NoExecute\" is not pictl's to set")),
                Arguments.of("two taints of one key and effect",
                        hcl(RESERVED, "", "  taints = [\"a=1:NoSchedule\", \"a=2:NoSchedule\"]"),
                        List.of("error 8:31 a second taint a:NoSchedule on node \"pi-2\"")),
                Arguments.of("labels on a node without k3s",
                        hcl(RESERVED, "", "  labels = { \"disk\" = \"ssd\" }").replace("nodes  = [node.pi-2]\n  server",
                                "nodes  = []\n  server"),
                        List.of("error 8:12 node \"pi-2\" sets labels or taints but runs no k3s",
                                "error 20:12 nodes of k3s_agent \"workers\" is empty")),
                Arguments.of("a password written in clear text: a warning",
                        hcl(RESERVED, "  registry_auth = { \"10.0.0.9:5000\" = [\"pi\", \"hunter2-NEVER-shown\"] }", ""),
                        List.of("warning 22:46 a registry password written in clear text in k3s_agent.workers")),
                Arguments.of("credentials that are not a pair; the password is never quoted",
                        hcl(RESERVED, "  registry_auth = { \"10.0.0.9:5000\" = [var.reg_pw] }", ""),
                        List.of("error 22:39 registry_auth needs [username, password] for each host")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void validate_reportsTheSettingsRules(String name, String hcl, List<String> expected) throws IOException {
        Path f = tmp.resolve("cluster.hcl");
        Files.writeString(f, hcl);
        ValidateResult r = new Pictl(ResourceTypes.standard()).validate(new ValidateRequest(f, VariableInputs.none()));
        List<String> seen = r.diagnostics().sorted().stream().map(NodeSettingsValidationTest::brief).toList();
        assertEquals(expected.size(), seen.size(), "diagnostics: " + seen + "\nexpected: " + expected);
        for (int i = 0; i < expected.size(); i++) {
            assertTrue(seen.get(i).startsWith(expected.get(i)), "diagnostic " + i + ": " + seen.get(i)
                    + "\nexpected it to start with: " + expected.get(i));
        }
        for (Diagnostic d : r.diagnostics().sorted()) {
            assertTrue(!(d.summary() + d.detail()).contains("hunter2"), "a password in a diagnostic: " + d);
        }
    }

    private static String brief(Diagnostic d) {
        return d.severity().jsonName() + " " + (d.subject() == null ? "-" : d.subject().start().line() + ":"
                + d.subject().start().column()) + " " + d.summary();
    }
}
