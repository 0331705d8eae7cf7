package dev.pictl.types.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.pictl.addr.ResourceAddress;
import dev.pictl.config.Config;
import dev.pictl.plan.kind.PlanContext;
import dev.pictl.state.ResourceState;
import dev.pictl.state.State;
import dev.pictl.testing.TestContexts;
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
 * {@link HostValues}: the one definition of a node's, its kernel parameters' and its runtime's values (fast tier).
 * Each record reads back from its canonical map, the map's keys come in the documented order with absent values left
 * out, and the kinds' {@code desired()} is exactly a record's canonical map.
 */
@Tag("fast")
class HostValuesTest {
    @TempDir
    Path tmp;

    static Stream<Arguments> nodes() {
        return Stream.of(
                Arguments.of(new HostValues.Node("192.168.1.10", "pi-1", "pi-1", null),
                        List.of("address", "hostname", "hosts_entry")),
                Arguments.of(new HostValues.Node("192.168.1.10", "pi-1", "pi-1", false),
                        List.of("address", "hostname", "hosts_entry", NodeKind.CORDONED_BY_PICTL)),
                Arguments.of(new HostValues.Node("10.0.0.2", "raspberrypi (running: pi-1)", "(none)", true),
                        List.of("address", "hostname", "hosts_entry", NodeKind.CORDONED_BY_PICTL)),
                Arguments.of(new HostValues.Node(null, "pi-1", "pi-1", null), List.of("hostname", "hosts_entry")));
    }

    @ParameterizedTest
    @MethodSource("nodes")
    void node_readsBackFromItsCanonicalMap(HostValues.Node n, List<String> keys) {
        Map<String, Object> canonical = n.canonical();
        assertEquals(keys, new ArrayList<>(canonical.keySet()));
        assertEquals(n, HostValues.Node.of(canonical));
        assertEquals(canonical, HostValues.Node.of(canonical).canonical());
    }

    static Stream<Arguments> kernelParams() {
        return Stream.of(
                Arguments.of(new HostValues.KernelParams(List.of("cgroup_enable=memory", "cgroup_memory=1"),
                        List.of("quiet"), true, null), List.of("add", "remove", "booted")),
                Arguments.of(new HostValues.KernelParams(List.of(), List.of(), false, "/boot/firmware/cmdline.txt"),
                        List.of("add", "remove", "booted", "cmdline_file")),
                Arguments.of(new HostValues.KernelParams(List.of("console=serial0,115200"), List.of(), true,
                        "/boot/cmdline.txt"), List.of("add", "remove", "booted", "cmdline_file")),
                Arguments.of(new HostValues.KernelParams(null, null, false, null), List.of("booted")));
    }

    @ParameterizedTest
    @MethodSource("kernelParams")
    void kernelParams_readBackFromTheirCanonicalMap(HostValues.KernelParams k, List<String> keys) {
        Map<String, Object> canonical = k.canonical();
        assertEquals(keys, new ArrayList<>(canonical.keySet()));
        assertEquals(k, HostValues.KernelParams.of(canonical));
        assertEquals(canonical, HostValues.KernelParams.of(canonical).canonical());
    }

    static Stream<Arguments> runtimes() {
        List<String> all = List.of("engine", "docker_installed", "docker_running");
        return Stream.of(
                Arguments.of(new HostValues.ContainerRuntime("containerd", null, null), List.of("engine")),
                Arguments.of(new HostValues.ContainerRuntime("docker", true, true), all),
                Arguments.of(new HostValues.ContainerRuntime("containerd", false, false), all),
                Arguments.of(new HostValues.ContainerRuntime("docker", true, false), all));
    }

    @ParameterizedTest
    @MethodSource("runtimes")
    void runtime_readsBackFromItsCanonicalMap(HostValues.ContainerRuntime r, List<String> keys) {
        Map<String, Object> canonical = r.canonical();
        assertEquals(keys, new ArrayList<>(canonical.keySet()));
        assertEquals(r, HostValues.ContainerRuntime.of(canonical));
        assertEquals(canonical, HostValues.ContainerRuntime.of(canonical).canonical());
    }

