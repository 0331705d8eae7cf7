package dev.pictl.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pictl.testing.Golden;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Format v1 on disk: hand-written fixtures ({@code *.in.json}: unsorted, compact, duplicates in lists) read and
 * written back canonically ({@code *.out.json} goldens), and every canonical text conforms to the committed schema.
 */
@Tag("fast")
class StateFormatTest {
    private static final Path DIR = Path.of("src/test/resources/state/roundtrip");

    static Stream<String> fixtures() throws Exception {
        try (Stream<Path> s = Files.list(DIR)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".in.json"))
                    .map(n -> n.substring(0, n.length() - ".in.json".length())).sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void handWrittenV1_readsAndWritesBackCanonically(String name) throws Exception {
        State s = StateCodec.decode(Files.readAllBytes(DIR.resolve(name + ".in.json")));
        String out = StateCodec.encode(s);

        Golden.assertMatches(DIR.resolve(name + ".out.json"), out);
        assertEquals(List.of(), StateTesting.violations(out));
        // canonical: reading the output and writing it again changes nothing
        assertEquals(out, StateCodec.encode(StateCodec.decode(out.getBytes())));
        assertEquals(s, StateCodec.decode(out.getBytes()));
    }

    @Test
    void canonicalText_isSortedIndentedAndEndsWithOneNewline() throws Exception {
        String out = StateCodec.encode(StateCodec.decode(Files.readAllBytes(DIR.resolve("seed.in.json"))));

        assertTrue(out.startsWith("{\n  \"format_version\": 1,\n  \"pictl_version\": \"0.1.0\",\n  \"serial\": 12,\n"), out);
        assertTrue(out.endsWith("}\n") && !out.endsWith("\n\n"), out);
        assertFalse(out.contains("\r") || out.contains("\t"), out);
        List<String> addresses = StateCodec.decode(out.getBytes()).addresses().stream().map(Object::toString).toList();
        assertEquals(List.of("k3s_server.control", "kernel_params.cgroups[\"pi-worker-1\"]", "node.pi-server-1",
                "node.pi-worker-1", "pv.local-pv-1"), addresses);
        int a = out.indexOf("\"access_modes\"");
        int c = out.indexOf("\"capacity\"");
        int p = out.indexOf("\"phase\"");
        assertTrue(a < c && c < p, "attribute keys sorted");
        assertTrue(out.contains("\"dependencies\": [\n        \"k3s_agent.workers[\\\"pi-worker-1\\\"]\",\n"), out);
        assertTrue(out.contains("\"remove\": []\n"), "empty arrays as []: " + out);
    }

    @Test
    void schema_rejectsWhatTheReaderRejects() throws Exception {
        String good = StateCodec.encode(StateCodec.decode(Files.readAllBytes(DIR.resolve("seed.in.json"))));
        ObjectNode unknownTop = (ObjectNode) StateTesting.MAPPER.readTree(good);
        unknownTop.put("outputs", 1);
        assertFalse(StateTesting.violations(unknownTop.toString()).isEmpty(), "unknown top-level property");

        ObjectNode badStatus = (ObjectNode) StateTesting.MAPPER.readTree(good);
        ((ObjectNode) badStatus.get("resources").get(0)).put("status", "broken");
        assertFalse(StateTesting.violations(badStatus.toString()).isEmpty(), "unknown status");

        ObjectNode badHash = (ObjectNode) StateTesting.MAPPER.readTree(good);
        ((ObjectNode) badHash.get("resources").get(0).get("sensitive_hashes")).put("token", "s3cr3t");
        assertFalse(StateTesting.violations(badHash.toString()).isEmpty(), "a clear-text secret instead of a hash");

        ObjectNode newer = (ObjectNode) StateTesting.MAPPER.readTree(good);
        newer.put("format_version", 2);
        assertFalse(StateTesting.violations(newer.toString()).isEmpty(), "format 2");
    }

    @Test
    void encode_refusesAStateThatWasNeverWritten() {
        assertThrows(NullPointerException.class, () -> StateCodec.encode(State.empty()));
    }
}
