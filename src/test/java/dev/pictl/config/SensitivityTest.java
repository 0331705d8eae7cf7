package dev.pictl.config;

import dev.pictl.types.ResourceTypes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pictl.addr.ResourceAddress;
import dev.pictl.diag.Redactor;
import dev.pictl.resource.ResourceInstance;
import dev.pictl.resource.Value;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Marks propagate as Terraform's do: whatever is made from a sensitive value is sensitive. */
@Tag("fast")
class SensitivityTest {
    static final String SECRET = "hunter2-Sens1tive";
    /** A secret shaped like a k3s flag name, so that it may be a config key. */
    static final String FLAG_SECRET = "hunter2-sens1tive";

    @TempDir
    Path dir;

    private Config load(String body, Map<String, String> vars) throws Exception {
        Files.writeString(dir.resolve("cluster.hcl"), """
                variable "s" {
                  sensitive = true
                }

                variable "p" {
                  default = "plain-value"
                }

                variable "l" {
                  sensitive = true
                  default   = []
                }

                node "pi-1" { address = "10.0.0.1" }
                """ + body);
        LoadResult r = ConfigLoader.load(dir.resolve("cluster.hcl"), new VariableInputs(vars, Map.of(), true),
                ResourceTypes.standard().catalog());
        assertFalse(r.diagnostics().hasErrors(), r.diagnostics().sorted().toString());
        assertNotNull(r.config());
        return r.config();
    }

    private Value configEntry(String expr) throws Exception {
        Config c = load("k3s_server \"x\" {\n  node = node.pi-1\n  version = \"v1.31.4+k3s1\"\n  config = { \"vv\" = " + expr
                + " }\n}\n", Map.of("s", SECRET));
        Value.MapVal m = (Value.MapVal) server(c).attributes().get("config");
        return m.entries().get("vv");
    }

