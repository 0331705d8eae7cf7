package dev.pictl.types.k3s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.pictl.addr.ResourceAddress;
import dev.pictl.apply.ApplyContext;
import dev.pictl.apply.ApplyHook;
import dev.pictl.apply.ApplyOptions;
import dev.pictl.config.Config;
import dev.pictl.nodetext.SimpleYaml;
import dev.pictl.plan.Action;
import dev.pictl.plan.ActionReason;
import dev.pictl.plan.AttributeChange;
import dev.pictl.plan.ResourceChange;
import dev.pictl.resource.ResourceInstance;
import dev.pictl.testing.FakeSession;
import dev.pictl.testing.FakeTransport;
import dev.pictl.testing.TestContexts;
import java.nio.file.Path;
import java.time.Duration;
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
 * The k3s settings of issue 20 without a simulator: the kubelet arguments the reservations make and how they merge
 * with the passthrough; registries.yaml written by structure and read back (by pictl's reader and by a real YAML
 * parser) whatever the credentials hold; which changes restart k3s (and say so in the plan, and count against
 * {@code max_unavailable}); and the converge script carrying registries.yaml on stdin, never on a command line.
 */
@Tag("fast")
class K3sSettingsTableTest {
    @TempDir
    Path tmp;

    static String hcl(String serverExtra) {
        return """
                node "pi-1" { address = "10.0.0.1" }
                k3s_server "control" {
                  node    = node.pi-1
                  version = "v1.31.4+k3s1"
                %s
                }
                """.formatted(serverExtra);
    }

