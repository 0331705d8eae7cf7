package dev.pictl.types.host;

import static dev.pictl.types.host.HostFakes.attrs;
import static dev.pictl.types.host.HostFakes.facts;
import static dev.pictl.types.host.HostFakes.named;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.pictl.addr.ResourceAddress;
import dev.pictl.config.Config;
import dev.pictl.plan.ActionReason;
import dev.pictl.plan.AttributeChange;
import dev.pictl.plan.kind.Observed;
import dev.pictl.plan.kind.PlanContext;
import dev.pictl.probe.NodeObservation;
import dev.pictl.probe.NodeObservation.KubeSnapshot;
import dev.pictl.probe.NodeProbe;
import dev.pictl.state.ResourceState;
import dev.pictl.state.State;
import dev.pictl.testing.TestContexts;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link NodeKind}'s diff rules as tables (fast tier): the desired names, what an observation of the board's three
 * names reads as, the cordon an unfinished apply left behind ({@value NodeKind#CORDONED_BY_PICTL}) and the reason
 * it gives. pi-1 runs the server; pi-2 is the node planned.
 */
@Tag("fast")
class NodeKindRulesTest {
    private static final String HCL = """
            cluster { name = "t" }
            node "pi-1" { address = "192.168.1.10" }
            node "pi-2" { address = "192.168.1.11" }
            k3s_server "control" {
              node    = node.pi-1
              version = "v1.31.4+k3s1"
            }
            """;
    private static final String NO_SERVER = """
            cluster { name = "t" }
            node "pi-1" { address = "192.168.1.10" }
            node "pi-2" { address = "192.168.1.11" }
            """;
    private static final ResourceAddress PI_2 = ResourceAddress.of(NodeType.NAME, "pi-2");

    @TempDir
    Path tmp;

    private final NodeKind kind = new NodeKind();

    // ------------------------------------------------------------------ observe: the three names

    record ObserveRow(String name, String hostname, String kernel, String hosts, Map<String, Object> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> observeRows() {
        return Stream.of(
                new ObserveRow("all three are the node's name", "pi-2", "pi-2", "pi-2",
                        attrs("address", "192.168.1.11", "hostname", "pi-2", "hosts_entry", "pi-2")),
                new ObserveRow("a fresh board", "raspberrypi", "raspberrypi", "raspberrypi",
                        attrs("address", "192.168.1.11", "hostname", "raspberrypi", "hosts_entry", "raspberrypi")),
                new ObserveRow("/etc/hostname set, the kernel not yet: both shown", "pi-2", "raspberrypi", "pi-2",
                        attrs("address", "192.168.1.11", "hostname", "pi-2 (running: raspberrypi)",
                                "hosts_entry", "pi-2")),
                new ObserveRow("no 127.0.1.1 line", "pi-2", "pi-2", null,
                        attrs("address", "192.168.1.11", "hostname", "pi-2", "hosts_entry", "(none)")),
                new ObserveRow("no /etc/hostname: the missing name shows as null", null, "pi-2", "pi-2",
                        attrs("address", "192.168.1.11", "hostname", "null (running: pi-2)", "hosts_entry", "pi-2")),
                new ObserveRow("nothing readable", null, null, null,
                        attrs("address", "192.168.1.11", "hostname", "null (running: null)",
                                "hosts_entry", "(none)")))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("observeRows")
    void observe_readsTheThreeNames(ObserveRow row) {
        Config config = TestContexts.config(tmp, HCL);
        PlanContext ctx = TestContexts.plan(config, named("pi-1", "pi-1"),
                NodeObservation.of("pi-2", facts(row.hostname(), row.kernel(), row.hosts())));
        Observed o = kind.observe(HostFakes.instance(config, PI_2), null, "pi-2", ctx);
        assertEquals(new Observed.Present(row.expected()), o);
        boolean same = row.expected().entrySet().stream().allMatch(e -> kind.same(e.getKey(),
                kind.desired(HostFakes.instance(config, PI_2), ctx).get(e.getKey()), e.getValue()));
        assertEquals(row.name().startsWith("all three"), same, "only the first row is a no-op");
    }

    @Test
    void observe_unreachableNode_isUnknownWithItsReason() {
        Config config = TestContexts.config(tmp, HCL);
        PlanContext ctx = TestContexts.plan(config, named("pi-1", "pi-1"));
        assertEquals(new Observed.Unknown("pi-2: not probed"),
                kind.observe(HostFakes.instance(config, PI_2), null, "pi-2", ctx));
    }

    @Test
    void observe_nodeOnlyInTheState_takesTheAddressFromTheState() {
        Config config = TestContexts.config(tmp, NO_SERVER);
        ResourceAddress gone = ResourceAddress.of(NodeType.NAME, "pi-9");
        ResourceState prior = ResourceState.of(gone, "pi-9").withAttributes(attrs("address", "10.0.0.9",
                "hostname", "pi-9", "hosts_entry", "pi-9"));
        PlanContext ctx = TestContexts.plan(config, named("pi-9", "pi-9"));
        assertEquals(new Observed.Present(attrs("address", "10.0.0.9", "hostname", "pi-9", "hosts_entry", "pi-9")),
                kind.observe(null, prior, "pi-9", ctx));
    }

    // ------------------------------------------------------------------ the cordon left behind

    /** One way the server's snapshot may show pi-2, and whether that is pictl's leftover cordon. */
    record CordonRow(String name, String config, KubeSnapshot snapshot, boolean serverObserved, boolean leftover) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Map<String, Object> kubeNode(String name, Map<String, Object> annotations, Object unschedulable) {
        Map<String, Object> md = new LinkedHashMap<>();
        md.put("name", name);
        if (annotations != null) {
            md.put("annotations", annotations);
        }
        Map<String, Object> spec = new LinkedHashMap<>();
        if (unschedulable != null) {
            spec.put("unschedulable", unschedulable);
        }
        return attrs("kind", "Node", "metadata", md, "spec", spec);
    }

    private static KubeSnapshot snapshot(Map<String, Object>... nodes) {
        return new KubeSnapshot(List.of(nodes), List.of(), List.of(), null);
    }

    private static final Map<String, Object> MARK = Map.of(NodeKind.CORDON_MARK, "2025-03-01T10:00:00Z");

    @SuppressWarnings("unchecked")
    static Stream<Arguments> cordonRows() {
        return Stream.of(
                new CordonRow("cordoned with pictl's mark: a leftover", HCL,
                        snapshot(kubeNode("pi-1", null, null), kubeNode("pi-2", MARK, true)), true, true),
                new CordonRow("cordoned by a person (no mark): not pictl's business", HCL,
                        snapshot(kubeNode("pi-2", Map.of("team/why", "disk"), true)), true, false),
                new CordonRow("the mark but schedulable again: nothing pending", HCL,
                        snapshot(kubeNode("pi-2", MARK, false)), true, false),
                new CordonRow("the mark, no unschedulable field", HCL,
                        snapshot(kubeNode("pi-2", MARK, null)), true, false),
                new CordonRow("unschedulable as the string \"true\" is not a cordon", HCL,
                        snapshot(kubeNode("pi-2", MARK, "true")), true, false),
                new CordonRow("another node is the one cordoned", HCL,
                        snapshot(kubeNode("pi-1", MARK, true), kubeNode("pi-2", null, null)), true, false),
                new CordonRow("the Node is not registered", HCL, snapshot(kubeNode("pi-1", null, null)), true,
                        false),
                new CordonRow("kubectl failed on the server", HCL,
                        new KubeSnapshot(List.of(kubeNode("pi-2", MARK, true)), List.of(), List.of(),
                                "The connection to the server 127.0.0.1:6443 was refused"), true, false),
                new CordonRow("the server did not answer its probe", HCL, null, false, false),
                new CordonRow("the server was probed without its snapshot", HCL, null, true, false),
                new CordonRow("no k3s_server described: no cluster to look at", NO_SERVER,
                        snapshot(kubeNode("pi-2", MARK, true)), true, false),
                new CordonRow("a Node item without metadata", HCL,
                        new KubeSnapshot(List.of(Map.of("kind", "Node", "spec", Map.of("unschedulable", true))),
                                List.of(), List.of(), null), true, false))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cordonRows")
    void cordonLeftover_desiredAsksFalse_observedShowsTrue_reasonUncordonPending(CordonRow row) {
        Config config = TestContexts.config(tmp, row.config());
        NodeObservation server = named("pi-1", "pi-1");
        if (row.snapshot() != null) {
            server = server.with(NodeProbe.KUBE, row.snapshot());
        }
        PlanContext ctx = row.serverObserved() ? TestContexts.plan(config, server, named("pi-2", "pi-2"))
                : TestContexts.plan(config, named("pi-2", "pi-2"));

        Map<String, Object> base = attrs("address", "192.168.1.11", "hostname", "pi-2", "hosts_entry", "pi-2");
        Map<String, Object> desired = new LinkedHashMap<>(base);
        Map<String, Object> observed = new LinkedHashMap<>(base);
        if (row.leftover()) {
            desired.put(NodeKind.CORDONED_BY_PICTL, false);
            observed.put(NodeKind.CORDONED_BY_PICTL, true);
        }
        assertEquals(desired, kind.desired(HostFakes.instance(config, PI_2), ctx));
        assertEquals(List.copyOf(desired.keySet()),
                List.copyOf(kind.desired(HostFakes.instance(config, PI_2), ctx).keySet()), "attribute order");
        assertEquals(new Observed.Present(observed), kind.observe(HostFakes.instance(config, PI_2), null, "pi-2",
                ctx));
    }

    // ------------------------------------------------------------------ the rest of the contract

    record ReasonRow(String attribute, ActionReason reason) {
    }

    static Stream<Arguments> reasonRows() {
        return Stream.of(new ReasonRow(NodeKind.CORDONED_BY_PICTL, ActionReason.UNCORDON_PENDING),
                new ReasonRow("hostname", null), new ReasonRow("hosts_entry", null), new ReasonRow("address", null),
                new ReasonRow("booted", null)).map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("reasonRows")
    void pendingReason_onlyTheCordonLeftoverIsPending(ReasonRow row) {
        assertEquals(row.reason(), kind.pendingReason(row.attribute()));
    }

    @Test
    void contract_namesCompareExactly_noReboot_noReplace_cordonIsALeftover() {
        assertEquals(NodeType.NAME, kind.type());
        assertEquals(Set.of(NodeKind.CORDONED_BY_PICTL), kind.leftovers());
        assertEquals(Set.of(), kind.replacing());
        assertFalse(kind.same("hostname", "pi-2", "PI-2"), "host names compare exactly");
        assertFalse(kind.same("hostname", "pi-2", "pi-2 (running: raspberrypi)"));
        assertFalse(kind.same(NodeKind.CORDONED_BY_PICTL, false, true));
        assertFalse(kind.reboots(List.of(new AttributeChange("hostname", "raspberrypi", "pi-2", false, false))),
                "a hostname change never reboots");
        assertFalse(kind.unorderedLists());
        assertNull(kind.dataLoss(new Observed.Present(Map.of("hostname", "pi-2"))));
        assertFalse(kind.drainsBeforeDelete());
    }

    @Test
    void desired_withoutAServer_isTheThreeNames_inOrder() {
        Config config = TestContexts.config(tmp, NO_SERVER);
        PlanContext ctx = HostFakes.plan(config, State.empty());
        Map<String, Object> d = kind.desired(HostFakes.instance(config, PI_2), ctx);
        assertEquals(List.of("address", "hostname", "hosts_entry"), List.copyOf(d.keySet()));
        assertEquals(attrs("address", "192.168.1.11", "hostname", "pi-2", "hosts_entry", "pi-2"), d);
    }
}
