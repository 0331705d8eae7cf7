package dev.pictl.types.storage;

import static dev.pictl.types.storage.StorageFixtures.PV;
import static dev.pictl.types.storage.StorageFixtures.SC;
import static dev.pictl.types.storage.StorageFixtures.SERVER;
import static dev.pictl.types.storage.StorageFixtures.WORKER;
import static dev.pictl.types.storage.StorageFixtures.pv;
import static dev.pictl.types.storage.StorageFixtures.pvSpec;
import static dev.pictl.types.storage.StorageFixtures.sc;
import static dev.pictl.types.storage.StorageFixtures.server;
import static dev.pictl.types.storage.StorageFixtures.with;
import static dev.pictl.types.storage.StorageFixtures.worker;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pictl.addr.ResourceAddress;
import dev.pictl.cli.view.PlanView;
import dev.pictl.config.Config;
import dev.pictl.diag.Diagnostics;
import dev.pictl.graph.GraphBuilder;
import dev.pictl.graph.ResourceGraph;
import dev.pictl.plan.Action;
import dev.pictl.plan.ActionReason;
import dev.pictl.plan.Differ;
import dev.pictl.plan.Plan;
import dev.pictl.plan.PlanRequest;
import dev.pictl.plan.ResourceChange;
import dev.pictl.probe.ProbeOutcome;
import dev.pictl.state.State;
import dev.pictl.testing.TestContexts;
import dev.pictl.types.ResourceTypes;
import java.nio.file.Path;
import java.util.ArrayList;
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
 * Issue 19, through the real {@link Differ} and {@link PlanView} (fast tier): an address {@code state rm} took out of
 * management is, while the cluster still has it, a no-op with reason {@code not_managed} and no {@code after} (so apply
 * neither changes nor adopts it), whether or not it matches the description; once gone it is a create, as Terraform
 * plans a forgotten resource; it is no unapplied edit for drift; and the plan text says so, with the way back.
 */
@Tag("fast")
class UnmanagedPlanTest {
    @TempDir
    Path tmp;

    private static final ResourceAddress SC_ADDR = ResourceAddress.of(StorageClassType.NAME, "local-storage");
    private static final Map<String, Object> CLASS = Map.of("provisioner", "kubernetes.io/no-provisioner",
            "volumeBindingMode", "WaitForFirstConsumer", "reclaimPolicy", "Delete", "allowVolumeExpansion", true);
    private static final Map<String, Object> VOLUME = pv("data", pvSpec("10Gi", List.of("ReadWriteOnce",
            "ReadOnlyMany"), "Retain", "local-storage", "/mnt/data", WORKER), Map.of("phase", "Available"));

    static Stream<Arguments> rows() {
        return Stream.of(
                Arguments.of("as described", CLASS, Action.NO_OP, ActionReason.NOT_MANAGED),
                Arguments.of("differs (would be a replacement)", with(CLASS, "provisioner", "rancher.io/local-path"),
                        Action.NO_OP, ActionReason.NOT_MANAGED),
                Arguments.of("gone from the cluster", null, Action.CREATE, ActionReason.NOT_PRESENT));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void anUnmanagedClass_isLeftAloneWhileItExists(String name, Map<String, Object> seen, Action action,
                                                   ActionReason reason) {
        Config c = StorageFixtures.config(tmp, SC + PV);
        List<Map<String, Object>> objects = new ArrayList<>(List.of(VOLUME));
        if (seen != null) {
            objects.add(sc("local-storage", seen));
        }
        State state = State.empty().forgetting(List.of(SC_ADDR));
        Plan plan = plan(c, objects, state);
        ResourceChange ch = plan.changes().stream().filter(x -> x.address().equals(SC_ADDR)).findFirst().orElseThrow();
        assertEquals(action, ch.action());
        assertEquals(reason, ch.reason());
        if (reason == ActionReason.NOT_MANAGED) {
            assertNull(ch.after(), "nothing for apply to adopt");
            assertNotNull(ch.before(), "what the cluster shows");
            assertEquals(List.of(), ch.changes());
            assertEquals(List.of(ch), plan.unmanaged());
        } else {
            assertEquals(List.of(), plan.unmanaged());
        }
        // Managed, the same cluster plans it as usual.
        ResourceChange managed = plan(c, objects, State.empty()).changes().stream()
                .filter(x -> x.address().equals(SC_ADDR)).findFirst().orElseThrow();
        assertEquals(seen == null ? Action.CREATE : seen == CLASS ? Action.NO_OP : Action.REPLACE, managed.action());
        assertTrue(managed.after() != null);
    }

    @Test
    void planText_saysNotManaged_andHowToManageItAgain_andDriftHasNoEditForIt() {
        Config c = StorageFixtures.config(tmp, SC + PV);
        State state = State.empty().forgetting(List.of(SC_ADDR));
        String text = new PlanView(false, " -c k").render(plan(c, List.of(VOLUME, sc("local-storage", CLASS)),
                state));
        assertFalse(text.contains("storage_class.local-storage will"), text);
        assertTrue(text.endsWith("\nNot managed: these exist but are not in the state (pictl state rm took them out); "
                + "apply neither changes nor records them:\n  # storage_class.local-storage\nTo manage one again: pictl "
                + "import -c k ADDR. To stop describing it: remove its block from the configuration.\n"), text);

        // With a change besides: the plan's usual text, then the same list.
        String withChanges = new PlanView(false, "").render(plan(c, List.of(sc("local-storage", CLASS)), state));
        assertTrue(withChanges.contains("  # pv.data will be created\n"), withChanges);
        assertTrue(withChanges.indexOf("\nNot managed: ") > withChanges.indexOf("\nPlan: "), withChanges);

        Diagnostics diags = new Diagnostics();
        ResourceGraph graph = GraphBuilder.build(c.instances(), ResourceTypes.standard().all(), diags);
        List<ResourceChange> unapplied = Differ.unapplied(ResourceTypes.standard().kinds(), c, graph, probes(List.of(
                VOLUME, sc("local-storage", CLASS))), state, TestContexts.HASHER);
        assertFalse(unapplied.stream().anyMatch(u -> u.address().equals(SC_ADDR)), unapplied.toString());
    }

    private static Map<String, ProbeOutcome> probes(List<Map<String, Object>> objects) {
        return Map.of(SERVER, new ProbeOutcome.Observed(server(objects)),
                WORKER, new ProbeOutcome.Observed(worker(Map.of("/mnt/data", new PvProbe.PathState(true, false)))));
    }

    private static Plan plan(Config c, List<Map<String, Object>> objects, State state) {
        Diagnostics diags = new Diagnostics();
        ResourceGraph graph = GraphBuilder.build(c.instances(), ResourceTypes.standard().all(), diags);
        assertEquals(List.of(), diags.sorted());
        return Differ.plan(ResourceTypes.standard().kinds(), c, graph, probes(objects), state, TestContexts.HASHER,
                PlanRequest.normal(), "0.0.0-test");
    }
}
