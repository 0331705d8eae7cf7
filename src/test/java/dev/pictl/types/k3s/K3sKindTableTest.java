package dev.pictl.types.k3s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pictl.addr.ResourceAddress;
import dev.pictl.config.Config;
import dev.pictl.diag.Diagnostic;
import dev.pictl.plan.ActionReason;
import dev.pictl.plan.AttributeChange;
import dev.pictl.plan.kind.Kind;
import dev.pictl.plan.kind.Observed;
import dev.pictl.plan.kind.PlanContext;
import dev.pictl.probe.NodeObservation;
import dev.pictl.probe.NodeObservation.Facts;
import dev.pictl.probe.NodeObservation.ServiceState;
import dev.pictl.probe.NodeProbe;
import dev.pictl.resource.ResourceInstance;
import dev.pictl.state.ResourceState;
import dev.pictl.testing.TestContexts;
import dev.pictl.types.k3s.K3sProbe.K3sInstall;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The diff rules of {@code k3s_server} ({@link K3sServerKind}) and {@code k3s_agent} ({@link K3sAgentKind}), each
 * as a table (fast tier): desired values from a description, observed values from node observations (present,
 * absent, unknown, stopped), {@code same}, {@code pendingReason}, the sensitive attributes, and {@code check}'s
 * refusals (a downgrade, a skipped minor, a token change on a live server).
 */
@Tag("fast")
class K3sKindTableTest {
    private static final String V = "v1.31.4+k3s1";
    private static final String SERVER = "pi-1";
    private static final String AGENT = "pi-2";

    @TempDir
    Path tmp;

    // ------------------------------------------------------------------ descriptions

    /**
     * A cluster: pi-1 (the server, at {@code serverAddress}) and pi-2 (an agent), both with the memory cgroup; the
     * server block gets {@code serverExtra}, the agent block {@code agentExtra}; {@code more} follows (variables,
     * runtimes).
     */
    private static String hcl(String serverAddress, String serverExtra, String agentExtra, String more) {
        return """
                cluster { name = "t" }
                %s
                node "pi-1" {
                  address = %s
                }
                node "pi-2" {
                  address = "192.168.1.11"
                }
                kernel_params "cg" {
                  nodes = [node.pi-1, node.pi-2]
                  add   = ["cgroup_enable=memory"]
                }
                k3s_server "control" {
                  node    = node.pi-1
                  version = "%s"
                  %s
                }
                k3s_agent "workers" {
                  nodes  = [node.pi-2]
                  server = k3s_server.control
                  %s
                }
                """.formatted(more, serverAddress, V, serverExtra, agentExtra);
    }

    private static String hcl(String serverExtra, String agentExtra, String more) {
        return hcl("\"192.168.1.10\"", serverExtra, agentExtra, more);
    }

    private static final String SECRET_VARS = """
            variable "tok" {
              sensitive = true
              default   = "s3cret"
            }
            variable "full" {
              sensitive = true
              default   = "K10abc123::server:s3cret"
            }
            variable "addr" {
              sensitive = true
              default   = "192.168.1.10"
            }
            variable "ver" {
              sensitive = true
              default   = "v1.31.4+k3s1"
            }
            variable "off" {
              sensitive = true
              default   = ["traefik"]
            }
            """;

    private Config config(String hcl) {
        return TestContexts.config(tmp.resolve("c" + System.nanoTime()), hcl);
    }

    private static ResourceInstance server(Config c) {
        return c.ofType(K3sServerType.NAME).get(0);
    }

    private static ResourceInstance agent(Config c) {
        return c.ofType(K3sAgentType.NAME).stream().filter(a -> a.node().equals(AGENT)).findFirst().orElseThrow();
    }

    private static String hash(String secret) {
        return TestContexts.HASHER.hash(secret);
    }

    private static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    // ------------------------------------------------------------------ observations

    private static final Facts FACTS = new Facts(null, null, null, 0, 0, null, null, null, null, null, null, null,
            null, null, null, null, null);

    /** An observation of {@code node}: its k3s part (or none) and the state of {@code unit} (or no such unit). */
    private static NodeObservation seen(String node, K3sInstall k3s, String unit, Boolean exists, String active) {
        NodeObservation o = NodeObservation.of(node, FACTS).with(K3sProbe.INSTALL, k3s);
        if (exists != null) {
            o = o.with(NodeProbe.UNITS, Map.of(unit, new ServiceState(unit, exists, active)));
        }
        return o;
    }

