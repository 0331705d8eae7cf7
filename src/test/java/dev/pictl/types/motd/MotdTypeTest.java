package dev.pictl.types.motd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pictl.apply.ApplyHook;
import dev.pictl.apply.ApplyOptions;
import dev.pictl.config.VariableInputs;
import dev.pictl.diag.Diagnostic;
import dev.pictl.engine.ApplyRunRequest;
import dev.pictl.engine.ApplyRunResult;
import dev.pictl.engine.Pictl;
import dev.pictl.engine.PlanRunRequest;
import dev.pictl.engine.PlanRunResult;
import dev.pictl.engine.ValidateRequest;
import dev.pictl.engine.ValidateResult;
import dev.pictl.plan.Action;
import dev.pictl.plan.PlanRequest;
import dev.pictl.plan.ResourceChange;
import dev.pictl.probe.ProbeRequest;
import dev.pictl.schema.ResourceDocs;
import dev.pictl.schema.SchemaGenerator;
import dev.pictl.sim.ClusterSpec;
import dev.pictl.sim.NodeSpec;
import dev.pictl.sim.Provision;
import dev.pictl.sim.SimCluster;
import dev.pictl.sim.SimNode;
import dev.pictl.simbridge.SimulatorTargets;
import dev.pictl.transport.Secrets;
import dev.pictl.transport.TransportSettings;
import dev.pictl.types.ResourceTypes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A resource type is one package and one registry line: {@link MotdType}, defined in test sources only, joins the
 * registry with {@code ResourceTypes.standard().with(new MotdType())} and then validates, appears in the generated
 * schema and reference, probes in the node's one round trip, plans and applies on the simulator.
 */
class MotdTypeTest {
    /** The one registry line. */
    private static final ResourceTypes TYPES = ResourceTypes.standard().with(new MotdType());

    /**
     * A message that would run commands, or break out of its quotes, if it were spliced into the script; what it would
     * run only leaves a file behind, so that a regression shows without harm.
     */
    private static String hostile(Path marker) {
        return "it's $(touch " + marker + ") `touch " + marker + "` \"q\" ; touch " + marker + " #";
    }

    @TempDir
    Path tmp;

