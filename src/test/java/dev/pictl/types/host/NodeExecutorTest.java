package dev.pictl.types.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.pictl.addr.ResourceAddress;
import dev.pictl.apply.Recorded;
import dev.pictl.engine.PlanRunResult;
import dev.pictl.plan.Action;
import dev.pictl.plan.ResourceChange;
import dev.pictl.sim.NodeSpec;
import dev.pictl.sim.Provision;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link NodeExecutor} against simulated boards; every outcome read on the board itself. */
class NodeExecutorTest {
    static {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }

    private static final int PORT = 24622;
    private static final String BASE = "127.0.61.";

    @TempDir
    static Path tmp;
    static HostFixture fx;

    @BeforeAll
    static void start() throws Exception {
        fx = HostFixture.start(tmp, List.of(
                NodeSpec.of("pi-fresh", BASE + 30, PORT).withAdvertisedAddress("192.168.61.30"),
                NodeSpec.of("pi-aliases", BASE + 31, PORT).withAdvertisedAddress("192.168.61.31"),
                NodeSpec.of("pi-nohosts", BASE + 32, PORT).withAdvertisedAddress("192.168.61.32"),
                NodeSpec.of("pi-named", BASE + 33, PORT).withAdvertisedAddress("192.168.61.33")
                        .withProvision(Provision.none().withHostname(true))));
    }

    @AfterAll
    static void stop() {
        if (fx != null) {
            fx.close();
        }
    }

    private static String hcl(String node, String address) {
        return "node \"" + node + "\" { address = \"" + address + "\" }\n";
    }

    private static Recorded apply(HostFixture.Scenario s, ResourceChange change, PlanRunResult plan) throws Exception {
        try (HostFixture.Context c = s.context(plan)) {
            return new NodeExecutor().apply(change, c.ctx());
        }
    }

    @Test
    void apply_setsHostnameEverywhereOnAFreshBoard_andASecondRunChangesNothing() throws Exception {
        String node = "pi-fresh";
        ResourceAddress addr = ResourceAddress.of("node", node);
        String hostsBefore = fx.file(node, "/etc/hosts");
        assertEquals("raspberrypi\n", fx.on(node, "hostname"));

        HostFixture.Scenario s = fx.scenario("fresh", hcl(node, "192.168.61.30"));
        PlanRunResult plan = s.plan();
        ResourceChange change = s.change(plan, addr);
        assertEquals(Action.UPDATE, change.action());
        Recorded rec = apply(s, change, plan);

        assertEquals(node + "\n", fx.file(node, "/etc/hostname"));
        assertEquals(node + "\n", fx.on(node, "hostname"));
        assertEquals(node + "\n", fx.file(node, "/proc/sys/kernel/hostname"));
        String hosts = fx.file(node, "/etc/hosts");
        assertEquals(hostsBefore.replace("127.0.1.1\t\traspberrypi", "127.0.1.1\t\t" + node), hosts,
                "only the 127.0.1.1 line changes");
        assertEquals(change.after(), rec.attributes());
        assertFalse(fx.exists(node, "/etc/hosts.pictl-tmp"));

        // A second run: the plan has nothing to do, and the executor run again leaves every file as it is.
        s.record(addr, node, rec);
        PlanRunResult again = s.plan();
        assertEquals(Action.NO_OP, s.change(again, addr).action());
        String stamp = fx.on(node, "stat -c '%i %Y' \"$PICTL_ROOT/etc/hosts\" \"$PICTL_ROOT/etc/hostname\"");
        apply(s, change, again);
        assertEquals(stamp, fx.on(node, "stat -c '%i %Y' \"$PICTL_ROOT/etc/hosts\" \"$PICTL_ROOT/etc/hostname\""),
                "idempotent: neither file rewritten");
        assertEquals(hosts, fx.file(node, "/etc/hosts"));
    }

    @Test
    void apply_replacesTheOldNameOnThe127011Line_keepingOtherWordsAndLines() throws Exception {
        String node = "pi-aliases";
        fx.on(node, "printf '127.0.0.1\\tlocalhost\\n# keep me\\n127.0.1.1 raspberrypi.lan raspberrypi  # old\\n"
                + "10.0.0.5 nas\\n' > \"$PICTL_ROOT/etc/hosts\"");
        HostFixture.Scenario s = fx.scenario("aliases", hcl(node, "192.168.61.31"));
        PlanRunResult plan = s.plan();
        apply(s, s.change(plan, ResourceAddress.of("node", node)), plan);

        assertEquals("127.0.0.1\tlocalhost\n# keep me\n127.0.1.1 pi-aliases # old\n10.0.0.5 nas\n",
                fx.file(node, "/etc/hosts"));
        // The old FQDN was the first name: it is replaced; the old short name goes from the line too.
        assertEquals(Action.NO_OP, s.change(s.plan(), ResourceAddress.of("node", node)).action());
    }

    @Test
    void apply_addsThe127011LineWhenMissing() throws Exception {
        String node = "pi-nohosts";
        fx.on(node, "printf '127.0.0.1\\tlocalhost\\n::1\\t\\tlocalhost ip6-localhost ip6-loopback' "
                + "> \"$PICTL_ROOT/etc/hosts\"");
        HostFixture.Scenario s = fx.scenario("nohosts", hcl(node, "192.168.61.32"));
        PlanRunResult plan = s.plan();
        apply(s, s.change(plan, ResourceAddress.of("node", node)), plan);

        assertEquals("127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n127.0.1.1\t\tpi-nohosts\n",
                fx.file(node, "/etc/hosts"));
        assertEquals(node + "\n", fx.on(node, "hostname"));
    }

    @Test
    void delete_forgetsTheNode_theBoardKeepsItsName() throws Exception {
        String node = "pi-named";
        HostFixture.Scenario s = fx.scenario("named", hcl(node, "192.168.61.33"));
        PlanRunResult plan = s.plan();
        ResourceChange change = s.change(plan, ResourceAddress.of("node", node));
        long execs = fx.sim.node(node).execCount();
        try (HostFixture.Context c = s.context(plan)) {
            new NodeExecutor().delete(change, c.ctx());
        }
        assertEquals(execs, fx.sim.node(node).execCount(), "delete runs nothing on the board");
        assertEquals(node + "\n", fx.file(node, "/etc/hostname"));
    }
}
