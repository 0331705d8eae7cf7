package dev.pictl.types.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pictl.addr.ResourceAddress;
import dev.pictl.apply.ApplyException;
import dev.pictl.apply.Recorded;
import dev.pictl.engine.PlanRunResult;
import dev.pictl.plan.Action;
import dev.pictl.plan.ActionReason;
import dev.pictl.plan.ResourceChange;
import dev.pictl.sim.NodeSpec;
import dev.pictl.sim.Provision;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link RuntimeExecutor} against simulated boards; packages and services read on the board (dpkg-query, systemctl). */
class RuntimeExecutorTest {
    static {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }

    private static final int PORT = 24623;
    private static final String BASE = "127.0.61.";

    @TempDir
    static Path tmp;
    static HostFixture fx;

    @BeforeAll
    static void start() throws Exception {
        fx = HostFixture.start(tmp, List.of(
                NodeSpec.of("rt-docker", BASE + 40, PORT).withAdvertisedAddress("192.168.61.40")
                        .withProvision(Provision.prepared()),
                NodeSpec.of("rt-ce", BASE + 41, PORT).withAdvertisedAddress("192.168.61.41")
                        .withProvision(Provision.prepared().withPackages(Map.of(
                                "docker-ce", "5:27.3.1-1~debian.12~bookworm", "containerd.io", "1.7.22-1"))),
                NodeSpec.of("rt-delete", BASE + 42, PORT).withAdvertisedAddress("192.168.61.42")
                        .withProvision(Provision.prepared().withDocker(true))));
    }

    @AfterAll
    static void stop() {
        if (fx != null) {
            fx.close();
        }
    }

    private static String hcl(String node, int host, String engine) {
        return "node \"" + node + "\" { address = \"192.168.61." + host + "\" }\n"
                + (engine == null ? "" : """
                runtime "engine" {
                  nodes  = [node.%s]
                  engine = "%s"
                }
                """.formatted(node, engine));
    }

    private static ResourceAddress rt(String node) {
        return ResourceAddress.of("runtime", "engine", node);
    }

    /** dpkg's status abbreviation for docker.io, read on the board ("ii", "rc", or "" when unknown). */
    private static String dockerIo(String node) {
        return fx.sim.node(node).exec("dpkg-query -W -f='${db:Status-Abbrev}' docker.io 2>/dev/null").stdout().strip();
    }

    private static String dockerService(String node) {
        return fx.sim.node(node).exec("systemctl is-active docker").stdout().strip();
    }

    @Test
    void docker_installsDockerIo_thenContainerd_removesIt() throws Exception {
        String node = "rt-docker";
        assertEquals("", dockerIo(node));
        HostFixture.Scenario s = fx.scenario("docker", hcl(node, 40, "docker"));
        PlanRunResult plan = s.plan();
        ResourceChange install = s.change(plan, rt(node));
        assertEquals(Action.CREATE, install.action());
        Recorded rec;
        try (HostFixture.Context c = s.context(plan)) {
            rec = new RuntimeExecutor().apply(install, c.ctx());
        }
        assertEquals("ii", dockerIo(node));
        assertEquals("active", dockerService(node));
        assertEquals("enabled", fx.sim.node(node).exec("systemctl is-enabled docker").stdout().strip());
        assertEquals(0, fx.sim.node(node).sudo("docker info").exitCode());
        assertEquals(install.after(), rec.attributes());

        // Applied again: already installed and running; and the planner sees nothing to do.
        try (HostFixture.Context c = s.context(plan)) {
            new RuntimeExecutor().apply(install, c.ctx());
        }
        assertEquals("ii", dockerIo(node));
        s.record(rt(node), node, rec);
        assertEquals(Action.NO_OP, s.change(s.plan(), rt(node)).action());

        // The description switches to containerd: the docker.io pictl installed goes.
        HostFixture.Scenario back = fx.scenario("containerd", hcl(node, 40, "containerd"));
        back.record(rt(node), node, rec);
        PlanRunResult plan2 = back.plan();
        ResourceChange remove = back.change(plan2, rt(node));
        assertEquals(Action.UPDATE, remove.action());
        assertEquals(false, remove.after().get("docker_installed"));
        try (HostFixture.Context c = back.context(plan2)) {
            new RuntimeExecutor().apply(remove, c.ctx());
        }
        assertEquals("rc", dockerIo(node), "removed (its configuration stays, as apt-get remove leaves it)");
        assertTrue(!dockerService(node).equals("active"));
    }

    @Test
    void docker_refusedBesideDockerCe() throws Exception {
        String node = "rt-ce";
        // The planner already refuses this (the resource is unknown); the executor refuses on its own too,
        // e.g. when docker-ce was installed between plan and apply.
        Map<String, Object> after = new LinkedHashMap<>();
        after.put("engine", "docker");
        after.put("docker_installed", true);
        after.put("docker_running", true);
        ResourceChange change = new ResourceChange(rt(node), node, Action.CREATE, ActionReason.NOT_PRESENT, null,
                after, Set.of(), List.of(), false, false, null, "", List.of(ResourceAddress.of("node", node)));
        HostFixture.Scenario s = fx.scenario("ce", hcl(node, 41, null));
        PlanRunResult plan = s.plan();
        ApplyException e;
        try (HostFixture.Context c = s.context(plan)) {
            e = assertThrows(ApplyException.class, () -> new RuntimeExecutor().apply(change, c.ctx()));
        }
        assertTrue(e.getMessage().startsWith(node + ": install docker.io: command exited 3: docker-ce "
                + "5:27.3.1-1~debian.12~bookworm is installed"), e.getMessage());
        assertTrue(e.hint().contains("engine = \"containerd\""), e.hint());
        assertEquals("", dockerIo(node), "docker.io not installed");
        assertEquals("ii", fx.sim.node(node).exec("dpkg-query -W -f='${db:Status-Abbrev}' docker-ce").stdout()
                .strip(), "docker-ce untouched");
    }

    @Test
    void delete_ofADockerRuntime_removesDockerIo() throws Exception {
        String node = "rt-delete";
        assertEquals("ii", dockerIo(node));
        HostFixture.Scenario s = fx.scenario("delete", hcl(node, 42, null));
        s.record(rt(node), node, Map.of("engine", "docker", "docker_installed", true, "docker_running", true));
        PlanRunResult plan = s.plan();
        ResourceChange change = s.change(plan, rt(node));
        assertEquals(Action.DELETE, change.action());
        try (HostFixture.Context c = s.context(plan)) {
            new RuntimeExecutor().delete(change, c.ctx());
        }
        assertEquals("rc", dockerIo(node));
        assertTrue(!dockerService(node).equals("active"));
    }
}