    // ------------------------------------------------------------------ desired: k3s_server

    static Stream<Arguments> serverDesired() {
        Map<String, Object> base = map("node", SERVER, "version", V, "running", true);
        return Stream.of(
                Arguments.of("minimal: node-name only, no token", hcl("", "", ""),
                        with(base, "config", map("node-name", SERVER))),
                Arguments.of("disable in the given order", hcl("disable = [\"traefik\", \"servicelb\"]", "", ""),
                        with(base, "config", map("disable", List.of("traefik", "servicelb"), "node-name", SERVER))),
                Arguments.of("empty disable writes no key", hcl("disable = []", "", ""),
                        with(base, "config", map("node-name", SERVER))),
                Arguments.of("passthrough: numbers and booleans as strings, lists as lists",
                        hcl("config = {\n \"https-listen-port\" = 6444\n \"node-ip\" = \"192.168.1.10\"\n"
                                + " \"write-kubeconfig-mode\" = \"0644\"\n \"secrets-encryption\" = true\n"
                                + " \"node-label\" = [\"zone=a\", \"disk=ssd\"]\n}", "", ""),
                        with(base, "config", map("https-listen-port", "6444", "node-ip", "192.168.1.10",
                                "node-label", List.of("zone=a", "disk=ssd"), "node-name", SERVER,
                                "secrets-encryption", "true", "write-kubeconfig-mode", "0644"))),
                Arguments.of("docker runtime on the server's node", hcl("", "",
                        "runtime \"d\" {\n nodes = [node.pi-1]\n engine = \"docker\"\n}"),
                        with(base, "config", map("docker", "true", "node-name", SERVER))),
                Arguments.of("docker runtime elsewhere only", hcl("", "",
                        "runtime \"d\" {\n nodes = [node.pi-2]\n engine = \"docker\"\n}"),
                        with(base, "config", map("node-name", SERVER))),
                Arguments.of("containerd runtime on the server's node", hcl("", "",
                        "runtime \"c\" {\n nodes = [node.pi-1]\n engine = \"containerd\"\n}"),
                        with(base, "config", map("node-name", SERVER))),
                Arguments.of("token: its keyed hash, as declared", hcl("token = var.tok", "", SECRET_VARS),
                        with(with(base, "config", map("node-name", SERVER)), "token", hash("s3cret"))));
    }

