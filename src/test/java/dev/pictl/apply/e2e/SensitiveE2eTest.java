package dev.pictl.apply.e2e;

import static dev.pictl.apply.e2e.E2e.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pictl.cli.CliRunner;
import dev.pictl.plan.PlanFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sensitive variable in every attribute position of the seed that takes a string, list or map, given three ways
 * ({@code .pivars}, {@code --var}, {@code PICTL_VAR_*}), through every command on the simulated fleet: no output
 * (text or JSON, stdout or stderr), no state, backup or saved plan, and no diagnostic holds any secret's text, while
 * the boards get the real values and a second plan has nothing to do.
 *
 * <pre>
 *   position                           how the secret gets there
 *   node.pi-server-1.address           var.server_address (--var)                   the address SSH uses
 *   k3s_server.config                  node.pi-server-1.address (a reference)       a map value
 *                                      ["team=${var.tag}"]                          interpolated, in a list, in a map
 *   k3s_server.token                   var.k3s_token (PICTL_VAR_k3s_token)          the always sensitive one
 *   k3s_agent.server_url               the server node's address                    made from another block
 *   kernel_params.add                  concat([...], ["pictl.tag=${var.tag}"])      a function call, a list item
 *   storage_class.parameters           { owner = format("%s-owner", var.tag) }      a function call, a map value
 *   pv.path                            "/mnt/${var.tag}"                            interpolated
 *   pv.capacity                        var.size (PICTL_VAR_size)                    the whole value
 * </pre>
 */
class SensitiveE2eTest {
    static final int PORT = 24947;
    /** Lower case and shell- and path-safe, so it can stand in every position. */
    static final String TAG = "zq7vx93-s3cr3t";
    static final String SIZE = "73193Mi";
    static final String ADDRESS = "192.168.1.10";
    /** Every text that must never be shown or stored by pictl. */
    static final List<String> SECRETS = List.of(TAG, SIZE, ADDRESS, E2e.TOKEN);
    static final String SHOWN = "(sensitive value)";

    @TempDir
    Path tmp;

    static String description() {
        String hcl = E2e.seed();
        hcl = E2e.edit(hcl, "ssh {", """
                variable "tag" {
                  sensitive = true
                }

                variable "size" {
                  sensitive = true
                }

                variable "server_address" {
                  sensitive = true
                }

                ssh {""");
        hcl = E2e.edit(hcl, "node \"pi-server-1\" { address = \"192.168.1.10\" }",
                "node \"pi-server-1\" { address = var.server_address }");
        hcl = E2e.edit(hcl, "add   = [\"cgroup_enable=cpuset\", \"cgroup_enable=memory\", \"cgroup_memory=1\"]",
                "add   = concat([\"cgroup_enable=cpuset\", \"cgroup_enable=memory\", \"cgroup_memory=1\"], "
                        + "[\"pictl.tag=${var.tag}\"])");
        hcl = E2e.edit(hcl, "config  = { \"node-ip\" = node.pi-server-1.address }",
                "config  = { \"node-ip\" = node.pi-server-1.address, \"node-label\" = [\"team=${var.tag}\"] }");
        hcl = E2e.edit(hcl, "allow_volume_expansion = true",
                "allow_volume_expansion = true\n  parameters             = { owner = format(\"%s-owner\", var.tag) }");
        hcl = E2e.edit(hcl, "path           = \"/mnt/local-storage\"", "path           = \"/mnt/${var.tag}\"");
        return E2e.edit(hcl, "capacity       = \"10Gi\"", "capacity       = var.size");
    }

    /** Every command's output, kept to be searched at the end too. */
    private final List<String> outputs = new ArrayList<>();

    private CliRunner.Result kept(String what, CliRunner.Result r) {
        outputs.add("$ " + what + " (exit " + r.exitCode() + ")\n" + r.all());
        assertNoSecret(what, r.all());
        return r;
    }

    static void assertNoSecret(String where, String text) {
        for (String s : SECRETS) {
            assertFalse(text.contains(s), where + " shows the secret \"" + s + "\":\n" + text);
        }
    }

