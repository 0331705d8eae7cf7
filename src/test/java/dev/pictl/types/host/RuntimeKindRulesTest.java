package dev.pictl.types.host;

import static dev.pictl.types.host.HostFakes.attrs;
import static dev.pictl.types.host.HostFakes.named;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.pictl.addr.ResourceAddress;
import dev.pictl.config.Config;
import dev.pictl.plan.AttributeChange;
import dev.pictl.plan.kind.Observed;
import dev.pictl.probe.NodeObservation;
import dev.pictl.probe.NodeObservation.ServiceState;
import dev.pictl.probe.NodeProbe;
import dev.pictl.resource.ResourceInstance;
import dev.pictl.state.ResourceState;
import dev.pictl.state.State;
import dev.pictl.testing.TestContexts;
import dev.pictl.types.host.RuntimeProbe.PackageState;
import java.nio.file.Path;
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
 * {@link RuntimeKind}'s diff rules as tables (fast tier): the desired attributes (docker.io asked only for docker,
 * or for containerd when pictl installed it), and what the packages and the docker unit observed read as: present,
 * absent (docker asked, never installed), unknown (docker-ce beside it, node unreachable).
 */
@Tag("fast")
class RuntimeKindRulesTest {
    private static final ResourceAddress ADDRESS = ResourceAddress.of(RuntimeType.NAME, "rt", "pi-1");

    @TempDir
    Path tmp;

    private final RuntimeKind kind = new RuntimeKind();

    private Config config(String engine) {
        return TestContexts.config(tmp, """
                cluster { name = "t" }
                node "pi-1" { address = "192.168.1.10" }
                %s "rt" {
                  nodes  = [node.pi-1]
                  engine = "%s"
                }
                """.formatted(RuntimeType.NAME, engine));
    }

    private static State state(String engine) {
        return engine == null ? State.empty() : State.empty().withResource(ResourceState.of(ADDRESS, "pi-1")
                .withAttributes(attrs("engine", engine)));
    }

    // ------------------------------------------------------------------ desired

