package dev.pictl.types.k3s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pictl.config.Config;
import dev.pictl.config.VariableInputs;
import dev.pictl.diag.Diagnostic;
import dev.pictl.diag.Diagnostics;
import dev.pictl.diag.Severity;
import dev.pictl.engine.Pictl;
import dev.pictl.engine.ValidateRequest;
import dev.pictl.engine.ValidateResult;
import dev.pictl.plan.AttributeChange;
import dev.pictl.plan.kind.PlanContext;
import dev.pictl.probe.NodeObservation;
import dev.pictl.probe.NodeObservation.ServiceState;
import dev.pictl.probe.NodeProbe;
import dev.pictl.probe.ProbeOutcome;
import dev.pictl.resource.ResourceInstance;
import dev.pictl.state.State;
import dev.pictl.testing.TestContexts;
import dev.pictl.types.ResourceTypes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Several servers (issue 14) without a simulator: etcd's quorum arithmetic, the even-count warning, what the planner
 * asks of the servers (cluster-init, tls-san, nodes, api_address; agents through api_address; the one-server form
 * unchanged), and the rule that refuses a change taking a member down while another is down.
 */
@Tag("fast")
class HaServersTest {
    static final String V = "v1.31.4+k3s1";

    @TempDir
    Path dir;

    static Stream<Arguments> quorumTable() {
        // members, down, one more down loses quorum?
        return Stream.of(
                Arguments.of(1, 0, false), Arguments.of(2, 0, false), Arguments.of(3, 0, false),
                Arguments.of(2, 1, true), Arguments.of(3, 1, true), Arguments.of(4, 1, true),
                Arguments.of(5, 1, false), Arguments.of(5, 2, true), Arguments.of(7, 2, false),
                Arguments.of(7, 3, true), Arguments.of(3, 2, true));
    }

    @ParameterizedTest(name = "{0} members, {1} down: one more loses quorum = {2}")
    @MethodSource("quorumTable")
    void oneMoreDown_losesQuorum_exactlyWhenTheMajorityWouldBeGone(int members, int down, boolean loses) {
        assertEquals(loses, HaServers.oneMoreLosesQuorum(members, down));
        assertEquals(members / 2 + 1, HaServers.quorum(members));
    }

