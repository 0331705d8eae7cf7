package dev.pictl.kubeconfig;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.pictl.cli.CliRunner;
import dev.pictl.sim.ClusterSpec;
import dev.pictl.sim.NodeSpec;
import dev.pictl.sim.Provision;
import dev.pictl.sim.SimCluster;
import dev.pictl.sim.Unreachable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pictl kubeconfig} end to end: the real CLI in-process, a simulated fleet over real SSH (boards on
 * 127.0.82.x, port 24642), real files. The fleet:
 *
 * <pre>
 * board        listens on          advertises     what runs on it
 * -----------  ------------------  -------------  ---------------------------------------------------
 * pi-server-1  127.0.82.10:24642   192.168.1.10   the seed's k3s server, provisioned and running
 * bare-1       127.0.82.20:24642   192.168.1.20   nothing: k3s not installed
 * halfway-1    127.0.82.21:24642   192.168.1.21   k3s installed, never started (no k3s.yaml yet)
 * down-1       127.0.82.22:24642   192.168.1.22   unreachable (connection refused)
 * </pre>
 */
class KubeconfigCommandTest {
    static final String VERSION = "v1.31.4+k3s1";
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @TempDir
    static Path shared;
    static SimCluster sim;
    /** The client key k3s wrote on pi-server-1: must never appear in any message. */
    static String clientKey;

    @TempDir
    Path work;
    Map<String, String> env;

    @BeforeAll
    static void startFleet() throws Exception {
        Map<String, Object> k3sConfig = new LinkedHashMap<>();
        k3sConfig.put("node-ip", "192.168.1.10");
        k3sConfig.put("disable", List.of("traefik"));
        List<NodeSpec> boards = List.of(
                NodeSpec.of("pi-server-1", "127.0.82.10", 24642).withAdvertisedAddress("192.168.1.10")
                        .withProvision(Provision.none().withHostname(true)
                                .withKernelFlags(List.of("cgroup_enable=cpuset", "cgroup_enable=memory", "cgroup_memory=1"))
                                .withDocker(true).withK3sServer(VERSION, "kubeconfig-test-token").withK3sConfig(k3sConfig)),
                NodeSpec.of("bare-1", "127.0.82.20", 24642).withAdvertisedAddress("192.168.1.20"),
                NodeSpec.of("halfway-1", "127.0.82.21", 24642).withAdvertisedAddress("192.168.1.21"),
                NodeSpec.of("down-1", "127.0.82.22", 24642).withAdvertisedAddress("192.168.1.22"));
        sim = SimCluster.start(ClusterSpec.of(boards).withK3sStartDelayMillis(20).withK3sRestartMillis(300),
                shared.resolve("sim"));
        var install = sim.node("halfway-1").exec("curl -sfL https://get.k3s.io | sudo INSTALL_K3S_VERSION='" + VERSION
                + "' INSTALL_K3S_EXEC='server' INSTALL_K3S_SKIP_START=true sh -");
        assertEquals(0, install.exitCode(), install.stderr());
        assertFalse(Files.exists(sim.node("halfway-1").root().resolve("etc/rancher/k3s/k3s.yaml")));
        sim.node("down-1").setUnreachable(Unreachable.REFUSED);
        JsonNode k3s = YAML.readTree(sim.node("pi-server-1").root().resolve("etc/rancher/k3s/k3s.yaml").toFile());
        clientKey = k3s.at("/users/0/user/client-key-data").asText();
        assertTrue(clientKey.length() > 8, "the provisioned server wrote its kubeconfig");
    }

    @AfterAll
    static void stopFleet() {
        if (sim != null) {
            sim.close();
        }
    }

    @BeforeEach
    void environment() throws IOException {
        Path home = Files.createDirectories(work.resolve("home"));
        env = Map.of("HOME", home.toString(), "USER", "tester");
    }

    // ---- descriptions ---------------------------------------------------------------------------------------

    /** The seed example (four nodes; only pi-server-1 is on the fleet: the others are never contacted). */
    static String seed(String clusterBlock) throws IOException {
        return clusterBlock + Files.readString(Path.of("examples/seed/cluster.hcl"));
    }

