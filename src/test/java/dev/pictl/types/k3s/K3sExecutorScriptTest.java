package dev.pictl.types.k3s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pictl.addr.ResourceAddress;
import dev.pictl.apply.ApplyContext;
import dev.pictl.apply.ApplyException;
import dev.pictl.apply.ApplyHook;
import dev.pictl.apply.ApplyOptions;
import dev.pictl.apply.Recorded;
import dev.pictl.config.Config;
import dev.pictl.nodetext.SimpleYaml;
import dev.pictl.plan.Action;
import dev.pictl.plan.ActionReason;
import dev.pictl.plan.AttributeChange;
import dev.pictl.plan.ResourceChange;
import dev.pictl.testing.FakeSession;
import dev.pictl.testing.FakeTransport;
import dev.pictl.testing.TestContexts;
import dev.pictl.types.host.NodeType;
import dev.pictl.transport.TransportException;
import dev.pictl.types.ResourceTypes;
import java.nio.file.Path;
import java.time.Duration;
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
 * {@link K3sServerExecutor} and {@link K3sAgentExecutor} against {@link FakeSession}s (fast tier): for each change,
 * which steps run on which node, as root, in what order; config.yaml (read back from the converge command's stdin
 * with {@link SimpleYaml}) written before the install in the same script, with the expected keys; no token in any
 * command line, step name, progress line or recorded state; and how a failure reads (node: step: command exited N:
 * tail, and the hint). Polls (k3s start, Ready) are answered at once by pattern; no test sleeps.
 * {@code K3sServerExecutorTest}/{@code K3sAgentExecutorTest} run the real scripts on simulated boards.
 */
@Tag("fast")
class K3sExecutorScriptTest {
    private static final String V = "v1.31.4+k3s1";
    private static final String V2 = "v1.32.0+k3s1";
    private static final String TOKEN = "s3cret-T0ken";
    private static final String NODE_TOKEN = "K10deadbeef::server:n0de-pw";
    private static final String URL = "https://192.168.1.10:6443";
    private static final ResourceAddress SERVER = ResourceAddress.of(K3sServerType.NAME, "control");
    private static final ResourceAddress AGENT = ResourceAddress.of(K3sAgentType.NAME, "workers", "pi-2");
    private static final String CONVERGE = "cat > \"\\$f\\.pictl-new\"";
    private static final String POLL = "systemctl is-active \\$u";
    private static final String LOOK_FRESH = "version=\nunit=absent\nactive=\nurl=\n";

    @TempDir
    Path tmp;

    private final FakeTransport transport = new FakeTransport();
    private final FakeSession pi1 = transport.node("pi-1");
    private final FakeSession pi2 = transport.node("pi-2");
    private final List<String> progress = new ArrayList<>();

    // ------------------------------------------------------------------ description and context

    private Config described(boolean serverToken, String serverConfig) {
        return TestContexts.config(tmp.resolve("c"), """
                variable "tok" {
                  sensitive = true
                  default   = "%s"
                }
                node "pi-1" {
                  address = "192.168.1.10"
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
                  disable = ["traefik"]
                  %s
                  %s
                }
                k3s_agent "workers" {
                  nodes  = [node.pi-2]
                  server = k3s_server.control
                }
                """.formatted(TOKEN, V, serverToken ? "token = var.tok" : "", serverConfig));
    }

    private ApplyContext context(Config config, Duration k3sStart) {
        return TestContexts.apply(transport, config, new ApplyHook() {
            @Override
            public void step(ResourceAddress address, String step) {
                progress.add(step);
            }
        }, ApplyOptions.defaults().withK3sStartTimeout(k3sStart));
    }

    private ApplyContext context(boolean serverToken) {
        return context(described(serverToken, ""), Duration.ofSeconds(2));
    }

    // ------------------------------------------------------------------ changes