    private static ResourceInstance server(Config c) {
        return c.instance(ResourceAddress.of("k3s_server", "x")).orElseThrow();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "var.s",
            "\"${var.s}\"",
            "\"prefix-${var.s}-suffix\"",
            "\"${var.p}:${var.s}\"",
            "upper(var.s)",
            "lower(var.s)",
            "trimspace(var.s)",
            "tostring(var.s)",
            "format(\"%s-x\", var.s)",
            "format(\"%d\", length(var.s))",
            "join(\",\", [\"a\", var.s])",
            "[var.s]",
            "[\"a\", \"b-${var.s}\"]",
            "concat([\"a\"], [var.s])",
            "concat([\"a\"], var.l)",
    })
    void whatIsMadeFromASecret_isSensitive(String expr) throws Exception {
        Value v = configEntry(expr);
        assertTrue(v.holdsSensitive(), expr + " gave " + v);
        Value.MapVal m = (Value.MapVal) server(load("k3s_server \"x\" {\n  node = node.pi-1\n  version = \"v1.31.4+k3s1\"\n"
                + "  config = { \"vv\" = " + expr + " }\n}\n", Map.of("s", SECRET))).attributes().get("config");
        assertTrue(m.holdsSensitive(), "the map holding it is sensitive too");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "var.p",
            "\"prefix-${var.p}\"",
            "upper(var.p)",
            "[\"a\", var.p]",
            "length(\"abc\")",
    })
    void whatIsNotMadeFromASecret_isNot(String expr) throws Exception {
        assertFalse(configEntry(expr).holdsSensitive(), expr);
    }

    @Test
    void aKeyMadeFromASecret_makesItsEntrySensitive() throws Exception {
        Config c = load("k3s_server \"x\" {\n  node = node.pi-1\n  version = \"v1.31.4+k3s1\"\n"
                + "  config = { \"${var.s}\" = \"plain\", \"other\" = \"plain\" }\n}\n", Map.of("s", FLAG_SECRET));
        Value.MapVal m = (Value.MapVal) server(c).attributes().get("config");
        assertTrue(m.entries().get(FLAG_SECRET).sensitive());
        assertFalse(m.entries().get("other").sensitive());
        assertTrue(m.sensitive());
    }

    @Test
    void aReference_carriesTheMark_fromAVariable_andFromASensitiveAttributeWrittenInClear() throws Exception {
        Config c = load("""
                node "pi-2" { address = var.s }

                k3s_server "x" {
                  node    = node.pi-1
                  version = "v1.31.4+k3s1"
                  token   = "literal-token-value"
                  config  = { "aa" = node.pi-2.address }
                }

                k3s_agent "y" {
                  nodes  = [node.pi-2]
                  server = k3s_server.x
                  config = { "bb" = k3s_server.x.token, "cc" = node.pi-1.address }
                }
                """, Map.of("s", SECRET));
        Value.MapVal serverConfig = (Value.MapVal) server(c).attributes().get("config");
        assertTrue(serverConfig.entries().get("aa").sensitive(), "through node.pi-2.address");
        ResourceInstance agent = c.instance(ResourceAddress.of("k3s_agent", "y", "pi-2")).orElseThrow();
        Value.MapVal agentConfig = (Value.MapVal) agent.attributes().get("config");
        assertTrue(agentConfig.entries().get("bb").sensitive(), "k3s_server.x.token is a secret wherever it is used");
        assertFalse(agentConfig.entries().get("cc").sensitive(), "node.pi-1.address is not");
        assertTrue(server(c).attributes().get("token").sensitive());
    }

    @Test
    void aSensitiveListVariable_fromTheCommandLine_marksEveryItem() throws Exception {
        Config c = load("kernel_params \"k\" {\n  nodes = [node.pi-1]\n  add = var.l\n}\n",
                Map.of("s", SECRET, "l", "[\"" + SECRET + "=1\", \"b=2\"]"));
        Value.ListVal add = (Value.ListVal) c.ofType("kernel_params").get(0).attributes().get("add");
        assertEquals(2, add.items().size());
        assertTrue(add.items().stream().allMatch(Value::sensitive), add.toString());
    }

    @Test
    void theSavedPlansConfigHash_doesNotDependOnASecretInPivars_butOnEveryOtherEdit() throws Exception {
        String body = "k3s_server \"x\" {\n  node = node.pi-1\n  version = \"v1.31.4+k3s1\"\n  token = var.s\n}\n";
        Files.writeString(dir.resolve(".pivars"), "s = \"" + SECRET + "\"\n");
        String one = dev.pictl.plan.Differ.configHash(load(body, Map.of()));
        Files.writeString(dir.resolve(".pivars"), "s = \"another-secret-value\"\n");
        String two = dev.pictl.plan.Differ.configHash(load(body, Map.of()));
        Files.writeString(dir.resolve(".pivars"), "s = \"another-secret-value\"\np = \"x\"\n");
        String three = dev.pictl.plan.Differ.configHash(load(body, Map.of()));
        assertEquals(one, two, "the hash is not a function of the secret");
        assertFalse(two.equals(three), "other edits of .pivars still change it");
    }

    @Test
    void theRedactor_knowsEverySecretText_andScrubsItFromFreeText() throws Exception {
        Config c = load("k3s_server \"x\" {\n  node = node.pi-1\n  version = \"v1.31.4+k3s1\"\n"
                + "  config = { \"vv\" = upper(var.s), \"ww\" = var.p }\n}\n", Map.of("s", SECRET));
        Redactor r = c.redactor();
        assertEquals("mkdir: cannot create (sensitive value)/x and (sensitive value)",
                r.redact("mkdir: cannot create " + SECRET + "/x and " + SECRET.toUpperCase()));
        assertEquals("plain-value stays", r.redact("plain-value stays"));
        assertEquals("ab cd", new Redactor(java.util.Set.of("ab", "")).redact("ab cd"), "too short to scrub");
    }
}