    static String single(String node, String address) {
        return """
                node "%1$s" { address = "%2$s" }

                kernel_params "cgroups" {
                  nodes = [node.%1$s]
                  add   = ["cgroup_enable=cpuset", "cgroup_enable=memory", "cgroup_memory=1"]
                }

                k3s_server "control" {
                  node    = node.%1$s
                  version = "%3$s"
                }
                """.formatted(node, address, VERSION);
    }

    /**
     * The seed as for real boards: pi-server-1 at its board's loopback address, reached without --sim through an
     * ssh block with the fleet's key and known_hosts (so the kubeconfig's server is the description's address).
     */
    static String realSeed(String clusterBlock) throws IOException {
        String seed = seed(clusterBlock);
        int from = seed.indexOf("ssh {");
        int to = seed.indexOf("}", from) + 1;
        return seed.substring(0, from) + "ssh {\n  user        = \"pi\"\n  port        = 24642\n  private_key = \""
                + shared.resolve("sim/id_ed25519") + "\"\n  known_hosts = \"" + shared.resolve("sim/known_hosts")
                + "\"\n}" + seed.substring(to).replace("\"192.168.1.10\"", "\"127.0.82.10\"");
    }

    /** {@code pictl kubeconfig -c cluster.hcl --sim=<fleet> --no-color ARGS}. */
    CliRunner.Result kubeconfig(Path dir, String hcl, String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of("--sim=" + shared.resolve("sim")));
        all.addAll(List.of(args));
        return run(dir, hcl, all.toArray(String[]::new));
    }

    /** {@code pictl kubeconfig -c cluster.hcl --no-color ARGS}: the nodes as the description says (see realSeed). */
    CliRunner.Result run(Path dir, String hcl, String... args) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("cluster.hcl"), hcl);
        List<String> all = new ArrayList<>(List.of("kubeconfig", "-c", "cluster.hcl", "--no-color"));
        all.addAll(List.of(args));
        CliRunner.Result r = CliRunner.run(dir, env, all.toArray(String[]::new));
        assertFalse(r.all().contains(clientKey), "the client key must never be printed:\n" + r.all());
        assertFalse(r.all().contains("\tat "), "no stack trace:\n" + r.all());
        return r;
    }

    static JsonNode read(Path file) throws IOException {
        return YAML.readTree(file.toFile());
    }

    static String mode(Path file) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    }

    static List<String> names(JsonNode list) {
        List<String> out = new ArrayList<>();
        list.forEach(e -> out.add(e.get("name").asText()));
        return out;
    }

    static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    // ---- writing --------------------------------------------------------------------------------------------

    @Test
    void aSensitiveServerAddress_isInTheFile_butNotInTheOutput() throws IOException {
        String hcl = "variable \"ip\" {\n  sensitive = true\n}\n\n"
                + single("pi-server-1", "x").replace("address = \"x\"", "address = var.ip");
        Path dir = work.resolve("sensitive");
        CliRunner.Result r = kubeconfig(dir, hcl, "--var", "ip=192.168.1.10");
        assertEquals(0, r.exitCode(), r.all());
        assertFalse(r.all().contains("192.168.1.10"), r.all());
        assertTrue(r.out().contains("(server https://(sensitive value):6443)"), r.out());
        // Under --sim the file points at the simulated board's loopback address (the simulator opens no API port on
        // the LAN address); a real run writes the described address there.
        assertEquals("https://127.0.82.10:6443", read(dir.resolve("kubeconfig")).at("/clusters/0/cluster/server")
                .asText());
    }

    @Test
    void kubeconfig_writesContextNamedAfterTheClusterBlock_mode0600_serverFromTheDescription() throws Exception {
        CliRunner.Result r = run(work, realSeed("cluster { name = \"homelab\" }\n\n"));

        assertEquals(0, r.exitCode(), r.all());
        assertEquals("""
                Wrote context "homelab" (server https://127.0.82.10:6443) to kubeconfig.
                Use it: KUBECONFIG=kubeconfig kubectl get nodes
                """, r.out());
        assertEquals("", r.err());
        Path file = work.resolve("kubeconfig");
        assertEquals("rw-------", mode(file));
        JsonNode k = read(file);
        assertEquals("Config", k.get("kind").asText());
        assertEquals("homelab", k.get("current-context").asText());
        assertEquals(List.of("homelab"), names(k.get("contexts")));
        assertEquals(List.of("homelab"), names(k.get("clusters")));
        assertEquals(List.of("homelab"), names(k.get("users")));
        assertEquals("homelab", k.at("/contexts/0/context/cluster").asText());
        assertEquals("homelab", k.at("/contexts/0/context/user").asText());
        assertEquals("https://127.0.82.10:6443", k.at("/clusters/0/cluster/server").asText());
        // the server's own credentials, not something made up
        JsonNode onNode = read(sim.node("pi-server-1").root().resolve("etc/rancher/k3s/k3s.yaml"));
        assertEquals(onNode.at("/users/0/user"), k.at("/users/0/user"));
        assertEquals(onNode.at("/clusters/0/cluster/certificate-authority-data"),
                k.at("/clusters/0/cluster/certificate-authority-data"));
        assertEquals("https://127.0.0.1:6443", onNode.at("/clusters/0/cluster/server").asText(), "node left as it was");
        assertEquals(List.of(work.resolve("cluster.hcl"), work.resolve("home"), file), files(work),
                "no temporary file left, no state written");
    }

    @Test
    void kubeconfig_contextFlagOverridesTheName_andCreatesTheFilesDirectory() throws Exception {
        CliRunner.Result r = run(work, realSeed("cluster { name = \"homelab\" }\n\n"),
                "--context", "pi-lab", "--file", "out/kube/lab.yaml");

        assertEquals(0, r.exitCode(), r.all());
        assertEquals("""
                Wrote context "pi-lab" (server https://127.0.82.10:6443) to out/kube/lab.yaml.
                Use it: KUBECONFIG=out/kube/lab.yaml kubectl get nodes
                """, r.out());
        Path file = work.resolve("out/kube/lab.yaml");
        assertEquals("rw-------", mode(file));
        JsonNode k = read(file);
        assertEquals("pi-lab", k.get("current-context").asText());
        assertEquals(List.of("pi-lab"), names(k.get("contexts")));
        assertEquals("pi-lab", k.at("/contexts/0/context/cluster").asText());
        assertEquals("https://127.0.82.10:6443", k.at("/clusters/0/cluster/server").asText());
    }

    @Test
    void underTheSimulator_theServerIsTheBoardsLoopbackAddress_andKubectlIsSuggestedOnlyOnTheBoard() throws Exception {
        CliRunner.Result r = kubeconfig(work, seed("cluster { name = \"homelab\" }\n\n"));

        assertEquals(0, r.exitCode(), r.all());
        assertEquals("""
                Wrote context "homelab" (server https://127.0.82.10:6443) to kubeconfig.
                The simulator opens no Kubernetes API port, so kubectl on this machine cannot use it: its server is \
                the board's loopback address, never the description's. kubectl on the board:
                  pictl sim exec --dir %s pi-server-1 -- sudo k3s kubectl get nodes
                """.formatted(shared.resolve("sim")), r.out());
        String file = Files.readString(work.resolve("kubeconfig"));
        assertEquals("https://127.0.82.10:6443", read(work.resolve("kubeconfig")).at("/clusters/0/cluster/server").asText());
        assertFalse(file.contains("192.168.1.10"), "the description's real address is nowhere in the file:\n" + file);
    }

    @Test
    void kubeconfig_withoutClusterBlockNamesTheContextAfterTheDirectory() throws Exception {
        CliRunner.Result r = kubeconfig(work.resolve("seedlab"), seed(""));

        assertEquals(0, r.exitCode(), r.all());
        assertEquals("seedlab", read(work.resolve("seedlab/kubeconfig")).get("current-context").asText());
    }

    @Test
    void kubeconfig_usesTheServersHttpsListenPort_andUnderTheSimulatorNeverTheDescriptionsAddress() throws Exception {
        CliRunner.Result port = run(work, realSeed("").replace("config  = { \"node-ip\" = node.pi-server-1.address }",
                "config  = { \"node-ip\" = node.pi-server-1.address, \"https-listen-port\" = 7443 }"),
                "--file", "port.yaml");
        assertEquals(0, port.exitCode(), port.all());
        assertEquals("https://127.0.82.10:7443", read(work.resolve("port.yaml")).at("/clusters/0/cluster/server").asText());
        CliRunner.Result simPort = kubeconfig(work, seed("").replace("config  = { \"node-ip\" = node.pi-server-1.address }",
                "config  = { \"node-ip\" = node.pi-server-1.address, \"https-listen-port\" = 7443 }"),
                "--file", "sim-port.yaml");
        assertEquals(0, simPort.exitCode(), simPort.all());
        assertEquals("https://127.0.82.10:7443", read(work.resolve("sim-port.yaml")).at("/clusters/0/cluster/server")
                .asText(), "the board's loopback address, not the description's 192.168.1.10");

        // Under --sim, the board's loopback address whatever the description says: nothing leaves this machine.
        CliRunner.Result v6 = kubeconfig(work, single("pi-server-1", "fd00::10"), "--file", "v6.yaml");
        assertEquals(0, v6.exitCode(), v6.all());
        assertTrue(v6.out().startsWith("Wrote context \"" + work.getFileName() + "\" (server https://127.0.82.10:6443)"),
                v6.out());
        assertTrue(v6.err().contains("Warning: "), "the simulator's board advertises another address:\n" + v6.err());
        assertEquals("https://127.0.82.10:6443", read(work.resolve("v6.yaml")).at("/clusters/0/cluster/server").asText());
        assertFalse(Files.readString(work.resolve("v6.yaml")).contains("fd00"));
    }

    @Test
    void kubeconfig_rerunIsIdempotent() throws Exception {
        String hcl = seed("cluster { name = \"homelab\" }\n\n");
        assertEquals(0, kubeconfig(work, hcl).exitCode());
        byte[] first = Files.readAllBytes(work.resolve("kubeconfig"));

        CliRunner.Result again = kubeconfig(work, hcl);
        assertEquals(0, again.exitCode(), again.all());
        assertArrayEquals(first, Files.readAllBytes(work.resolve("kubeconfig")));
        CliRunner.Result merged = kubeconfig(work, hcl, "--merge");
        assertEquals(0, merged.exitCode(), merged.all());
        assertArrayEquals(first, Files.readAllBytes(work.resolve("kubeconfig")));
    }

    @Test
    void kubeconfig_followsASymlinkAndKeepsIt() throws Exception {
        Path real = Files.createDirectories(work.resolve("dotfiles")).resolve("kube.yaml");
        Path link = Files.createDirectories(work.resolve("home/.kube")).resolve("config");
        Files.createSymbolicLink(link, real);

        CliRunner.Result r = run(work, realSeed("cluster { name = \"homelab\" }\n\n"), "--file", link.toString());

        assertEquals(0, r.exitCode(), r.all());
        assertTrue(r.out().endsWith("Use it: kubectl get nodes\n"), "~/.kube/config is kubectl's default:\n" + r.out());
        assertTrue(Files.isSymbolicLink(link));
        assertEquals("rw-------", mode(real));
        assertEquals("homelab", read(real).get("current-context").asText());
    }

    // ---- merging --------------------------------------------------------------------------------------------

    @Test
    void merge_keepsTheOtherEntries_replacesOurStaleOne_andSwitchesCurrentContext() throws Exception {
        Path file = work.resolve("home/.kube/config");
        Files.createDirectories(file.getParent());
        Files.writeString(file, KubeconfigTest.EXISTING);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        JsonNode before = read(file);

        CliRunner.Result r = run(work, realSeed("cluster { name = \"homelab\" }\n\n"), "--merge", "--file",
                file.toString());

        assertEquals(0, r.exitCode(), r.all());
        assertEquals("""
                Wrote context "homelab" (server https://127.0.82.10:6443) to %s (merged with 2 other contexts; \
                replaced the old "homelab" entries).
                It is now the current context (was "work"; back with: kubectl config use-context work).
                Use it: kubectl get nodes
                """.formatted(file), r.out());
        assertEquals("rw-------", mode(file));
        JsonNode after = read(file);
        assertEquals("homelab", after.get("current-context").asText());
        for (String section : List.of("clusters", "contexts", "users")) {
            assertEquals(names(before.get(section)), names(after.get(section)), section + ": same entries, same order");
            for (int i = 0; i < before.get(section).size(); i++) {
                JsonNode was = before.get(section).get(i);
                if (!was.get("name").asText().equals("homelab")) {
                    assertEquals(was, after.get(section).get(i), section + " " + was.get("name"));
                }
            }
        }
        assertEquals("https://127.0.82.10:6443", after.at("/clusters/1/cluster/server").asText());
        assertTrue(after.at("/clusters/1/cluster/insecure-skip-tls-verify").isMissingNode(), "the stale entry is gone");
        assertEquals(clientKey, after.at("/users/2/user/client-key-data").asText());
        assertTrue(after.at("/users/2/user/token").isMissingNode());
        assertEquals(before.get("preferences"), after.get("preferences"));
        assertEquals(before.get("x-tool-settings"), after.get("x-tool-settings"));
        assertEquals(before.get("apiVersion"), after.get("apiVersion"));
        List<String> keysBefore = new ArrayList<>();
        before.fieldNames().forEachRemaining(keysBefore::add);
        List<String> keysAfter = new ArrayList<>();
        after.fieldNames().forEachRemaining(keysAfter::add);
        assertEquals(keysBefore, keysAfter);

        byte[] once = Files.readAllBytes(file);
        CliRunner.Result again = run(work, realSeed("cluster { name = \"homelab\" }\n\n"), "--merge", "--file",
                file.toString());
        assertEquals(0, again.exitCode(), again.all());
        assertArrayEquals(once, Files.readAllBytes(file), "merging again changes nothing");
    }

    @Test
    void existingForeignFile_withoutMerge_isRefusedAndLeftUnchanged() throws Exception {
        Path file = work.resolve("kubeconfig");
        Files.writeString(file, KubeconfigTest.EXISTING);
        byte[] before = Files.readAllBytes(file);

        CliRunner.Result r = kubeconfig(work, seed("cluster { name = \"homelab\" }\n\n"));

        assertEquals(1, r.exitCode(), r.all());
        assertEquals("", r.out());
        assertTrue(r.err().startsWith("Error: " + file + " already exists and holds more than context \"homelab\"\n"),
                r.err());
        assertTrue(r.err().contains("It has cluster \"work\", cluster \"minikube\", context \"work\", context "
                + "\"minikube\", user \"alice\", user \"minikube\" and 3 more."), r.err());
        assertTrue(r.err().contains("Add --merge"), r.err());
        assertTrue(r.err().contains("--file PATH"), r.err());
        assertArrayEquals(before, Files.readAllBytes(file));
        assertEquals(List.of(work.resolve("cluster.hcl"), work.resolve("home"), file), files(work));
    }

    @Test
    void unparseableExistingFile_isRefusedBeforeConnectingAndLeftUnchanged() throws Exception {
        Path file = work.resolve("kubeconfig");
        Files.writeString(file, "apiVersion: v1\nusers:\n- name: x\n  user:\n    client-key-data: [SECRETKEY\n");
        byte[] before = Files.readAllBytes(file);
        long execs = sim.node("pi-server-1").execCount();

        CliRunner.Result r = kubeconfig(work, seed("cluster { name = \"homelab\" }\n\n"), "--merge");

        assertEquals(1, r.exitCode(), r.all());
        assertTrue(r.err().startsWith("Error: " + file + " is not a kubeconfig: line 6, column 1: expected ',' or ']', "
                + "but got <stream end>\n"), r.err());
        assertTrue(r.err().contains("pictl leaves it as it is."), r.err());
        assertFalse(r.err().contains("SECRETKEY"), r.err());
        assertArrayEquals(before, Files.readAllBytes(file));
        assertEquals(execs, sim.node("pi-server-1").execCount(), "refused before reaching the node");
    }

    // ---- --stdout -------------------------------------------------------------------------------------------

    @Test
    void stdout_printsTheKubeconfigAndWritesNoFile() throws Exception {
        CliRunner.Result r = CliRunner.run(work, env, "kubeconfig", "--stdout", "-c",
                Files.writeString(work.resolve("cluster.hcl"), seed("cluster { name = \"homelab\" }\n")).toString(),
                "--sim=" + shared.resolve("sim"));

        assertEquals(0, r.exitCode(), r.all());
        assertEquals("", r.err());
        JsonNode k = YAML.readTree(r.out());
        assertEquals("homelab", k.get("current-context").asText());
        assertEquals("https://127.0.82.10:6443", k.at("/clusters/0/cluster/server").asText());
        assertEquals(clientKey, k.at("/users/0/user/client-key-data").asText());
        assertFalse(Files.exists(work.resolve("kubeconfig")));

        CliRunner.Result both = kubeconfig(work, seed(""), "--stdout", "--file", "x");
        assertEquals(1, both.exitCode(), both.all());
        assertTrue(both.err().startsWith("Error: --stdout prints the kubeconfig; it cannot be used with --file\n"),
                both.err());
    }

    // ---- errors ---------------------------------------------------------------------------------------------

    @Test
    void unreachableServer_exits1NamingTheNode() throws Exception {
        CliRunner.Result r = kubeconfig(work, single("down-1", "192.168.1.22"));

        assertEquals(1, r.exitCode(), r.all());
        assertEquals("", r.out());
        assertTrue(r.err().startsWith("Error: down-1: connect: connection refused by 127.0.82.22:24642\n"), r.err());
        assertTrue(r.err().contains("pictl kubeconfig reads /etc/rancher/k3s/k3s.yaml from the k3s server's node "
                + "(down-1) over SSH."), r.err());
        assertTrue(r.err().endsWith("No kubeconfig written: 1 error, 0 warnings.\n"), r.err());
        assertFalse(Files.exists(work.resolve("kubeconfig")));
    }

    @Test
    void unreachableServer_overTheRealTransport_exits1NamingTheNode() throws Exception {
        // Nothing listens on 127.0.82.99: no simulator, pictl's own SSH client with an isolated HOME.
        CliRunner.Result r = CliRunner.run(work, env, "kubeconfig", "-c", Files.writeString(work.resolve("cluster.hcl"),
                "ssh {\n  port = 24642\n  known_hosts = \"known_hosts\"\n}\n\n"
                        + single("pi-server-1", "127.0.82.99")).toString());

        assertEquals(1, r.exitCode(), r.all());
        assertTrue(r.err().startsWith("Error: pi-server-1: connect: connection refused by 127.0.82.99:24642\n"), r.err());
    }

    @Test
    void k3sNotInstalled_saysSoAndToApplyFirst() throws Exception {
        CliRunner.Result r = kubeconfig(work, single("bare-1", "192.168.1.20"));

        assertEquals(1, r.exitCode(), r.all());
        assertEquals("""
                Error: bare-1: read kubeconfig: k3s is not installed (no /etc/rancher/k3s/k3s.yaml)

                  Command: sudo cat /etc/rancher/k3s/k3s.yaml. The description runs its k3s_server on bare-1: run pictl apply --sim=%1$s first to install it, then pictl kubeconfig --sim=%1$s again.

                No kubeconfig written: 1 error, 0 warnings.
                """.formatted(shared.resolve("sim")), r.err());
        assertFalse(Files.exists(work.resolve("kubeconfig")));
    }

    @Test
    void k3sInstalledButNeverStarted_saysTheFileIsMissing() throws Exception {
        CliRunner.Result r = kubeconfig(work, single("halfway-1", "192.168.1.21"));

        assertEquals(1, r.exitCode(), r.all());
        assertTrue(r.err().startsWith("Error: halfway-1: read kubeconfig: /etc/rancher/k3s/k3s.yaml does not exist "
                + "(k3s is installed but has not written it)\n"), r.err());
        assertTrue(r.err().contains("Command: sudo cat /etc/rancher/k3s/k3s.yaml."), r.err());
        assertTrue(r.err().contains("run pictl apply --sim=" + shared.resolve("sim") + " first"), r.err());
    }

    @Test
    void descriptionWithoutK3sServer_isAnError() throws Exception {
        CliRunner.Result r = kubeconfig(work, "node \"pi-server-1\" { address = \"192.168.1.10\" }\n");

        assertEquals(1, r.exitCode(), r.all());
        assertTrue(r.err().startsWith("Error: the description has no k3s_server\n"), r.err());
        assertTrue(r.err().contains("run pictl apply --sim=" + shared.resolve("sim") + " first"), r.err());
    }

    @Test
    void serverAddressWithoutAValue_isAnErrorAtTheAddress() throws Exception {
        CliRunner.Result r = kubeconfig(work, "variable \"server_ip\" {}\n\n"
                + single("pi-server-1", "x").replace("\"x\"", "var.server_ip"));

        assertEquals(1, r.exitCode(), r.all());
        assertTrue(r.err().startsWith("Error: " + work.resolve("cluster.hcl") + ":3:32: the address of node "
                + "\"pi-server-1\" is not known\n"), r.err());
        assertTrue(r.err().contains("give it a value (--var, a .pivars file or PICTL_VAR_name)"), r.err());

        CliRunner.Result given = kubeconfig(work, "variable \"server_ip\" {}\n\n"
                + single("pi-server-1", "x").replace("\"x\"", "var.server_ip"), "--var", "server_ip=192.168.1.10");
        assertEquals(0, given.exitCode(), given.all());
    }

    @Test
    void fileThatIsADirectory_isRefused() throws Exception {
        Files.createDirectories(work.resolve("kube"));
        CliRunner.Result r = kubeconfig(work, seed(""), "--file", "kube");

        assertEquals(1, r.exitCode(), r.all());
        assertTrue(r.err().startsWith("Error: cannot read " + work.resolve("kube") + ": it is a directory, not a kubeconfig file\n"), r.err());
        assertTrue(Files.isDirectory(work.resolve("kube")));
    }

    /** A FIFO would block the read forever, /dev/zero never ends, an oversized file is refused unread. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"fifo", "device", "oversized"})
    void fileThatIsNotAReadableRegularFile_isRefusedAtOnce(String kind) throws Exception {
        Path target = switch (kind) {
            case "fifo" -> dev.pictl.cli.InputFilesTest.fifo(work.resolve("kube.fifo"));
            case "device" -> Path.of("/dev/zero");
            default -> dev.pictl.cli.InputFilesTest.sparse(work.resolve("kube.big"),
                    dev.pictl.io.BoundedFiles.Kind.KUBECONFIG.limit() + 1);
        };
        CliRunner.Result r = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(20),
                () -> kubeconfig(work, seed(""), "--file", target.toString(), "--merge"));

        assertEquals(1, r.exitCode(), r.all());
        assertTrue(r.err().startsWith("Error: cannot read " + target + ": it "), r.err());
        assertTrue(r.err().contains(kind.equals("oversized") ? "larger than 16 MB" : "not a regular file"), r.err());
    }

    @Test
    void invalidContextName_isAnError() throws Exception {
        CliRunner.Result r = kubeconfig(work, seed(""), "--context", "my lab");

        assertEquals(1, r.exitCode(), r.all());
        assertTrue(r.err().startsWith("Error: \"my lab\" is not a usable context name"), r.err());
        assertFalse(Files.exists(work.resolve("kubeconfig")));
    }

    @Test
    void help_listsTheOptions() {
        CliRunner.Result r = CliRunner.run("kubeconfig", "--help");
        assertEquals(0, r.exitCode(), r.all());
        for (String option : List.of("--file", "--merge", "--context", "--stdout", "--sim", "--config", "--var",
                "--no-color")) {
            assertTrue(r.out().contains(option), option + " in\n" + r.out());
        }
        assertFalse(r.out().contains("--parallelism"), r.out());
    }
}