    @Test
    void of_toleratesMissingKeysAndAPlanFileSValues() {
        HostValues.KernelParams k = HostValues.KernelParams.of(null);
        assertEquals(List.of(), k.addOrEmpty());
        assertEquals(List.of(), k.removeOrEmpty());
        assertFalse(k.booted());
        // a saved plan reads back lists of any values: tokens are text
        assertEquals(List.of("a=1", "2"), HostValues.KernelParams.of(Map.of("add", List.of("a=1", 2L))).add());
        assertNull(HostValues.Node.of(Map.of("address", "x")).cordonedByPictl());
        assertNull(HostValues.ContainerRuntime.of(Map.of()).engine());
    }

    private static final String HCL = """
            cluster { name = "t" }
            node "pi-1" { address = "192.168.1.10" }
            node "pi-2" { address = "192.168.1.11" }
            %s
            """;

    static Stream<Arguments> descriptions() {
        return Stream.of(
                Arguments.of("kernel_params \"cg\" {\n nodes = [node.pi-1]\n add = [\"cgroup_enable=memory\", "
                        + "\"cgroup_memory=1\"]\n remove = [\"quiet\"]\n}\n"
                        + "runtime \"rt\" {\n nodes = [node.pi-1]\n engine = \"docker\"\n}\n", null),
                Arguments.of("kernel_params \"cg\" {\n nodes = [node.pi-1]\n add = [\"cgroup_enable=memory\"]\n}\n"
                        + "runtime \"rt\" {\n nodes = [node.pi-1]\n engine = \"containerd\"\n}\n", null),
                // containerd after pictl's docker: the record carries docker_installed = false
                Arguments.of("kernel_params \"cg\" {\n nodes = [node.pi-1]\n remove = [\"quiet\"]\n}\n"
                        + "runtime \"rt\" {\n nodes = [node.pi-1]\n engine = \"containerd\"\n}\n", "docker"));
    }

    @ParameterizedTest
    @MethodSource("descriptions")
    void desired_isTheRecordsCanonicalMap(String blocks, String recordedEngine) {
        Config c = TestContexts.config(tmp, HCL.formatted(blocks));
        ResourceAddress rt = ResourceAddress.of(RuntimeType.NAME, "rt", "pi-1");
        State state = recordedEngine == null ? State.empty() : State.empty().withResource(
                ResourceState.of(rt, "pi-1").withAttributes(HostFakes.attrs("engine", recordedEngine)));
        PlanContext ctx = HostFakes.plan(c, state, HostFakes.named("pi-1", "pi-1"));

        Map<String, Object> node = new NodeKind().desired(HostFakes.instance(c, ResourceAddress.of(NodeType.NAME,
                "pi-1")), ctx);
        assertEquals(List.copyOf(node.entrySet()), List.copyOf(HostValues.Node.of(node).canonical().entrySet()));
        Map<String, Object> kp = new KernelParamsKind().desired(HostFakes.instance(c,
                ResourceAddress.of(KernelParamsType.NAME, "cg", "pi-1")), ctx);
        assertEquals(List.copyOf(kp.entrySet()),
                List.copyOf(HostValues.KernelParams.of(kp).canonical().entrySet()));
        Map<String, Object> runtime = new RuntimeKind().desired(HostFakes.instance(c, rt), ctx);
        assertEquals(List.copyOf(runtime.entrySet()),
                List.copyOf(HostValues.ContainerRuntime.of(runtime).canonical().entrySet()));
        // docker.io is spoken of only for docker, or to remove the one pictl installed
        assertEquals("docker".equals(runtime.get("engine")) || "docker".equals(recordedEngine),
                HostValues.ContainerRuntime.of(runtime).dockerInstalled() != null);
    }
}
