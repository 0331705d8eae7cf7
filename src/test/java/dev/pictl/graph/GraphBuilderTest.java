package dev.pictl.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pictl.config.ConfigLoader;
import dev.pictl.config.LoadResult;
import dev.pictl.config.VariableInputs;
import dev.pictl.diag.Diagnostic;
import dev.pictl.diag.Diagnostics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Graph construction, checked against ASCII fixtures: one line per edge, {@code from -> to}, in graph order.
 */
@Tag("fast")
class GraphBuilderTest {
    @TempDir
    Path dir;

    private ResourceGraph graph(String hcl, Diagnostics diags) throws Exception {
        Path f = dir.resolve("cluster.hcl");
        Files.writeString(f, hcl);
        LoadResult r = ConfigLoader.load(f, VariableInputs.none());
        assertTrue(r.config() != null && !r.diagnostics().hasErrors(), () -> r.diagnostics().sorted().toString());
        return GraphBuilder.build(r.config().instances(), diags);
    }

    private static String fixture(ResourceGraph g) {
        return g.edges().stream().map(e -> e.from() + " -> " + e.to() + (e.kind() == EdgeKind.REFERENCE ? ""
                : " (" + e.kind().name().toLowerCase() + ")")).collect(Collectors.joining("\n"));
    }

    @Test
    void graph_ordersSeedClusterByDomain() throws Exception {
        ResourceGraph g = graph(Files.readString(Path.of("examples/seed/cluster.hcl")), new Diagnostics());
        assertNotNull(g);
        String edges = fixture(g);
        for (String expected : List.of(
                "node.pi-worker-1 -> kernel_params.cgroups[\"pi-worker-1\"]",
                "kernel_params.cgroups[\"pi-worker-1\"] -> runtime.docker[\"pi-worker-1\"] (domain)",
                "runtime.docker[\"pi-server-1\"] -> k3s_server.control (domain)",
                "runtime.docker[\"pi-worker-2\"] -> k3s_agent.workers[\"pi-worker-2\"] (domain)",
                "k3s_server.control -> k3s_agent.workers[\"pi-worker-3\"]",
                "k3s_server.control -> storage_class.local-storage (domain)",
                "storage_class.local-storage -> pv.local-pv-1",
                "k3s_agent.workers[\"pi-worker-1\"] -> pv.local-pv-1 (domain)")) {
            assertTrue(edges.contains(expected), "missing edge " + expected + " in\n" + edges);
        }
        // A per-node instance depends on its own node only.
        assertTrue(!edges.contains("node.pi-worker-2 -> kernel_params.cgroups[\"pi-worker-1\"]"), edges);
    }

    @Test
    void graph_levelsGroupWhatCanRunInParallel() throws Exception {
        ResourceGraph g = graph("""
                node "a" { address = "10.0.0.1" }
                node "b" { address = "10.0.0.2" }
                kernel_params "k" {
                  nodes = [node.a, node.b]
                  add   = ["cgroup_enable=memory"]
                }
                k3s_server "s" {
                  node    = node.a
                  version = "v1.31.4+k3s1"
                }
                k3s_agent "w" {
                  nodes  = [node.b]
                  server = k3s_server.s
                }
                """, new Diagnostics());
        String levels = g.levels().stream().map(l -> l.stream().map(Object::toString).collect(Collectors.joining(" ")))
                .collect(Collectors.joining("\n"));
        assertEquals("""
                node.a node.b
                kernel_params.k["a"] kernel_params.k["b"]
                k3s_server.s
                k3s_agent.w["b"]""", levels);
        assertEquals(List.of("node.a", "node.b", "kernel_params.k[\"a\"]", "kernel_params.k[\"b\"]", "k3s_server.s",
                "k3s_agent.w[\"b\"]"), g.topologicalOrder().stream().map(Object::toString).toList());
    }

    @Test
    void graph_reportsDependsOnCycleWithEveryEdgeAndItsSource() throws Exception {
        Diagnostics d = new Diagnostics();
        ResourceGraph g = graph("""
                node "a" {
                  address    = "10.0.0.1"
                  depends_on = [k3s_server.s]
                }
                kernel_params "k" {
                  nodes = [node.a]
                  add   = ["cgroup_enable=memory"]
                }
                k3s_server "s" {
                  node    = node.a
                  version = "v1.31.4+k3s1"
                }
                """, d);
        assertNull(g);
        List<Diagnostic> errors = d.sorted();
        assertEquals(1, errors.size(), errors.toString());
        Diagnostic cycle = errors.get(0);
        assertTrue(cycle.summary().startsWith("dependency cycle: node.a -> "), cycle.summary());
        assertEquals(3, cycle.subject().start().line(), "reported at the depends_on entry");
        assertTrue(cycle.detail().contains("k3s_server.s -> node.a  (depends_on, "), cycle.detail());
        assertTrue(cycle.detail().contains("node.a -> k3s_server.s  (refers to it in node, "), cycle.detail());
    }

    @Test
    void graph_dependsOnWholeBlockMeansEveryInstance() throws Exception {
        ResourceGraph g = graph("""
                node "a" { address = "10.0.0.1" }
                node "b" { address = "10.0.0.2" }
                runtime "d" {
                  nodes  = [node.a, node.b]
                  engine = "docker"
                }
                node "c" {
                  address    = "10.0.0.3"
                  depends_on = [runtime.d]
                }
                """, new Diagnostics());
        String edges = fixture(g);
        assertTrue(edges.contains("runtime.d[\"a\"] -> node.c (depends_on)"), edges);
        assertTrue(edges.contains("runtime.d[\"b\"] -> node.c (depends_on)"), edges);
    }

    @Test
    void graph_attributeReferenceIsAnEdge() throws Exception {
        ResourceGraph g = graph("""
                node "a" { address = "10.0.0.1" }
                node "b" {
                  address = "10.0.0.2"
                  ssh {
                    jump_host = node.a.address
                  }
                }
                """, new Diagnostics());
        assertEquals("node.a -> node.b", fixture(g));
    }

    @Test
    void dot_and_mermaid_renderEveryEdge() throws Exception {
        ResourceGraph g = graph(Files.readString(Path.of("examples/minimal/cluster.hcl")), new Diagnostics());
        assertEquals("""
                digraph pictl {
                  rankdir = "LR";
                  node [shape = "box", fontname = "Helvetica"];
                  "node.pi";
                  "kernel_params.cgroups[\\"pi\\"]";
                  "k3s_server.main";
                  "node.pi" -> "kernel_params.cgroups[\\"pi\\"]";
                  "node.pi" -> "k3s_server.main";
                  "kernel_params.cgroups[\\"pi\\"]" -> "k3s_server.main" [style = "dashed"];
                }
                """, GraphFormat.dot(g));
        assertEquals("""
                flowchart LR
                  r0["node.pi"]
                  r1["kernel_params.cgroups[#quot;pi#quot;]"]
                  r2["k3s_server.main"]
                  r0 --> r1
                  r0 --> r2
                  r1 -.-> r2
                """, GraphFormat.mermaid(g));
    }
}
