package dev.pictl.types.host;

import dev.pictl.types.ResourceTypes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pictl.addr.ResourceAddress;
import dev.pictl.apply.ApplyContext;
import dev.pictl.apply.ApplyException;
import dev.pictl.apply.ApplyHook;
import dev.pictl.apply.ApplyOptions;
import dev.pictl.apply.Recorded;
import dev.pictl.config.Config;
import dev.pictl.config.ConfigLoader;
import dev.pictl.config.LoadResult;
import dev.pictl.config.VariableInputs;
import dev.pictl.plan.Action;
import dev.pictl.plan.ActionReason;
import dev.pictl.plan.ResourceChange;
import dev.pictl.state.SecretHasher;
import dev.pictl.testing.FakeSession;
import dev.pictl.testing.FakeTransport;
import dev.pictl.testing.TestContexts;
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
 * {@link RuntimeExecutor}'s commands, table-driven against a {@link FakeSession} (fast tier): for each change, the
 * steps it runs, as root or not, what their scripts do, and how a non-zero exit reads (node: step: command exited
 * N: stderr tail, with a hint). {@link RuntimeExecutorTest} runs the same scripts on simulated boards.
 *
 * <p>A model for the table tests of other types: one row per (change, answers) with the expected steps; one test
 * per failure message.
 */
@Tag("fast")
class RuntimeExecutorScriptTest {
    private static final String NODE = "pi-1";
    private static final String APT = "apt-get -y -oDPkg::Lock::Timeout=300";

    @TempDir
    Path tmp;

    private final FakeTransport transport = new FakeTransport();
    private final FakeSession pi = transport.node(NODE);
    private final List<String> progress = new ArrayList<>();

    // ------------------------------------------------------------------ the table: what runs for each change

    /** One row: a change, the answer its command gets, and what must have run (step names in order). */
    record Row(String name, ResourceChange change, String stdout, List<String> steps) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> rows() {
        return Stream.of(
                new Row("create docker: install docker.io", change(Action.CREATE, null, docker()),
                        "installed=now\nrunning=yes\n", List.of(RuntimeExecutor.INSTALL)),
                new Row("create docker, docker.io there already: the same one command",
                        change(Action.CREATE, null, docker()), "installed=already\nrunning=yes\n",
                        List.of(RuntimeExecutor.INSTALL)),
                new Row("update containerd -> docker: install docker.io",
                        change(Action.UPDATE, containerd(null), docker()), "installed=now\nrunning=yes\n",
                        List.of(RuntimeExecutor.INSTALL)),
                new Row("update docker -> containerd, docker.io pictl's: remove it",
                        change(Action.UPDATE, docker(), containerd(false)), "removed=yes\n",
                        List.of(RuntimeExecutor.REMOVE)),
                new Row("create containerd: nothing on the node", change(Action.CREATE, null, containerd(null)),
                        "", List.of()))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void apply_runsTheseSteps_asRoot_andRecordsTheDescribedValues(Row row) throws Exception {
        pi.when(".").answer(row.stdout());
        Recorded recorded = new RuntimeExecutor().apply(row.change(), context(null));

        assertEquals(row.steps(), pi.steps(), pi::describe);
        assertEquals(row.steps(), progress, "each step is reported to the progress view as it starts");
        assertTrue(pi.ran().stream().allMatch(FakeSession.Ran::asRoot), pi::describe);
        assertEquals(Recorded.of(row.change().after()), recorded);
    }

