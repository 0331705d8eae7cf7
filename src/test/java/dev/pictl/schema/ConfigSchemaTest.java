package dev.pictl.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.networknt.schema.JsonSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code schema/config.schema.json} accepts the examples in HCL's JSON form (hand-written renderings of
 * {@code examples/}) and rejects what pictl rejects; where its rules are copies of the validator's (block
 * names), both are run on the same table.
 */
@Tag("fast")
class ConfigSchemaTest {
    private static final JsonSchema SCHEMA = SchemaSupport.committedSchema("schema/config.schema.json");

    /** examples/minimal/cluster.hcl in HCL's JSON form. */
    private static final String MINIMAL = """
            {
              "node": { "pi": { "address": "192.168.1.50" } },
              "kernel_params": { "cgroups": { "nodes": ["node.pi"], "add": ["cgroup_enable=memory"] } },
              "k3s_server": { "main": { "node": "node.pi", "version": "v1.31.4+k3s1",
                "system_reserved": { "memory": "256Mi" }, "kube_reserved": { "memory": "256Mi" },
                "eviction_hard": { "memory.available": "200Mi", "nodefs.available": "5%", "imagefs.available": "5%" } } }
            }
            """;

    /** examples/seed/cluster.hcl in HCL's JSON form (references in both the bare and the ${} spelling). */
    private static final String SEED = """
            {
              "variable": {
                "k3s_token": { "description": "Cluster join token; k3s generates one when unset", "sensitive": true, "default": null }
              },
              "ssh": { "user": "pi", "private_key": "~/.ssh/id_ed25519", "known_hosts": "~/.ssh/known_hosts" },
              "node": {
                "pi-server-1": { "address": "192.168.1.10" },
                "pi-worker-1": { "address": "192.168.1.11" },
                "pi-worker-2": { "address": "192.168.1.12" },
                "pi-worker-3": { "address": "192.168.1.13", "ssh": { "port": 2222 } }
              },
              "kernel_params": {
                "cgroups": {
                  "nodes": ["node.pi-server-1", "node.pi-worker-1", "${node.pi-worker-2}", "node.pi-worker-3"],
                  "add": ["cgroup_enable=cpuset", "cgroup_enable=memory", "cgroup_memory=1"]
                }
              },
              "runtime": {
                "docker": {
                  "nodes": ["node.pi-server-1", "node.pi-worker-1", "node.pi-worker-2", "node.pi-worker-3"],
                  "engine": "docker",
                  "depends_on": ["kernel_params.cgroups[\\"pi-worker-1\\"]"]
                }
              },
              "k3s_server": {
                "control": {
                  "node": "node.pi-server-1",
                  "version": "v1.31.4+k3s1",
                  "token": "${var.k3s_token}",
                  "disable": ["traefik"],
                  "config": { "node-ip": "${node.pi-server-1.address}" }
                }
              },
              "k3s_agent": {
                "workers": {
                  "nodes": ["node.pi-worker-1", "node.pi-worker-2", "node.pi-worker-3"],
                  "server": "${k3s_server.control}"
                }
              },
              "storage_class": {
                "local-storage": {
                  "provisioner": "kubernetes.io/no-provisioner",
                  "volume_binding_mode": "WaitForFirstConsumer",
                  "allow_volume_expansion": true
                }
              },
              "pv": {
                "local-pv-1": {
                  "capacity": "10Gi",
                  "access_modes": ["ReadWriteOnce"],
                  "reclaim_policy": "Retain",
                  "storage_class": "storage_class.local-storage",
                  "path": "/mnt/local-storage",
                  "node": "node.pi-worker-1"
                }
              }
            }
            """;

