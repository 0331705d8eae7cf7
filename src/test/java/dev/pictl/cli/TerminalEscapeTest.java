package dev.pictl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pictl.addr.ResourceAddress;
import dev.pictl.cli.view.DriftView;
import dev.pictl.diag.TerminalText;
import dev.pictl.drift.DriftReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Values in text output cannot act on the terminal: a value holding ESC[2J, a newline followed by a fake
 * "Plan: 0 to add" line, a carriage return, a C1 control or a bidi override comes out escaped, through the plan
 * view, the drift view, state show and diagnostics. Every run is --no-color, so the output must hold no control
 * character but its own line breaks, and no line may start with the fake text.
 */
@Tag("fast")
class TerminalEscapeTest {
    /** The hostile value: clear screen, a fake summary line after a newline, CR, NEL (C1), RLO (bidi). */
    static final String HOSTILE = "x\u001b[2J\nPlan: 0 to add, 0 to change, 0 to destroy.\r\u0085\u202eevil";
    static final String FAKE = "Plan: 0 to add";

    @TempDir
    Path dir;

    static void assertInert(String output) {
        for (int i = 0; i < output.length(); i++) {
            char c = output.charAt(i);
            if (c != '\n' && TerminalText.needsEscape(c)) {
                throw new AssertionError(String.format("raw U+%04X at %d in:%n%s", (int) c, i, output));
            }
        }
        for (String line : output.split("\n")) {
            assertFalse(line.startsWith(FAKE), () -> "fake line in:\n" + output);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "'a\u001b[2Jb'      | '\"a\\x1b[2Jb\"'",
            "'l1\nl2\r'         | '\"l1\\nl2\\r\"'",
            "'\u202eabc\u2066'  | '\"\\u202eabc\\u2066\"'",
            "'\u0085\u009b\u007f' | '\"\\u0085\\u009b\\x7f\"'",
            "'q\"b\\s'          | '\"q\\\"b\\\\s\"'",
            "'grüße 日本 ✓'     | '\"grüße 日本 ✓\"'",
    })
    void quote_escapesControlsAndKeepsPrintableText(String in, String expected) {
        assertEquals(expected, TerminalText.quote(in));
    }

    @Test
    void escapeKeepingLines_keepsOnlyNewlines() {
        assertEquals("a\nb\\x1b[31m\\r\\u202e", TerminalText.escapeKeepingLines("a\nb\u001b[31m\r\u202e"));
        assertEquals("a\\nb", TerminalText.escape("a\nb"));
        assertEquals("\uFFFD[2J x", TerminalText.sourceLine("\u001b[2J x"));
    }

    @Test
    void diagnostic_quotesAHostileValueEscaped() throws Exception {
        Path cfg = dir.resolve("c");
        Files.createDirectories(cfg);
        // The value written with HCL escapes, and a raw ESC in a comment on the same line (the excerpt shows it).
        Files.writeString(cfg.resolve("cluster.hcl"), """
                node "pi" {
                  address = "192.168.1.50"
                }
                k3s_server "main" {
                  node    = node.pi
                  version = "x\\u001b[2J\\nPlan: 0 to add, 0 to change, 0 to destroy.\\r\\u0085\\u202eevil" # \u001b[2J
                }
                """);
        CliRunner.Result r = CliRunner.run(dir, Map.of(), "validate", "--no-color", "-c", cfg.toString());

        assertEquals(1, r.exitCode(), r.all());
        assertTrue(r.err().contains("\"x\\x1b[2J\\nPlan: 0 to add, 0 to change, 0 to destroy.\\r\\u0085\\u202eevil\""),
                r.err());
        assertInert(r.all());
    }

    @Test
    void planText_escapesValuesAndNodeFacts() throws Exception {
        String json = Files.readString(Path.of("src/test/resources/golden/plan/fresh.json"));
        String hostileJson = com.fasterxml.jackson.databind.json.JsonMapper.builder().build().writeValueAsString(HOSTILE);
        String edited = json.replace("\"raspberrypi\"", hostileJson)
                .replace("\"Raspberry Pi 4 Model B Rev 1.4", hostileJson.substring(0, hostileJson.length() - 1));
        assertFalse(edited.equals(json));
        Path plan = dir.resolve("hostile.plan");
        Files.writeString(plan, edited);

        CliRunner.Result r = CliRunner.run(dir, Map.of(), "show", "--no-color", plan.toString());

        assertEquals(0, r.exitCode(), r.all());
        assertTrue(r.out().contains("~ hostname    = \"x\\x1b[2J\\nPlan: 0 to add"), r.out());
        assertInert(r.all());
    }

    @Test
    void stateShow_escapesValues() throws Exception {
        String state = Files.readString(Path.of("src/test/resources/state/roundtrip/reboot.in.json"));
        String hostileJson = com.fasterxml.jackson.databind.json.JsonMapper.builder().build().writeValueAsString(HOSTILE);
        Path file = dir.resolve("pictl.state.json");
        Files.writeString(file, state.replace("\"192.168.1.11\"", hostileJson));

        CliRunner.Result r = CliRunner.run(dir, Map.of(), "state", "show", "--state", file.toString(), "node.pi-worker-1");

        assertEquals(0, r.exitCode(), r.all());
        assertTrue(r.out().contains("address = \"x\\x1b[2J\\nPlan: 0 to add"), r.out());
        assertInert(r.all());
    }

    @Test
    void driftText_escapesValuesReasonsAndNodeMessages() {
        ResourceAddress a = ResourceAddress.of("node", "pi-1");
        DriftReport report = new DriftReport("c", "0", new DriftReport.StateInfo("pictl.state.json", true, "l", 7),
                List.of(new DriftReport.Drifted(a, "pi-1", false,
                        List.of(new DriftReport.AttributeDrift("hostname", "pi-1", HOSTILE, false)))),
                List.of(new DriftReport.Unreadable(ResourceAddress.of("pv", "x"), "pi-1", HOSTILE)),
                List.of(new DriftReport.Unreachable("pi-2", "10.0.0.2", HOSTILE, HOSTILE, List.of())),
                List.of(new DriftReport.HealthItem("pi-1", "throttled_now", HOSTILE, false)),
                List.of(), List.of(), List.of(), List.of(), new DriftReport.Options(false, false));

        String out = DriftView.render(report);

        assertTrue(out.contains("hostname: \"pi-1\" -> \"x\\x1b[2J\\nPlan: 0 to add"), out);
        assertInert(out);
    }
}