    @Test
    void install_script_refusesDockerCe_installsRetryingAfterUpdate_enablesStartsAndChecksTheUnit() throws Exception {
        pi.when("docker\\.io").answer("installed=now\nrunning=yes\n");
        new RuntimeExecutor().apply(change(Action.CREATE, null, docker()), context(null));

        String script = pi.assertRan("install docker\\.io").script();
        assertTrue(script.contains("export DEBIAN_FRONTEND=noninteractive"), script);
        assertTrue(script.contains("case \"$(st docker-ce)\" in"), "docker-ce checked first:\n" + script);
        assertTrue(script.contains(APT + " install docker.io || { " + APT + " update && " + APT
                + " install docker.io; } || exit 1"), "one retry after apt-get update:\n" + script);
        assertOrder(script, "systemctl enable docker", "systemctl start docker", "systemctl is-active --quiet docker");
        pi.assertNotRan("remove docker\\.io");
    }

    @Test
    void remove_script_removesOnlyWhenInstalled_keepsTheConfiguration() throws Exception {
        pi.when("docker\\.io").answer("removed=no\n");
        new RuntimeExecutor().apply(change(Action.UPDATE, docker(), containerd(false)), context(null));

        String script = pi.assertRan("remove docker\\.io").script();
        assertTrue(script.contains("ii*) " + APT + " remove docker.io || exit 1"), script);
        assertTrue(!script.contains("purge"), "apt-get remove, never purge:\n" + script);
    }

    // ------------------------------------------------------------------ how a failure reads

    @Test
    void aFailedInstall_namesNodeStepAndExit_withApt_sTail_andAHint() {
        pi.when("install docker\\.io").exit(100, "Reading package lists...\n",
                "E: Unable to locate package docker.io\nE: Couldn't find any package\n");
        ApplyException e = assertThrows(ApplyException.class,
                () -> new RuntimeExecutor().apply(change(Action.CREATE, null, docker()), context(null)));
        assertEquals(NODE, e.node());
        assertEquals(RuntimeExecutor.INSTALL, e.step());
        assertEquals("pi-1: install docker.io: command exited 100: E: Unable to locate package docker.io\n"
                + "E: Couldn't find any package", e.getMessage());
        assertEquals("run `sudo apt-get install docker.io` on the node to see apt's full output", e.hint());
    }

    @Test
    void dockerCeInstalled_exit3_hintsAtContainerd() {
        pi.when("install docker\\.io").fail(3, "docker-ce 5:27.3.1-1 is installed (Docker's own packages); pictl "
                + "manages Debian's docker.io and will not install it beside them\n");
        ApplyException e = assertThrows(ApplyException.class,
                () -> new RuntimeExecutor().apply(change(Action.CREATE, null, docker()), context(null)));
        assertTrue(e.getMessage().startsWith("pi-1: install docker.io: command exited 3: docker-ce 5:27.3.1-1 is "
                + "installed"), e.getMessage());
        assertTrue(e.hint().contains("engine = \"containerd\""), e.hint());
    }

    @Test
    void aFailureWithNothingOnStderr_showsTheLastLinesOfStdout() {
        pi.when("install docker\\.io").exit(1, "line 1\nline 2\nline 3\nline 4\nline 5\nline 6\nline 7\n", "");
        ApplyException e = assertThrows(ApplyException.class,
                () -> new RuntimeExecutor().apply(change(Action.CREATE, null, docker()), context(null)));
        assertEquals("pi-1: install docker.io: command exited 1: line 3\nline 4\nline 5\nline 6\nline 7",
                e.getMessage());
    }

    @Test
    void aFailedRemove_namesTheRemoveStep() {
        pi.when("remove docker\\.io").fail(100, "E: Could not get lock /var/lib/dpkg/lock-frontend\n");
        ApplyException e = assertThrows(ApplyException.class, () -> new RuntimeExecutor()
                .apply(change(Action.UPDATE, docker(), containerd(false)), context(null)));
        assertEquals("pi-1: remove docker.io: command exited 100: E: Could not get lock /var/lib/dpkg/lock-frontend",
                e.getMessage());
        assertEquals("run `sudo apt-get remove docker.io` on the node to see apt's full output", e.hint());
    }

    // ------------------------------------------------------------------ delete