    static Stream<Arguments> kubeletRows() {
        return Stream.of(
                Arguments.of("nothing declared: no kubelet-arg", "", null),
                Arguments.of("each attribute one argument, keys sorted, eviction with <",
                        "  system_reserved = { memory = \"256Mi\", cpu = \"250m\" }\n"
                                + "  eviction_hard = { \"nodefs.available\" = \"5%\", \"memory.available\" = \"200Mi\" }",
                        List.of("system-reserved=cpu=250m,memory=256Mi",
                                "eviction-hard=memory.available<200Mi,nodefs.available<5%")),
                Arguments.of("after the passthrough's own entries",
                        "  config = { \"kubelet-arg\" = [\"max-pods=50\"] }\n  kube_reserved = { memory = \"128Mi\" }",
                        List.of("max-pods=50", "kube-reserved=memory=128Mi")),
                Arguments.of("a passthrough string becomes a list",
                        "  config = { \"kubelet-arg\" = \"max-pods=50\" }\n  kube_reserved = { pid = 100 }",
                        List.of("max-pods=50", "kube-reserved=pid=100")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kubeletRows")
    void configYaml_kubeletArg(String name, String extra, List<String> expected) {
        Config c = TestContexts.config(tmp, hcl(extra));
        ResourceInstance server = c.ofType(K3sServerType.NAME).get(0);
        Map<String, Object> config = K3sServerKind.config(server, "pi-1", TestContexts.plan(c), true);
        assertEquals(expected, config.get("kubelet-arg"));
        // What reaches config.yaml reads back the same.
        assertEquals(expected, SimpleYaml.read(SimpleYaml.write(config)).get("kubelet-arg"));
    }

    static Stream<Arguments> registryRows() {
        return Stream.of(
                Arguments.of("a mirror", Map.of("docker.io", List.of("http://10.0.0.9:5000")), Map.of()),
                Arguments.of("several mirrors and endpoints, credentials",
                        Map.of("docker.io", List.of("http://10.0.0.9:5000", "https://mirror.lan"), "*",
                                List.of("https://mirror.lan")),
                        Map.of("10.0.0.9:5000", List.of("pi", "pa55"))),
                Arguments.of("a password YAML would take for structure",
                        Map.of("ghcr.io", List.of("http://10.0.0.9:5000")),
                        Map.of("10.0.0.9:5000", List.of("o'neil", "a\"b: c #d\\e - [f] {g} \u00e9"))),
                Arguments.of("credentials alone", Map.of(), Map.of("10.0.0.9:5000", List.of("pi", "x"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("registryRows")
    @SuppressWarnings("unchecked")
    void registriesYaml_roundTrips(String name, Map<String, Object> mirrors, Map<String, Object> auth)
            throws Exception {
        String file = Registries.file(mirrors, auth);
        Map<String, Object>[] back = Registries.read(file);
        assertEquals(new TreeMap<>(mirrors), back[0]);
        assertEquals(new TreeMap<>(auth), back[1]);
        // A real YAML parser (containerd's is go-yaml) reads exactly the structure k3s documents.
        Map<String, Object> parsed = new YAMLMapper().readValue(file, Map.class);
        Map<String, Object> expected = new TreeMap<>();
        if (!mirrors.isEmpty()) {
            Map<String, Object> m = new TreeMap<>();
            mirrors.forEach((k, v) -> m.put(k, Map.of("endpoint", v)));
            expected.put("mirrors", m);
        }
        if (!auth.isEmpty()) {
            Map<String, Object> c = new TreeMap<>();
            auth.forEach((k, v) -> c.put(k, Map.of("auth", Map.of("username", ((List<String>) v).get(0), "password",
                    ((List<String>) v).get(1)))));
            expected.put("configs", c);
        }
        assertEquals(expected, parsed);
    }

    @Test
    void registriesYaml_handWritten_readsAsDeclared() {
        String yaml = """
                # by hand
                mirrors:
                  docker.io:
                    endpoint: ["http://10.0.0.9:5000"]
                  'ghcr.io':
                    endpoint:
                    - https://mirror.lan   # the LAN cache
                configs:
                  "10.0.0.9:5000":
                    auth:
                      username: pi
                      password: 'it''s'
                    tls:
                      insecure_skip_verify: true
                """;
        Map<String, Object>[] r = Registries.read(yaml);
        assertEquals(Map.of("docker.io", List.of("http://10.0.0.9:5000"), "ghcr.io", List.of("https://mirror.lan")), r[0]);
        assertEquals(Map.of("10.0.0.9:5000", List.of("pi", "it's")), r[1]);
        assertEquals(Map.of(), Registries.read(null)[0], "no file: no mirrors");
        assertEquals("", Registries.file(Map.of(), Map.of()), "nothing declared: no file");
    }

    static Stream<Arguments> restartRows() {
        return Stream.of(
                Arguments.of("config of a running k3s", true, "config", true),
                Arguments.of("mirrors of a running k3s", true, "registry_mirrors", true),
                Arguments.of("credentials of a running k3s", true, "registry_auth", true),
                Arguments.of("config of a stopped k3s: it starts, nothing to roll", false, "config", false),
                Arguments.of("only running (a start)", false, "running", false),
                Arguments.of("an upgrade says so itself", true, "version", false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("restartRows")
    void settingsChange_restartsRolling(String name, boolean running, String attribute, boolean restarts) {
        Map<String, Object> before = Map.of("running", running);
        List<AttributeChange> changes = List.of(new AttributeChange(attribute, "a", "b", false, false));
        assertEquals(restarts ? ActionReason.K3S_RESTART : null, new K3sServerKind().updateReason(before, changes));
        assertEquals(restarts ? ActionReason.K3S_RESTART : null, new K3sAgentKind().updateReason(before, changes));
        ResourceChange c = new ResourceChange(ResourceAddress.of(K3sServerType.NAME, "control"), "pi-1", Action.UPDATE,
                ActionReason.ATTRIBUTE_CHANGED, before, Map.of("running", true), Set.of(), changes, false, false, null,
                "", List.of());
        // Out of service while it restarts: the walker takes it within max_unavailable, one node at a time.
        assertEquals(restarts || attribute.equals("version") && running, new K3sServerExecutor().takesNodeOutOfService(c));
    }

    @Test
    void converge_carriesRegistriesYamlOnStdin_neverOnTheCommandLine() throws Exception {
        String password = "pa55-NEVER-on-a-command-line";
        Config c = TestContexts.config(tmp, hcl(""));
        FakeTransport transport = new FakeTransport();
        FakeSession pi1 = transport.node("pi-1");
        pi1.whenStep("look at k3s").answer("version=v1.31.4+k3s1\nunit=present\nactive=active\nurl=\n")
                .when("cat > \"\\$f\\.pictl-in\"").answer("config=1\naction=restart\noldpid=42\n")
                .when("systemctl is-active \\$u").answer("state=active\n")
                .when("k3s kubectl get node pi-1 --no-headers").answer("pi-1   Ready   control-plane   9s   v\n");
        ApplyContext ctx = TestContexts.apply(transport, c, new ApplyHook() { }, ApplyOptions.defaults()
                .withK3sStartTimeout(Duration.ofSeconds(2)));
        Map<String, Object> before = new LinkedHashMap<>(Map.of("node", "pi-1", "version", "v1.31.4+k3s1",
                "running", true, "config", Map.of("node-name", "pi-1")));
        Map<String, Object> after = new LinkedHashMap<>(before);
        after.put("registry_mirrors", Map.of("docker.io", List.of("http://10.0.0.9:5000")));
        after.put("registry_auth", Map.of("10.0.0.9:5000", List.of("pi", password))); // as apply reveals it
        ResourceChange change = new ResourceChange(ResourceAddress.of(K3sServerType.NAME, "control"), "pi-1",
                Action.UPDATE, ActionReason.K3S_RESTART, before, after, Set.of("registry_auth"),
                List.of(new AttributeChange("registry_mirrors", null, after.get("registry_mirrors"), false, false)),
                false, false, null, "", List.of());
        new K3sServerExecutor().apply(change, ctx);

        FakeSession.Ran converge = pi1.assertRan("cat > \"\\$f\\.pictl-in\"");
        String config = SimpleYaml.write(new TreeMap<>(Map.of("node-name", "pi-1")));
        assertTrue(converge.stdin().startsWith(config), converge.stdin());
        assertEquals(Registries.file((Map<String, Object>) after.get("registry_mirrors"),
                castMap(after.get("registry_auth"))), converge.stdin().substring(config.length()));
        assertTrue(converge.script().contains("'/etc/rancher/k3s/registries.yaml'"), converge.script());
        for (FakeSession.Ran r : pi1.ran()) {
            assertFalse(r.script().contains(password) || r.step().contains(password), r.toString());
        }
        // The plan lost the credentials (a hash where apply could not reveal them): refused before anything is written.
        after.put("registry_auth", TestContexts.HASHER.hash("{}"));
        ResourceChange unrevealed = new ResourceChange(change.address(), "pi-1", Action.UPDATE, ActionReason.K3S_RESTART,
                before, after, Set.of("registry_auth"), change.changes(), false, false, null, "", List.of());
        int ran = pi1.ran().size();
        dev.pictl.apply.ApplyException e = org.junit.jupiter.api.Assertions.assertThrows(
                dev.pictl.apply.ApplyException.class, () -> new K3sServerExecutor().apply(unrevealed, ctx));
        assertTrue(e.getMessage().contains("registry credentials"), e.getMessage());
        assertNull(pi1.ran().stream().skip(ran).filter(r -> r.script().contains("pictl-in")).findFirst().orElse(null));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Object o) {
        return (Map<String, Object>) o;
    }
}
