package dev.pictl.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code schema/plan.schema.json} against the golden plans (which the simulator tests produce) and against
 * documents that break the contract: a schema that accepted those could not fail.
 */
class PlanSchemaTest {

    static Stream<Path> goldenJson() throws Exception {
        try (Stream<Path> s = Files.list(PlanFixture.GOLDEN)) {
            return s.filter(p -> p.toString().endsWith(".json")).sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("goldenJson")
    void everyGoldenPlan_conformsAndReadsBackToTheSameDocument(Path file) throws Exception {
        String json = Files.readString(file);

        assertEquals(List.of(), PlanFixture.violations(json), file.toString());
        assertEquals(json, PlanCodec.write(PlanCodec.read(json)), "read then write changes " + file);
    }

    @Test
    void goldenPlansExist() throws Exception {
        assertTrue(goldenJson().count() >= 12, "the golden plans are missing");
    }

    private static JsonNode sample(String golden) throws Exception {
        return PlanFixture.MAPPER.readTree(Files.readString(PlanFixture.GOLDEN.resolve(golden)));
    }

    private static void assertRejected(String golden, String what, Consumer<ObjectNode> breakIt) throws Exception {
        ObjectNode doc = (ObjectNode) sample(golden);
        breakIt.accept(doc);
        assertFalse(PlanFixture.violations(doc.toString()).isEmpty(), "the schema accepted: " + what);
    }

    private static ObjectNode firstChange(ObjectNode doc) {
        return (ObjectNode) doc.get("resource_changes").get(0);
    }

    @Test
    void schema_rejectsPlansThatBreakTheContract() throws Exception {
        assertRejected("fresh.json", "an unknown top-level property", d -> d.put("planned_values", 1));
        assertRejected("fresh.json", "a missing summary", d -> d.remove("summary"));
        assertRejected("fresh.json", "format 2.0", d -> d.put("format_version", "2.0"));
        assertRejected("fresh.json", "an unknown mode", d -> d.put("mode", "apply"));
        assertRejected("unreachable.json", "an errored plan that is applyable", d -> d.put("applyable", true));
        assertRejected("fresh.json", "a lineage that is not a UUID",
                d -> ((ObjectNode) d.get("prior_state")).put("lineage", "abc"));
        assertRejected("fresh.json", "a config hash that is not sha256", d -> d.put("config_hash", "md5:00"));
        assertRejected("fresh.json", "actions that contradict the action",
                d -> firstChange(d).put("action", "delete"));
        assertRejected("fresh.json", "an unknown action reason", d -> firstChange(d).put("action_reason", "because"));
        assertRejected("fresh.json", "an unknown resource type", d -> firstChange(d).put("type", "vm"));
        assertRejected("fresh.json", "a malformed fingerprint", d -> firstChange(d).put("fingerprint", "sha256:xyz"));
        assertRejected("fresh.json", "a create with a before value", d -> {
            for (JsonNode c : d.get("resource_changes")) {
                if (c.get("action").asText().equals("create")) {
                    ((ObjectNode) c.get("change")).putObject("before");
                    return;
                }
            }
        });
        assertRejected("provisioned.json", "a sensitive mask that is not true", d -> {
            for (JsonNode c : d.get("resource_changes")) {
                if (c.get("address").asText().equals("k3s_server.control")) {
                    ((ObjectNode) c.get("change").get("after_sensitive")).put("token", false);
                }
            }
        });
        assertRejected("drift-cgroup-flag-removed.json", "a sensitive changed attribute with a value", d -> {
            for (JsonNode c : d.get("resource_changes")) {
                ArrayNode attrs = (ArrayNode) c.get("changed_attributes");
                if (!attrs.isEmpty()) {
                    ((ObjectNode) attrs.get(0)).put("sensitive", true);
                    return;
                }
            }
        });
        JsonNode someChange = sample("drift-cgroup-flag-removed.json").get("resource_changes").get(0);
        assertRejected("refresh-only.json", "a refresh-only plan with resource changes",
                d -> ((ArrayNode) d.get("resource_changes")).add(someChange));
        assertRejected("fresh.json", "a node without reachable", d -> ((ObjectNode) d.get("nodes").get(0)).remove("reachable"));
        assertRejected("unreachable.json", "an unknown entry without reason",
                d -> ((ObjectNode) d.get("unknown").get(0)).remove("reason"));
        assertRejected("fresh.json", "upgrade_os false (absent unless true)", d -> d.put("upgrade_os", false));
        assertRejected("fresh.json", "an updates_available entry without its total", d -> {
            ObjectNode u = d.putArray("updates_available").addObject();
            u.put("node", "pi-1").put("address", "os_updates.all[\"pi-1\"]").put("security", 1).put("installs", 1)
                    .put("reboot_required", false).put("reboots", false).putArray("reboot_packages");
        });
        assertRejected("fresh.json", "a negative count of updates", d -> {
            ObjectNode u = d.putArray("updates_available").addObject();
            u.put("node", "pi-1").put("address", "os_updates.all[\"pi-1\"]").put("total", -1).put("security", 0)
                    .put("installs", 0).put("reboot_required", false).put("reboots", false).putArray("reboot_packages");
        });
        assertRejected("fresh.json", "a diagnostic of an unknown severity",
                d -> ((ObjectNode) d.get("diagnostics").get(0)).put("severity", "fatal"));
    }
}