    @Test
    void aSensitiveVariable_inEveryPosition_isInNoOutputNoStateNoBackupNoSavedPlan_andReachesTheBoards() throws Exception {
        try (E2e f = E2e.start(tmp, description(), E2e.provisionedSeedBoards("127.0.147.", PORT, E2e.VERSION))) {
            Files.writeString(tmp.resolve(".pivars"), "tag = \"" + TAG + "\"\n");
            f.withToken(E2e.TOKEN);
            f.env.put("PICTL_VAR_size", SIZE);
            String[] var = {"--var", "server_address=" + ADDRESS};

            // First without the server's node-label: reboots for the kernel parameter, the volume, the class. (A
            // k3s restart in the same run would race the workers' drains, which this test is not about.)
            f.write(E2e.edit(description(), ", \"node-label\" = [\"team=${var.tag}\"]", ""));
            CliRunner.Result validate = kept("validate", f.pictl(cat(new String[] {"validate", "-c", "cluster.hcl",
                    "--no-color"}, var)));
            assertEquals(0, validate.exitCode(), validate.all());

            CliRunner.Result plan = kept("plan", f.plan(var));
            assertEquals(0, plan.exitCode(), plan.all());
            for (String masked : List.of("add", "parameters", "path", "capacity")) {
                assertTrue(plan.out().matches("(?s).*\\b" + masked + " +=[^\\n]*\\(sensitive value\\).*"),
                        masked + " is shown as (sensitive value):\n" + plan.out());
            }
            assertContains(plan.out(), "pi-server-1 (" + SHOWN);

            CliRunner.Result json = kept("plan --json", f.plan(cat(var, "--json")));
            assertEquals(0, json.exitCode(), json.all());
            assertEquals(List.of(), PlanFixture.violations("plan.schema.json", json.out()));
            JsonNode changes = E2e.JSON.readTree(json.out()).path("resource_changes");
            assertSensitiveInJson(changes, "k3s_server.control", "after_sensitive", "config", "token");
            assertSensitiveInJson(changes, "kernel_params.cgroups[\"pi-worker-1\"]", "after_sensitive", "add");
            assertSensitiveInJson(changes, "storage_class.local-storage", "after_sensitive", "parameters");
            assertSensitiveInJson(changes, "pv.local-pv-1", "after_sensitive", "path", "capacity");
            assertSensitiveInJson(changes, "k3s_agent.workers[\"pi-worker-2\"]", "before_sensitive", "server_url");
            assertSensitiveInJson(changes, "k3s_agent.workers[\"pi-worker-2\"]", "after_sensitive", "server_url");
            assertSensitiveInJson(changes, "node.pi-server-1", "after_sensitive", "address");

            CliRunner.Result first = kept("apply", f.apply(var));
            assertEquals(0, first.exitCode(), first.all());

            // Then the label, through a saved plan.
            f.write(description());
            CliRunner.Result saved = kept("plan --out", f.plan(cat(var, "--out", "cluster.plan")));
            assertEquals(0, saved.exitCode(), saved.all());
            assertContains(saved.out(), "~ config = " + SHOWN + " -> " + SHOWN);
            kept("show plan", f.pictl("show", "cluster.plan", "--no-color"));
            CliRunner.Result shownPlan = kept("show plan --json", f.pictl("show", "cluster.plan", "--json"));
            assertEquals(List.of(), PlanFixture.violations("plan.schema.json", shownPlan.out()));
            assertEquals(List.of(), PlanFixture.violations("plan.schema.json", Files.readString(tmp.resolve("cluster.plan"))));

            CliRunner.Result apply = kept("apply saved plan", f.withSim("apply", cat(cat(var, E2e.FAST),
                    "cluster.plan")));
            assertEquals(0, apply.exitCode(), apply.all());

            // The boards got the values themselves, not their hashes.
            String config = f.sudo("pi-server-1", "cat \"$PICTL_ROOT/etc/rancher/k3s/config.yaml\"");
            assertContains(config, "team=" + TAG);
            assertContains(config, ADDRESS);
            for (String n : E2e.SEED_NODES) {
                assertContains(f.cmdlineTxt(n), "pictl.tag=" + TAG);
            }
            JsonNode pv = f.pv("local-pv-1");
            assertEquals("/mnt/" + TAG, pv.path("spec").path("local").path("path").asText());
            assertEquals(SIZE, pv.path("spec").path("capacity").path("storage").asText());
            f.exec("pi-worker-1", "test -d \"$PICTL_ROOT/mnt/" + TAG + "\"");
            assertEquals(TAG + "-owner", f.kubectlJson("get storageclass local-storage").path("parameters")
                    .path("owner").asText());

            // Compared by hash, it converges: a second plan has nothing to do.
            CliRunner.Result again = kept("plan after apply", f.plan(cat(var, "--detailed-exitcode")));
            assertEquals(0, again.exitCode(), again.all());

            // The state: hashes, not values.
            JsonNode state = E2e.JSON.readTree(f.state().toFile());
            assertHashed(state, "k3s_server.control", "config", "token");
            assertHashed(state, "kernel_params.cgroups[\"pi-worker-1\"]", "add");
            assertHashed(state, "pv.local-pv-1", "path", "capacity");
            assertHashed(state, "storage_class.local-storage", "parameters");
            assertHashed(state, "node.pi-server-1", "address");
            kept("show", f.pictl("show", "--no-color"));
            CliRunner.Result shownState = kept("show --json", f.pictl("show", "--json"));
            assertEquals(List.of(), PlanFixture.violations("state.schema.json", shownState.out()));
            kept("state list", f.pictl("state", "list", "--no-color"));
            for (String address : f.stateAddresses()) {
                CliRunner.Result shown = kept("state show " + address, f.pictl("state", "show", address, "--no-color"));
                assertEquals(0, shown.exitCode(), shown.all());
            }
            assertContains(f.pictl("state", "show", "pv.local-pv-1").out(), "path           = " + SHOWN);

            CliRunner.Result quiet = kept("drift", f.withSim("drift", var));
            assertEquals(0, quiet.exitCode(), quiet.all());

            // A hand edit of a sensitive value on a board: drift sees it, and shows no value.
            f.sudo("pi-server-1", "sed -i 's/team=" + TAG + "/team=someone-else/' \"$PICTL_ROOT/etc/rancher/k3s/config.yaml\"");
            CliRunner.Result drift = kept("drift after a hand edit", f.withSim("drift", var));
            assertEquals(2, drift.exitCode(), drift.all());
            assertContains(drift.out(), "config: " + SHOWN + " -> " + SHOWN);
            CliRunner.Result driftJson = kept("drift --json", f.withSim("drift", cat(var, "--json")));
            assertEquals(2, driftJson.exitCode(), driftJson.all());
            assertEquals(List.of(), PlanFixture.violations("drift.schema.json", driftJson.out()));
            JsonNode drifted = E2e.JSON.readTree(driftJson.out()).path("resource_drift").path(0).path("attributes").path(0);
            assertEquals("config", drifted.path("name").asText(), driftJson.out());
            assertTrue(drifted.path("sensitive").asBoolean() && drifted.path("was").isNull()
                    && drifted.path("is").isNull(), drifted.toString());
            CliRunner.Result driftPlan = kept("plan after a hand edit", f.plan(var));
            assertContains(driftPlan.out(), "~ config");

            CliRunner.Result fix = kept("apply after a hand edit", f.apply(var));
            assertEquals(0, fix.exitCode(), fix.all());
            assertContains(f.sudo("pi-server-1", "cat \"$PICTL_ROOT/etc/rancher/k3s/config.yaml\""), "team=" + TAG);

            // A token dropped from a sensitive add list: the state kept one keyed hash per token, so pictl still
            // knows the old token on the board is its own and takes it out (and the in_progress entry of the change
            // claims the new token by hash only).
            f.write(E2e.edit(description(), "[\"pictl.tag=${var.tag}\"]", "[\"pictl.other=${var.tag}\"]"));
            CliRunner.Result swapped = kept("apply a swapped sensitive token", f.apply(var));
            assertEquals(0, swapped.exitCode(), swapped.all());
            for (String n : E2e.SEED_NODES) {
                String cmdline = f.cmdlineTxt(n);
                assertContains(cmdline, "pictl.other=" + TAG);
                assertFalse(cmdline.contains("pictl.tag="), n + ": the dropped token is gone: " + cmdline);
            }
            JsonNode swappedState = E2e.JSON.readTree(f.state().toFile());
            assertHashed(swappedState, "kernel_params.cgroups[\"pi-worker-1\"]", "add");
            JsonNode tokenHashes = null;
            for (JsonNode r : swappedState.path("resources")) {
                if (r.path("address").asText().equals("kernel_params.cgroups[\"pi-worker-1\"]")) {
                    tokenHashes = r.path("attributes").path("add_hashes");
                }
            }
            assertEquals(4, tokenHashes.size(), "one hash per token of add: " + tokenHashes);
            tokenHashes.forEach(h -> assertTrue(h.asText().matches("hmac-sha256:[0-9a-f]{64}"), h.toString()));
            CliRunner.Result settled = kept("plan after the swap", f.plan(cat(var, "--detailed-exitcode")));
            assertEquals(0, settled.exitCode(), settled.all());
            f.write(description());

            // A node's error output that names a secret (mkdir on a path that is a file) is shown without it.
            f.write(E2e.edit(description(), "\"/mnt/${var.tag}\"", "\"/mnt/${var.tag}-b\""));
            f.exec("pi-worker-1", "touch \"$PICTL_ROOT/mnt/" + TAG + "-b\"");
            CliRunner.Result failed = kept("apply that fails on a node", f.apply(var));
            assertEquals(1, failed.exitCode(), failed.all());
            assertTrue(failed.all().lines().anyMatch(l -> l.startsWith("Error: pi-worker-1: create directory " + SHOWN)
                    && l.contains("File exists") && l.indexOf(SHOWN, l.indexOf("mkdir")) > 0), "the node's own message, scrubbed:\n"
                    + failed.all());

            // No file pictl wrote holds a secret, and the state and its backups are the owner's alone.
            List<Path> written = pictlFiles(tmp);
            assertTrue(written.contains(f.state()), written.toString());
            assertTrue(written.contains(tmp.resolve("cluster.plan")), written.toString());
            assertTrue(written.stream().anyMatch(p -> p.getFileName().toString().endsWith(".backup.1")),
                    "several backups: " + written);
            for (Path p : written) {
                assertNoSecret(p.toString(), Files.readString(p));
                if (p.getFileName().toString().startsWith("pictl.state.json")
                        && !p.getFileName().toString().endsWith(".lock")) {
                    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(p)), p.toString());
                }
            }
            // Kept for review: every command's output of this run.
            Files.writeString(Path.of("target", "sensitive-e2e-outputs.txt"), String.join("\n", outputs));
            assertNoSecret("all outputs", String.join("\n", outputs));
            assertTrue(String.join("\n", outputs).contains(SHOWN));
        }
    }

    @Test
    void diagnostics_neverQuoteASensitiveValue_whateverTheRuleThatFires() throws Exception {
        String hcl = """
                variable "tag" {
                  sensitive = true
                }

                node "pi-1" { address = "10.0.0.1" }
                node "pi-2" { address = var.tag }

                kernel_params "k" {
                  nodes  = [node.pi-1]
                  add    = ["a=${var.tag}", "a=${var.tag}", "x ${var.tag}"]
                  remove = ["a=${var.tag}"]
                }

                k3s_server "s" {
                  node    = node.pi-1
                  version = "v1.31.4+k3s1"
                  config  = { "${var.tag}" = { x = 1 }, "y" = upper(var.tag), "y-${var.tag}" = "1", "y-${var.tag}" = "2" }
                  disable = [file(var.tag)]
                }

                storage_class "sc" {
                  provisioner = "kubernetes.io/no-provisioner"
                }

                pv "p" {
                  capacity      = var.tag
                  access_modes  = [var.tag]
                  path          = "relative/${var.tag}"
                  node          = node.pi-1
                  storage_class = storage_class.sc
                }
                """;
        Files.writeString(tmp.resolve("cluster.hcl"), hcl);
        for (String how : List.of("--var", "env", ".pivars")) {
            Files.deleteIfExists(tmp.resolve(".pivars"));
            java.util.Map<String, String> env = new java.util.HashMap<>();
            List<String> args = new ArrayList<>(List.of("validate", "-c", "cluster.hcl", "--no-color"));
            switch (how) {
                case "--var" -> args.addAll(List.of("--var", "tag=" + TAG));
                case "env" -> env.put("PICTL_VAR_tag", TAG);
                default -> Files.writeString(tmp.resolve(".pivars"), "tag = \"" + TAG + "\"\n");
            }
            CliRunner.Result r = CliRunner.run(tmp, env, args.toArray(String[]::new));
            assertEquals(1, r.exitCode(), how + ":\n" + r.all());
            assertNoSecret("validate with the secret from " + how, r.all());
            assertFalse(r.all().contains(TAG.toUpperCase()), r.all());
            // The rules did fire, and they say which value without quoting it.
            for (String said : List.of("kernel parameter (sensitive value) is listed twice",
                    "kernel parameter (sensitive value) contains white space",
                    "kernel parameter (sensitive value) is in both add and remove",
                    "wrong type for key (sensitive value)", "duplicate map key (sensitive value)",
                    "cannot read file (sensitive value)", "invalid capacity (sensitive value)",
                    "invalid access_modes (sensitive value)", "invalid path (sensitive value)")) {
                assertContains(r.all(), said);
            }
            CliRunner.Result json = CliRunner.run(tmp, env, cat(args.toArray(String[]::new), "--json"));
            assertNotEquals(0, json.exitCode());
            assertNoSecret("validate --json with the secret from " + how, json.all());
        }
    }

    private static void assertSensitiveInJson(JsonNode changes, String address, String map, String... names) {
        for (JsonNode c : changes) {
            if (c.path("address").asText().equals(address)) {
                for (String n : names) {
                    assertTrue(c.path("change").path(map).path(n).asBoolean(), address + " " + map + "." + n + ": " + c);
                    String side = map.startsWith("after") ? "after" : "before";
                    assertTrue(c.path("change").path(side).path(n).isNull(), address + " " + side + "." + n + ": " + c);
                }
                return;
            }
        }
        throw new AssertionError("no change for " + address + " in " + changes);
    }

    private static void assertHashed(JsonNode state, String address, String... names) {
        for (JsonNode r : state.path("resources")) {
            if (r.path("address").asText().equals(address)) {
                for (String n : names) {
                    assertTrue(r.path("sensitive_hashes").path(n).asText().matches("hmac-sha256:[0-9a-f]{64}"),
                            address + " " + n + ": " + r);
                    assertTrue(r.path("attributes").path(n).isMissingNode(), address + " " + n + " in clear: " + r);
                }
                return;
            }
        }
        throw new AssertionError("no " + address + " in the state " + state);
    }

    /** Every file in the work directory but the description, .pivars and the simulator's boards. */
    private static List<Path> pictlFiles(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            return all.filter(Files::isRegularFile).filter(p -> !p.startsWith(dir.resolve("sim")))
                    .filter(p -> !p.getFileName().toString().equals("cluster.hcl"))
                    .filter(p -> !p.getFileName().toString().equals(".pivars")).sorted().toList();
        }
    }

    private static String[] cat(String[] a, String... b) {
        List<String> out = new ArrayList<>(List.of(a));
        out.addAll(List.of(b));
        return out.toArray(String[]::new);
    }
}