    private static Map<String, Object> server(String version, boolean running, String tokenHash) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("node", "pi-1");
        m.put("version", version);
        m.put("running", running);
        m.put("config", new TreeMap<>(Map.of("disable", List.of("traefik"), "node-name", "pi-1")));
        if (tokenHash != null) {
            m.put("token", tokenHash);
        }
        return m;
    }

    private static Map<String, Object> agent(String version, String url, Map<String, Object> config) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", version);
        m.put("running", true);
        m.put("server_url", url);
        Map<String, Object> c = new TreeMap<>(config);
        c.putIfAbsent("node-name", "pi-2");
        m.put("config", c);
        m.put("token", TestContexts.HASHER.hash("whatever-the-plan-saw"));
        return m;
    }

    private static ResourceChange change(ResourceAddress address, String node, Action action,
                                         Map<String, Object> before, Map<String, Object> after, boolean drain) {
        ActionReason reason = switch (action) {
            case CREATE -> ActionReason.NOT_PRESENT;
            case DELETE -> ActionReason.REMOVED_FROM_CONFIG;
            case REPLACE -> ActionReason.REPLACE_REQUESTED;
            default -> ActionReason.ATTRIBUTE_CHANGED;
        };
        List<AttributeChange> diffs = new ArrayList<>();
        if (before != null && after != null) {
            after.forEach((k, v) -> {
                if (!v.equals(before.get(k))) {
                    diffs.add(new AttributeChange(k, before.get(k), v, false, k.equals("token")));
                }
            });
        }
        // As the plan has them: an agent depends on its node and on the server it joins (its token's handle).
        List<ResourceAddress> dependencies = address.type().equals(K3sAgentType.NAME)
                ? List.of(ResourceAddress.of(NodeType.NAME, node), SERVER) : List.of(ResourceAddress.of(NodeType.NAME, node));
        return new ResourceChange(address, node, action, reason, before, after, Set.of("token"), diffs, false, drain,
                null, "", dependencies);
    }

    private static String hash(String s) {
        return TestContexts.HASHER.hash(s);
    }

    // ------------------------------------------------------------------ answers

    private static String converged(int config, int installed, String action, String oldPid) {
        return "config=" + config + "\n" + (installed == 1 ? "installed=1\n" : "")
                + (action.equals("none") ? "action=none\n" : "action=" + action + "\noldpid=" + oldPid + "\n");
    }

    private void serverAnswers(String look, String converge) {
        pi1.whenStep("look at k3s").answer(look)
                .when(CONVERGE).answer(converge)
                .when(POLL).answer("state=active\n")
                .when("k3s kubectl get node pi-1 --no-headers").answer("pi-1   Ready   control-plane,master   9s   "
                        + V + "\n");
    }

    private void agentAnswers(String look, String converge) {
        pi1.whenStep("read join token").answer(NODE_TOKEN + "\n")
                .when("k3s kubectl get node pi-2 --no-headers").answer("pi-2   Ready   <none>   3s   " + V + "\n");
        pi2.whenStep("look at k3s-agent").answer(look)
                .when(CONVERGE).answer(converge)
                .when(POLL).answer("state=active\n");
    }

    // ------------------------------------------------------------------ k3s_server: the table

    /** One row: the change, what the node looks like and what converging did; the steps and progress expected. */
    record ServerRow(String name, Action action, Map<String, Object> before, Map<String, Object> after, String look,
                     String converge, List<String> steps, List<String> progress, String installVersion,
                     String awaitedPid) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> serverRows() {
        String tok = hash(TOKEN);
        String current = "version=" + V + "\nunit=present\nactive=active\nurl=\n";
        return Stream.of(
                new ServerRow("fresh install", Action.CREATE, null, server(V, true, tok), LOOK_FRESH,
                        converged(1, 1, "start", "0"),
                        List.of("look at k3s", "install k3s server", "wait for k3s to be active", "wait for Ready"),
                        List.of("write /etc/rancher/k3s/config.yaml", "install k3s " + V,
                                "wait for k3s to be active (start)", "wait for pi-1 to be Ready"), V, "0"),
                new ServerRow("upgrade", Action.UPDATE, server(V, true, tok), server(V2, true, tok), current,
                        converged(0, 1, "restart", "4242"),
                        List.of("look at k3s", "upgrade k3s server", "wait for k3s to be active", "wait for Ready"),
                        List.of("write /etc/rancher/k3s/config.yaml", "upgrade k3s " + V + " -> " + V2,
                                "wait for k3s to be active (restart)", "wait for pi-1 to be Ready"), V2, "4242"),
                new ServerRow("config change: no install, restart", Action.UPDATE, server(V, true, tok),
                        server(V, true, tok), current, converged(1, 0, "restart", "777"),
                        List.of("look at k3s", "write k3s config", "wait for k3s to be active", "wait for Ready"),
                        List.of("write /etc/rancher/k3s/config.yaml", "wait for k3s to be active (restart)",
                                "wait for pi-1 to be Ready"), null, "777"),
                new ServerRow("stopped: start, no install", Action.UPDATE, server(V, false, tok),
                        server(V, true, tok), "version=" + V + "\nunit=present\nactive=inactive\nurl=\n",
                        converged(0, 0, "start", "0"),
                        List.of("look at k3s", "write k3s config", "wait for k3s to be active", "wait for Ready"),
                        List.of("write /etc/rancher/k3s/config.yaml", "wait for k3s to be active (start)",
                                "wait for pi-1 to be Ready"), null, "0"),
                new ServerRow("nothing to do on the node: no start, no poll", Action.UPDATE, server(V, true, tok),
                        server(V, true, tok), current, converged(0, 0, "none", null),
                        List.of("look at k3s", "write k3s config", "wait for Ready"),
                        List.of("write /etc/rancher/k3s/config.yaml", "wait for pi-1 to be Ready"), null, null),
                new ServerRow("binary there, unit file gone: install again", Action.UPDATE, server(V, false, tok),
                        server(V, true, tok), "version=" + V + "\nunit=absent\nactive=inactive\nurl=\n",
                        converged(0, 1, "start", "0"),
                        List.of("look at k3s", "upgrade k3s server", "wait for k3s to be active", "wait for Ready"),
                        List.of("write /etc/rancher/k3s/config.yaml", "upgrade k3s " + V + " -> " + V,
                                "wait for k3s to be active (start)", "wait for pi-1 to be Ready"), V, "0"),
                new ServerRow("replace: uninstall first", Action.REPLACE, server(V, true, tok), server(V, true, tok),
                        LOOK_FRESH, converged(1, 1, "start", "0"),
                        List.of("uninstall k3s server", "look at k3s", "install k3s server", "wait for k3s to be active",
                                "wait for Ready"),
                        List.of("uninstall k3s server from pi-1 (replaced)", "write /etc/rancher/k3s/config.yaml",
                                "install k3s " + V, "wait for k3s to be active (start)", "wait for pi-1 to be Ready"),
                        V, "0"))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("serverRows")
    void server_apply_runsTheseSteps_asRoot_inThisOrder(ServerRow row) throws Exception {
        serverAnswers(row.look(), row.converge());
        pi1.when("k3s-uninstall\\.sh").answer("");
        ResourceChange c = change(SERVER, "pi-1", row.action(), row.before(), row.after(), false);
        Recorded recorded = new K3sServerExecutor().apply(c, context(true));

        assertEquals(row.steps(), pi1.steps(), pi1::describe);
        assertEquals(row.progress(), progress);
        assertEquals(List.of(), pi2.ran(), "nothing on another node");
        assertTrue(pi1.ran().stream().allMatch(FakeSession.Ran::asRoot), pi1::describe);

        // config.yaml: on stdin, read back as the plan's config plus the token
        FakeSession.Ran converge = pi1.assertRan(CONVERGE);
        assertEquals(Map.of("disable", List.of("traefik"), "node-name", "pi-1", "token", TOKEN),
                SimpleYaml.read(converge.stdin()));
        String script = converge.script();
        assertTrue(script.startsWith("trap '' HUP PIPE\n"), script);
        int written = script.indexOf("mv -f \"$f.pictl-new\" \"$f\"");
        int start = script.indexOf("systemctl --no-block $v k3s");
        assertTrue(written > 0 && start > written, script);
        int enable = script.indexOf("systemctl is-enabled --quiet k3s 2>/dev/null || systemctl enable --quiet k3s");
        assertTrue(enable > written && enable < start, "enabled before it is started:\n" + script);
        if (row.installVersion() != null) {
            int install = script.indexOf("curl -sfL https://get.k3s.io");
            assertTrue(written < install && install < start, "config.yaml before the install, start after:\n"
                    + script);
            assertTrue(script.contains("INSTALL_K3S_VERSION='" + row.installVersion() + "' INSTALL_K3S_EXEC=server "
                    + "INSTALL_K3S_SKIP_START=true sh -"), script);
            assertTrue(script.contains("sh - >\"$f.pictl-install-log\" 2>&1 ||"),
                    "the installer writes to a file, never to the channel a dead pictl leaves (its set -e):\n" + script);
            assertFalse(script.contains("K3S_URL="), "a server joins no URL:\n" + script);
        } else {
            assertFalse(script.contains("get.k3s.io"), script);
        }
        if (row.awaitedPid() != null) {
            FakeSession.Ran poll = pi1.assertRan(POLL);
            assertTrue(poll.script().contains("[ \"$p\" != '" + row.awaitedPid() + "' ]"), poll.script());
            assertTrue(poll.script().contains("end=$(( $(date +%s) + 2 ))"), "the k3sStartTimeout:\n" + poll.script());
            assertEquals(Duration.ofSeconds(62), poll.timeout());
        } else {
            pi1.assertNotRan(POLL);
        }

        // the token: in config.yaml on stdin only
        assertNoToken(TOKEN, recorded);
        Map<String, Object> expected = new LinkedHashMap<>(row.after());
        expected.remove("token");
        assertEquals(expected, recorded.attributes());
        assertEquals(Map.of("token", hash(TOKEN)), recorded.sensitiveHashes());
    }

    @Test
    void server_withoutADeclaredToken_writesNoTokenKey_andRecordsNoHash() throws Exception {
        serverAnswers(LOOK_FRESH, converged(1, 1, "start", "0"));
        Recorded r = new K3sServerExecutor().apply(change(SERVER, "pi-1", Action.CREATE, null, server(V, true, null),
                false), context(false));
        assertEquals(Map.of("disable", List.of("traefik"), "node-name", "pi-1"),
                SimpleYaml.read(pi1.assertRan(CONVERGE).stdin()));
        assertEquals(Map.of(), r.sensitiveHashes());
    }

    @Test
    void server_hostileConfigValues_roundTripThroughConfigYaml() throws Exception {
        serverAnswers(LOOK_FRESH, converged(1, 1, "start", "0"));
        Map<String, Object> after = server(V, true, null);
        Map<String, Object> config = new TreeMap<>();
        config.put("node-name", "pi-1");
        config.put("node-label", List.of("a=b\nwrite-kubeconfig-mode: 0644", "x: y # z"));
        config.put("kubelet-arg", "---\n'\"\\");
        after.put("config", config);
        new K3sServerExecutor().apply(change(SERVER, "pi-1", Action.CREATE, null, after, false), context(false));
        assertEquals(config, SimpleYaml.read(pi1.assertRan(CONVERGE).stdin()));
        assertFalse(pi1.assertRan(CONVERGE).script().contains("write-kubeconfig-mode"), "values travel on stdin");
    }

    // ------------------------------------------------------------------ k3s_server: refusals

    static Stream<Arguments> tokenRefusals() {
        return Stream.of(
                Arguments.of("another token on record", hash("old-token"), true),
                Arguments.of("the same token", hash(TOKEN), false),
                Arguments.of("none on record", null, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tokenRefusals")
    void server_aTokenChangeOnALiveServer_isRefusedBeforeAnythingRuns(String name, String was, boolean refused)
            throws Exception {
        serverAnswers("version=" + V + "\nunit=present\nactive=active\nurl=\n", converged(0, 0, "none", null));
        ResourceChange c = change(SERVER, "pi-1", Action.UPDATE, server(V, true, was), server(V, true, hash(TOKEN)),
                false);
        if (!refused) {
            new K3sServerExecutor().apply(c, context(true));
            assertEquals(List.of("look at k3s", "write k3s config", "wait for Ready"), pi1.steps());
            return;
        }
        ApplyException e = assertThrows(ApplyException.class, () -> new K3sServerExecutor().apply(c, context(true)));
        assertEquals("pi-1", e.node());
        assertEquals("change k3s token", e.step());
        assertEquals("pi-1: change k3s token: the token in the description differs from the running server's; k3s "
                + "cannot change it by editing config.yaml", e.getMessage());
        assertEquals("run `k3s token rotate --new-token=...` on pi-1 first, then set the new token here; or remove "
                + "token to keep the server's own.", e.hint());
        assertEquals(List.of(), pi1.ran(), "refused before anything ran");
        assertFalse(e.getMessage().contains(TOKEN) || e.hint().contains(TOKEN));
    }

    static Stream<Arguments> downgrades() {
        return Stream.of(
                Arguments.of("v1.32.0+k3s1", V, true),
                Arguments.of("v1.31.4+k3s2", V, true),
                Arguments.of("v1.31.3+k3s1", V, false),
                Arguments.of("weird-build", V, false));
    }

    @ParameterizedTest(name = "installed {0}, wanted {1}: refused={2}")
    @MethodSource("downgrades")
    void server_aBinaryNewerThanThePlan_isNotDowngraded(String installed, String wanted, boolean refused)
            throws Exception {
        serverAnswers("version=" + installed + "\nunit=present\nactive=active\nurl=\n", converged(0, 1, "restart",
                "9"));
        ResourceChange c = change(SERVER, "pi-1", Action.UPDATE, server(installed, true, null),
                server(wanted, true, null), false);
        if (!refused) {
            new K3sServerExecutor().apply(c, context(false));
            assertEquals("upgrade k3s server", pi1.steps().get(1));
            return;
        }
        ApplyException e = assertThrows(ApplyException.class, () -> new K3sServerExecutor().apply(c, context(false)));
        assertEquals("pi-1: upgrade k3s server: k3s " + installed + " is installed; it cannot be downgraded to "
                + wanted, e.getMessage());
        assertEquals("k3s does not support downgrades: set version = \"" + installed + "\" (or newer) and plan again",
                e.hint());
        assertEquals(List.of("look at k3s"), pi1.steps(), "only the read-only look ran");
    }

    // ------------------------------------------------------------------ k3s_server: how failures read

    record Failure(String name, int exit, String stdout, String stderr, String step, String message, String hint) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> convergeFailures() {
        return Stream.of(
                new Failure("download failed", 1, "config=1\nfailed=install\n",
                        "downloading https://get.k3s.io failed (curl exit 6)\n", "install k3s server",
                        "pi-1: install k3s server: command exited 1: downloading https://get.k3s.io failed (curl exit 6)",
                        "the node must reach https://get.k3s.io and github.com to download k3s " + V + "; run the "
                                + "install on the node to see its whole output"),
                new Failure("install script failed, its own exit code", 22, "config=1\nfailed=install\n",
                        "[INFO]  Finding release for channel stable\n[ERROR] Download failed\n", "install k3s server",
                        "pi-1: install k3s server: command exited 22: [INFO]  Finding release for channel stable\n"
                                + "[ERROR] Download failed",
                        "the node must reach https://get.k3s.io and github.com to download k3s " + V + "; run the "
                                + "install on the node to see its whole output"),
                new Failure("start refused", 1, "config=1\ninstalled=1\nfailed=start\n",
                        "Failed to start k3s.service: Unit k3s.service is masked.\n", "start k3s",
                        "pi-1: start k3s: command exited 1: Failed to start k3s.service: Unit k3s.service is masked.",
                        "see `systemctl status k3s` on pi-1"),
                new Failure("config.yaml cut short", 1, "failed=config\n", "config.yaml arrived incomplete\n",
                        "write k3s config", "pi-1: write k3s config: command exited 1: config.yaml arrived incomplete",
                        "check that /etc/rancher/k3s/config.yaml is writable by root on pi-1"),
                new Failure("no marker: sudo failed", 1, "", "sudo: a password is required\n",
                        "configure, install and start k3s",
                        "pi-1: configure, install and start k3s: command exited 1: sudo: a password is required",
                        "the node-side script stopped before its first step; the output above says why"),
                new Failure("nothing on stderr: stdout's tail", 1, "config=1\nfailed=install\n", "",
                        "install k3s server", "pi-1: install k3s server: command exited 1: config=1\nfailed=install",
                        "the node must reach https://get.k3s.io and github.com to download k3s " + V + "; run the "
                                + "install on the node to see its whole output"))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("convergeFailures")
    void server_aFailedConverge_namesNodeStepCommandTail_andAHint(Failure f) {
        serverAnswers(LOOK_FRESH, "");
        pi1.when(CONVERGE).exit(f.exit(), f.stdout(), f.stderr());
        ApplyException e = assertThrows(ApplyException.class, () -> new K3sServerExecutor().apply(
                change(SERVER, "pi-1", Action.CREATE, null, server(V, true, hash(TOKEN)), false), context(true)));
        assertEquals("pi-1", e.node());
        assertEquals(f.step(), e.step());
        assertEquals(f.message(), e.getMessage());
        assertEquals(f.hint(), e.hint());
        assertEquals(List.of("look at k3s", "install k3s server"), pi1.steps(), "no poll after a failed converge");
    }

    static Stream<Arguments> journals() {
        String head = "Jan 01 00:00:01 pi-1 k3s[812]: time=\"2025-01-01T00:00:01Z\" ";
        return Stream.of(
                Arguments.of("memory cgroup", head + "level=info msg=\"Starting k3s\"\n" + head
                                + "level=fatal msg=\"failed to find memory cgroup (v2)\"",
                        ": failed to find memory cgroup (v2)",
                        "k3s needs the memory cgroup: add cgroup_enable=memory to a kernel_params block covering pi-1, "
                                + "apply (the node reboots), and check /proc/cmdline."),
                Arguments.of("another token in the datastore", head + "level=fatal msg=\"starting kubernetes: "
                                + "bootstrap data already found and encrypted with different token\"",
                        ": starting kubernetes: bootstrap data already found and encrypted with different token",
                        "the datastore on pi-1 was made with another token: set the server's own token, or change it "
                                + "with `k3s token rotate`."),
                Arguments.of("no message k3s's way", "Jan 01 00:00:01 pi-1 systemd[1]: k3s.service: Scheduled restart",
                        "", "see `journalctl -u k3s` on pi-1 for the whole log."));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("journals")
    void server_notActiveByTheDeadline_showsStateJournalAndK3sOwnError(String name, String journal, String cause,
                                                                         String hint) {
        serverAnswers(LOOK_FRESH, converged(1, 1, "start", "0"));
        pi1.when(POLL).exit(3, "state=activating (auto-restart)\n--journal--\n" + journal + "\n", "");
        ApplyException e = assertThrows(ApplyException.class, () -> new K3sServerExecutor().apply(
                change(SERVER, "pi-1", Action.CREATE, null, server(V, true, hash(TOKEN)), false), context(true)));
        assertEquals("wait for k3s to be active", e.step());
        StringBuilder indented = new StringBuilder();
        for (String line : journal.split("\n")) {
            indented.append(indented.length() == 0 ? "" : "\n").append("  ").append(line);
        }
        assertEquals("pi-1: wait for k3s to be active: k3s is not active after 2s (activating (auto-restart))" + cause
                + "\n  journalctl -u k3s -n 20 --no-pager:\n" + indented, e.getMessage());
        assertEquals(hint, e.hint());
        pi1.assertNotRan("k3s kubectl get node");
    }

    @Test
    void server_notReadyByTheDeadline_showsWhatKubectlSaw() {
        serverAnswers("version=" + V + "\nunit=present\nactive=active\nurl=\n", converged(0, 0, "none", null));
        pi1.when("k3s kubectl get node pi-1 --no-headers").answer("pi-1   NotReady   control-plane   5m   " + V);
        ApplyException e = assertThrows(ApplyException.class, () -> new K3sServerExecutor().apply(
                change(SERVER, "pi-1", Action.UPDATE, server(V, true, null), server(V, true, null), false),
                context(described(false, ""), Duration.ZERO)));
        assertEquals("pi-1: wait for Ready: node pi-1 is not Ready after 0s (pi-1   NotReady   control-plane   5m   "
                + V + ")", e.getMessage());
        assertEquals("see `k3s kubectl describe node pi-1` on the server and `journalctl -u k3s*` on pi-1", e.hint());
    }

    @Test
    void server_delete_runsTheUninstallScriptOnly_asRoot() throws Exception {
        pi1.when("k3s-uninstall\\.sh").answer("");
        new K3sServerExecutor().delete(change(SERVER, "pi-1", Action.DELETE, server(V, true, hash(TOKEN)), null,
                false), context(true));
        assertEquals(List.of("uninstall k3s server"), pi1.steps());
        assertTrue(pi1.ran().get(0).asRoot());
        assertEquals("if command -v k3s-uninstall.sh >/dev/null 2>&1; then k3s-uninstall.sh; else echo "
                + "'k3s-uninstall.sh not found: k3s server not installed'; fi", pi1.ran().get(0).script());
        assertEquals(List.of("uninstall k3s server (k3s-uninstall.sh)"), progress);
    }

    @Test
    void server_aFailedUninstall_namesNodeStepAndTail() {
        pi1.when("k3s-uninstall\\.sh").exit(1, "", "rm: cannot remove '/var/lib/rancher': Device or resource busy\n");
        ApplyException e = assertThrows(ApplyException.class, () -> new K3sServerExecutor().delete(
                change(SERVER, "pi-1", Action.DELETE, server(V, true, null), null, false), context(false)));
        assertEquals("pi-1: uninstall k3s server: command exited 1: rm: cannot remove '/var/lib/rancher': Device or "
                + "resource busy", e.getMessage());
    }

    // ------------------------------------------------------------------ k3s_agent: the table

    record AgentRow(String name, boolean declaredToken, Action action, Map<String, Object> before,
                    Map<String, Object> after, boolean drain, String look, String converge, List<String> serverSteps,
                    List<String> agentSteps, List<String> progress, String installUrl) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> agentRows() {
        String url6444 = "https://192.168.1.10:6444";
        String current = "version=" + V + "\nunit=present\nactive=active\nurl=" + URL + "\n";
        List<String> installSteps = List.of("look at k3s-agent", "install k3s agent", "wait for k3s-agent to be active");
        return Stream.of(
                new AgentRow("join, the server's own token", false, Action.CREATE, null, agent(V, URL, Map.of()), false,
                        LOOK_FRESH, converged(1, 1, "start", "0"), List.of("read join token", "wait for Ready"),
                        installSteps, List.of("write /etc/rancher/k3s/config.yaml", "install k3s agent " + V,
                                "wait for k3s-agent to be active (start)", "wait for pi-2 to be Ready"), URL),
                new AgentRow("join, the declared token: nothing read on the server", true, Action.CREATE, null,
                        agent(V, URL, Map.of()), false, LOOK_FRESH, converged(1, 1, "start", "0"),
                        List.of("wait for Ready"), installSteps,
                        List.of("write /etc/rancher/k3s/config.yaml", "install k3s agent " + V,
                                "wait for k3s-agent to be active (start)", "wait for pi-2 to be Ready"), URL),
                new AgentRow("join a server on 6444", false, Action.CREATE, null, agent(V, url6444, Map.of()), false,
                        LOOK_FRESH, converged(1, 1, "start", "0"), List.of("read join token", "wait for Ready"),
                        installSteps, List.of("write /etc/rancher/k3s/config.yaml", "install k3s agent " + V,
                                "wait for k3s-agent to be active (start)", "wait for pi-2 to be Ready"), url6444),
                new AgentRow("the server's URL changed: install again", false, Action.UPDATE, agent(V, URL, Map.of()),
                        agent(V, url6444, Map.of()), false, current, converged(1, 1, "restart", "55"),
                        List.of("read join token", "wait for Ready"),
                        List.of("look at k3s-agent", "upgrade k3s agent", "wait for k3s-agent to be active"),
                        List.of("write /etc/rancher/k3s/config.yaml", "upgrade k3s agent " + V + " -> " + V,
                                "wait for k3s-agent to be active (restart)", "wait for pi-2 to be Ready"), url6444),
                new AgentRow("upgrade", false, Action.UPDATE, agent(V, URL, Map.of()), agent(V2, URL, Map.of()), false,
                        current, converged(0, 1, "restart", "55"), List.of("read join token", "wait for Ready"),
                        List.of("look at k3s-agent", "upgrade k3s agent", "wait for k3s-agent to be active"),
                        List.of("write /etc/rancher/k3s/config.yaml", "upgrade k3s agent " + V + " -> " + V2,
                                "wait for k3s-agent to be active (restart)", "wait for pi-2 to be Ready"), URL),
                new AgentRow("config change only: restart, no install", false, Action.UPDATE, agent(V, URL, Map.of()),
                        agent(V, URL, Map.of("node-label", "zone=a")), false, current,
                        converged(1, 0, "restart", "55"), List.of("read join token", "wait for Ready"),
                        List.of("look at k3s-agent", "write k3s config", "wait for k3s-agent to be active"),
                        List.of("write /etc/rancher/k3s/config.yaml", "wait for k3s-agent to be active (restart)",
                                "wait for pi-2 to be Ready"), null),
                new AgentRow("an upgrade that drains: drain first, uncordon last", false, Action.UPDATE,
                        agent(V, URL, Map.of()), agent(V2, URL, Map.of()), true, current,
                        converged(0, 1, "restart", "55"),
                        List.of("read join token", "drain pi-2", "wait for Ready", "uncordon pi-2"),
                        List.of("look at k3s-agent", "upgrade k3s agent", "wait for k3s-agent to be active"),
                        List.of("drain pi-2", "write /etc/rancher/k3s/config.yaml", "upgrade k3s agent " + V + " -> "
                                + V2, "wait for k3s-agent to be active (restart)", "wait for pi-2 to be Ready",
                                "uncordon pi-2"), URL))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("agentRows")
    void agent_apply_runsTheseSteps_onTheseNodes_asRoot(AgentRow row) throws Exception {
        agentAnswers(row.look(), row.converge());
        pi1.when("k3s kubectl drain").answer("node/pi-2 drained\n").when("k3s kubectl uncordon").answer("");
        String token = row.declaredToken() ? TOKEN : NODE_TOKEN;
        Recorded recorded = new K3sAgentExecutor().apply(change(AGENT, "pi-2", row.action(), row.before(),
                row.after(), row.drain()), context(row.declaredToken()));

        assertEquals(row.serverSteps(), pi1.steps(), pi1::describe);
        assertEquals(row.agentSteps(), pi2.steps(), pi2::describe);
        assertEquals(row.progress(), progress);
        assertTrue(pi1.ran().stream().allMatch(FakeSession.Ran::asRoot), pi1::describe);
        assertTrue(pi2.ran().stream().allMatch(FakeSession.Ran::asRoot), pi2::describe);

        FakeSession.Ran converge = pi2.assertRan(CONVERGE);
        String stdin = converge.stdin();
        String script = converge.script();
        String yaml = stdin;
        if (row.installUrl() != null) {
            assertTrue(stdin.startsWith(token + "\n"), "the install's K3S_TOKEN: the first line of stdin");
            yaml = stdin.substring(token.length() + 1);
            assertTrue(script.startsWith("trap '' HUP PIPE\nIFS= read -r K3S_TOKEN || { echo failed=config; exit 1; }"
                    + "\nexport K3S_TOKEN\n"), script);
            int written = script.indexOf("mv -f \"$f.pictl-new\" \"$f\"");
            int install = script.indexOf("curl -sfL https://get.k3s.io");
            assertTrue(written > 0 && install > written, "config.yaml before the install:\n" + script);
            assertTrue(script.contains("INSTALL_K3S_VERSION='" + row.after().get("version") + "' INSTALL_K3S_EXEC=agent"
                    + " INSTALL_K3S_SKIP_START=true K3S_URL='" + row.installUrl() + "' sh -"), script);
        } else {
            assertFalse(script.contains("get.k3s.io") || script.contains("K3S_TOKEN"), script);
        }
        Map<String, Object> expected = new TreeMap<>(row.after().get("config") instanceof Map<?, ?> m
                ? (Map<String, Object>) m : Map.of());
        expected.put("server", row.after().get("server_url"));
        expected.put("token", token);
        assertEquals(expected, SimpleYaml.read(yaml));

        assertNoToken(token, recorded);
        Map<String, Object> attrs = new LinkedHashMap<>(row.after());
        attrs.remove("token");
        assertEquals(attrs, recorded.attributes());
        assertEquals(Map.of("token", hash(K3sToken.password(token))), recorded.sensitiveHashes());
    }

    @Test
    void agent_cannotReadTheJoinToken_saysWhereAndWhy() {
        pi1.whenStep("read join token").fail(1, "cat: /var/lib/rancher/k3s/server/node-token: No such file or "
                + "directory\n");
        ApplyException e = assertThrows(ApplyException.class, () -> new K3sAgentExecutor().apply(
                change(AGENT, "pi-2", Action.CREATE, null, agent(V, URL, Map.of()), false), context(false)));
        assertEquals("pi-1", e.node(), "the server's node: that is where it failed");
        assertEquals("read join token", e.step());
        assertEquals("pi-1: read join token: cannot read /var/lib/rancher/k3s/server/node-token: cat: "
                + "/var/lib/rancher/k3s/server/node-token: No such file or directory", e.getMessage());
        assertEquals("is the k3s server installed and started on pi-1?", e.hint());
        assertEquals(List.of(), pi2.ran());
    }

    @Test
    void agent_anEmptyNodeToken_isAFailureToo() {
        pi1.whenStep("read join token").answer("\n");
        ApplyException e = assertThrows(ApplyException.class, () -> new K3sAgentExecutor().apply(
                change(AGENT, "pi-2", Action.CREATE, null, agent(V, URL, Map.of()), false), context(false)));
        assertEquals("pi-1: read join token: cannot read /var/lib/rancher/k3s/server/node-token: ", e.getMessage());
    }

    @Test
    void agent_aPlanWithoutServerVersionOrUrl_isRefusedBeforeAnythingRuns() {
        Map<String, Object> after = agent(V, URL, Map.of());
        after.remove("server_url");
        ApplyException e = assertThrows(ApplyException.class, () -> new K3sAgentExecutor().apply(
                change(AGENT, "pi-2", Action.CREATE, null, after, false), context(false)));
        assertEquals("pi-2: join k3s agent: the plan has no server version or URL for this agent", e.getMessage());
        assertEquals("declare a k3s_server and plan again", e.hint());
        assertEquals(List.of(), pi1.ran());
        assertEquals(List.of(), pi2.ran());
    }

    @Test
    void agent_aWrongToken_reads401FromTheJournal_andExplains() {
        agentAnswers(LOOK_FRESH, converged(1, 1, "start", "0"));
        pi2.when(POLL).exit(3, "state=activating (auto-restart)\n--journal--\nJan 01 pi-2 k3s[9]: time=\"x\" "
                + "level=error msg=\"failed to get CA certs: 401 Unauthorized\"\n", "");
        ApplyException e = assertThrows(ApplyException.class, () -> new K3sAgentExecutor().apply(
                change(AGENT, "pi-2", Action.CREATE, null, agent(V, URL, Map.of()), false), context(false)));
        assertEquals("pi-2", e.node());
        assertEquals("wait for k3s-agent to be active", e.step());
        assertTrue(e.getMessage().startsWith("pi-2: wait for k3s-agent to be active: k3s-agent is not active after 2s "
                + "(activating (auto-restart)): failed to get CA certs: 401 Unauthorized\n"), e.getMessage());
        assertTrue(e.hint().startsWith("the server refused the join token (401 Unauthorized)"), e.hint());
        assertFalse(e.getMessage().contains(NODE_TOKEN) || e.hint().contains("n0de-pw"));
    }

    @Test
    void agent_aFailedInstall_namesTheAgentsNode_andKeepsTheTokenOffTheCommandLine() {
        agentAnswers(LOOK_FRESH, "");
        pi2.when(CONVERGE).exit(1, "config=1\nfailed=install\n", "downloading https://get.k3s.io failed (curl exit 7)\n");
        ApplyException e = assertThrows(ApplyException.class, () -> new K3sAgentExecutor().apply(
                change(AGENT, "pi-2", Action.CREATE, null, agent(V, URL, Map.of()), false), context(false)));
        assertEquals("pi-2: install k3s agent: command exited 1: downloading https://get.k3s.io failed (curl exit 7)",
                e.getMessage());
        assertTrue(e.hint().startsWith("the node must reach https://get.k3s.io and github.com to download k3s " + V),
                e.hint());
        assertNoTokenInCommands(NODE_TOKEN);
    }

    // ------------------------------------------------------------------ k3s_agent: delete

    private static Map<String, Object> joined() {
        Map<String, Object> m = agent(V, URL, Map.of());
        m.remove("token");
        return m;
    }

    @Test
    void agent_delete_drainsUninstallsDeletesTheNode_andChecksItStaysGone() throws Exception {
        pi2.whenStep("connect").answer("").when("k3s-agent-uninstall\\.sh").answer("");
        pi1.when("k3s kubectl drain").answer("node/pi-2 drained\n")
                .when("k3s kubectl delete node 'pi-2' --ignore-not-found").answer("node \"pi-2\" deleted\n")
                .when("k3s kubectl get node 'pi-2' -o name").exit(1, "",
                        "Error from server (NotFound): nodes \"pi-2\" not found\n");
        new K3sAgentExecutor().delete(change(AGENT, "pi-2", Action.DELETE, joined(), null, false), context(false));

        assertEquals(List.of("connect", "uninstall k3s agent"), pi2.steps());
        assertFalse(pi2.ran().get(0).asRoot(), "the reachability check needs no root");
        assertTrue(pi2.ran().get(1).asRoot());
        assertEquals(List.of("drain pi-2", "delete Node pi-2", "delete Node pi-2"), pi1.steps());
        assertTrue(pi1.ran().stream().allMatch(FakeSession.Ran::asRoot));
        assertTrue(pi1.ran().get(0).script().contains("k3s kubectl drain 'pi-2' --ignore-daemonsets "
                + "--delete-emptydir-data --timeout=300s"), pi1.ran().get(0).script());
        assertEquals(Duration.ofMinutes(6), pi1.ran().get(0).timeout());
        assertEquals(List.of("drain pi-2", "uninstall k3s agent (k3s-agent-uninstall.sh)"), progress);
    }

    @Test
    void agent_delete_aNodeThatRegistersAgain_isAFailure() {
        pi2.whenStep("connect").answer("").when("k3s-agent-uninstall\\.sh").answer("");
        pi1.when("k3s kubectl drain").answer("").when("--ignore-not-found").answer("")
                .when("-o name").answer("node/pi-2\n");
        ApplyException e = assertThrows(ApplyException.class, () -> new K3sAgentExecutor().delete(
                change(AGENT, "pi-2", Action.DELETE, joined(), null, false), context(false)));
        assertEquals("pi-1: delete Node pi-2: node pi-2 registered again after it was deleted: its k3s-agent still "
                + "runs", e.getMessage());
        assertEquals("stop k3s-agent on pi-2 (k3s-agent-uninstall.sh), then apply again", e.hint());
    }

    @Test
    void agent_delete_aDrainThatCannotEvict_stopsBeforeTheUninstall() {
        pi2.whenStep("connect").answer("");
        pi1.when("k3s kubectl drain").exit(1, "evicting pod default/web-0\n",
                "error when evicting pods/\"web-0\" -n \"default\" (will retry after 5s): Cannot evict pod as it "
                        + "would violate the pod's disruption budget.\n");
        ApplyException e = assertThrows(ApplyException.class, () -> new K3sAgentExecutor().delete(
                change(AGENT, "pi-2", Action.DELETE, joined(), null, false), context(false)));
        assertEquals("pi-1", e.node());
        assertEquals("drain pi-2", e.step());
        assertEquals("pi-1: drain pi-2: command exited 1: error when evicting pods/\"web-0\" -n \"default\" (will "
                + "retry after 5s): Cannot evict pod as it would violate the pod's disruption budget.", e.getMessage());
        assertTrue(e.hint().startsWith("pods that cannot be evicted"), e.hint());
        assertEquals(List.of("connect"), pi2.steps(), "nothing uninstalled");
    }

    static Stream<Arguments> deadBoards() {
        return Stream.of(
                Arguments.of(TransportException.Kind.UNREACHABLE, "connection refused"),
                Arguments.of(TransportException.Kind.TIMED_OUT, "no answer within 30s"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("deadBoards")
    void agent_delete_aDeadBoard_onlyItsNodeIsDeletedThroughTheServer(TransportException.Kind kind, String detail)
            throws Exception {
        pi2.whenStep("connect").thenThrow(kind, detail);
        pi1.when("--ignore-not-found").answer("").when("-o name").exit(1, "", "NotFound\n");
        new K3sAgentExecutor().delete(change(AGENT, "pi-2", Action.DELETE, joined(), null, false), context(false));
        assertEquals(List.of("connect"), pi2.steps());
        assertEquals(List.of("delete Node pi-2", "delete Node pi-2"), pi1.steps());
        assertEquals(List.of("pi-2 is unreachable (connect: " + detail + "): deleting Node pi-2 through the server "
                + "only; k3s-agent stays installed on the board"), progress);
    }

    @Test
    void agent_delete_aLostConnection_isRetriedOnce_thenTheBoardIsWorkedOn() throws Exception {
        pi2.whenStep("connect").thenThrow(TransportException.Kind.CONNECTION_LOST, "reset by peer").then().answer("")
                .when("k3s-agent-uninstall\\.sh").answer("");
        pi1.when("k3s kubectl drain").answer("").when("--ignore-not-found").answer("").when("-o name")
                .exit(1, "", "NotFound\n");
        new K3sAgentExecutor().delete(change(AGENT, "pi-2", Action.DELETE, joined(), null, false), context(false));
        assertEquals(List.of("connect", "connect", "uninstall k3s agent"), pi2.steps());
        assertEquals(List.of("drain pi-2", "delete Node pi-2", "delete Node pi-2"), pi1.steps());
    }

    // ------------------------------------------------------------------ helpers

    /** The token is on no command line, in no step name or progress line, and not in the recorded state. */
    private void assertNoToken(String token, Recorded recorded) {
        assertNoTokenInCommands(token);
        assertFalse(recorded.toString().contains(token), recorded::toString);
        assertFalse(recorded.attributes().containsKey("token"), recorded::toString);
        String password = K3sToken.password(token);
        assertFalse(recorded.toString().contains(password), recorded::toString);
    }

    private void assertNoTokenInCommands(String token) {
        String password = K3sToken.password(token);
        for (FakeSession s : List.of(pi1, pi2)) {
            for (FakeSession.Ran r : s.ran()) {
                assertFalse(r.script().contains(password), () -> "a token on a command line: " + r);
                assertFalse(r.step().contains(password), () -> "a token in a step name: " + r);
            }
        }
        for (String p : progress) {
            assertFalse(p.contains(password), p);
        }
    }

    // ------------------------------------------------------------------ certificate renewal (issue 15)

    /** A leaf that expires 2027-12-07 21:44:56 UTC, then its CA, as k3s's files hold them. */
    private static final String RENEWED_FILES = "\n@@pictl-probe:k3s-certs\nfile /var/lib/rancher/k3s/server/tls/client-admin.crt\n"
            + dev.pictl.probe.CertAndStorageProbeAccess.LEAF;

    private ResourceChange renewal(String planned) {
        Map<String, Object> before = server(V, true, hash(TOKEN));
        before.put(CertRenewal.ATTRIBUTE, "2027-01-06");
        Map<String, Object> after = server(V, true, hash(TOKEN));
        after.put(CertRenewal.ATTRIBUTE, planned);
        return change(SERVER, "pi-1", Action.UPDATE, before, after, false);
    }

    private void renewalAnswers() {
        serverAnswers("version=" + V + "\nunit=present\nactive=active\n", converged(0, 0, "none", ""));
        pi1.when("systemctl show -p MainPID --value k3s$").answer("4242\n")
                .when("systemctl stop k3s && k3s certificate rotate && systemctl --no-block start k3s").answer(
                        "time=\"2026-12-07T12:00:00Z\" level=info msg=\"Successfully backed up certificates to "
                                + "/var/lib/rancher/k3s/server/tls-1796644800, please restart k3s server or agent to rotate certificates\"\n")
                .whenStep("check the renewed certificates").answer(RENEWED_FILES);
    }

    @Test
    void renewal_stopsRotatesStarts_waitsForANewProcessAndReady_thenRecordsTheNewExpiry() throws Exception {
        renewalAnswers();
        ResourceChange c = renewal("2027-01-01 (after renewal)");
        assertTrue(new K3sServerExecutor().takesNodeOutOfService(c), "rolls like an upgrade");
        dev.pictl.apply.Recorded r = new K3sServerExecutor().apply(c, context(true));
        assertEquals(List.of("look at k3s", "write k3s config", "renew k3s certificates", "renew k3s certificates",
                "wait for k3s to be active", "wait for Ready", "check the renewed certificates"), pi1.steps());
        assertTrue(pi1.assertRan("systemctl is-active \\$u").script().contains("!= '4242'"), "waits for a new MainPID");
        assertEquals("2027-12-07", r.attributes().get(CertRenewal.ATTRIBUTE));
        assertTrue(progress.contains("renew k3s certificates (stop k3s, k3s certificate rotate, start k3s)"), progress.toString());
    }

    @Test
    void renewal_thatLeavesTheOldExpiry_failsWithTheFileAndTheDates() {
        renewalAnswers();
        ApplyException e = assertThrows(ApplyException.class,
                () -> new K3sServerExecutor().apply(renewal("2099-01-01 (after renewal)"), context(true)));
        assertEquals("pi-1: check the renewed certificates: k3s did not renew its certificates: "
                + "/var/lib/rancher/k3s/server/tls/client-admin.crt expires on 2027-12-07, the plan expected 2099-01-01",
                e.getMessage());
        assertEquals("run `sudo k3s certificate check` and `journalctl -u k3s* -n 50` on pi-1", e.hint());
    }

    @Test
    void noRenewal_runsNoRotate() throws Exception {
        renewalAnswers();
        new K3sServerExecutor().apply(renewal("2027-01-06"), context(true));
        pi1.assertNotRan("certificate rotate");
        assertFalse(new K3sServerExecutor().takesNodeOutOfService(renewal("2027-01-06")));
    }
}
