package dev.pictl.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pictl.apply.ApplyHook;
import dev.pictl.apply.ApplyOptions;
import dev.pictl.apply.Executors;
import dev.pictl.config.Config;
import dev.pictl.config.VariableInputs;
import dev.pictl.diag.Diagnostic;
import dev.pictl.diag.Diagnostics;
import dev.pictl.diag.Redactor;
import dev.pictl.diag.Severity;
import dev.pictl.plan.PlanRequest;
import dev.pictl.state.State;
import dev.pictl.transport.NodeTarget;
import dev.pictl.transport.Secrets;
import dev.pictl.transport.TransportSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine reaches nodes only through the {@link TargetResolver} its request carries: plan, drift, apply and
 * kubeconfig ask it for the targets of the validated description, and a refusal stops them before any node is
 * contacted. Every result they return is immutable, with the engine's secrets already taken out.
 */
@Tag("fast")
class TargetResolverTest {
    private static final String SECRET = "s3cret-t0ken-value";

    @TempDir
    Path tmp;

    private Path config;

    @BeforeEach
    void description() throws Exception {
        config = tmp.resolve("cluster");
        Files.createDirectories(config);
        Files.writeString(config.resolve("cluster.hcl"), """
                variable "token" {
                  sensitive = true
                }

                node "pi-1" { address = "10.0.0.1" }
                node "pi-2" { address = "10.0.0.2" }

                k3s_server "control" {
                  node    = node.pi-1
                  version = "v1.30.8+k3s1"
                  token   = var.token
                }
                """);
    }

    /** Refuses every description, naming the secret (as a transport error naming a sensitive address would). */
    private static final class Refusing implements TargetResolver {
        final List<Config> asked = new ArrayList<>();
        final AtomicInteger transports = new AtomicInteger();

        @Override
        public NodeTargets resolve(Config c) {
            asked.add(c);
            return new NodeTargets(List.of(), List.of(new Diagnostic(Severity.ERROR,
                    "refused by the test resolver (" + SECRET + ")", "No node was contacted.", null)));
        }

        @Override
        public Map<String, NodeTarget> formerNodes(Config c, State state, Set<String> known) {
            throw new AssertionError("not asked after a refusal");
        }

        @Override
        public TransportSettings transport(TransportSettings given) {
            transports.incrementAndGet();
            return given;
        }

        @Override
        public String clientHost(NodeTarget target, String address) {
            throw new AssertionError("not asked after a refusal");
        }

        @Override
        public String commandFlag(Path c) {
            return " --test";
        }
    }

    private VariableInputs vars() {
        return new VariableInputs(Map.of("token", SECRET), Map.of(), true);
    }

    private PlanRunRequest run(TargetResolver targets) {
        return new PlanRunRequest(config, vars(), null, targets, PlanRequest.normal(), 2, null, Duration.ofSeconds(5));
    }

    private static void assertRefusedAndFrozen(Refusing r, Diagnostics d, List<String> nodes) {
        assertEquals(1, r.asked.size(), "asked once");
        assertEquals(nodes, r.asked.get(0).ofType("node").stream().map(i -> i.address().name()).toList());
        // the description's own warning (no cgroup flags for k3s) is there too: only errors are compared
        List<String> errors = d.sorted().stream().filter(Diagnostic::isError).map(Diagnostic::summary).toList();
        assertEquals(List.of("refused by the test resolver (" + Redactor.SHOWN + ")"), errors);
        assertFalse(d.sorted().toString().contains(SECRET), "the secret is redacted before the result is made");
        int size = d.sorted().size();
        assertThrows(UnsupportedOperationException.class, () -> d.add(Diagnostic.error(null, "later", "")));
        assertEquals(size, d.sorted().size());
        assertEquals(1, d.errorCount());
    }

