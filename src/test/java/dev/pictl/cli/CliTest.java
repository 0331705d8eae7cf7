package dev.pictl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class CliTest {
    @TempDir
    Path dir;

    static Stream<Path> examples() throws Exception {
        try (Stream<Path> s = Files.list(Path.of("examples"))) {
            return s.filter(Files::isDirectory).sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("examples")
    void validate_acceptsEveryExample(Path example) {
        CliRunner.Result r = CliRunner.run("validate", "-c", example.toString());
        assertEquals(0, r.exitCode(), r.all());
        assertTrue(r.out().startsWith("Success! The configuration is valid"), r.out());
        assertFalse(r.err().contains("Error:"), r.err());
    }

    @Test
    void validate_seedExample_hasOnlyTheSmallBoardAdvice() {
        CliRunner.Result r = CliRunner.run("validate", "-c", "examples/seed");
        assertEquals(0, r.exitCode(), r.all());
        assertEquals("Success! The configuration is valid, with 1 warning (18 resources).\n", r.out());
        // The seed's server reserves no memory: validate cannot see the board, so it advises (issue 20).
        assertTrue(r.err().startsWith("Warning: "), r.err());
        assertTrue(r.err().contains("k3s_server.control reserves no memory on pi-server-1"), r.err());
        assertEquals(1, r.err().lines().filter(l -> l.startsWith("Warning: ")).count(), r.err());
    }

    @Test
    void graph_ofSeedShowsDomainEdges() {
        CliRunner.Result r = CliRunner.run("graph", "-c", "examples/seed");
        assertEquals(0, r.exitCode(), r.all());
        for (String edge : List.of(
                "\"node.pi-server-1\" -> \"kernel_params.cgroups[\\\"pi-server-1\\\"]\";",
                "\"kernel_params.cgroups[\\\"pi-server-1\\\"]\" -> \"runtime.docker[\\\"pi-server-1\\\"]\" [style = \"dashed\"];",
                "\"runtime.docker[\\\"pi-server-1\\\"]\" -> \"k3s_server.control\" [style = \"dashed\"];",
                "\"k3s_server.control\" -> \"k3s_agent.workers[\\\"pi-worker-1\\\"]\";",
                "\"k3s_server.control\" -> \"storage_class.local-storage\" [style = \"dashed\"];",
                "\"storage_class.local-storage\" -> \"pv.local-pv-1\";",
                "\"k3s_agent.workers[\\\"pi-worker-1\\\"]\" -> \"pv.local-pv-1\" [style = \"dashed\"];")) {
            assertTrue(r.out().contains(edge), "missing " + edge + "\n" + r.out());
        }
        CliRunner.Result m = CliRunner.run("graph", "-c", "examples/seed", "--format", "mermaid");
        assertEquals(0, m.exitCode(), m.all());
        assertTrue(m.out().startsWith("flowchart LR\n"), m.out());
    }

    @ParameterizedTest
    @ValueSource(strings = {"--bogus", "validate --bogus", "graph --format svg", "validate --var novalue",
            "nosuchcommand", ""})
    void usageErrors_exitWith1NeverWith2(String args) {
        String[] argv = args.isEmpty() ? new String[0] : args.split(" ");
        CliRunner.Result r = CliRunner.run(argv);
        assertEquals(1, r.exitCode(), r.all());
        assertFalse(r.all().contains("\tat "), r.all());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "validate", "graph", "version", "kubeconfig", "diagnose"})
    void help_onEveryCommand(String command) {
        String[] argv = command.isEmpty() ? new String[] {"--help"} : new String[] {command, "--help"};
        CliRunner.Result r = CliRunner.run(argv);
        assertEquals(0, r.exitCode(), r.all());
        assertTrue(r.out().contains("Usage: pictl"), r.out());
    }

    @ParameterizedTest
    @ValueSource(strings = {"plan", "drift", "kubeconfig", "diagnose"})
    void simOption_andPictlSimDir_reachTheEngine(String command) {
        // --sim=DIR and PICTL_SIM_DIR name the simulator; here one that was never started.
        CliRunner.Result flag = CliRunner.run(dir, Map.of(), command, "-c", Path.of("examples/seed").toAbsolutePath()
                .toString(), "--no-color", "--sim=nothing");
        assertEquals(1, flag.exitCode(), flag.all());
        assertTrue(flag.err().startsWith("Error: no simulator in " + dir.resolve("nothing") + "\n"), flag.err());
        CliRunner.Result env = CliRunner.run(dir, Map.of("PICTL_SIM_DIR", "elsewhere"), command, "-c",
                Path.of("examples/seed").toAbsolutePath().toString(), "--no-color");
        assertEquals(1, env.exitCode(), env.all());
        assertTrue(env.err().startsWith("Error: no simulator in " + dir.resolve("elsewhere") + "\n"), env.err());
    }

    @Test
    void diagnose_anUnknownNode_isAnError_beforeAnyNodeIsContacted() {
        CliRunner.Result r = CliRunner.run(dir, Map.of(), "diagnose", "-c", Path.of("examples/seed").toAbsolutePath().toString(),
                "--no-color", "pi-worker-9");
        assertEquals(1, r.exitCode(), r.all());
        assertTrue(r.err().contains("Error: no node \"pi-worker-9\" in the description"), r.err());
        assertTrue(r.err().contains("pi-server-1, pi-worker-1, pi-worker-2, pi-worker-3"), r.err());
        assertTrue(r.err().contains("No diagnosis: "), r.err());
        assertEquals("", r.out());
    }

    @Test
    void version_printsTheVersion() {
        CliRunner.Result r = CliRunner.run("version");
        assertEquals(0, r.exitCode());
        assertTrue(r.out().matches("pictl \\d+\\.\\d+\\.\\d+.*\\n"), r.out());
    }

    @Test
    void validate_errorsGoToStderrWithLocationAndExit1() throws Exception {
        Files.writeString(dir.resolve("c.hcl"), "node \"pi-1\" {\n  adress = \"10.0.0.1\"\n}\n");
        CliRunner.Result r = CliRunner.run(dir, Map.of(), "validate", "--no-color", "-c", "c.hcl");
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("Error: " + dir.resolve("c.hcl") + ":2:3: unknown attribute \"adress\" in node \"pi-1\"; "
                + "did you mean \"address\"?"), r.err());
        assertTrue(r.err().contains("  2 |   adress = \"10.0.0.1\"\n    |   ^^^^^^\n"), r.err());
        assertFalse(r.err().contains("\u001b["), "no colour when not a terminal");
    }

    @Test
    void validate_json_isMachineReadable() throws Exception {
        Files.writeString(dir.resolve("c.hcl"), "node \"pi-1\" {\n  adress = \"10.0.0.1\"\n}\n");
        CliRunner.Result r = CliRunner.run(dir, Map.of(), "validate", "--json", "-c", "c.hcl");
        assertEquals(1, r.exitCode());
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.out());
        assertFalse(json.get("valid").asBoolean());
        assertEquals(2, json.get("error_count").asInt());
        var first = json.get("diagnostics").get(0);
        assertEquals("error", first.get("severity").asText());
        assertEquals(1, first.get("range").get("start").get("line").asInt(), "missing address at the header");
        assertEquals(2, json.get("diagnostics").get(1).get("range").get("start").get("line").asInt());
    }

    @Test
    void variables_fromCliEnvAndPivarsFile_withPrecedence() throws Exception {
        Files.writeString(dir.resolve("c.hcl"), """
                variable "ver" {}
                node "pi" { address = "10.0.0.1" }
                kernel_params "k" {
                  nodes = [node.pi]
                  add   = ["cgroup_enable=memory"]
                }
                k3s_server "s" {
                  node    = node.pi
                  version = var.ver
                }
                """);
        // Environment only: a bad value is reported at the attribute that uses it.
        CliRunner.Result env = CliRunner.run(dir, Map.of("PICTL_VAR_ver", "1.2"), "validate", "-c", "c.hcl");
        assertEquals(1, env.exitCode(), env.all());
        assertTrue(env.err().contains(":9:13: invalid version \"1.2\""), env.err());
        // .pivars beats the environment; --var beats .pivars.
        Files.writeString(dir.resolve(".pivars"), "ver = \"v1.31.4+k3s1\"\n");
        assertEquals(0, CliRunner.run(dir, Map.of("PICTL_VAR_ver", "1.2"), "validate", "-c", ".").exitCode());
        CliRunner.Result cli = CliRunner.run(dir, Map.of(), "validate", "-c", ".", "--var", "ver=bad");
        assertEquals(1, cli.exitCode());
        assertTrue(cli.err().contains("invalid version \"bad\""), cli.err());
        CliRunner.Result undeclared = CliRunner.run(dir, Map.of(), "validate", "-c", ".", "--var", "vr=x");
        assertTrue(undeclared.err().contains("--var vr: no variable \"vr\" is declared; did you mean \"ver\"?"),
                undeclared.err());
    }

    @Test
    void sensitiveValues_neverAppearInDiagnostics() throws Exception {
        Files.writeString(dir.resolve("c.hcl"), """
                variable "secret" { sensitive = true }
                node "pi" { address = var.secret }
                """);
        CliRunner.Result r = CliRunner.run(dir, Map.of("PICTL_VAR_secret", "not a host!"), "validate", "-c", "c.hcl");
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("invalid address (sensitive value)"), r.err());
        assertFalse(r.all().contains("not a host!"), r.all());
    }
}
