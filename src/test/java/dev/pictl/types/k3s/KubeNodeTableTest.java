package dev.pictl.types.k3s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pictl.addr.ResourceAddress;
import dev.pictl.config.Config;
import dev.pictl.plan.kind.Observed;
import dev.pictl.plan.kind.PlanContext;
import dev.pictl.probe.NodeObservation;
import dev.pictl.probe.NodeProbe;
import dev.pictl.resource.ResourceInstance;
import dev.pictl.state.ResourceState;
import dev.pictl.testing.TestContexts;
import dev.pictl.types.ResourceTypes;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code kube_node}: derived from the node block, ordered after k3s, observed as only the labels and taints pictl
 * manages (declared or recorded), and the kubectl commands that take a Node from one to the other.
 */
@Tag("fast")
class KubeNodeTableTest {
    @TempDir
    Path tmp;

    static final String V = "v1.31.4+k3s1";

    static String hcl(String workerExtra) {
        return """
                node "pi-1" { address = "10.0.0.1" }
                node "pi-2" {
                  address = "10.0.0.2"
                %s
                }
                k3s_server "control" {
                  node    = node.pi-1
                  version = "%s"
                }
                k3s_agent "workers" {
                  nodes  = [node.pi-2]
                  server = k3s_server.control
                }
                """.formatted(workerExtra, V);
    }

    static final String DECLARED = "  labels = { \"disk\" = \"nvme\" }\n  taints = [\"dedicated=db:NoSchedule\"]";

    /** The Node pi-2 as the server's kubectl lists it: k3s's labels, another tool's, and ours. */
    static Map<String, Object> node(Map<String, String> labels, List<Map<String, String>> taints) {
        Map<String, Object> md = new LinkedHashMap<>();
        md.put("name", "pi-2");
        Map<String, String> all = new LinkedHashMap<>(Map.of("kubernetes.io/hostname", "pi-2", "team", "blue"));
        all.putAll(labels);
        md.put("labels", all);
        return Map.of("metadata", md, "spec", Map.of("taints", taints));
    }

    static NodeObservation server(List<Map<String, Object>> nodes) {
        NodeObservation.Facts facts = new NodeObservation.Facts("Raspberry Pi 4 Model B Rev 1.4", "aarch64", "arm64",
                3_884_000, 3_000_000, "debian", "12", "bookworm", "6.6.51+rpt-rpi-v8", "/dev/mmcblk0p2", "sd", "0x0", 45.0,
                "boot-pi-1", "pi-1", "pi-1", "pi-1");
        return NodeObservation.of("pi-1", facts).with(K3sProbe.INSTALL, new K3sProbe.K3sInstall(V, null, null, null))
                .with(NodeProbe.KUBE, new NodeObservation.KubeSnapshot(nodes, List.of(), List.of(), null));
    }

    static Map<String, String> taint(String key, String value, String effect) {
        Map<String, String> t = new LinkedHashMap<>(Map.of("key", key, "effect", effect));
        if (value != null) {
            t.put("value", value);
        }
        return t;
    }

    static Stream<Arguments> observeRows() {
        Map<String, Object> recorded = new K3sValues.KubeNode(Map.of("zone", "a"), List.of("gpu:NoExecute")).canonical();
        return Stream.of(
                Arguments.of("Node not registered yet: absent (set once k3s joined)", server(List.of()), null,
                        new Observed.Absent()),
                Arguments.of("nothing of ours on the Node: empty, others' labels and Kubernetes' taints unseen",
                        server(List.of(node(Map.of(), List.of(taint("node.kubernetes.io/unreachable", null, "NoExecute"))))),
                        null, present(Map.of(), List.of())),
                Arguments.of("a declared label changed by hand shows (drift), its taint too",
                        server(List.of(node(Map.of("disk", "hdd"), List.of(taint("dedicated", "x", "NoSchedule"))))), null,
                        present(Map.of("disk", "hdd"), List.of("dedicated=x:NoSchedule"))),
                Arguments.of("a recorded key no longer declared is still ours: it shows, so the plan removes it",
                        server(List.of(node(Map.of("disk", "nvme", "zone", "a"), List.of(taint("gpu", null, "NoExecute"),
                                taint("dedicated", "db", "NoSchedule"))))), recorded,
                        present(Map.of("disk", "nvme", "zone", "a"), List.of("dedicated=db:NoSchedule", "gpu:NoExecute"))),
                Arguments.of("a taint of the same key with another effect is not ours",
                        server(List.of(node(Map.of("disk", "nvme"), List.of(taint("dedicated", "db", "NoExecute"))))), null,
                        present(Map.of("disk", "nvme"), List.of())),
                Arguments.of("kubectl failed, a record: the record, unverified",
                        NodeObservation.of("pi-1", server(List.of()).facts()).with(K3sProbe.INSTALL,
                                new K3sProbe.K3sInstall(V, null, null, null)).with(NodeProbe.KUBE,
                                new NodeObservation.KubeSnapshot(List.of(), List.of(), List.of(), "refused")), recorded,
                        new Observed.Present(recorded, "not verified: kubectl on pi-1 failed")),
                Arguments.of("a bare server (no k3s yet): absent, so a bare board gets its labels in the same apply",
                        NodeObservation.of("pi-1", server(List.of()).facts()), null, new Observed.Absent()),
                Arguments.of("the server not probed: unknown", null, null, new Observed.Unknown("pi-1: not probed")));
    }

