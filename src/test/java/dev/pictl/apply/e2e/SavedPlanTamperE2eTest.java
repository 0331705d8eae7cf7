package dev.pictl.apply.e2e;

import static dev.pictl.apply.e2e.E2e.assertContains;
import static dev.pictl.apply.e2e.E2e.assertNotContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.pictl.cli.CliRunner;
import dev.pictl.plan.PlanCodec;
import dev.pictl.sim.NodeSpec;
import dev.pictl.state.SecretHasher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real saved plan ({@code pictl plan --out} against the simulator) edited in every field in turn: every leaf
 * value changed to another value of its type (and many to another type), every object missing a field or with one
 * more, every array with an entry removed, duplicated or moved. Each edited file is refused by {@code pictl apply
 * FILE} before anything runs: no node saw an exec, the simulator logged no event, and the state and its backups are
 * byte for byte what they were.
 *
 * <p>Twice: as the file is edited (the signature no longer matches), and re-signed with the state's own key (as
 * someone holding the key could): then apply probes the nodes (read-only, one round trip each, exactly as many as a
 * {@code plan}) and refuses the plan because a fresh plan differs from it; still nothing else runs. Also a plan made
 * against another state (its own key and lineage, and the same key with another lineage) is refused. The unedited
 * plan then applies: the refusals were the edits', not the fixture's.
 */
class SavedPlanTamperE2eTest {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String MODIFIED = "was modified, or was not made for this state";

    @TempDir
    Path tmp;

    private E2e f;

