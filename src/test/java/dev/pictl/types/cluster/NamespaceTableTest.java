package dev.pictl.types.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pictl.addr.ResourceAddress;
import dev.pictl.apply.ApplyContext;
import dev.pictl.apply.ApplyException;
import dev.pictl.apply.ApplyHook;
import dev.pictl.config.Config;
import dev.pictl.config.ConfigLoader;
import dev.pictl.config.LoadResult;
import dev.pictl.config.VariableInputs;
import dev.pictl.diag.Diagnostics;
import dev.pictl.graph.GraphBuilder;
import dev.pictl.graph.ResourceGraph;
import dev.pictl.plan.Action;
import dev.pictl.plan.ActionReason;
import dev.pictl.plan.AttributeChange;
import dev.pictl.plan.Differ;
import dev.pictl.plan.Plan;
import dev.pictl.plan.PlanMode;
import dev.pictl.plan.PlanRequest;
import dev.pictl.plan.ResourceChange;
import dev.pictl.plan.kind.Observed;
import dev.pictl.probe.NodeObservation;
import dev.pictl.probe.NodeProbe;
import dev.pictl.probe.ProbeOutcome;
import dev.pictl.state.ResourceState;
import dev.pictl.state.ResourceStatus;
import dev.pictl.state.State;
import dev.pictl.testing.FakeSession;
import dev.pictl.testing.FakeTransport;
import dev.pictl.testing.TestContexts;
import dev.pictl.types.ResourceTypes;
import dev.pictl.types.k3s.K3sProbe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
 * The {@code namespace} type in tables (fast tier): what validation refuses and where; what the planner observes of a
 * Namespace and its policies (only the labels pictl manages, the Pod Security level the three labels agree on, its
 * own default-deny policy and nothing else's); and what the executor runs on the server for each change, with the
 * manifests on kubectl's stdin read back as JSON.
 */
@Tag("fast")
class NamespaceTableTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String SERVER = "pi-server-1";

    static final String BASE = """
            node "pi-server-1" { address = "192.168.1.10" }

            kernel_params "cgroups" {
              nodes = [node.pi-server-1]
              add   = ["cgroup_memory=1", "cgroup_enable=memory"]
            }

            k3s_server "control" {
              node    = node.pi-server-1
              version = "v1.31.4+k3s1"
            }
            """;

    @TempDir
    Path tmp;

    // ------------------------------------------------------------------ validation: at file:line:col

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of("a label key that is not Kubernetes'", """
                        namespace "apps" {
                          labels = { "-bad" = "x" }
                        }""", List.of("14:14 label key \"-bad\" is not a Kubernetes label key")),
                Arguments.of("a Pod Security label written by hand", """
                        namespace "apps" {
                          labels = { "pod-security.kubernetes.io/enforce" = "restricted" }
                        }""", List.of("14:14 label \"pod-security.kubernetes.io/enforce\" is set by pod_security")),
                Arguments.of("Kubernetes' own name label", """
                        namespace "apps" {
                          labels = { "kubernetes.io/metadata.name" = "apps" }
                        }""", List.of("14:14 label \"kubernetes.io/metadata.name\" is not pictl's to set")),
                Arguments.of("a label value with a space", """
                        namespace "apps" {
                          labels = { "team" = "a b" }
                        }""", List.of("14:23 the value of label \"team\" is not a Kubernetes label value")),
                Arguments.of("Kubernetes' own namespace", """
                        namespace "kube-system" {
                        }""", List.of("13:11 namespace \"kube-system\" belongs to Kubernetes")),
                Arguments.of("a name Kubernetes refuses", """
                        namespace "Apps" {
                        }""", List.of("13:11 namespace name \"Apps\" is not a valid Kubernetes namespace name")),
                Arguments.of("a level that is not a standard", """
                        namespace "apps" {
                          pod_security = "strict"
                        }""", List.of("14:18 invalid pod_security \"strict\" in namespace \"apps\"")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void validation_refusesAtTheAttribute(String name, String block, List<String> expected) throws Exception {
        assertEquals(expected, errors(BASE + "\n" + block + "\n"));
    }

    @Test
    void validation_needsAServer() throws Exception {
        assertEquals(List.of("1:1 namespace.apps needs a k3s_server"), errors("namespace \"apps\" {\n}\n"));
    }

    @Test
    void validation_acceptsTheDocumentedExample() throws Exception {
        assertEquals(List.of(), errors(BASE + "\n" + NamespaceType.SCHEMA.example() + "\n"));
    }

    private List<String> errors(String hcl) throws Exception {
        Path f = tmp.resolve("cluster.hcl");
        Files.writeString(f, hcl);
        LoadResult r = ConfigLoader.load(f, VariableInputs.none(), ResourceTypes.standard().catalog());
        List<String> out = new ArrayList<>();
        r.diagnostics().sorted().stream().filter(d -> d.severity().name().equals("ERROR")).forEach(d -> out.add(
                d.subject().location().substring(d.subject().location().indexOf(':') + 1) + " " + d.summary()));
        return out;
    }

    // ------------------------------------------------------------------ observation

    static Map<String, Object> ns(Map<String, String> labels) {
        Map<String, Object> md = new LinkedHashMap<>();
        md.put("name", "apps");
        Map<String, String> all = new LinkedHashMap<>(labels);
        all.put("kubernetes.io/metadata.name", "apps");
        md.put("labels", all);
        return Map.of("apiVersion", "v1", "kind", "Namespace", "metadata", md);
    }

    static Map<String, Object> policy(String namespace, Map<String, String> labels, Map<String, Object> spec) {
        return Map.of("kind", "NetworkPolicy", "metadata", Map.of("name", "default-deny-ingress", "namespace",
                namespace, "labels", labels), "spec", spec);
    }

    static final Map<String, String> PICTL = Map.of("app.kubernetes.io/managed-by", "pictl");
    static final Map<String, Object> DENY = Map.of("podSelector", Map.of(), "policyTypes", List.of("Ingress"));
    static final Map<String, String> RESTRICTED = Map.of("pod-security.kubernetes.io/enforce", "restricted",
            "pod-security.kubernetes.io/audit", "restricted", "pod-security.kubernetes.io/warn", "restricted");

    static NamespaceValues values(Map<String, String> labels, String psa, boolean deny) {
        return new NamespaceValues(labels, psa, deny);
    }

    static Stream<Arguments> observations() {
        Map<String, String> mixed = new LinkedHashMap<>(RESTRICTED);
        mixed.put("pod-security.kubernetes.io/enforce", "privileged");
        Map<String, String> withOthers = new LinkedHashMap<>(RESTRICTED);
        withOthers.put("team", "home");
        withOthers.put("owner", "someone");
        NamespaceValues wanted = values(Map.of("team", "home"), "restricted", true);
        NamespaceValues nothing = values(Map.of(), null, false);
        return Stream.of(
                Arguments.of("as pictl left it; another's label unseen", ns(withOthers),
                        List.of(policy("apps", PICTL, DENY)), wanted, nothing,
                        values(Map.of("team", "home"), "restricted", true), null),
                Arguments.of("one Pod Security label changed by hand: every value shown", ns(mixed), List.of(),
                        wanted, nothing, values(Map.of(), "enforce=privileged, audit=restricted, warn=restricted",
                                false), null),
                Arguments.of("no level declared or recorded: the labels are not pictl's", ns(RESTRICTED), List.of(),
                        values(Map.of(), null, false), nothing, values(Map.of(), null, false), null),
                Arguments.of("a level recorded but no longer declared: read, so the plan removes it", ns(RESTRICTED),
                        List.of(), nothing, values(Map.of(), "restricted", false), values(Map.of(), "restricted",
                                false), null),
                Arguments.of("a label dropped from the block but recorded: still read", ns(Map.of("old", "x")),
                        List.of(), nothing, values(Map.of("old", "x"), null, false),
                        values(Map.of("old", "x"), null, false), null),
                Arguments.of("pictl's policy with a rule added by hand: not what pictl writes", ns(Map.of()),
                        List.of(policy("apps", PICTL, Map.of("podSelector", Map.of(), "policyTypes", List.of("Ingress"),
                                "ingress", List.of(Map.of("from", List.of()))))), wanted, nothing,
                        values(Map.of(), null, false), null),
                Arguments.of("a policy of that name pictl did not create: noted, never read as pictl's",
                        ns(Map.of()), List.of(policy("apps", Map.of(), DENY)), wanted, nothing,
                        values(Map.of(), null, false), "a NetworkPolicy default-deny-ingress that pictl did not create "
                                + "is in the namespace (pictl will not change it)"),
                Arguments.of("pictl's policy in another namespace", ns(Map.of()),
                        List.of(policy("other", PICTL, DENY)), wanted, nothing, values(Map.of(), null, false), null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("observations")
    void observe_seesOnlyWhatPictlManages(String name, Map<String, Object> ns, List<Map<String, Object>> policies,
                                          NamespaceValues wanted, NamespaceValues recorded, NamespaceValues expected,
                                          String note) {
        Observed o = NamespaceKind.observed(ns, policies, wanted, recorded);
        Observed.Present p = (Observed.Present) o;
        assertEquals(expected.canonical(), p.attributes());
        assertEquals(note, p.note());
    }

    // ------------------------------------------------------------------ the plan, through the real Differ

    static final String DECLARED = """
            namespace "apps" {
              labels = {
                "team" = "home"
              }
              pod_security         = "restricted"
              default_deny_ingress = true
            }
            """;

    private Plan plan(String hcl, List<Map<String, Object>> namespaces,
                                     List<Map<String, Object>> policies, State state,
                                     PlanMode mode) {
        Config c = TestContexts.config(tmp, hcl);
        Diagnostics diags = new Diagnostics();
        ResourceGraph graph = GraphBuilder.build(c.instances(),
                ResourceTypes.standard().all(), diags);
        NodeObservation server = NodeObservation.of(SERVER,
                        new NodeObservation.Facts("Raspberry Pi 4 Model B Rev 1.4", "aarch64", "arm64",
                                3_884_000, 3_000_000, "debian", "12", "bookworm", "6.6.51+rpt-rpi-v8", "/dev/mmcblk0p2",
                                "sd", "0x0", 45.0, "boot-1", SERVER, SERVER, SERVER))
                .with(K3sProbe.INSTALL, new K3sProbe.K3sInstall(
                        "v1.31.4+k3s1", null, null, null))
                .with(NodeProbe.KUBE, new NodeObservation.KubeSnapshot(List.of(),
                        List.of(), List.of(), namespaces, policies, null, true));
        return Differ.plan(ResourceTypes.standard().kinds(), c, graph,
                Map.of(SERVER, new ProbeOutcome.Observed(server)), state, TestContexts.HASHER,
                new PlanRequest(mode, List.of(), List.of()), "0.0.0-test");
    }

    private static ResourceChange apps(Plan p) {
        return p.changes().stream().filter(c -> c.address().type().equals(NamespaceType.NAME)).findFirst()
                .orElseThrow();
    }

    static Stream<Arguments> diffs() {
        Map<String, String> applied = new LinkedHashMap<>(RESTRICTED);
        applied.put("team", "home");
        Map<String, String> edited = new LinkedHashMap<>(applied);
        edited.put("team", "away");
        edited.put("pod-security.kubernetes.io/warn", "baseline");
        return Stream.of(
                Arguments.of("absent: created with every attribute", List.of(), List.of(), Action.CREATE,
                        List.of("labels", "pod_security", "default_deny_ingress")),
                Arguments.of("as applied, with another tool's label: nothing to do", List.of(ns(with(applied,
                        "owner", "x"))), List.of(policy("apps", PICTL, DENY)), Action.NO_OP, List.of()),
                Arguments.of("a label and a Pod Security mode edited, the policy gone: updated in place",
                        List.of(ns(edited)), List.of(), Action.UPDATE,
                        List.of("labels", "pod_security", "default_deny_ingress")));
    }

    static Map<String, String> with(Map<String, String> m, String k, String v) {
        Map<String, String> out = new LinkedHashMap<>(m);
        out.put(k, v);
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("diffs")
    void diff_actionAndChangedAttributes(String name, List<Map<String, Object>> namespaces,
                                         List<Map<String, Object>> policies, Action action, List<String> changed) {
        ResourceChange c = apps(plan(BASE + "\n" + DECLARED, namespaces, policies, State.empty(),
                PlanMode.NORMAL));
        assertEquals(action, c.action());
        assertEquals(changed, c.changes().stream().map(AttributeChange::name).toList());
        assertTrue(c.changes().stream().noneMatch(AttributeChange::forcesReplacement));
        assertEquals(null, c.dataLoss());
    }

    @Test
    void destroy_isDeleteWithDataLoss() {
        State state = State.empty().withResource(new ResourceState(
                ResourceAddress.of(NamespaceType.NAME, "apps"), null, values(Map.of("team", "home"), "restricted",
                true).canonical(), Map.of(), List.of(), "", ResourceStatus.OK));
        ResourceChange c = apps(plan(BASE + "\n" + DECLARED, List.of(ns(Map.of("team", "home"))), List.of(), state,
                PlanMode.DESTROY));
        assertEquals(Action.DELETE, c.action());
        assertEquals("deleting a namespace deletes every object in it (pods, claims, secrets)", c.dataLoss());
    }

    @Test
    void deleting_isDataLoss() {
        assertTrue(new NamespaceKind().dataLoss(new Observed.Present(Map.of()))
                .contains("deletes every object in it"));
    }

    // ------------------------------------------------------------------ the executor's commands

    private final FakeTransport transport = new FakeTransport();
    private final FakeSession server = transport.node(SERVER);
    private final List<String> progress = new ArrayList<>();

    private ApplyContext context() {
        ApplyHook hook = new ApplyHook() {
            @Override
            public void step(ResourceAddress address, String step) {
                progress.add(step);
            }
        };
        return TestContexts.apply(transport, TestContexts.config(tmp, BASE + "\nnamespace \"apps\" {\n}\n"), hook);
    }

    static ResourceChange change(Action action, NamespaceValues before, NamespaceValues after) {
        return new ResourceChange(ResourceAddress.of(NamespaceType.NAME, "apps"), null, action,
                action == Action.CREATE ? ActionReason.NOT_PRESENT : action == Action.DELETE
                        ? ActionReason.REMOVED_FROM_CONFIG : ActionReason.ATTRIBUTE_CHANGED,
                before == null ? null : before.canonical(), after == null ? null : after.canonical(), Set.of(),
                List.of(), false, false, null, "", List.of());
    }

    static final String GET_POLICY = "k3s kubectl get networkpolicy 'default-deny-ingress' -n 'apps' -o json";

    static Stream<Arguments> scripts() {
        NamespaceValues restricted = values(Map.of("team", "home"), "restricted", true);
        return Stream.of(
                Arguments.of("create: the Namespace with every label in one object, then the policy", Action.CREATE,
                        null, restricted, List.of("k3s kubectl apply -f -", GET_POLICY, "k3s kubectl apply -f -")),
                Arguments.of("update: only the labels that differ, one command", Action.UPDATE,
                        values(Map.of("team", "other", "old", "x"), "restricted", true),
                        values(Map.of("team", "home", "new", "y"), "restricted", true),
                        List.of("k3s kubectl label namespace 'apps' --overwrite 'new=y' 'team=home' 'old-'")),
                Arguments.of("a level changed by hand: all three labels set again", Action.UPDATE,
                        values(Map.of(), "enforce=privileged, audit=restricted, warn=restricted", false),
                        values(Map.of(), "restricted", false),
                        List.of("k3s kubectl label namespace 'apps' --overwrite "
                                + "'pod-security.kubernetes.io/enforce=restricted' "
                                + "'pod-security.kubernetes.io/audit=restricted' "
                                + "'pod-security.kubernetes.io/warn=restricted'")),
                Arguments.of("the level dropped: its labels removed; the policy too", Action.UPDATE,
                        values(Map.of(), "baseline", true), values(Map.of(), null, false),
                        List.of("k3s kubectl label namespace 'apps' --overwrite "
                                + "'pod-security.kubernetes.io/enforce-' 'pod-security.kubernetes.io/audit-' "
                                + "'pod-security.kubernetes.io/warn-'",
                                "k3s kubectl delete networkpolicy 'default-deny-ingress' -n 'apps' --ignore-not-found")),
                Arguments.of("delete: the namespace, waiting for what it holds", Action.DELETE, restricted, null,
                        List.of("k3s kubectl delete namespace 'apps' --ignore-not-found --timeout=300s")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scripts")
    void eachChange_runsTheseCommandsOnTheServer_asRoot(String name, Action action, NamespaceValues before,
                                                       NamespaceValues after, List<String> expected) throws Exception {
        server.when("get networkpolicy").fail(1, "Error from server (NotFound): networkpolicies.networking.k8s.io "
                + "\"default-deny-ingress\" not found\n");
        server.otherwise(0, "ok\n", "");
        if (action == Action.DELETE) {
            new NamespaceExecutor().delete(change(action, before, null), context());
        } else {
            new NamespaceExecutor().apply(change(action, before, after), context());
        }
        assertEquals(expected, server.scripts(), server::describe);
        assertTrue(server.ran().stream().allMatch(FakeSession.Ran::asRoot), server::describe);
    }

    @Test
    void create_sendsTheManifestsOnStdin() throws Exception {
        server.when("get networkpolicy").fail(1, "Error from server (NotFound)\n");
        server.otherwise(0, "created\n", "");
        new NamespaceExecutor().apply(change(Action.CREATE, null, values(Map.of("it's", "a\"b"), "baseline", true)),
                context());
        List<FakeSession.Ran> applies = server.ran("apply -f -");
        assertEquals(2, applies.size(), server::describe);
        assertEquals(JSON.readTree("""
                {"apiVersion":"v1","kind":"Namespace","metadata":{"name":"apps","labels":{
                  "it's":"a\\"b","pod-security.kubernetes.io/audit":"baseline",
                  "pod-security.kubernetes.io/enforce":"baseline","pod-security.kubernetes.io/warn":"baseline"}}}"""),
                JSON.readTree(applies.get(0).stdin()));
        assertEquals(JSON.readTree("""
                {"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy",
                 "metadata":{"name":"default-deny-ingress","namespace":"apps",
                             "labels":{"app.kubernetes.io/managed-by":"pictl"}},
                 "spec":{"podSelector":{},"policyTypes":["Ingress"]}}"""), JSON.readTree(applies.get(1).stdin()));
    }

    @Test
    void pictlsPolicyEditedByHand_isReplacedNotMerged() throws Exception {
        server.when("get networkpolicy").answer("{\"kind\":\"NetworkPolicy\",\"metadata\":{\"name\":"
                + "\"default-deny-ingress\",\"namespace\":\"apps\",\"labels\":{\"app.kubernetes.io/managed-by\":"
                + "\"pictl\"}},\"spec\":{\"podSelector\":{},\"ingress\":[{}]}}");
        server.otherwise(0, "networkpolicy.networking.k8s.io/default-deny-ingress replaced\n", "");
        new NamespaceExecutor().apply(change(Action.UPDATE, values(Map.of(), null, false), values(Map.of(), null, true)),
                context());
        assertEquals(List.of(GET_POLICY, "k3s kubectl replace -f -"), server.scripts(), server::describe);
        assertEquals(JSON.readTree(NamespaceExecutor.policyManifest("apps")),
                JSON.readTree(server.assertRan("replace -f -").stdin()));
    }

    @Test
    void aPolicyPictlDidNotCreate_isRefusedNotTakenOver() throws Exception {
        server.when("get networkpolicy").answer("{\"kind\":\"NetworkPolicy\",\"metadata\":{\"name\":"
                + "\"default-deny-ingress\",\"namespace\":\"apps\",\"labels\":{\"team\":\"net\"}}}");
        server.otherwise(0, "ok\n", "");
        ApplyException e = assertThrows(ApplyException.class, () -> new NamespaceExecutor().apply(
                change(Action.UPDATE, values(Map.of(), null, false), values(Map.of(), null, true)), context()));
        assertTrue(e.getMessage().startsWith("pi-server-1: apply NetworkPolicy default-deny-ingress in apps: refused: "
                + "a NetworkPolicy default-deny-ingress that pictl did not create is in namespace apps"),
                e.getMessage());
        server.assertNotRan("apply -f -");
    }
}
