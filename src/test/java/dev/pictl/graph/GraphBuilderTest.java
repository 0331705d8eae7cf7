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
import dev.pictl.types.ResourceTypes;
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
        return GraphBuilder.build(instances(hcl), ResourceTypes.standard().all(), diags);
    }

    private List<dev.pictl.resource.ResourceInstance> instances(String hcl) throws Exception {
        Path f = dir.resolve("cluster.hcl");
        Files.writeString(f, hcl);
        LoadResult r = ConfigLoader.load(f, VariableInputs.none(), ResourceTypes.standard().catalog());
        assertTrue(r.config() != null && !r.diagnostics().hasErrors(), () -> r.diagnostics().sorted().toString());
        return r.config().instances();
    }

    /** A type by name only: no domain edges of its own. */
    private static GraphType named(String name) {
        return () -> name;
    }

    @Test
    void domainEdges_comeFromTheTypesOnly() throws Exception {
        List<dev.pictl.resource.ResourceInstance> seed = instances(Files.readString(Path.of("examples/seed/cluster.hcl")));
        List<GraphType> bare = ResourceTypes.standard().all().stream().map(t -> named(t.name())).toList();
        ResourceGraph g = GraphBuilder.build(seed, bare, new Diagnostics());
        assertTrue(g.edges().stream().noneMatch(e -> e.kind() == EdgeKind.DOMAIN), fixture(g));

        // One type's own edge, with its reason and range; an edge to a resource not in the graph is dropped.
        GraphType pvAfterNode = new GraphType() {
            @Override
            public String name() {
                return "pv";
            }

            @Override
            public List<Edge> domainEdges(GraphInstances all) {
                var pv = all.ofType("pv").get(0);
                return List.of(Edge.domain(all.ofType("node").get(0).address(), pv.address(), pv.headerRange(), "test"),
                        Edge.domain(dev.pictl.addr.ResourceAddress.of("pv", "nowhere"), pv.address(), pv.headerRange(), "gone"));
            }
        };
        List<GraphType> one = bare.stream().map(t -> t.name().equals("pv") ? pvAfterNode : t).toList();
        List<Edge> domain = GraphBuilder.build(seed, one, new Diagnostics()).edges().stream()
                .filter(e -> e.kind() == EdgeKind.DOMAIN).toList();
        assertEquals(List.of("node.pi-server-1 -> pv.local-pv-1 (test)"),
                domain.stream().map(e -> e.from() + " -> " + e.to() + " (" + e.why() + ")").toList());
    }

    @Test
    void tieBreak_isTheOrderOfTheTypesGiven() throws Exception {
        List<dev.pictl.resource.ResourceInstance> two = instances("""
                node "b" {
                  address = "10.0.0.2"
                }
                storage_class "a" {
                  provisioner = "kubernetes.io/no-provisioner"
                }
                k3s_server "s" {
                  node    = node.b
                  version = "v1.31.4+k3s1"
                }
                kernel_params "k" {
                  nodes = [node.b]
                  add   = ["cgroup_enable=memory"]
                }
                """);
        List<GraphType> standard = ResourceTypes.standard().all().stream().map(t -> named(t.name())).toList();
        assertEquals("[node.b, kernel_params.k[\"b\"], k3s_server.s, storage_class.a]",
                GraphBuilder.build(two, standard, new Diagnostics()).topologicalOrder().toString());
        List<GraphType> reversed = new java.util.ArrayList<>(standard);
        java.util.Collections.reverse(reversed);
        ResourceGraph g = GraphBuilder.build(two, reversed, new Diagnostics());
        assertEquals("[storage_class.a, node.b, k3s_server.s, kernel_params.k[\"b\"]]", g.topologicalOrder().toString());
        assertTrue(g.order().compare(dev.pictl.addr.ResourceAddress.of("pv", "x"),
                dev.pictl.addr.ResourceAddress.of("node", "x")) < 0);
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