    @Test
    void plan_asksTheRequestsResolver_andItsRefusalIsInTheImmutableResult() {
        Refusing r = new Refusing();
        PlanRunResult result = new Pictl().plan(run(r));
        assertNull(result.plan());
        assertFalse(result.ok());
        assertRefusedAndFrozen(r, result.diagnostics(), List.of("pi-1", "pi-2"));
        assertEquals(0, r.transports.get(), "no transport is made after a refusal");
        assertFalse(Files.exists(config.resolve("pictl.state.json")), "plan writes no state");
    }

    @Test
    void drift_asksTheRequestsResolver_andExits1OnItsRefusal() {
        Refusing r = new Refusing();
        DriftRunResult result = new Pictl().drift(new DriftRunRequest(run(r), List.of(), false, false));
        assertNull(result.report());
        assertEquals(1, result.exitCode());
        assertRefusedAndFrozen(r, result.diagnostics(), List.of("pi-1", "pi-2"));
    }

    @Test
    void apply_asksTheRequestsResolver_andNeverAsksForApprovalAfterItsRefusal() {
        Refusing r = new Refusing();
        AtomicInteger approvals = new AtomicInteger();
        ApplyRunResult result = new Pictl().apply(new ApplyRunRequest(run(r), null, ApplyOptions.defaults(),
                dev.pictl.types.ResourceTypes.standard().executors(), (plan, sources) -> approvals.incrementAndGet() > 0, ApplyHook.NONE,
                new AtomicBoolean()));
        assertNull(result.plan());
        assertNull(result.result());
        assertFalse(result.ok());
        assertEquals(0, approvals.get());
        assertRefusedAndFrozen(r, result.diagnostics(), List.of("pi-1", "pi-2"));
    }

    @Test
    void kubeconfig_asksTheResolverForTheServersNodeOnly_andWritesNothingOnItsRefusal() {
        Refusing r = new Refusing();
        Path file = tmp.resolve("kubeconfig");
        KubeconfigResult result = new Pictl().kubeconfig(new KubeconfigRequest(config, vars(), r, null, null, file,
                false, Duration.ofSeconds(5)));
        assertNull(result.written());
        assertRefusedAndFrozen(r, result.diagnostics(), List.of("pi-1"));
        assertEquals(1, r.transports.get(), "the settings come from the resolver");
        assertFalse(Files.exists(file));
    }

    @Test
    void withoutAResolver_theDescriptionsOwnAddressesAreUsed() throws Exception {
        assertSame(TargetResolver.description(), run(null).targets());
        assertSame(TargetResolver.description(), new KubeconfigRequest(config, vars(), null, null, null, null, false,
                Duration.ofSeconds(5)).targets());

        TargetResolver d = TargetResolver.description();
        Config c = new Pictl().validate(new ValidateRequest(config, vars())).config();
        NodeTargets t = d.resolve(c);
        assertTrue(t.ok(), t.diagnostics()::toString);
        assertEquals(List.of("10.0.0.1", "10.0.0.2"), t.targets().stream().map(NodeTarget::host).toList());
        assertEquals("10.0.0.1", d.clientHost(t.targets().get(0), "10.0.0.1"));
        assertEquals("", d.commandFlag(config));
        TransportSettings given = TransportSettings.isolated(tmp.resolve("known_hosts"), "pi", Secrets.none());
        assertSame(given, d.transport(given));
    }

    @Test
    void validateResults_areImmutable_evenWhenTheyHoldErrors() throws Exception {
        Files.writeString(config.resolve("broken.hcl"), "node \"pi-3\" {\n");
        ValidateResult result = new Pictl().validate(new ValidateRequest(config, vars()));
        assertFalse(result.ok());
        long errors = result.diagnostics().errorCount();
        assertTrue(errors > 0);
        assertThrows(UnsupportedOperationException.class,
                () -> result.diagnostics().add(Diagnostic.error(null, "later", "")));
        assertThrows(UnsupportedOperationException.class, () -> result.sources().put("x", "y"));
        assertEquals(errors, result.diagnostics().errorCount());
    }
}