    @Test
    void examples_inJsonForm_conform() {
        assertEquals(List.of(), SchemaSupport.violations(SCHEMA, MINIMAL));
        assertEquals(List.of(), SchemaSupport.violations(SCHEMA, SEED));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            unknown attribute          | "node": { "pi": { "adress": "192.168.1.50" } }
            missing required attribute | "node": { "pi": { } }
            unknown block type         | "nodes": { "pi": { "address": "192.168.1.50" } }
            value not in enum          | "runtime": { "r": { "nodes": ["node.pi"], "engine": "podman" } }
            version pattern            | "k3s_server": { "s": { "node": "node.pi", "version": "1.31.4" } }
            port out of range          | "ssh": { "port": 70000 }
            duration pattern           | "ssh": { "connect_timeout": "10 minutes" }
            relative pv path           | "pv": { "v": { "capacity": "1Gi", "access_modes": ["ReadWriteOnce"], "storage_class": "storage_class.s", "path": "mnt/x", "node": "node.pi" } }
            access mode not in enum    | "pv": { "v": { "capacity": "1Gi", "access_modes": ["RWO"], "storage_class": "storage_class.s", "path": "/mnt/x", "node": "node.pi" } }
            reference of wrong type    | "k3s_agent": { "a": { "nodes": ["node.pi"], "server": "node.pi" } }
            reference as plain text    | "k3s_server": { "s": { "node": "pi", "version": "v1.31.4+k3s1" } }
            single node not in a list  | "kernel_params": { "k": { "nodes": "node.pi" } }
            attribute reference in depends_on | "runtime": { "r": { "nodes": ["node.pi"], "engine": "docker", "depends_on": ["node.pi.address"] } }
            nested block in wrong place | "k3s_server": { "s": { "node": "node.pi", "version": "v1.31.4+k3s1", "ssh": { } } }
            """)
    void schema_rejects(String what, String body) {
        List<String> v = SchemaSupport.violations(SCHEMA, "{" + body + "}");
        assertTrue(!v.isEmpty(), what + " should be rejected");
    }

    @Test
    void schema_rejectsUnknownAttribute_namingIt() {
        List<String> v = SchemaSupport.violations(SCHEMA, MINIMAL.replace("\"address\"", "\"adress\""));
        assertTrue(v.stream().anyMatch(m -> m.contains("adress")), v.toString());
    }

    /**
     * The label rules in the schema are copies of the validator's; this table (expectations by hand) runs
     * both on the same names so the copies cannot drift apart silently.
     */
    @ParameterizedTest(name = "{0} \"{1}\" valid={2}")
    @CsvSource(delimiter = '|', textBlock = """
            node          | pi-worker-1   | true
            node          | a             | true
            node          | Pi-1          | false
            node          | 1pi           | false
            node          | pi_1          | false
            node          | pi-           | false
            storage_class | local-storage | true
            storage_class | local-path    | false
            storage_class | Local         | false
            storage_class | a.b           | false
            pv            | local-pv-1    | true
            pv            | pv_1          | false
            variable      | k3s_token     | true
            variable      | _Token-2      | true
            variable      | 9lives        | false
            """)
    void blockNames_schemaAndValidatorAgree(String type, String name, boolean valid, @TempDir Path dir) throws Exception {
        String block = switch (type) {
            case "node" -> "node \"" + name + "\" { address = \"192.168.1.99\" }";
            case "storage_class" -> "storage_class \"" + name + "\" { provisioner = \"kubernetes.io/no-provisioner\" }";
            case "pv" -> "pv \"" + name + "\" {\n  capacity = \"1Gi\"\n  access_modes = [\"ReadWriteOnce\"]\n"
                    + "  storage_class = storage_class.sc\n  path = \"/mnt/x\"\n  node = node.pi\n}";
            case "variable" -> "variable \"" + name + "\" { default = 1 }";
            default -> throw new IllegalArgumentException(type);
        };
        Files.writeString(dir.resolve("cluster.hcl"), Files.readString(SchemaSupport.ROOT.resolve("examples/minimal/cluster.hcl"))
                + "\nstorage_class \"sc\" { provisioner = \"kubernetes.io/no-provisioner\" }\n" + block + "\n");
        SchemaSupport.Run run = SchemaSupport.pictl(dir, "validate", "--json");
        assertEquals(valid ? 0 : 1, run.exitCode(), "pictl validate: " + run.out());

        String jsonBody = switch (type) {
            case "node" -> "{ \"address\": \"192.168.1.99\" }";
            case "storage_class" -> "{ \"provisioner\": \"kubernetes.io/no-provisioner\" }";
            case "pv" -> "{ \"capacity\": \"1Gi\", \"access_modes\": [\"ReadWriteOnce\"], \"storage_class\": "
                    + "\"storage_class.sc\", \"path\": \"/mnt/x\", \"node\": \"node.pi\" }";
            case "variable" -> "{ \"default\": 1 }";
            default -> throw new IllegalArgumentException(type);
        };
        String json = "{ \"" + type + "\": { \"" + name + "\": " + jsonBody + " } }";
        assertEquals(valid, SchemaSupport.violations(SCHEMA, json).isEmpty(), "schema on " + json);
    }
}