    @Test
    void delete_ofADockerRuntime_removesDockerIo() throws Exception {
        pi.when("remove docker\\.io").answer("removed=yes\n");
        new RuntimeExecutor().delete(change(Action.DELETE, docker(), null), context(described(NODE)));
        assertEquals(List.of(RuntimeExecutor.REMOVE), pi.steps(), pi::describe);
        assertTrue(pi.ran().get(0).asRoot());
    }

    @Test
    void delete_ofAContainerdRuntime_runsNothing() throws Exception {
        new RuntimeExecutor().delete(change(Action.DELETE, containerd(null), null), context(described(NODE)));
        assertEquals(List.of(), pi.steps(), pi::describe);
    }

    @Test
    void delete_whenTheNodeLeftTheDescription_removesDockerIoThereToo() throws Exception {
        pi.whenStep("connect").answer("").when("remove docker\\.io").answer("removed=yes\n");
        new RuntimeExecutor().delete(change(Action.DELETE, docker(), null), context(described("pi-2")));
        assertEquals(List.of("connect", RuntimeExecutor.REMOVE), pi.steps(), pi::describe);
    }

    @Test
    void delete_whenTheNodeLeftTheDescription_andCannotBeReached_onlyForgets() throws Exception {
        transport.down(NODE);
        new RuntimeExecutor().delete(change(Action.DELETE, docker(), null), context(described("pi-2")));
        assertEquals(List.of(NODE), transport.opened(), "one attempt to connect");
        assertEquals(1, progress.size(), progress::toString);
        assertTrue(progress.get(0).matches("pi-1 left the description and is unreachable \\(.*Connection refused.*\\): "
                + "docker.io stays installed"), progress::toString);
    }

    // ------------------------------------------------------------------ helpers

    private static Map<String, Object> docker() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("engine", "docker");
        m.put("docker_installed", true);
        m.put("docker_running", true);
        return m;
    }

    private static Map<String, Object> containerd(Boolean dockerInstalled) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("engine", "containerd");
        if (dockerInstalled != null) {
            m.put("docker_installed", dockerInstalled);
        }
        return m;
    }

    private static ResourceChange change(Action action, Map<String, Object> before, Map<String, Object> after) {
        ActionReason reason = switch (action) {
            case CREATE -> ActionReason.NOT_PRESENT;
            case DELETE -> ActionReason.REMOVED_FROM_CONFIG;
            default -> ActionReason.ATTRIBUTE_CHANGED;
        };
        return new ResourceChange(ResourceAddress.of("runtime", "docker", NODE), NODE, action, reason, before, after,
                Set.of(), List.of(), false, false, null, "", List.of(ResourceAddress.of("node", NODE)));
    }

    /** A description with these nodes only (what {@code ctx.nodeAddress} reads), loaded from HCL. */
    private Config described(String... nodes) throws Exception {
        StringBuilder hcl = new StringBuilder("cluster { name = \"t\" }\n");
        int i = 10;
        for (String n : nodes) {
            hcl.append("node \"").append(n).append("\" { address = \"192.168.1.").append(i++).append("\" }\n");
        }
        Path f = tmp.resolve("cluster.hcl");
        Files.writeString(f, hcl);
        LoadResult r = ConfigLoader.load(f, VariableInputs.none(), ResourceTypes.standard().catalog());
        assertTrue(r.ok(), () -> r.diagnostics().toString());
        return r.config();
    }

    /** The context the walker would give the executor, over the fake transport; progress steps go to the list. */
    private ApplyContext context(Config config) {
        return TestContexts.apply(transport, config, new ApplyHook() {
            @Override
            public void step(ResourceAddress address, String step) {
                progress.add(step);
            }
        });
    }

    private static void assertOrder(String text, String... parts) {
        int at = -1;
        for (String p : parts) {
            int i = text.indexOf(p, at + 1);
            assertTrue(i > at, () -> "\"" + p + "\" not after the earlier parts in:\n" + text);
            at = i;
        }
    }
}