    static Observed present(Map<String, Object> labels, List<String> taints) {
        return new Observed.Present(new K3sValues.KubeNode(labels, taints).canonical());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("observeRows")
    void observe_seesOnlyWhatPictlManages(String name, NodeObservation server, Map<String, Object> recorded,
                                          Observed expected) {
        Config c = TestContexts.config(tmp, hcl(DECLARED));
        ResourceInstance k = c.instance(ResourceAddress.of(KubeNodeType.NAME, "pi-2")).orElseThrow();
        PlanContext ctx = server == null ? TestContexts.plan(c) : TestContexts.plan(c, server);
        ResourceState prior = recorded == null ? null : ResourceState.of(k.address(), "pi-2").withAttributes(recorded);
        assertEquals(expected, new KubeNodeKind().observe(k, prior, "pi-2", ctx));
    }

    @Test
    void derive_oneKubeNodePerNodeThatSetsThem_afterK3sOnIt() {
        Config c = TestContexts.config(tmp, hcl(DECLARED));
        List<ResourceInstance> derived = c.ofType(KubeNodeType.NAME);
        assertEquals(1, derived.size());
        ResourceInstance k = derived.get(0);
        assertEquals("pi-2", k.node());
        assertEquals(new K3sValues.KubeNode(Map.of("disk", "nvme"), List.of("dedicated=db:NoSchedule")).canonical(),
                new KubeNodeKind().desired(k, TestContexts.plan(c)));
        assertEquals(4, k.headerRange().start().line(), "ranges point at the node block's labels");
        var graph = dev.pictl.graph.GraphBuilder.build(c.instances(), ResourceTypes.standard().all(),
                new dev.pictl.diag.Diagnostics());
        assertEquals(List.of("k3s_agent.workers[\"pi-2\"]"),
                graph.dependencies(k.address()).stream().map(Object::toString).toList());
        assertTrue(TestContexts.config(tmp, hcl("")).ofType(KubeNodeType.NAME).isEmpty(), "no labels: no kube_node");
        assertTrue(ResourceTypes.standard().catalog().resource(KubeNodeType.NAME).isEmpty(), "no block keyword");
    }

    static Stream<Arguments> commandRows() {
        return Stream.of(
                Arguments.of("first labels and taints", kn(Map.of(), List.of()),
                        kn(Map.of("disk", "ssd"), List.of("dedicated=db:NoSchedule")),
                        List.of("label node 'pi-2' --overwrite 'disk=ssd'",
                                "taint node 'pi-2' --overwrite 'dedicated=db:NoSchedule'")),
                Arguments.of("changed value, a new key, a key dropped", kn(Map.of("disk", "ssd", "zone", "a"), List.of()),
                        kn(Map.of("disk", "nvme", "rack", "2"), List.of()),
                        List.of("label node 'pi-2' --overwrite 'disk=nvme' 'rack=2' 'zone-'")),
                Arguments.of("a taint's value changes: replaced in place (same key and effect)",
                        kn(Map.of(), List.of("dedicated=db:NoSchedule")), kn(Map.of(), List.of("dedicated=cache:NoSchedule")),
                        List.of("taint node 'pi-2' --overwrite 'dedicated=cache:NoSchedule'")),
                Arguments.of("a taint's effect changes: the old removed, the new added",
                        kn(Map.of(), List.of("dedicated=db:NoSchedule")), kn(Map.of(), List.of("dedicated=db:NoExecute")),
                        List.of("taint node 'pi-2' 'dedicated:NoSchedule-'",
                                "taint node 'pi-2' --overwrite 'dedicated=db:NoExecute'")),
                Arguments.of("everything removed (delete)", kn(Map.of("disk", "ssd"), List.of("gpu:NoExecute")),
                        kn(Map.of(), List.of()),
                        List.of("label node 'pi-2' --overwrite 'disk-'", "taint node 'pi-2' 'gpu:NoExecute-'")),
                Arguments.of("nothing differs: nothing runs", kn(Map.of("disk", "ssd"), List.of("gpu:NoExecute")),
                        kn(Map.of("disk", "ssd"), List.of("gpu:NoExecute")), List.of()));
    }

    static K3sValues.KubeNode kn(Map<String, Object> labels, List<String> taints) {
        return new K3sValues.KubeNode(labels, taints);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("commandRows")
    void commands_changeOnlyWhatDiffers(String name, K3sValues.KubeNode before, K3sValues.KubeNode after,
                                        List<String> expected) {
        assertEquals(expected, KubeNodeExecutor.commands("pi-2", before, after));
    }

    @Test
    void taints_compareAsSets() {
        KubeNodeKind k = new KubeNodeKind();
        assertTrue(k.same("taints", List.of("a:NoSchedule", "b:NoExecute"), List.of("b:NoExecute", "a:NoSchedule")));
        assertTrue(!k.same("labels", Map.of("a", "1"), Map.of("a", "2")));
    }
}
