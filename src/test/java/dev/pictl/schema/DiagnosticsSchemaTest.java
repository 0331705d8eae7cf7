package dev.pictl.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code pictl validate --json} prints conforms to {@code schema/diagnostics.schema.json}. */
@Tag("fast")
class DiagnosticsSchemaTest {
    private static final JsonSchema SCHEMA = SchemaSupport.committedSchema("schema/diagnostics.schema.json");

    @Test
    void validateJson_ofTheSeedExample_conformsAndIsValid() throws Exception {
        SchemaSupport.Run run = SchemaSupport.pictl(SchemaSupport.ROOT, "validate", "-c", "examples/seed", "--json");

        assertEquals(0, run.exitCode(), run.err());
        assertEquals(List.of(), SchemaSupport.violations(SCHEMA, run.out()));
        JsonNode json = SchemaSupport.MAPPER.readTree(run.out());
        assertTrue(json.get("valid").booleanValue());
        assertEquals(0, json.get("error_count").intValue());
    }

    @Test
    void validateJson_withErrorsWarningsAndAPlacelessError_conforms(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("cluster.hcl"), """
                node "pi" {
                  adress = "192.168.1.50"
                }
                kernel_params "cgroups" {
                  nodes = [node.pi]
                  add   = ["cgroupenable=memory"]
                }
                """);
        // --var for an undeclared variable: an error with no place in a file, so no "range".
        SchemaSupport.Run run = SchemaSupport.pictl(dir, "validate", "--json", "--var", "nope=1");

        assertEquals(1, run.exitCode(), run.err());
        assertEquals(List.of(), SchemaSupport.violations(SCHEMA, run.out()));
        JsonNode json = SchemaSupport.MAPPER.readTree(run.out());
        assertFalse(json.get("valid").booleanValue());
        List<JsonNode> diags = StreamSupport.stream(json.get("diagnostics").spliterator(), false).toList();
        assertTrue(diags.stream().anyMatch(d -> d.get("severity").asText().equals("error") && d.has("range")
                && d.get("summary").asText().contains("adress")), run.out());
        assertTrue(diags.stream().anyMatch(d -> d.get("severity").asText().equals("warning")
                && d.get("summary").asText().contains("cgroup_enable=memory")), run.out());
        assertTrue(diags.stream().anyMatch(d -> !d.has("range") && d.get("summary").asText().contains("nope")), run.out());
    }

    @Test
    void schema_rejectsOutputThatBreaksTheContract() throws Exception {
        String good = SchemaSupport.pictl(SchemaSupport.ROOT, "validate", "-c", "examples/seed", "--json").out();

        ObjectNode validWithErrors = (ObjectNode) SchemaSupport.MAPPER.readTree(good);
        validWithErrors.put("error_count", 1);
        assertFalse(SchemaSupport.violations(SCHEMA, validWithErrors.toString()).isEmpty(), "valid=true with an error");

        ObjectNode badSeverity = (ObjectNode) SchemaSupport.MAPPER.readTree(good);
        badSeverity.put("valid", false).put("error_count", 1).putArray("diagnostics").addObject()
                .put("severity", "fatal").put("summary", "x").put("detail", "");
        assertFalse(SchemaSupport.violations(SCHEMA, badSeverity.toString()).isEmpty(), "unknown severity");

        ObjectNode zeroLine = (ObjectNode) SchemaSupport.MAPPER.readTree(good);
        ObjectNode range = zeroLine.put("valid", false).put("error_count", 1).putArray("diagnostics").addObject()
                .put("severity", "error").put("summary", "x").put("detail", "").putObject("range");
        range.put("filename", "c.hcl");
        range.putObject("start").put("line", 0).put("column", 1).put("offset", 0);
        range.putObject("end").put("line", 1).put("column", 1).put("offset", 0);
        assertFalse(SchemaSupport.violations(SCHEMA, zeroLine.toString()).isEmpty(), "line 0");
    }
}
