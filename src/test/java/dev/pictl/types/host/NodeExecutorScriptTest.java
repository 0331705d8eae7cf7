package dev.pictl.types.host;

import static dev.pictl.types.host.HostFakes.attrs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pictl.addr.ResourceAddress;
import dev.pictl.apply.ApplyContext;
import dev.pictl.apply.ApplyException;
import dev.pictl.apply.ApplyOptions;
import dev.pictl.apply.Recorded;
import dev.pictl.config.Config;
import dev.pictl.plan.Action;
import dev.pictl.plan.ResourceChange;
import dev.pictl.testing.FakeSession;
import dev.pictl.testing.FakeTransport;
import dev.pictl.testing.TestContexts;
import dev.pictl.transport.TransportException;
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
 * {@link NodeExecutor}'s commands against {@link FakeSession}s (fast tier): one root command sets the three names,
 * the name reaches it as one quoted word, what is recorded, how a failure reads, and the uncordon of a cordon an
 * unfinished apply left (through the server's kubectl, after the hostname). pi-1 runs the server; pi-2 is changed.
 */
@Tag("fast")
class NodeExecutorScriptTest {
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
            node "pi-2" { address = "192.168.1.11" }
            """;
    private static final ResourceAddress PI_2 = ResourceAddress.of(NodeType.NAME, "pi-2");
    private static final String HINT = "run `sudo hostnamectl set-hostname pi-2` on the node to see what fails, and "
            + "check that /etc and /etc/hosts are writable";

    @TempDir
    Path tmp;

    private final FakeTransport transport = new FakeTransport();
    private final FakeSession server = transport.node("pi-1");
    private final FakeSession pi = transport.node("pi-2");
    private final List<String> progress = new ArrayList<>();

    private ApplyContext context(String hcl) {
        return HostFakes.apply(transport, TestContexts.config(tmp, hcl), ApplyOptions.defaults(), progress);
    }

    private static Map<String, Object> after(String hostname) {
        return attrs("address", "192.168.1.11", "hostname", hostname, "hosts_entry", hostname);
    }

    private static ResourceChange change(ResourceAddress address, String node, Map<String, Object> before,
                                         Map<String, Object> after) {
        return HostFakes.change(address, node, Action.UPDATE, before, after, false);
    }

    // ------------------------------------------------------------------ the table

    /** One row: the planned change, the word the script must set {@code n} to, and what is recorded. */
    record Row(String name, ResourceChange change, String nWord, Map<String, Object> recorded) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> rows() {
        Map<String, Object> fresh = attrs("address", "192.168.1.11", "hostname", "raspberrypi",
                "hosts_entry", "raspberrypi");
        return Stream.of(
                new Row("a fresh board gets its name", change(PI_2, "pi-2", fresh, after("pi-2")), "n='pi-2'",
                        after("pi-2")),
                new Row("a board already named runs the same idempotent command",
                        change(PI_2, "pi-2", after("pi-2"), after("pi-2")), "n='pi-2'", after("pi-2")),
                new Row("the planned hostname wins over the address's name",
                        change(PI_2, "pi-2", fresh, after("edge-7")), "n='edge-7'", after("edge-7")),
                new Row("no hostname in the plan: the address's name",
                        change(PI_2, "pi-2", fresh, attrs("address", "192.168.1.11")), "n='pi-2'",
                        attrs("address", "192.168.1.11")),
                new Row("a quote in a saved plan's name stays one word",
                        change(PI_2, "pi-2", fresh, after("it's;reboot")), "n='it'\\''s;reboot'",
                        after("it's;reboot")),
                new Row("no node in the change: the address's name is the node",
                        HostFakes.change(PI_2, null, Action.UPDATE, fresh, after("pi-2"), false), "n='pi-2'",
                        after("pi-2")))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void apply_oneRootCommand_settingTheName_recordsThePlannedValues(Row row) throws Exception {
        pi.whenStep(NodeExecutor.STEP).answer("hosts=written\n");
        Recorded recorded = new NodeExecutor().apply(row.change(), context(NO_SERVER));

        assertEquals(List.of(NodeExecutor.STEP), pi.steps(), pi::describe);
        assertEquals(List.of(NodeExecutor.STEP), progress);
        FakeSession.Ran ran = pi.ran().get(0);
        assertTrue(ran.asRoot(), "as root");
        assertTrue(ran.script().contains("\n" + row.nWord() + "\n"), ran::script);
        assertEquals(1, ran.script().split("\nn=", -1).length - 1, "the name is set once");
        assertEquals(List.of(), server.ran(), "no kubectl without a cordon left behind");
        assertEquals(Recorded.of(row.recorded()), recorded);
    }

    @Test
    void script_writesEachPlaceOnlyWhenItDiffers_andEditsTheFirst127011Line() throws Exception {
        pi.whenStep(NodeExecutor.STEP).answer("hosts=unchanged\n");
        new NodeExecutor().apply(change(PI_2, "pi-2", null, after("pi-2")), context(NO_SERVER));
        String s = pi.assertRan("hostnamectl set-hostname").script();
        assertOrder(s, "R=\"${PICTL_ROOT:-}\"", "if [ \"$(hostname)\" != \"$n\" ]",
                "hostnamectl set-hostname \"$n\"", "else hostname \"$n\" || exit 1",
                "\"$R/etc/hostname.pictl-tmp\" && mv -f \"$R/etc/hostname.pictl-tmp\" \"$R/etc/hostname\"",
                "[ \"$k\" = \"$n\" ] || { echo \"the running kernel's hostname is still $k\" >&2; exit 1; }",
                "cp -p \"$h\" \"$t\"", "!done && $1 == \"127.0.1.1\"", "if cmp -s \"$t\" \"$h\"",
                "echo hosts=unchanged", "mv -f \"$t\" \"$h\"", "echo hosts=written");
        assertEquals(1, s.split("pi-2", -1).length - 1, "the name appears once:\n" + s);
        assertTrue(s.contains("\nn='pi-2'\n"), "as one quoted word in its assignment:\n" + s);
    }

    // ------------------------------------------------------------------ failures

    record FailRow(String name, int exit, String stdout, String stderr, String message) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> failRows() {
        return Stream.of(
                new FailRow("the kernel kept its name", 1, "", "the running kernel's hostname is still raspberrypi\n",
                        "pi-2: set hostname: command exited 1: the running kernel's hostname is still raspberrypi"),
                new FailRow("/etc read-only", 1, "", "mv: cannot move '/etc/hostname.pictl-tmp': Read-only file "
                        + "system\ncould not write /etc/hostname\n", "pi-2: set hostname: command exited 1: mv: "
                        + "cannot move '/etc/hostname.pictl-tmp': Read-only file system\ncould not write /etc/hostname"),
                new FailRow("nothing on stderr: stdout's last lines", 2, "a\nb\nc\nd\ne\nf\n", "",
                        "pi-2: set hostname: command exited 2: b\nc\nd\ne\nf"),
                new FailRow("no output at all", 126, "", "", "pi-2: set hostname: command exited 126"),
                new FailRow("only the last five lines of stderr", 1, "out\n", "1\n2\n3\n4\n5\n6\n7\n",
                        "pi-2: set hostname: command exited 1: 3\n4\n5\n6\n7"))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failRows")
    void aFailure_namesNodeStepExitAndTail_withTheHint(FailRow row) {
        pi.whenStep(NodeExecutor.STEP).exit(row.exit(), row.stdout(), row.stderr());
        ApplyException e = assertThrows(ApplyException.class, () -> new NodeExecutor()
                .apply(change(PI_2, "pi-2", null, after("pi-2")), context(NO_SERVER)));
        assertEquals("pi-2", e.node());
        assertEquals(NodeExecutor.STEP, e.step());
        assertEquals(row.message(), e.getMessage());
        assertEquals(HINT, e.hint());
    }

    @Test
    void aLostConnection_namesNodeAndStep() {
        pi.whenStep(NodeExecutor.STEP).thenThrow(TransportException.Kind.CONNECTION_LOST, "connection reset");
        ApplyException e = assertThrows(ApplyException.class, () -> new NodeExecutor()
                .apply(change(PI_2, "pi-2", null, after("pi-2")), context(NO_SERVER)));
        assertEquals("pi-2: set hostname: connection reset", e.getMessage());
        assertEquals(NodeExecutor.STEP, e.step());
    }

    @Test
    void anUnreachableNode_failsBeforeAnyCommand() {
        FakeTransport empty = new FakeTransport();
        ApplyContext ctx = HostFakes.apply(empty, TestContexts.config(tmp, NO_SERVER), ApplyOptions.defaults(),
                progress);
        ApplyException e = assertThrows(ApplyException.class, () -> new NodeExecutor()
                .apply(change(PI_2, "pi-2", null, after("pi-2")), ctx));
        assertEquals("pi-2", e.node());
        assertEquals(NodeExecutor.STEP, e.step());
        assertEquals("pi-2: set hostname: no way to reach this node (it is neither in the description nor in the "
                + "simulator)", e.getMessage());
    }

    // ------------------------------------------------------------------ the cordon left behind

    private static Map<String, Object> cordonAfter() {
        Map<String, Object> m = after("pi-2");
        m.put(NodeKind.CORDONED_BY_PICTL, false);
        return m;
    }

    @Test
    void cordonLeftover_setsTheName_thenUncordonsAndDropsTheMark_throughTheServer_recordsNoPseudoAttribute()
            throws Exception {
        pi.whenStep(NodeExecutor.STEP).answer("hosts=unchanged\n");
        server.when("^k3s kubectl ").answer("");
        Map<String, Object> before = after("pi-2");
        before.put(NodeKind.CORDONED_BY_PICTL, true);
        Recorded recorded = new NodeExecutor().apply(change(PI_2, "pi-2", before, cordonAfter()), context(HCL));

        assertEquals(List.of(NodeExecutor.STEP, Reboot.UNCORDON), progress);
        assertEquals(List.of(NodeExecutor.STEP), pi.steps());
        assertEquals(List.of("k3s kubectl uncordon 'pi-2'", "k3s kubectl annotate node 'pi-2' 'pictl.dev/cordoned-'"),
                server.scripts());
        assertEquals(List.of(Reboot.UNCORDON, Reboot.UNCORDON), server.steps());
        assertTrue(server.ran().stream().allMatch(FakeSession.Ran::asRoot), "kubectl reads the 0600 kubeconfig");
        assertEquals(Recorded.of(after("pi-2")), recorded);
    }

    @Test
    void cordonLeftover_uncordonFails_namesTheServerAndKubectl() {
        pi.whenStep(NodeExecutor.STEP).answer("hosts=unchanged\n");
        server.when("uncordon").fail(1, "Error from server (NotFound): nodes \"pi-2\" not found\n");
        ApplyException e = assertThrows(ApplyException.class, () -> new NodeExecutor()
                .apply(change(PI_2, "pi-2", null, cordonAfter()), context(HCL)));
        assertEquals("pi-1", e.node(), "the command ran on the server");
        assertEquals(Reboot.UNCORDON, e.step());
        assertEquals("pi-1: uncordon: kubectl uncordon exited 1: Error from server (NotFound): nodes \"pi-2\" not found",
                e.getMessage());
        server.assertNotRan("annotate");
    }

    @Test
    void cordonLeftover_withoutAServer_setsTheName_thenSaysThereIsNoClusterToReach() {
        pi.whenStep(NodeExecutor.STEP).answer("hosts=unchanged\n");
        ApplyException e = assertThrows(ApplyException.class, () -> new NodeExecutor()
                .apply(change(PI_2, "pi-2", null, cordonAfter()), context(NO_SERVER)));
        assertNull(e.node());
        assertEquals("uncordon: the description has no k3s_server to reach the cluster through", e.getMessage());
        assertEquals("declare a k3s_server", e.hint());
        assertEquals(List.of(NodeExecutor.STEP), pi.steps());
    }

    // ------------------------------------------------------------------ delete

    @Test
    void delete_forgetsTheNode_runsNothing_connectsNowhere() throws Exception {
        new NodeExecutor().delete(HostFakes.change(PI_2, "pi-2", Action.DELETE, after("pi-2"), null, false),
                context(HCL));
        assertEquals(List.of(), pi.ran());
        assertEquals(List.of(), server.ran());
        assertEquals(List.of(), transport.opened());
        assertEquals(List.of(), progress);
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