    private static Map<String, Object> with(Map<String, Object> m, String k, Object v) {
        Map<String, Object> out = new LinkedHashMap<>(m);
        out.put(k, v);
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("serverDesired")
    void server_desired(String name, String hcl, Map<String, Object> expected) {
        Config c = config(hcl);
        assertEquals(expected, new K3sServerKind().desired(server(c), TestContexts.plan(c)));
    }

    // ------------------------------------------------------------------ desired: k3s_agent

    static Stream<Arguments> agentDesired() {
        Map<String, Object> base = map("version", V, "running", true, "server_url", "https://192.168.1.10:6443",
                "config", map("node-name", AGENT));
        K3sInstall serverWithToken = new K3sInstall(V, null, "pw-from-node", null);
        return Stream.of(
                Arguments.of("minimal: the server's version, address and default port; no token known", hcl("", "", ""),
                        null, base),
                Arguments.of("server's https-listen-port as a number",
                        hcl("config = { \"https-listen-port\" = 6444 }", "", ""), null,
                        with(base, "server_url", "https://192.168.1.10:6444")),
                Arguments.of("server's https-listen-port as a string",
                        hcl("config = { \"https-listen-port\" = \"7443\" }", "", ""), null,
                        with(base, "server_url", "https://192.168.1.10:7443")),
                Arguments.of("another server key leaves the default port",
                        hcl("config = { \"node-ip\" = \"192.168.1.10\" }", "", ""), null, base),
                Arguments.of("IPv6 server address in brackets", hcl("\"fd00::10\"", "", "", ""), null,
                        with(base, "server_url", "https://[fd00::10]:6443")),
                Arguments.of("IPv6 server on 6444", hcl("\"fd00::10\"",
                        "config = { \"https-listen-port\" = 6444 }", "", ""), null,
                        with(base, "server_url", "https://[fd00::10]:6444")),
                Arguments.of("declared bare token: hash of the password", hcl("token = var.tok", "", SECRET_VARS),
                        null, with(base, "token", hash("s3cret"))),
                Arguments.of("declared secure token: hash of its password part",
                        hcl("token = var.full", "", SECRET_VARS), null, with(base, "token", hash("s3cret"))),
                Arguments.of("no declared token: the server's own, from its probe", hcl("", "", ""),
                        seen(SERVER, serverWithToken, "k3s", true, "active"), with(base, "token", hash("pw-from-node"))),
                Arguments.of("a declared token wins over the server's own", hcl("token = var.tok", "", SECRET_VARS),
                        seen(SERVER, serverWithToken, "k3s", true, "active"), with(base, "token", hash("s3cret"))),
                Arguments.of("server probed without k3s: no token", hcl("", "", ""),
                        seen(SERVER, null, "k3s", false, "inactive"), base),
                Arguments.of("agent passthrough, the server's disable not inherited",
                        hcl("disable = [\"traefik\"]", "config = { \"node-label\" = \"zone=a\" }", ""), null,
                        with(base, "config", map("node-label", "zone=a", "node-name", AGENT))),
                Arguments.of("docker runtime on the agent's node", hcl("", "",
                        "runtime \"d\" {\n nodes = [node.pi-2]\n engine = \"docker\"\n}"), null,
                        with(base, "config", map("docker", "true", "node-name", AGENT))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("agentDesired")
    void agent_desired(String name, String hcl, NodeObservation serverObservation, Map<String, Object> expected) {
        Config c = config(hcl);
        PlanContext ctx = serverObservation == null ? TestContexts.plan(c) : TestContexts.plan(c, serverObservation);
        assertEquals(expected, new K3sAgentKind().desired(agent(c), ctx));
    }

    // ------------------------------------------------------------------ observe: k3s_server

    static Stream<Arguments> serverObserved() {
        String ours = "\"node-name\": \"pi-1\"\n\"token\": \"s3cret\"\n";
        return Stream.of(
                Arguments.of("not probed: unknown, with why", null, null,
                        new Observed.Unknown("pi-1: not probed")),
                Arguments.of("no k3s at all", seen(SERVER, null, "k3s", false, "inactive"), null,
                        new Observed.Absent()),
                Arguments.of("config.yaml but no binary", seen(SERVER, new K3sInstall(null, ours, null, null),
                        "k3s", true, "active"), null, new Observed.Absent()),
                Arguments.of("binary, no unit file", seen(SERVER, new K3sInstall(V, ours, null, null), "k3s", false,
                        "inactive"), null, new Observed.Absent()),
                Arguments.of("binary, unit not reported", seen(SERVER, new K3sInstall(V, ours, null, null), "k3s",
                        null, null), null, new Observed.Absent()),
                Arguments.of("an agent's unit only", seen(SERVER, new K3sInstall(V, ours, null, null), "k3s-agent",
                        true, "active"), null, new Observed.Absent()),
                Arguments.of("running, our token: token hashed, config without it",
                        seen(SERVER, new K3sInstall(V, ours, "s3cret", null), "k3s", true, "active"), null,
                        present(SERVER, V, true, map("node-name", SERVER), hash("s3cret"))),
                Arguments.of("stopped", seen(SERVER, new K3sInstall(V, ours, "s3cret", null), "k3s", true,
                        "inactive"), null, present(SERVER, V, false, map("node-name", SERVER), hash("s3cret"))),
                Arguments.of("activating (auto-restart) is not running", seen(SERVER, new K3sInstall(V, ours,
                        "s3cret", null), "k3s", true, "activating"), null,
                        present(SERVER, V, false, map("node-name", SERVER), hash("s3cret"))),
                Arguments.of("failed", seen(SERVER, new K3sInstall(V, ours, "s3cret", null), "k3s", true, "failed"),
                        null, present(SERVER, V, false, map("node-name", SERVER), hash("s3cret"))),
                Arguments.of("no config.yaml, no token file", seen(SERVER, new K3sInstall("v1.30.2+k3s1", null, null,
                        null), "k3s", true, "active"), null, present(SERVER, "v1.30.2+k3s1", true, map(), null)),
                Arguments.of("a token edited by hand shows as foreign", seen(SERVER, new K3sInstall(V,
                        "node-name: pi-1\ntoken: other\n", "s3cret", null), "k3s", true, "active"), null,
                        present(SERVER, V, true, map("node-name", SERVER, "token", K3sServerKind.FOREIGN_TOKEN),
                                hash("s3cret"))),
                Arguments.of("agent-token and server keys are not compared", seen(SERVER, new K3sInstall(V,
                        "node-name: pi-1\nagent-token: a\nserver: https://x:1\ndisable: [traefik]\n", null, null),
                        "k3s", true, "active"), null,
                        present(SERVER, V, true, map("disable", List.of("traefik"), "node-name", SERVER), null)),
                Arguments.of("garbled config.yaml: what parses, nothing thrown", seen(SERVER, new K3sInstall(V,
                        "\u0000\u00ff no colon here\n  - stray item\n---\n# comment\nnode-name: pi-1\n", null, null),
                        "k3s", true, "active"), null, present(SERVER, V, true, map("node-name", SERVER), null)),
                Arguments.of("moved away: the old node no longer has it", seen("pi-3", null, "k3s", false, "inactive"),
                        ResourceState.of(ResourceAddress.of(K3sServerType.NAME, "control"), "pi-3"),
                        new Observed.Present(map("node", "pi-3", "running", false))));
    }

    private static Observed present(String node, String version, boolean running, Map<String, Object> config,
                                    String token) {
        Map<String, Object> m = map("node", node, "version", version, "running", running, "config",
                new TreeMap<>(config));
        if (token != null) {
            m.put("token", token);
        }
        return new Observed.Present(m);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("serverObserved")
    void server_observe(String name, NodeObservation o, ResourceState prior, Observed expected) {
        Config c = config(hcl("", "", ""));
        PlanContext ctx = o == null ? TestContexts.plan(c) : TestContexts.plan(c, o);
        Observed got = new K3sServerKind().observe(server(c), prior, SERVER, ctx);
        assertEquals(expected, got);
        assertFalse(String.valueOf(got).contains("s3cret"), "never the token itself: " + got);
    }

    // ------------------------------------------------------------------ observe: k3s_agent

    static Stream<Arguments> agentObserved() {
        String cfg = "\"node-name\": \"pi-2\"\n\"server\": \"https://192.168.1.10:6443\"\n"
                + "\"token\": \"K10abc::server:s3cret\"\n";
        return Stream.of(
                Arguments.of("not probed", null, new Observed.Unknown("pi-2: not probed")),
                Arguments.of("no k3s", seen(AGENT, null, "k3s-agent", false, "inactive"), new Observed.Absent()),
                Arguments.of("no binary", seen(AGENT, new K3sInstall(null, cfg, null, null), "k3s-agent", true,
                        "active"), new Observed.Absent()),
                Arguments.of("a server's unit, not an agent's", seen(AGENT, new K3sInstall(V, cfg, null, null), "k3s",
                        true, "active"), new Observed.Absent()),
                Arguments.of("joined, running: URL from the env file, token's password hashed",
                        seen(AGENT, new K3sInstall(V, cfg, null, "https://192.168.1.10:6444"), "k3s-agent", true,
                                "active"),
                        agentPresent(true, "https://192.168.1.10:6444", map("node-name", AGENT), hash("s3cret"))),
                Arguments.of("no env file: URL from config.yaml", seen(AGENT, new K3sInstall(V, cfg, null, null),
                        "k3s-agent", true, "active"),
                        agentPresent(true, "https://192.168.1.10:6443", map("node-name", AGENT), hash("s3cret"))),
                Arguments.of("stopped", seen(AGENT, new K3sInstall(V, cfg, null, null), "k3s-agent", true,
                        "inactive"),
                        agentPresent(false, "https://192.168.1.10:6443", map("node-name", AGENT), hash("s3cret"))),
                Arguments.of("bare token in config.yaml", seen(AGENT, new K3sInstall(V, "token: s3cret\n", null,
                        "https://h:6443"), "k3s-agent", true, "active"),
                        agentPresent(true, "https://h:6443", map(), hash("s3cret"))),
                Arguments.of("no config.yaml: no URL, no token", seen(AGENT, new K3sInstall(V, null, null, null),
                        "k3s-agent", true, "active"), agentPresent(true, null, map(), null)));
    }

    private static Observed agentPresent(boolean running, String url, Map<String, Object> config, String token) {
        Map<String, Object> m = map("version", V, "running", running);
        if (url != null) {
            m.put("server_url", url);
        }
        m.put("config", new TreeMap<>(config));
        if (token != null) {
            m.put("token", token);
        }
        return new Observed.Present(m);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("agentObserved")
    void agent_observe(String name, NodeObservation o, Observed expected) {
        Config c = config(hcl("", "", ""));
        PlanContext ctx = o == null ? TestContexts.plan(c) : TestContexts.plan(c, o);
        Observed got = new K3sAgentKind().observe(agent(c), null, AGENT, ctx);
        assertEquals(expected, got);
        assertFalse(String.valueOf(got).contains("s3cret"), "never the token itself: " + got);
    }

    // ------------------------------------------------------------------ same, pendingReason, drain

    static Stream<Arguments> sameRows() {
        return Stream.of(
                Arguments.of("running", true, true, true),
                Arguments.of("running", true, false, false),
                Arguments.of("version", V, V, true),
                Arguments.of("version", V, "v1.31.4+k3s2", false),
                Arguments.of("version", V, null, false),
                Arguments.of("config", map("node-name", "pi-1"), new TreeMap<>(map("node-name", "pi-1")), true),
                Arguments.of("config", map("node-name", "pi-1"), map("node-name", "pi-1", "docker", "true"), false),
                Arguments.of("config", map("disable", List.of("traefik", "servicelb")),
                        map("disable", List.of("servicelb", "traefik")), false),
                Arguments.of("config", map("https-listen-port", "6444"), map("https-listen-port", 6444L), false),
                Arguments.of("token", hash("a"), hash("a"), true),
                Arguments.of("token", hash("a"), hash("b"), false),
                Arguments.of("token", null, hash("b"), false));
    }

    @ParameterizedTest(name = "same({0}: {1} vs {2}) = {3}")
    @MethodSource("sameRows")
    void same_comparesExactly_listsInOrder(String attribute, Object desired, Object observed, boolean same) {
        for (Kind kind : List.<Kind>of(new K3sServerKind(), new K3sAgentKind())) {
            assertEquals(same, kind.same(attribute, desired, observed), kind.type());
            assertFalse(kind.unorderedLists(), kind.type());
        }
    }

    static Stream<Arguments> pendingRows() {
        return Stream.of(
                Arguments.of("running", ActionReason.SERVICE_STOPPED),
                Arguments.of("version", null),
                Arguments.of("config", null),
                Arguments.of("token", null),
                Arguments.of("server_url", null),
                Arguments.of("node", null),
                Arguments.of("Running", null));
    }

    @ParameterizedTest(name = "pendingReason({0}) = {1}")
    @MethodSource("pendingRows")
    void pendingReason_onlyAStoppedUnit(String attribute, ActionReason expected) {
        assertEquals(expected, new K3sServerKind().pendingReason(attribute));
        assertEquals(expected, new K3sAgentKind().pendingReason(attribute));
    }

    @Test
    void kindRules_replaceDrainAndTheAlwaysSensitiveToken() {
        assertEquals(Set.of("node"), new K3sServerKind().replacing());
        assertEquals(Set.of(), new K3sAgentKind().replacing());
        assertEquals(Set.of("token", "registry_auth"), new K3sServerKind().sensitive());
        assertEquals(Set.of("token", "registry_auth"), new K3sAgentKind().sensitive());
        assertTrue(new K3sServerKind().drainsBeforeDelete());
        assertTrue(new K3sAgentKind().drainsBeforeDelete());
        assertEquals(K3sServerType.NAME, new K3sServerKind().type());
        assertEquals(K3sAgentType.NAME, new K3sAgentKind().type());
    }

    // ------------------------------------------------------------------ sensitive

    static Stream<Arguments> sensitiveRows() {
        return Stream.of(
                Arguments.of("plain", hcl("", "", SECRET_VARS), Set.of("token", "registry_auth"), Set.of("token", "registry_auth")),
                Arguments.of("token from a sensitive variable", hcl("token = var.tok", "", SECRET_VARS),
                        Set.of("token", "registry_auth"), Set.of("token", "registry_auth")),
                Arguments.of("disable from a sensitive variable makes the server's config sensitive",
                        hcl("disable = var.off", "", SECRET_VARS), Set.of("config", "disable", "token", "registry_auth"),
                        Set.of("token", "registry_auth")),
                Arguments.of("a sensitive server address: the agent's server_url",
                        hcl("var.addr", "", "", SECRET_VARS), Set.of("token", "registry_auth"), Set.of("server_url", "token", "registry_auth")),
                Arguments.of("a sensitive server version: the agent's version",
                        hcl("", "", SECRET_VARS).replace("version = \"" + V + "\"", "version = var.ver"),
                        Set.of("token", "version", "registry_auth"), Set.of("token", "version", "registry_auth")),
                Arguments.of("a sensitive value in the agent's own config",
                        hcl("", "config = { \"node-label\" = var.tok }", SECRET_VARS), Set.of("token", "registry_auth"),
                        Set.of("config", "token", "registry_auth")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sensitiveRows")
    void sensitive(String name, String hcl, Set<String> server, Set<String> agent) {
        Config c = config(hcl);
        PlanContext ctx = TestContexts.plan(c);
        assertEquals(server, new K3sServerKind().sensitive(server(c), ctx));
        assertEquals(agent, new K3sAgentKind().sensitive(agent(c), ctx));
    }

    // ------------------------------------------------------------------ check: versions and the token

    static Stream<Arguments> versionRows() {
        return Stream.of(
                Arguments.of("create", null, V, null),
                Arguments.of("same version", V, V, null),
                Arguments.of("patch upgrade", V, "v1.31.5+k3s1", null),
                Arguments.of("k3s release upgrade", V, "v1.31.4+k3s2", null),
                Arguments.of("next minor", V, "v1.32.0+k3s1", null),
                Arguments.of("next minor, older patch", "v1.31.9+k3s1", "v1.32.0+k3s1", null),
                Arguments.of("skips one minor", V, "v1.33.0+k3s1",
                        ": upgrading k3s from v1.31.4+k3s1 to v1.33.0+k3s1 skips a minor version"),
                Arguments.of("skips three minors", "v1.29.1+k3s1", "v1.32.0+k3s1",
                        ": upgrading k3s from v1.29.1+k3s1 to v1.32.0+k3s1 skips a minor version"),
                Arguments.of("patch downgrade", V, "v1.31.3+k3s1",
                        ": k3s v1.31.4+k3s1 cannot be downgraded to v1.31.3+k3s1"),
                Arguments.of("k3s release downgrade", "v1.31.4+k3s2", V,
                        ": k3s v1.31.4+k3s2 cannot be downgraded to v1.31.4+k3s1"),
                Arguments.of("minor downgrade", "v1.32.0+k3s1", "v1.31.9+k3s1",
                        ": k3s v1.32.0+k3s1 cannot be downgraded to v1.31.9+k3s1"),
                Arguments.of("major upgrade is not a skipped minor", V, "v2.0.0+k3s1", null),
                Arguments.of("major downgrade", "v2.0.0+k3s1", V,
                        ": k3s v2.0.0+k3s1 cannot be downgraded to v1.31.4+k3s1"),
                Arguments.of("unreadable installed version: nothing to compare", "dev-build", V, null),
                Arguments.of("huge numbers: nothing to compare", "v1.99999999999.0+k3s1", V, null));
    }

    @ParameterizedTest(name = "{0}: {1} -> {2}")
    @MethodSource("versionRows")
    void check_versionRules_forServerAndAgent(String name, String from, String to, String error) {
        Config c = config(hcl("", "", ""));
        List<AttributeChange> changes = List.of(new AttributeChange("version", from, to, false, false));

        PlanContext sc = TestContexts.plan(c);
        new K3sServerKind().check(server(c), map(), changes, sc);
        assertErrors(sc, error == null ? List.of() : List.of("k3s_server.control" + error), server(c), "version");

        PlanContext ac = TestContexts.plan(c);
        new K3sAgentKind().check(agent(c), map(), changes, ac);
        assertErrors(ac, error == null ? List.of() : List.of("k3s_agent.workers[\"pi-2\"]" + error), server(c),
                "version");
    }

    @Test
    void check_theHintsSayWhatToDo() {
        Config c = config(hcl("", "", ""));
        PlanContext ctx = TestContexts.plan(c);
        new K3sServerKind().check(server(c), map(), List.of(new AttributeChange("version", V, "v1.31.3+k3s1", false,
                false)), ctx);
        new K3sServerKind().check(server(c), map(), List.of(new AttributeChange("version", V, "v1.33.1+k3s1", false,
                false)), ctx);
        assertEquals(List.of("Kubernetes upgrades one minor version at a time. Upgrade to a v1.32.x release first.",
                        "k3s does not support downgrades. Keep version = \"v1.31.4+k3s1\" (or newer)."),
                ctx.diagnostics().sorted().stream().map(Diagnostic::detail).sorted().toList());
    }

    static Stream<Arguments> tokenRows() {
        return Stream.of(
                Arguments.of("another token on a live server", hash("old"), hash("new"), true),
                Arguments.of("the server had none readable (k3s made one)", null, hash("new"), false),
                Arguments.of("token removed from the description", hash("old"), null, false),
                Arguments.of("no token either side", null, null, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tokenRows")
    void check_aTokenChangeOnALiveServer_isRefused(String name, String before, String after, boolean refused) {
        Config c = config(hcl("token = var.tok", "", SECRET_VARS));
        PlanContext ctx = TestContexts.plan(c);
        new K3sServerKind().check(server(c), map("token", before), List.of(
                new AttributeChange("token", before, after, false, true)), ctx);
        assertErrors(ctx, refused ? List.of("the token of k3s_server.control differs from the running server's")
                : List.of(), server(c), "token");
        if (refused) {
            Diagnostic d = ctx.diagnostics().sorted().get(0);
            assertTrue(d.detail().contains("k3s token rotate --new-token=...` on pi-1"), d.detail());
            assertFalse(d.toString().contains("s3cret"), d.toString());
        }
    }

    @Test
    void check_theAgentHasNoTokenRule() {
        Config c = config(hcl("token = var.tok", "", SECRET_VARS));
        PlanContext ctx = TestContexts.plan(c);
        new K3sAgentKind().check(agent(c), map(), List.of(new AttributeChange("token", hash("a"), hash("b"), false,
                true), new AttributeChange("server_url", "https://a:6443", "https://a:6444", false, false)), ctx);
        assertEquals(List.of(), ctx.diagnostics().sorted());
    }

    /**
     * A server whose token is declared in k3s's secure form ({@code K10<ca-hash>::server:<password>}, e.g. copied from
     * {@code /var/lib/rancher/k3s/server/token} as the 401 hint advises) and runs with it: the probe reads the password
     * part, so the desired token must be the hash of the same part, as the agent kind and the server's executor both
     * do ({@code K3sToken.password}). The server kind hashes the whole declared token, so the plan sees a token
     * change on a live server and refuses it, on every plan.
     */
    @Test
    void aSecureFormServerToken_matchesTheServerRunningWithIt() {
        Config c = config(hcl("token = var.full", "", SECRET_VARS));
        PlanContext ctx = TestContexts.plan(c, seen(SERVER, new K3sInstall(V,
                "\"node-name\": \"pi-1\"\n\"token\": \"K10abc123::server:s3cret\"\n", "s3cret", null), "k3s", true,
                "active"));
        Map<String, Object> desired = new K3sServerKind().desired(server(c), ctx);
        Observed.Present seen = (Observed.Present) new K3sServerKind().observe(server(c), null, SERVER, ctx);
        assertTrue(new K3sServerKind().same("token", desired.get("token"), seen.attributes().get("token")),
                "the server runs with the declared token");
        assertEquals(desired.get("config"), seen.attributes().get("config"));
    }

    private static void assertErrors(PlanContext ctx, List<String> summaries, ResourceInstance server, String at) {
        List<String> got = new ArrayList<>();
        for (Diagnostic d : ctx.diagnostics().sorted()) {
            assertTrue(d.isError(), d::toString);
            assertEquals(server.rangeOf(at), d.subject(), "reported at the server's " + at);
            got.add(d.summary());
        }
        assertEquals(summaries, got);
    }
}