    private static String hcl(List<String> servers, String api) {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= 6; i++) {
            b.append("node \"pi-").append(i).append("\" { address = \"192.168.1.").append(10 + i).append("\" }\n");
        }
        b.append("kernel_params \"cg\" {\n  nodes = [node.pi-1, node.pi-2, node.pi-3, node.pi-4, node.pi-5, node.pi-6]\n")
                .append("  add = [\"cgroup_enable=memory\"]\n}\n");
        b.append("k3s_server \"control\" {\n");
        if (servers.size() == 1 && api == null) {
            b.append("  node = node.").append(servers.get(0)).append("\n");
        } else {
            b.append("  nodes = [").append(servers.stream().map(n -> "node." + n).collect(Collectors.joining(", ")))
                    .append("]\n");
        }
        if (api != null) {
            b.append("  api_address = \"").append(api).append("\"\n");
        }
        b.append("  version = \"").append(V).append("\"\n}\n");
        b.append("k3s_agent \"w\" {\n  nodes = [node.pi-6]\n  server = k3s_server.control\n}\n");
        return b.toString();
    }

    private ValidateResult validate(String hcl) throws IOException {
        Files.writeString(dir.resolve("cluster.hcl"), hcl);
        return new Pictl(ResourceTypes.standard()).validate(new ValidateRequest(dir, VariableInputs.none()));
    }

    private Config config(String hcl) throws IOException {
        ValidateResult v = validate(hcl);
        assertTrue(v.ok(), () -> v.diagnostics().sorted().toString());
        return v.config();
    }

    static Stream<Arguments> counts() {
        return Stream.of(Arguments.of(2, true), Arguments.of(3, false), Arguments.of(4, true), Arguments.of(5, false));
    }

    @ParameterizedTest(name = "{0} servers: warning {1}")
    @MethodSource("counts")
    void anEvenNumberOfServers_isAWarning_thatExplainsQuorum(int n, boolean warned) throws IOException {
        List<String> servers = List.of("pi-1", "pi-2", "pi-3", "pi-4", "pi-5").subList(0, n);
        ValidateResult v = validate(hcl(servers, null));
        assertTrue(v.ok(), () -> v.diagnostics().sorted().toString());
        List<Diagnostic> w = v.diagnostics().sorted().stream().filter(d -> d.severity() == Severity.WARNING
                && d.summary().contains("an even number")).toList();
        assertEquals(warned ? 1 : 0, w.size(), v.diagnostics().sorted().toString());
        if (warned) {
            assertTrue(w.get(0).detail().contains("quorum"), w.get(0).detail());
            assertTrue(w.get(0).detail().contains((n / 2 + 1) + " of " + n), w.get(0).detail());
            assertTrue(w.get(0).subject().start().line() > 0, "file:line:col");
        }
    }

    private static PlanContext ctx(Config c, Map<String, ProbeOutcome> probes, Diagnostics d) {
        return new PlanContext(ResourceTypes.standard().kinds(), c, probes, State.empty(), TestContexts.HASHER, d);
    }

    @Test
    void severalServers_desireClusterInit_theirNodes_andTheApiAddressAsTlsSan_agentsJoinIt() throws IOException {
        Config c = config(hcl(List.of("pi-1", "pi-2", "pi-3"), "k3s.home.lan"));
        ResourceInstance server = c.ofType(K3sServerType.NAME).get(0);
        assertEquals("pi-1", server.node(), "the first server is the resource's node");
        Map<String, Object> d = new K3sServerKind().desired(server, ctx(c, Map.of(), new Diagnostics()));
        assertEquals(List.of("pi-1", "pi-2", "pi-3"), d.get("nodes"));
        assertEquals("k3s.home.lan", d.get("api_address"));
        @SuppressWarnings("unchecked")
        Map<String, Object> config = (Map<String, Object>) d.get("config");
        assertEquals("true", config.get("cluster-init"));
        assertEquals(List.of("k3s.home.lan"), config.get("tls-san"));
        assertEquals("pi-1", config.get("node-name"));
        ResourceInstance agent = c.ofType(K3sAgentType.NAME).get(0);
        assertEquals("https://k3s.home.lan:6443",
                new K3sAgentKind().desired(agent, ctx(c, Map.of(), new Diagnostics())).get("server_url"));
        assertEquals(List.of("pi-1", "pi-2", "pi-3", "pi-6"), K3sTopology.clusterNodes(c).stream().sorted().toList());
    }

    @Test
    void theOneServerForm_isUnchanged_noNodesNoApiAddressNoClusterInit() throws IOException {
        Config c = config(hcl(List.of("pi-1"), null));
        Map<String, Object> d = new K3sServerKind().desired(c.ofType(K3sServerType.NAME).get(0),
                ctx(c, Map.of(), new Diagnostics()));
        assertEquals(List.of("node", "version", "running", "config"), List.copyOf(d.keySet()));
        assertEquals(Map.of("node-name", "pi-1"), d.get("config"));
    }

    private static final NodeObservation.Facts FACTS = new NodeObservation.Facts(null, null, null, 0, 0, null, null,
            null, null, null, null, null, null, null, null, null, null);

    private static ProbeOutcome up(String node, boolean k3sActive) {
        return new ProbeOutcome.Observed(NodeObservation.of(node, FACTS).with(NodeProbe.UNITS,
                Map.of("k3s", new ServiceState("k3s", true, k3sActive ? "active" : "failed"))));
    }

    static Stream<Arguments> refusals() {
        // servers, which are down (unreachable: u, k3s stopped: s), changed attribute, refused?
        return Stream.of(
                Arguments.of(3, Map.of(), "version", false),
                Arguments.of(3, Map.of("pi-2", "u"), "version", true),
                Arguments.of(3, Map.of("pi-3", "s"), "config", true),
                Arguments.of(3, Map.of("pi-2", "u"), "running", false),
                Arguments.of(5, Map.of("pi-2", "u"), "version", false),
                Arguments.of(5, Map.of("pi-2", "u", "pi-4", "s"), "version", true));
    }

    @ParameterizedTest(name = "{0} servers, down {1}, {2} changes: refused {3}")
    @MethodSource("refusals")
    void aChangeThatTakesAMemberDown_whileAnotherIsDown_isRefusedWhenQuorumWouldBeLost(int n, Map<String, String> down,
                                                                                     String attribute, boolean refused)
            throws IOException {
        List<String> servers = List.of("pi-1", "pi-2", "pi-3", "pi-4", "pi-5").subList(0, n);
        Config c = config(hcl(servers, null));
        Map<String, ProbeOutcome> probes = new HashMap<>();
        for (String s : servers) {
            if (!"u".equals(down.get(s))) {
                probes.put(s, up(s, !"s".equals(down.get(s))));
            }
        }
        Diagnostics d = new Diagnostics();
        ResourceInstance server = c.ofType(K3sServerType.NAME).get(0);
        Map<String, Object> before = new K3sValues.Server("pi-1", "v1.30.6+k3s1", true, Map.of(), null)
                .withServers(servers, null).canonical();
        HaConfig.quorumRule(server, before, List.of(new AttributeChange(attribute, "a", "b", false, false)),
                ctx(c, probes, d));
        assertEquals(refused, d.hasErrors(), d.sorted().toString());
        if (refused) {
            Diagnostic e = d.sorted().get(0);
            for (String s : down.keySet()) {
                assertTrue(e.summary().contains(s), e.summary());
                assertTrue(e.detail().contains(s + " (" + ("u".equals(down.get(s)) ? "unreachable" : "k3s not running")),
                        e.detail());
            }
            assertTrue(e.summary().contains("lose quorum"), e.summary());
            assertTrue(e.detail().contains("Nothing was changed"), e.detail());
        }
    }

    @Test
    void removingADownMember_isAllowed_removingAHealthyOneWhileAnotherIsDown_isNot() throws IOException {
        List<String> three = List.of("pi-1", "pi-2", "pi-3");
        Map<String, ProbeOutcome> probes = Map.of("pi-1", up("pi-1", true), "pi-3", up("pi-3", true));
        Map<String, Object> before = new K3sValues.Server("pi-1", V, true, Map.of(), null).withServers(three, null)
                .canonical();
        AttributeChange nodes = new AttributeChange("nodes", three, null, false, false);

        Config withoutDown = config(hcl(List.of("pi-1", "pi-3"), null));
        Diagnostics ok = new Diagnostics();
        HaConfig.quorumRule(withoutDown.ofType(K3sServerType.NAME).get(0), before, List.of(nodes), ctx(withoutDown, probes, ok));
        assertFalse(ok.hasErrors(), ok.sorted().toString());

        Config withoutHealthy = config(hcl(List.of("pi-1", "pi-2"), null));
        Diagnostics refused = new Diagnostics();
        HaConfig.quorumRule(withoutHealthy.ofType(K3sServerType.NAME).get(0), before, List.of(nodes),
                ctx(withoutHealthy, probes, refused));
        assertTrue(refused.hasErrors());
        assertTrue(refused.sorted().get(0).detail().contains("removes a healthy server"));
    }

    static Stream<Arguments> conversions() {
        return Stream.of(Arguments.of("v1.21.14+k3s1", true), Arguments.of("v1.22.1+k3s1", true),
                Arguments.of("v1.22.2+k3s1", false), Arguments.of(V, false));
    }

    @ParameterizedTest(name = "sqlite to etcd at {0}: refused {1}")
    @MethodSource("conversions")
    void sqliteToEtcd_onARunningServer_isRefusedBeforeK3sMigratesIt(String version, boolean refused) throws IOException {
        Config c = config(hcl(List.of("pi-1", "pi-2", "pi-3"), null).replace(V, version));
        Map<String, Object> sqlite = new K3sValues.Server("pi-1", version, true, Map.of(), null).canonical();
        Diagnostics d = new Diagnostics();
        HaConfig.conversionRule(c.ofType(K3sServerType.NAME).get(0), sqlite, ctx(c, Map.of(), d));
        assertEquals(refused, d.hasErrors(), d.sorted().toString());
        if (refused) {
            assertTrue(d.sorted().get(0).detail().contains("EMPTY datastore"), d.sorted().get(0).detail());
        }
        Diagnostics already = new Diagnostics();
        HaConfig.conversionRule(c.ofType(K3sServerType.NAME).get(0), new K3sValues.Server("pi-1", version, true,
                Map.of(), null).withServers(List.of("pi-1"), null).canonical(), ctx(c, Map.of(), already));
        assertFalse(already.hasErrors(), "already on etcd: nothing to convert");
    }

    @Test
    void etcdMemberDown_namesTheServer_andWhatIsLeftOfQuorum_onlyForEtcdNodes() {
        List<Map<String, Object>> nodes = List.of(node("pi-1", true, "True"), node("pi-2", true, "Unknown"),
                node("pi-3", true, "True"), node("pi-6", false, "False"));
        List<dev.pictl.probe.Health.Finding> f = dev.pictl.probe.Health.etcdMembersDown(nodes);
        assertEquals(1, f.size(), f.toString());
        assertEquals("pi-2", f.get(0).node());
        assertEquals("etcd_member_down", f.get(0).code());
        assertTrue(f.get(0).message().startsWith("etcd member pi-2 is down"), f.get(0).message());
        assertTrue(f.get(0).message().contains("2 of 3 servers answer, quorum needs 2"), f.get(0).message());
        assertNull(dev.pictl.probe.Health.etcdMembersDown(List.of(node("pi-1", false, "False"))).stream().findFirst().orElse(null));
    }

    private static Map<String, Object> node(String name, boolean etcd, String ready) {
        Map<String, Object> labels = etcd ? Map.of("node-role.kubernetes.io/etcd", "true") : Map.of();
        return Map.of("metadata", Map.of("name", name, "labels", labels),
                "status", Map.of("conditions", List.of(Map.of("type", "Ready", "status", ready))));
    }
}