    record DesiredRow(String name, String engine, String recorded, Map<String, Object> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> desiredRows() {
        return Stream.of(
                new DesiredRow("docker", "docker", null,
                        attrs("engine", "docker", "docker_installed", true, "docker_running", true)),
                new DesiredRow("docker, recorded as containerd", "docker", "containerd",
                        attrs("engine", "docker", "docker_installed", true, "docker_running", true)),
                new DesiredRow("containerd: nothing about docker", "containerd", null, attrs("engine", "containerd")),
                new DesiredRow("containerd, recorded as containerd", "containerd", "containerd",
                        attrs("engine", "containerd")),
                new DesiredRow("containerd after pictl's docker: docker.io must go", "containerd", "docker",
                        attrs("engine", "containerd", "docker_installed", false, "docker_running", false)))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("desiredRows")
    void desired(DesiredRow row) {
        Config config = config(row.engine());
        Map<String, Object> d = kind.desired(HostFakes.instance(config, ADDRESS),
                HostFakes.plan(config, state(row.recorded()), named("pi-1", "pi-1")));
        assertEquals(row.expected(), d);
        assertEquals(List.copyOf(row.expected().keySet()), List.copyOf(d.keySet()));
    }

    // ------------------------------------------------------------------ observe

    /** One row: engine described (null: only in the state as {@code recorded}), what dpkg and systemd show. */
    record ObserveRow(String name, String engine, String recorded, String dockerIo, String dockerCe,
                      String unitState, Observed expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Observed present(String engine, boolean installed, boolean running) {
        return new Observed.Present(attrs("engine", engine, "docker_installed", installed, "docker_running", running));
    }

    static Stream<Arguments> observeRows() {
        String ce = "pi-1: docker-ce 5:27.3.1-1 is installed; pictl manages Debian's docker.io and will not install "
                + "it beside docker-ce. Remove docker-ce, or use engine = \"containerd\"";
        return Stream.of(
                new ObserveRow("docker installed and running", "docker", null, "ii", null, "active",
                        present("docker", true, true)),
                new ObserveRow("docker installed, unit failed", "docker", "docker", "ii", null, "failed",
                        present("docker", true, false)),
                new ObserveRow("docker asked, nothing there, never applied: absent", "docker", null, null, null, null,
                        new Observed.Absent()),
                new ObserveRow("docker asked, nothing there, in the state: present, not installed", "docker",
                        "docker", null, null, null, present("docker", false, false)),
                new ObserveRow("docker.io removed with its configuration left (rc) is not installed", "docker", null,
                        "rc", null, "inactive", new Observed.Absent()),
                new ObserveRow("docker asked, docker-ce there: unknown, saying what to do", "docker", null, "ii", "ii",
                        "active", new Observed.Unknown(ce)),
                new ObserveRow("docker-ce removed (rc) does not count", "docker", null, "ii", "rc", "active",
                        present("docker", true, true)),
                new ObserveRow("containerd, docker-ce there: not pictl's business", "containerd", null, null, "ii",
                        "active", present("containerd", false, true)),
                new ObserveRow("containerd on a clean board", "containerd", null, null, null, null,
                        present("containerd", false, false)),
                new ObserveRow("containerd with docker.io someone installed", "containerd", null, "ii", null, "active",
                        present("containerd", true, true)),
                new ObserveRow("only in the state (being deleted): its recorded engine", null, "docker", "ii", null,
                        "active", present("docker", true, true)))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("observeRows")
    void observe(ObserveRow row) {
        Config config = config(row.engine() == null ? "containerd" : row.engine());
        ResourceInstance instance = row.engine() == null ? null : HostFakes.instance(config, ADDRESS);
        ResourceState prior = row.recorded() == null ? null
                : ResourceState.of(ADDRESS, "pi-1").withAttributes(attrs("engine", row.recorded()));
        Map<String, PackageState> packages = new java.util.LinkedHashMap<>(RuntimeProbe.packages(null));
        if (row.dockerIo() != null) {
            packages.put("docker.io", new PackageState("docker.io", row.dockerIo(), "20.10.24+dfsg1-1+b3"));
        }
        if (row.dockerCe() != null) {
            packages.put("docker-ce", new PackageState("docker-ce", row.dockerCe(), "5:27.3.1-1"));
        }
        NodeObservation o = named("pi-1", "pi-1").with(RuntimeProbe.PACKAGES, Map.copyOf(packages));
        if (row.unitState() != null) {
            o = o.with(NodeProbe.UNITS, Map.of("docker", new ServiceState("docker", true, row.unitState())));
        }
        assertEquals(row.expected(), kind.observe(instance, prior, "pi-1", TestContexts.plan(config, o)));
    }

    @Test
    void observe_withoutThePackagesPart_readsNotInstalled() {
        Config config = config("docker");
        assertEquals(new Observed.Absent(), kind.observe(HostFakes.instance(config, ADDRESS), null, "pi-1",
                TestContexts.plan(config, named("pi-1", "pi-1"))));
        assertEquals(present("docker", false, false), kind.observe(HostFakes.instance(config, ADDRESS),
                ResourceState.of(ADDRESS, "pi-1").withAttributes(attrs("engine", "docker")), "pi-1",
                TestContexts.plan(config, named("pi-1", "pi-1"))));
    }

    @Test
    void observe_unreachable_isUnknown() {
        Config config = config("docker");
        assertEquals(new Observed.Unknown("pi-1: not probed"),
                kind.observe(HostFakes.instance(config, ADDRESS), null, "pi-1", TestContexts.plan(config)));
    }

    @Test
    void contract_exactComparison_noReboot_noReplace_noPendingReason() {
        assertEquals(RuntimeType.NAME, kind.type());
        assertEquals(Set.of(), kind.replacing());
        assertFalse(kind.reboots(List.of(new AttributeChange("engine", "containerd", "docker", false, false))));
        assertFalse(kind.same("engine", "docker", "Docker"));
        assertEquals(null, kind.pendingReason("docker_running"));
        assertEquals(null, kind.pendingReason("engine"));
        assertFalse(kind.unorderedLists());
    }
}
