package dev.pictl.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.pictl.cli.CliRunner;
import dev.pictl.engine.Version;
import dev.pictl.sim.ClusterSpec;
import dev.pictl.sim.ExecResult;
import dev.pictl.sim.NodeSpec;
import dev.pictl.sim.Provision;
import dev.pictl.sim.SimCluster;
import dev.pictl.sim.SimNode;
import dev.pictl.testing.Golden;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A cluster description in a work directory, a simulated fleet for its nodes, and the real CLI run in-process
 * against both: {@code pictl plan -c cluster.hcl --sim=sim --no-color ...} with the work directory as the
 * current directory, so every output is free of temporary paths and colour.
 *
 * <p>Boards listen on {@code <base>10}, {@code <base>11}, ... (a loopback /24 of the caller's choosing, so two
 * test classes never share an endpoint) and <b>advertise the node's address in the description</b>
 * ({@code 192.168.1.10} ...), as a real board would: server URLs and {@code node-ip} then name the right board.
 *
 * <p>The work directory holds a fixed state key ({@code pictl.state.key}, {@link #STATE_KEY}): without one,
 * plan hashes the token under a random key for every run and the k3s fingerprints would differ run to run.
 */
public final class PlanFixture implements AutoCloseable {
    public static final ObjectMapper MAPPER = new ObjectMapper();
    public static final Path GOLDEN = Path.of("src/test/resources/golden/plan");
    public static final Path FIXTURES = Path.of("src/test/resources/plan");
    public static final String VERSION = "v1.31.4+k3s1";
    /** The secret: never in any output, saved plan or state file. */
    public static final String TOKEN = "plan-t0ken-NEVER-printed-9c41e7";
    /** The key of the state's secret hashes in every fixture work directory. */
    public static final String STATE_KEY = "f531d0f806d03e7e84b6c5493bd17027730acc73ccd9d350cc886f57873fc52e";
    public static final List<String> CGROUP_FLAGS = List.of("cgroup_enable=cpuset", "cgroup_enable=memory", "cgroup_memory=1");
    public static final List<String> SEED_NODES = List.of("pi-server-1", "pi-worker-1", "pi-worker-2", "pi-worker-3");

    public static final String SC_YAML = """
            apiVersion: storage.k8s.io/v1
            kind: StorageClass
            metadata:
              name: local-storage
            provisioner: %s
            volumeBindingMode: WaitForFirstConsumer
            allowVolumeExpansion: true
            """;

    public static final String PV_YAML = """
            apiVersion: v1
            kind: PersistentVolume
            metadata:
              name: local-pv-1
            spec:
              capacity:
                storage: 10Gi
              accessModes:
                - ReadWriteOnce
              persistentVolumeReclaimPolicy: Retain
              storageClassName: local-storage
              local:
                path: /mnt/local-storage
              nodeAffinity:
                required:
                  nodeSelectorTerms:
                    - matchExpressions:
                        - key: kubernetes.io/hostname
                          operator: In
                          values:
                            - pi-worker-1
            """;

    /** The JSON Schemas of schema/, by file name, loaded once. */
    private static final Map<String, JsonSchema> SCHEMAS = new java.util.concurrent.ConcurrentHashMap<>();

    public final Path dir;
    public final SimCluster sim;
    public final Map<String, String> env;

    private PlanFixture(Path dir, SimCluster sim, Map<String, String> env) {
        this.dir = dir;
        this.sim = sim;
        this.env = env;
    }

    /**
     * Writes {@code hcl} as {@code dir/cluster.hcl} and the state key, and starts {@code boards} with state in
     * {@code dir/sim}. {@code env} is the CLI's environment (e.g. {@code PICTL_VAR_k3s_token}).
     */
    public static PlanFixture start(Path dir, String hcl, List<NodeSpec> boards, Map<String, String> env) throws IOException {
        Files.writeString(dir.resolve("cluster.hcl"), hcl);
        Files.writeString(dir.resolve("pictl.state.key"), STATE_KEY + "\n");
        SimCluster sim = SimCluster.start(ClusterSpec.of(boards).withK3sStartDelayMillis(20).withK3sRestartMillis(300)
                .withRebootDelayMillis(300).withTimerPercent(10), dir.resolve("sim"));
        PlanFixture f = new PlanFixture(dir, sim, env);
        if (boards.stream().anyMatch(b -> b.name().equals("pi-worker-1") && b.provision().k3s() != null)) {
            // The PV's directory exists on its node (pictl's apply makes it; the manifest alone does not).
            f.sudo("pi-worker-1", "mkdir -p \"$PICTL_ROOT/mnt/local-storage\"");
        }
        return f;
    }

    public static String resource(String name) {
        try {
            return Files.readString(FIXTURES.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The seed example's four boards on {@code base}10..13, fresh or provisioned as the seed describes. */
    public static List<NodeSpec> seedBoards(String base, int port, boolean provisioned) {
        return seedBoards(base, port, provisioned, SEED_NODES);
    }

    public static List<NodeSpec> seedBoards(String base, int port, boolean provisioned, List<String> names) {
        List<NodeSpec> out = new ArrayList<>();
        for (int i = 0; i < SEED_NODES.size(); i++) {
            String name = SEED_NODES.get(i);
            if (!names.contains(name)) {
                continue;
            }
            NodeSpec board = NodeSpec.of(name, base + (10 + i), port).withAdvertisedAddress("192.168.1." + (10 + i));
            if (provisioned) {
                Provision p = Provision.none().withHostname(true).withKernelFlags(CGROUP_FLAGS).withDocker(true);
                if (name.equals("pi-server-1")) {
                    Map<String, Object> config = new LinkedHashMap<>();
                    config.put("node-ip", "192.168.1.10");
                    config.put("disable", List.of("traefik"));
                    p = p.withK3sServer(VERSION, TOKEN).withK3sConfig(config)
                            .withManifests(List.of(SC_YAML.formatted("kubernetes.io/no-provisioner"), PV_YAML));
                } else {
                    p = p.withK3sAgent("pi-server-1");
                }
                board = board.withProvision(p);
            }
            out.add(board);
        }
        return out;
    }

    /** {@code pictl plan -c cluster.hcl --sim=sim --no-color ARGS}. */
    public CliRunner.Result plan(String... args) {
        return withSim("plan", args);
    }

    /** {@code pictl drift -c cluster.hcl --sim=sim --no-color ARGS}. */
    public CliRunner.Result drift(String... args) {
        return withSim("drift", args);
    }

    /** {@code pictl apply -c cluster.hcl --sim=sim --no-color ARGS}. */
    public CliRunner.Result apply(String... args) {
        return withSim("apply", args);
    }

    private CliRunner.Result withSim(String command, String... args) {
        List<String> all = new ArrayList<>(List.of(command, "-c", "cluster.hcl", "--sim=sim", "--no-color"));
        all.addAll(List.of(args));
        return CliRunner.run(dir, env, all.toArray(String[]::new));
    }

    /** Any command, as typed, in the work directory. */
    public CliRunner.Result pictl(String... args) {
        return CliRunner.run(dir, env, args);
    }

    public SimNode node(String name) {
        return sim.node(name);
    }

    /** Runs a command as root in a node's own shell; it must succeed. */
    public ExecResult sudo(String node, String command) {
        ExecResult r = sim.node(node).sudo(command);
        assertEquals(0, r.exitCode(), node + ": " + command + "\n" + r.stdout() + r.stderr());
        return r;
    }

    /** kubectl on the server node, as root. */
    public ExecResult kubectl(String args) {
        return sudo("pi-server-1", "kubectl " + args);
    }

    public Path state() {
        return dir.resolve("pictl.state.json");
    }

    public String sha256(Path file) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Copies a state fixture into place as the work directory's pictl.state.json. */
    public void useState(String fixture) throws IOException {
        Files.writeString(state(), resource(fixture));
    }

    /** Every file pictl may have written in the work directory (the simulator's own tree excluded). */
    public List<Path> writtenFiles() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).filter(p -> !p.startsWith(dir.resolve("sim"))).sorted().toList();
        }
    }

    @Override
    public void close() {
        sim.close();
    }

    // ---- assertions ------------------------------------------------------------------------------------------

    /** The JSON conforms to schema/plan.schema.json (empty list: no complaint). */
    public static List<String> violations(String json) {
        return violations("plan.schema.json", json);
    }

    /** How the JSON breaks {@code schema/<schemaFile>} (empty list: no complaint). */
    public static List<String> violations(String schemaFile, String json) {
        JsonSchema schema = SCHEMAS.computeIfAbsent(schemaFile, f -> {
            try {
                return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                        .getSchema(MAPPER.readTree(Files.readString(Path.of("schema", f))));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        try {
            return schema.validate(MAPPER.readTree(json)).stream().map(ValidationMessage::getMessage).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode assertValidPlanJson(String json) {
        return assertValidJson("plan.schema.json", json);
    }

    /** The JSON conforms to {@code schema/<schemaFile>}; parsed. */
    public static JsonNode assertValidJson(String schemaFile, String json) {
        assertEquals(List.of(), violations(schemaFile, json), json);
        try {
            return MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Compares with {@code golden/plan/<name>}; JSON is schema-checked first. Normalised: the pictl version, and this
     * work directory (pictl names the description as the user's -c gave it; in-process the work directory is
     * absolute, where a shell's would be the current directory).
     */
    public void assertGolden(String name, String actual) {
        actual = actual.replace(dir.toAbsolutePath() + "/", "");
        if (name.endsWith(".json")) {
            assertValidPlanJson(actual);
            actual = actual.replace("\"pictl_version\" : \"" + Version.current() + "\"",
                    "\"pictl_version\" : \"<pictl version>\"");
        }
        Golden.assertMatches(GOLDEN.resolve(name), actual);
    }

    public static void assertContains(String haystack, String needle) {
        assertTrue(haystack.contains(needle), "expected to find\n  " + needle + "\nin\n" + haystack);
    }

    public static void assertNotContains(String haystack, String needle) {
        assertFalse(haystack.contains(needle), "expected NOT to find\n  " + needle + "\nin\n" + haystack);
    }

    public static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