    private Path write(String hcl) throws Exception {
        Path dir = tmp.resolve("cluster");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("cluster.hcl"), hcl);
        return dir;
    }

    private static String description(String text) {
        return """
                node "pi-1" { address = "127.0.131.10" }
                node "pi-2" { address = "127.0.131.11" }

                motd "welcome" {
                  nodes = [node.pi-1, node.pi-2]
                  text  = %s
                }
                """.formatted(text);
    }

    private static String quoted(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    @Test
    void validates_withItsOwnRule_andOnlyWithTheRegistryLine() throws Exception {
        Path dir = write(description("\"hello\""));
        ValidateResult ok = new Pictl(TYPES).validate(new ValidateRequest(dir, VariableInputs.none()));
        assertTrue(ok.ok(), () -> ok.diagnostics().sorted().toString());
        assertEquals(2, ok.config().ofType(MotdType.NAME).size(), "one instance per node");

        ValidateResult without = new Pictl().validate(new ValidateRequest(dir, VariableInputs.none()));
        assertFalse(without.ok());
        assertTrue(without.diagnostics().sorted().stream().anyMatch(d -> d.summary().startsWith(
                "unknown block type \"motd\"")), () -> without.diagnostics().sorted().toString());

        Path twoLines = write(description("\"first\\nsecond\""));
        ValidateResult bad = new Pictl(TYPES).validate(new ValidateRequest(twoLines, VariableInputs.none()));
        Diagnostic d = bad.diagnostics().sorted().stream()
                .filter(x -> x.summary().contains("more than one line")).findFirst().orElseThrow();
        assertEquals(6, d.subject().start().line(), "the type's own rule reports at the value's position");
    }

    @Test
    void appearsInTheGeneratedSchemaAndReference_onlyWithTheRegistryLine() {
        String schema = SchemaGenerator.configSchema(TYPES.catalog());
        assertTrue(schema.contains("\"motd\""), "the block is in the schema");
        assertTrue(schema.contains("The message, one line."), "with its attribute's doc");
        assertFalse(SchemaGenerator.configSchema(ResourceTypes.standard().catalog()).contains("\"motd\""));
        String docs = ResourceDocs.markdown(TYPES.catalog());
        assertTrue(docs.contains("/etc/pictl-motd/NAME"), "the block's doc is in the reference");
    }

    @Test
    void itsProbeFragmentRunsInTheNodesOneScript() {
        String script = TYPES.probe().script(ProbeRequest.of("pi-1"));
        assertEquals(1, count(script, "sec motd"), "the fragment once, in the one script");
        assertTrue(script.indexOf("sec motd") < script.indexOf("sec end"));
        assertEquals(0, count(ResourceTypes.standard().probe().script(ProbeRequest.of("pi-1")), "sec motd"));
    }

    private static int count(String text, String what) {
        return text.split(java.util.regex.Pattern.quote(what), -1).length - 1;
    }

    @Test
    void plansAndAppliesOnTheSimulator_inOneProbeRoundTripPerNode() throws Exception {
        Path marker = tmp.resolve("ran");
        String message = hostile(marker);
        Path dir = write(description(quoted(message)));
        List<NodeSpec> boards = List.of(
                NodeSpec.of("pi-1", "127.0.131.10", 24131).withProvision(Provision.none().withHostname(true)),
                NodeSpec.of("pi-2", "127.0.131.11", 24131).withProvision(Provision.none().withHostname(true)));
        try (SimCluster sim = SimCluster.start(ClusterSpec.of(boards), tmp.resolve("sim"))) {
            Pictl pictl = new Pictl(TYPES);
            PlanRunRequest run = new PlanRunRequest(dir, VariableInputs.none(), null,
                    SimulatorTargets.at(sim.stateDir()), PlanRequest.normal(), 4,
                    TransportSettings.isolated(tmp.resolve("known_hosts"), "pi", Secrets.none()),
                    Duration.ofSeconds(30));

            Map<String, Long> before = execs(sim);
            PlanRunResult first = pictl.plan(run);
            assertTrue(first.ok(), () -> first.diagnostics().sorted().toString());
            Map<String, Long> after = execs(sim);
            for (String node : before.keySet()) {
                assertEquals(1, after.get(node) - before.get(node), node + ": the plan is one round trip");
            }
            List<ResourceChange> creates = first.plan().changes().stream()
                    .filter(c -> c.address().type().equals(MotdType.NAME)).toList();
            assertEquals(2, creates.size());
            creates.forEach(c -> assertEquals(Action.CREATE, c.action(), c.address().toString()));
            assertEquals(List.of(), first.plan().changes().stream().filter(ResourceChange::isChange)
                    .filter(c -> !c.address().type().equals(MotdType.NAME)).toList(), "the provisioned nodes match");

            ApplyRunResult applied = pictl.apply(new ApplyRunRequest(run, null, ApplyOptions.defaults(),
                    TYPES.executors(), (plan, sources) -> true, ApplyHook.NONE, new AtomicBoolean()));
            assertTrue(applied.ok(), () -> applied.diagnostics().sorted() + " " + applied.result());
            for (SimNode n : sim.nodes()) {
                Path file = n.root().resolve("etc/pictl-motd/welcome");
                assertEquals(message + "\n", Files.readString(file), n.name() + ": the message, byte for byte");
            }
            assertFalse(Files.exists(marker), "nothing in the message ran");

            PlanRunResult again = pictl.plan(run);
            assertTrue(again.ok(), () -> again.diagnostics().sorted().toString());
            assertFalse(again.plan().hasChanges(), "the second plan finds the messages in place");

            Files.writeString(dir.resolve("cluster.hcl"), description("\"changed\""));
            PlanRunResult edited = pictl.plan(run);
            assertEquals(List.of(Action.UPDATE, Action.UPDATE), edited.plan().changes().stream()
                    .filter(ResourceChange::isChange).map(ResourceChange::action).toList());

            Files.writeString(dir.resolve("cluster.hcl"), description("\"changed\"").replaceAll(
                    "(?s)motd \"welcome\".*", ""));
            ApplyRunResult removed = pictl.apply(new ApplyRunRequest(run, null, ApplyOptions.defaults(),
                    TYPES.executors(), (plan, sources) -> true, ApplyHook.NONE, new AtomicBoolean()));
            assertTrue(removed.ok(), () -> removed.diagnostics().sorted() + " " + removed.result());
            assertEquals(2, removed.result().destroyed());
            for (SimNode n : sim.nodes()) {
                assertFalse(Files.exists(n.root().resolve("etc/pictl-motd/welcome")), n.name());
            }
        }
    }

    private static Map<String, Long> execs(SimCluster sim) {
        return sim.nodes().stream().collect(Collectors.toMap(SimNode::name, SimNode::execCount));
    }
}