    @Test
    void everyEditOfASavedPlan_isRefusedBeforeAnythingRuns_thenTheUneditedPlanApplies() throws Exception {
        List<NodeSpec> boards = new ArrayList<>(E2e.provisionedSeedBoards("127.0.83.", 24651, E2e.VERSION));
        boards.set(2, boards.get(2).withProvision(boards.get(2).provision().withHostname(false)));
        try (E2e fixture = E2e.start(tmp, E2e.seed(), boards)) {
            f = fixture.withToken(E2e.TOKEN);
            // A state first (one resource recorded), then a plan with every kind of change: an update of a node, a
            // kernel_params update with a reboot, a StorageClass and a PV (path, node) to create, and no-ops.
            CliRunner.Result first = f.apply("--target", "node.pi-worker-1");
            assertEquals(0, first.exitCode(), first.all());
            f.sudo("pi-worker-3", "sed -i 's/ cgroup_enable=memory//' \"$PICTL_ROOT/boot/firmware/cmdline.txt\"");
            CliRunner.Result made = f.plan("--out", "good.plan");
            assertEquals(0, made.exitCode(), made.all());
            String good = Files.readString(f.dir.resolve("good.plan"));
            ObjectNode original = (ObjectNode) JSON.readTree(good);
            assertContains(good, "\"path\" : \"/mnt/local-storage\"");
            assertContains(good, "\"reboot\" : true");
            SecretHasher key = new SecretHasher(HexFormat.of().parseHex(E2e.STATE_KEY));
            assertEquals(original.get("signature").asText(), PlanCodec.sign(unsigned(original), key),
                    "the test signs as pictl does");

            Map<String, Long> planExecs = planExecDelta();
            Snapshot before = snapshot();

            List<Edit> edits = edits(original);
            assertTrue(edits.size() > 500, "edits: " + edits.size());
            // As edited: every edit fails the signature check, the first thing apply does with the file...
            for (Edit e : edits) {
                String text = JSON.writeValueAsString(e.tree);
                java.io.IOException refused = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                        () -> PlanCodec.readSaved(text, key), e.what);
                if (!e.what.startsWith("format_version") && !e.what.startsWith("resource_changes ")
                        && !e.what.startsWith("resource_changes =")) {
                    assertTrue(refused instanceof PlanCodec.Untrusted, e.what + ": " + refused.getMessage());
                }
            }
            // ...and through the CLI (every eighth, and the issue's two and the entries of resource_changes duplicated
            // and reordered among them), before anything runs: no exec on a board, no event, no state write.
            long t0 = System.nanoTime();
            int ran = 0;
            for (int i = 0; i < edits.size(); i++) {
                Edit e = edits.get(i);
                if (!(i % 8 == 0 || e.what.startsWith("resource_changes with") || isIssueEdit(original, e))) {
                    continue;
                }
                ran++;
                CliRunner.Result r = applyText(JSON.writeValueAsString(e.tree));
                assertEquals(1, r.exitCode(), e.what + "\n" + r.all());
                // Refused by its signature, or (the top-level shape) as no plan file even before that.
                assertTrue(r.err().contains(MODIFIED) || r.err().contains("cannot read the saved plan"),
                        e.what + "\n" + r.err());
                if (!e.what.startsWith("format_version") && !e.what.startsWith("resource_changes ")
                        && !e.what.startsWith("resource_changes =")) {
                    assertContains(r.err(), MODIFIED);
                }
                assertNotContains(r.out(), "Apply complete");
                before.assertUnchanged(snapshot(), e.what);
            }
            System.err.println("unsigned pass: " + ran + " edits in " + (System.nanoTime() - t0) / 1_000_000 + " ms");

            // Re-signed with the state's key, as someone holding the key could: every edit is still refused, by the
            // reader or by the re-derivation (a fresh plan differs from it in some field). First for every edit on the
            // engine's own comparison, against the plan as pictl makes it now (the unedited one)...
            dev.pictl.plan.Plan fresh = PlanCodec.read(good);
            int issueEdits = 0;
            for (Edit e : edits) {
                if (e.what.startsWith("signature")) {
                    continue;
                }
                issueEdits += isIssueEdit(original, e) ? 1 : 0;
                ObjectNode resigned = unsigned(e.tree);
                resigned.put("signature", PlanCodec.sign(resigned, key));
                String text = JSON.writeValueAsString(resigned);
                try {
                    PlanCodec.Saved read = PlanCodec.readSaved(text, key);
                    assertFalse(PlanCodec.differences(read.document(), fresh, 1).isEmpty(), e.what + " went unseen");
                } catch (java.io.IOException refused) {
                    assertFalse(refused instanceof PlanCodec.Untrusted, e.what + ": " + refused.getMessage());
                }
            }
            assertTrue(issueEdits >= 2, "the PV path and the kernel parameter are among the edits");
            // ...then end to end for a sample (the issue's two edits among them): refused after at most the read-only
            // probe, one round trip per board, exactly what a plan costs; no event, no state write.
            int probed = 0;
            List<Edit> sample = new ArrayList<>();
            for (int i = 0; i < edits.size(); i++) {
                Edit e = edits.get(i);
                if (!e.what.startsWith("signature") && (isIssueEdit(original, e) || i % 60 == 0)) {
                    sample.add(e);
                }
            }
            for (Edit e : sample) {
                ObjectNode resigned = unsigned(e.tree);
                resigned.put("signature", PlanCodec.sign(resigned, key));
                Snapshot start = snapshot();
                CliRunner.Result r = applyText(JSON.writeValueAsString(resigned));
                assertEquals(1, r.exitCode(), e.what + "\n" + r.all());
                assertNotContains(r.err(), MODIFIED);
                assertTrue(r.err().contains("is stale") || r.err().contains("cannot read the saved plan"),
                        e.what + "\n" + r.err());
                assertNotContains(r.out(), "Apply complete");
                Snapshot end = snapshot();
                start.assertUnchangedBut(end, e.what, planExecs);
                if (!end.execs.equals(start.execs)) {
                    probed++;
                    assertContains(r.err(), "a fresh plan differs from it at ");
                }
            }
            assertTrue(sample.size() > 15 && probed > 5, "sample " + sample.size() + ", probed " + probed);

            // A plan made against another state: its own lineage and key, and the same key with another lineage.
            Path other = f.dir.resolve("other");
            Files.createDirectories(other);
            CliRunner.Result foreign = f.plan("--state", "other/pictl.state.json", "--out", "foreign.plan");
            assertEquals(0, foreign.exitCode(), foreign.all());
            assertTrue(Files.exists(other.resolve("pictl.state.key")), "plan --out made that state's key");
            assertFalse(Files.exists(other.resolve("pictl.state.json")), "and never wrote that state");
            before = snapshot();
            CliRunner.Result r = applyText(Files.readString(f.dir.resolve("foreign.plan")));
            assertContains(r.err(), MODIFIED);
            before.assertUnchanged(snapshot(), "foreign plan");

            String lineage = JSON.readTree(f.state().toFile()).get("lineage").asText();
            Files.writeString(other.resolve("pictl.state.json"), Files.readString(f.state())
                    .replace(lineage, "99999999-8888-4777-8666-555555555555"));
            Files.copy(f.dir.resolve("pictl.state.key"), other.resolve("pictl.state.key"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            assertEquals(0, f.plan("--state", "other/pictl.state.json", "--out", "lineage.plan").exitCode());
            before = snapshot();
            r = applyText(Files.readString(f.dir.resolve("lineage.plan")));
            assertEquals(1, r.exitCode(), r.all());
            assertContains(r.err(), "is stale");
            assertContains(r.err(), "it was made against state lineage 99999999-8888-4777-8666-555555555555");
            before.assertUnchanged(snapshot(), "another lineage");

            // Field order and whitespace are not content: such a copy still applies, as does the plan itself.
            CliRunner.Result applied = applyText(JSON.writeValueAsString(reordered(original)));
            assertEquals(0, applied.exitCode(), applied.all());
            assertContains(applied.out(), "Apply complete! Resources: 2 added, 2 changed, 0 destroyed.");
            f.assertSeedRunning(E2e.SEED_NODES);
        }
    }

    // ---- the edits ----------------------------------------------------------------------------------------------

    private record Edit(String what, ObjectNode tree) {
    }

    /** Every edit of {@code original}, each on its own copy. */
    private static List<Edit> edits(ObjectNode original) {
        List<Edit> out = new ArrayList<>();
        int[] leaves = {0};
        walk(original, "", (path, node) -> {
            if (node.isValueNode() || node.isNull()) {
                out.add(edit(original, path + " = another " + kind(node), path, sameType(node)));
                if (leaves[0]++ % 3 == 0) {
                    out.add(edit(original, path + " = a " + kind(otherType(node)), path, otherType(node)));
                }
            } else if (node.isObject()) {
                List<String> names = new ArrayList<>();
                node.fieldNames().forEachRemaining(names::add);
                if (!names.isEmpty()) {
                    String first = names.get(0);
                    out.add(edit(original, path + " without " + first, path, t -> ((ObjectNode) t).remove(first)));
                }
                out.add(edit(original, path + " with one more field", path, t -> ((ObjectNode) t).put("x", 1)));
                out.add(edit(original, path + " = []", path, JsonNodeFactory.instance.arrayNode()));
            } else if (node.isArray()) {
                if (node.size() > 0) {
                    out.add(edit(original, path + " without its first entry", path, t -> ((ArrayNode) t).remove(0)));
                    out.add(edit(original, path + " with its first entry twice", path,
                            t -> ((ArrayNode) t).insert(0, t.get(0).deepCopy())));
                    out.add(edit(original, path + " with its last entry twice", path,
                            t -> ((ArrayNode) t).add(t.get(t.size() - 1).deepCopy())));
                }
                if (node.size() > 1 && !node.get(0).equals(node.get(node.size() - 1))) {
                    out.add(edit(original, path + " with its first and last entries swapped", path, t -> {
                        ArrayNode a = (ArrayNode) t;
                        JsonNode x = a.get(0);
                        a.set(0, a.get(a.size() - 1));
                        a.set(a.size() - 1, x);
                    }));
                }
                out.add(edit(original, path + " with an entry of another type", path, t -> ((ArrayNode) t).add(7)));
                out.add(edit(original, path + " = {}", path, JsonNodeFactory.instance.objectNode()));
            }
        });
        return out;
    }

    /** The issue's edits: a PV path made {@code /etc}, a kernel parameter made {@code init=/bin/sh}. */
    private static boolean isIssueEdit(JsonNode original, Edit e) {
        if (!e.what.endsWith(" = another string")) {
            return false;
        }
        String was = at(original, e.what.substring(0, e.what.indexOf(" = "))).asText();
        return was.equals("/mnt/local-storage") || was.equals("cgroup_enable=memory");
    }

    private static void walk(JsonNode node, String path, java.util.function.BiConsumer<String, JsonNode> visit) {
        if (!path.isEmpty()) {
            visit.accept(path, node);
        }
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> walk(e.getValue(), join(path, e.getKey()), visit));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                walk(node.get(i), path + "[" + i + "]", visit);
            }
        }
    }

    private static String join(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    private static Edit edit(ObjectNode original, String what, String path, JsonNode replacement) {
        ObjectNode copy = original.deepCopy();
        JsonNode parent = parent(copy, path);
        String last = lastStep(path);
        if (last.startsWith("[")) {
            ((ArrayNode) parent).set(Integer.parseInt(last.substring(1, last.length() - 1)), replacement);
        } else {
            ((ObjectNode) parent).set(last, replacement);
        }
        return new Edit(what, copy);
    }

    private static Edit edit(ObjectNode original, String what, String path, Consumer<JsonNode> change) {
        ObjectNode copy = original.deepCopy();
        change.accept(at(copy, path));
        return new Edit(what, copy);
    }

    /** The steps of a path as walk() writes them: {@code a.b[2].c}; names hold no dots or brackets here. */
    private static List<String> steps(String path) {
        List<String> out = new ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("[^.\\[]+|\\[\\d+]").matcher(path);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    private static JsonNode at(JsonNode root, String path) {
        JsonNode n = root;
        for (String s : steps(path)) {
            n = s.startsWith("[") ? n.get(Integer.parseInt(s.substring(1, s.length() - 1))) : n.get(s);
        }
        return n;
    }

    private static JsonNode parent(JsonNode root, String path) {
        List<String> s = steps(path);
        JsonNode n = root;
        for (String step : s.subList(0, s.size() - 1)) {
            n = step.startsWith("[") ? n.get(Integer.parseInt(step.substring(1, step.length() - 1))) : n.get(step);
        }
        return n;
    }

    private static String lastStep(String path) {
        List<String> s = steps(path);
        return s.get(s.size() - 1);
    }

    private static JsonNode sameType(JsonNode v) {
        if (v.isTextual()) {
            String t = v.asText();
            // A few edits an attacker would make; otherwise one character more.
            if (t.equals("/mnt/local-storage")) {
                return TextNode.valueOf("/etc");
            }
            if (t.equals("cgroup_enable=memory")) {
                return TextNode.valueOf("init=/bin/sh");
            }
            if (t.equals("update")) {
                return TextNode.valueOf("no-op");
            }
            if (t.startsWith("hmac-sha256:") || t.startsWith("sha256:")) {
                char c = t.charAt(t.length() - 1);
                return TextNode.valueOf(t.substring(0, t.length() - 1) + (c == '0' ? '1' : '0'));
            }
            return TextNode.valueOf(t + "x");
        }
        if (v.isBoolean()) {
            return BooleanNode.valueOf(!v.asBoolean());
        }
        if (v.isNumber()) {
            return LongNode.valueOf(v.asLong() + 1);
        }
        return TextNode.valueOf("x"); // null: a string is the other value it can take
    }

    private static JsonNode otherType(JsonNode v) {
        if (v.isTextual()) {
            return v.asText().matches("-?\\d+") ? LongNode.valueOf(Long.parseLong(v.asText()) + 1) : LongNode.valueOf(1);
        }
        if (v.isBoolean()) {
            return TextNode.valueOf(v.asText());
        }
        if (v.isNumber()) {
            return TextNode.valueOf(v.asText());
        }
        return LongNode.valueOf(0);
    }

    private static String kind(JsonNode v) {
        return v.isTextual() ? "string" : v.isBoolean() ? "boolean" : v.isNumber() ? "number" : v.isNull() ? "null"
                : v.isArray() ? "array" : "object";
    }

    private static ObjectNode unsigned(JsonNode tree) {
        ObjectNode copy = (ObjectNode) tree.deepCopy();
        copy.remove("signature");
        return copy;
    }

    /** The same document with every object's fields in reverse order. */
    private static JsonNode reordered(JsonNode node) {
        if (node.isObject()) {
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            for (int i = names.size() - 1; i >= 0; i--) {
                out.set(names.get(i), reordered(node.get(names.get(i))));
            }
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            node.forEach(e -> out.add(reordered(e)));
            return out;
        }
        return node;
    }

    // ---- running and checking -----------------------------------------------------------------------------------

    private CliRunner.Result applyText(String text) throws Exception {
        Files.writeString(f.dir.resolve("edited.plan"), text);
        return f.withSim("apply", "edited.plan", "--reboot-timeout", "20", "--k3s-start-timeout", "20");
    }

    /** What a read-only plan costs each board in exec round trips (its probe). */
    private Map<String, Long> planExecDelta() {
        Map<String, Long> start = f.execCounts();
        assertEquals(2, f.plan("--detailed-exitcode").exitCode());
        Map<String, Long> end = f.execCounts();
        Map<String, Long> out = new java.util.TreeMap<>();
        end.forEach((n, c) -> out.put(n, c - start.get(n)));
        return out;
    }

    /** The boards' exec counts and event log, and the bytes of the state, its backups and its key. */
    private record Snapshot(Map<String, Long> execs, List<String> events, List<String> files) {
        void assertUnchanged(Snapshot now, String what) {
            assertEquals(execs, now.execs, what + ": no board saw an exec");
            assertEquals(events, now.events, what + ": no event on a board");
            assertEquals(files, now.files, what + ": the state, its backups and key unchanged");
        }

        /** Unchanged, but that each board may have seen one probe ({@code probe} execs) and nothing more. */
        void assertUnchangedBut(Snapshot now, String what, Map<String, Long> probe) {
            boolean probed = !execs.equals(now.execs);
            execs.forEach((n, c) -> assertEquals(c + (probed ? probe.get(n) : 0), now.execs.get(n),
                    what + ": " + n + " saw no exec but the probe"));
            assertEquals(events, now.events, what + ": no event on a board");
            assertEquals(files, now.files, what + ": the state, its backups and key unchanged");
        }
    }

    private Snapshot snapshot() throws Exception {
        List<String> files = new ArrayList<>();
        for (String name : List.of("pictl.state.json", "pictl.state.json.backup", "pictl.state.json.backup.1",
                "pictl.state.key")) {
            Path p = f.dir.resolve(name);
            files.add(name + ": " + (Files.exists(p) ? Files.readString(p) : "(none)"));
        }
        return new Snapshot(f.execCounts(), f.events(), files);
    }
}
