package dev.pictl.types.k3s;

import dev.pictl.types.ResourceTypes;
import dev.pictl.plan.kind.PlanContext;
import dev.pictl.nodetext.SimpleYaml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.pictl.config.VariableInputs;
import dev.pictl.diag.Diagnostic;
import dev.pictl.diag.Diagnostics;
import dev.pictl.engine.Pictl;
import dev.pictl.engine.ValidateRequest;
import dev.pictl.engine.ValidateResult;
import dev.pictl.resource.ResourceInstance;
import dev.pictl.state.SecretHasher;
import dev.pictl.state.State;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Generated keys and values, with unicode, control characters and YAML specials, in the {@code config} map of a
 * k3s_server, written in the file, through {@code --var}, {@code PICTL_VAR_*}, {@code .pivars} or a variable's
 * default, as a whole map or as one key or value. Each case is run through the real validator, and:
 *
 * <ul>
 *   <li>refused: every error points at a file of the description (file:line:col), says why, and the case breaks
 *       the rule an independent oracle below states (no false refusals either);</li>
 *   <li>accepted: the desired config the planner makes of it, written by the one config.yaml writer, reads back with
 *       a real YAML parser (Jackson) as exactly the declared map (plus node-name), reads back with pictl's own reader
 *       as the same map, and compares equal with what the probe will observe (no perpetual diff); no accepted key
 *       can reach a flag pictl manages.</li>
 * </ul>
 *
 * Four seeds x 600 cases = 2,400 cases; a failure names its seed and case number.
 */
// In-process, but thousands of CLI runs: in mvn verify only, not in the quick fast tier.
@Tag("slow")
class NodeFileFuzzTest {
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final SecretHasher HASHER = new SecretHasher(HexFormat.of().parseHex(
            "f531d0f806d03e7e84b6c5493bd17027730acc73ccd9d350cc886f57873fc52e"));
    /** What k3s would take for a flag pictl manages: its names and aliases. */
    private static final Set<String> MANAGED = Set.of("node-name", "token", "server", "docker", "disable", "t", "s",
            "token-file", "cluster-secret");
    private static final Pattern FLAG = Pattern.compile("[a-z0-9][a-z0-9-]*[a-z0-9]\\+?");
    private static final List<String> REFUSALS = List.of("is managed by pictl", "is not a k3s flag name",
            "holds a NUL character", "holds an unpaired UTF-16 surrogate");

    /** Pieces values and keys are made of: YAML and shell specials, controls, unicode, lone surrogates. */
    private static final String[] PIECES = {
        "a", "z", "0", "9", "-", "_", "+", ".", "/", "=", " ", "  ", ":", ": ", " #", "#", "---", "...", "- ", "? ",
        "\"", "'", "\\", "\\n", "\\\"", "`", "$", "${", "$${", "%{", "%%{", "{", "}", "[", "]", ",", "&a", "*a",
        "!!str", "|", ">", "@", "~", "null", "true", "no", "0x1F", "1e3", "\n", "\r", "\t", "\r\n", "\u0001",
        "\u0007", "\u001b[31m", "\u007f", "\u0080", "\u0085", "\u009b", "\u00a0", "\u2028", "\u2029", "\ufeff",
        "\ufffe", "\uffff", "é", "ß", "Ω", "中文", "😀", "\ud83d\ude00", "\u200b", "\u202e",
        "write-kubeconfig-mode: 0644", "\ntoken: evil", "\"\ntoken: \"evil", "node-name", "token",
    };
    /** Pieces no node file can hold: NUL and unpaired surrogates (used sparingly, so both outcomes are common). */
    private static final String[] UNWRITABLE = {"\0", "\ud800", "\udfff", "a\0b", "\ude00\ud83d"};
    /** Keys k3s has: the common case. */
    private static final String[] FLAGS = {
        "node-ip", "node-label", "kubelet-arg", "tls-san", "flannel-iface", "node-taint+", "etcd-arg", "data-dir",
        "write-kubeconfig-mode", "cluster-cidr", "kube-apiserver-arg", "node-external-ip", "k3s-1", "x--y",
    };
    /** Keys: well-formed flags, managed ones in other spellings, and noise. */
    private static final String[] KEYS = {
        "node-ip", "node-label", "kubelet-arg", "tls-san", "flannel-iface", "node-taint+", "etcd-arg", "data-dir",
        "token", "Token", "TOKEN", "token ", " token", "token+", "token++", "t", "T", "s", "server", "Server",
        "node_name", "NODE-NAME", "node-name ", "docker", "Docker", "disable", "disable+", "token-file", "token_file",
        "cluster-secret", "write-kubeconfig-mode", "a", "-x", "x-", "x--y", "9", "k3s-1",
    };

    private record Entry(String key, Object value) {
    }

    private enum Via { DEFAULT, CLI, ENV, PIVARS }

    @TempDir
    Path dir;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {11, 4242, 90210, 31337})
    void generatedConfigMaps_areRefusedWithAPosition_orWrittenAsExactlyTheDeclaredMap(long seed) throws Exception {
        Random r = new Random(seed);
        int refused = 0;
        int accepted = 0;
        for (int n = 0; n < 600; n++) {
            String label = "seed " + seed + " case " + n;
            List<Entry> entries = entries(r);
            Case c = build(r, entries);
            Files.writeString(dir.resolve("cluster.hcl"), c.hcl);
            Files.deleteIfExists(dir.resolve(".pivars"));
            if (!c.pivars.isEmpty()) {
                Files.writeString(dir.resolve(".pivars"), c.pivars);
            }
            ValidateResult v = new Pictl().validate(new ValidateRequest(dir, new VariableInputs(c.cli, c.env, true)));
            boolean shouldRefuse = entries.stream().anyMatch(e -> !keyOk(e.key()) || !valueOk(e.value()));
            List<Diagnostic> errors = v.diagnostics().sorted().stream().filter(Diagnostic::isError).toList();
            if (!errors.isEmpty()) {
                refused++;
                assertTrue(shouldRefuse, () -> label + ": refused a map the rules allow: " + errors + "\n" + c);
                for (Diagnostic d : errors) {
                    assertNotNull(d.subject(), () -> label + ": an error without a position: " + d + "\n" + c);
                    assertTrue(v.sources().containsKey(d.subject().file()),
                            () -> label + ": position outside the description: " + d.subject() + "\n" + c);
                    assertTrue(d.subject().start().line() >= 1 && d.subject().start().column() >= 1, label);
                    assertTrue(REFUSALS.stream().anyMatch(d.summary()::contains),
                            () -> label + ": unexpected error " + d + "\n" + c);
                    assertFalse(d.detail().isBlank(), label);
                }
                continue;
            }
            accepted++;
            assertFalse(shouldRefuse, () -> label + ": accepted a map the rules refuse\n" + c);
            // Nothing to say but validate's small-board advice (the generated server reserves no memory; issue 20).
            var said = v.diagnostics().sorted().stream().filter(d -> !d.summary().contains("reserves no memory")).toList();
            assertTrue(said.isEmpty(), () -> label + ": " + said);
            landsAsDeclared(label, v, entries, c);
        }
        assertTrue(refused > 100 && accepted > 100, "both outcomes well covered: " + refused + " refused, "
                + accepted + " accepted");
    }

    /** The planner's desired config, written by the writer, reads back as exactly the declared map. */
    @SuppressWarnings("unchecked")
    private static void landsAsDeclared(String label, ValidateResult v, List<Entry> entries, Case c) throws Exception {
        ResourceInstance server = v.config().ofType("k3s_server").get(0);
        PlanContext ctx = new PlanContext(ResourceTypes.standard().kinds(), v.config(), Map.of(), State.empty(), HASHER, new Diagnostics());
        Map<String, Object> desired = (Map<String, Object>) new K3sServerKind().desired(server, ctx).get("config");
        String yaml = SimpleYaml.write(desired);

        Map<String, Object> expected = new TreeMap<>();
        for (Entry e : entries) {
            expected.put(e.key(), e.value() instanceof List<?> l ? l.stream().map(String::valueOf).toList()
                    : String.valueOf(e.value()));
        }
        expected.put("node-name", "pi-1");
        Map<String, Object> parsed = YAML.readValue(yaml, Map.class);
        assertEquals(expected, new TreeMap<>(parsed), () -> label + ": Jackson reads another map from\n" + yaml + c);
        assertEquals(expected, SimpleYaml.read(yaml), () -> label + ": pictl's reader differs on\n" + yaml);
        assertEquals(desired, K3sServerKind.observedConfig(yaml, null), () -> label + ": observed != desired");
        for (String line : yaml.split("\n", -1)) {
            assertTrue(line.chars().noneMatch(ch -> ch < 0x20 || ch >= 0x7f && ch <= 0x9f),
                    () -> label + ": a raw control character in the file: " + yaml);
        }
        for (String key : parsed.keySet()) {
            if (!key.equals("node-name")) {
                assertFalse(MANAGED.contains(key.replaceAll("\\+$", "")), label + ": " + key);
            }
        }
    }

    // ---- the oracle ---------------------------------------------------------------------------------------------

    /** k3s reads KEY as --KEY (one letter: -K); a key must be a flag name that names none of pictl's flags. */
    private static boolean keyOk(String key) {
        String k = key.strip().toLowerCase(Locale.ROOT).replace('_', '-').replaceAll("[+\\s]+$", "");
        return FLAG.matcher(key).matches() && !MANAGED.contains(k);
    }

    /** A value must have a UTF-8 form and hold no NUL. */
    private static boolean valueOk(Object value) {
        if (value instanceof List<?> l) {
            return l.stream().allMatch(NodeFileFuzzTest::valueOk);
        }
        String s = String.valueOf(value);
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == 0) {
                return false;
            }
            if (Character.isHighSurrogate(ch) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(ch)) {
                return false;
            }
        }
        return true;
    }

    // ---- generating ---------------------------------------------------------------------------------------------

    private static List<Entry> entries(Random r) {
        Map<String, Entry> out = new LinkedHashMap<>();
        int n = 1 + r.nextInt(3);
        for (int i = 0; i < n; i++) {
            int k = r.nextInt(20);
            String key = k < 3 ? text(r, 1 + r.nextInt(4)) : k < 8 ? KEYS[r.nextInt(KEYS.length)]
                    : FLAGS[r.nextInt(FLAGS.length)];
            Object value = switch (r.nextInt(8)) {
                case 0 -> List.of(text(r, 1 + r.nextInt(5)), text(r, r.nextInt(4)));
                case 1 -> r.nextBoolean() ? (Object) Boolean.valueOf(r.nextBoolean()) : (Object) r.nextInt(1000);
                default -> text(r, r.nextInt(7));
            };
            out.putIfAbsent(key, new Entry(key, value));
        }
        return new ArrayList<>(out.values());
    }

    private static String text(Random r, int pieces) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < pieces; i++) {
            b.append(r.nextInt(40) == 0 ? UNWRITABLE[r.nextInt(UNWRITABLE.length)] : PIECES[r.nextInt(PIECES.length)]);
        }
        return b.toString();
    }

    private record Case(String hcl, String pivars, Map<String, String> cli, Map<String, String> env) {
        @Override
        public String toString() {
            return "--- cluster.hcl ---\n" + hcl + "--- .pivars ---\n" + pivars + "--- cli " + cli + " env " + env;
        }
    }

    /** Puts the entries in a description: each key and value in the file or through a variable of some source. */
    private static Case build(Random r, List<Entry> entries) {
        StringBuilder vars = new StringBuilder();
        StringBuilder pivars = new StringBuilder();
        Map<String, String> cli = new TreeMap<>();
        Map<String, String> env = new TreeMap<>();
        int[] next = {0};
        java.util.function.BiFunction<Object, Boolean, String> viaVariable = (value, wholeIsHcl) -> {
            String name = "v" + next[0]++;
            Via via = Via.values()[r.nextInt(Via.values().length)];
            String hcl = hcl(value);
            switch (via) {
                case DEFAULT -> vars.append("variable \"").append(name).append("\" {\n  default = ").append(hcl)
                        .append("\n}\n");
                case PIVARS -> {
                    vars.append("variable \"").append(name).append("\" {}\n");
                    pivars.append(name).append(" = ").append(hcl).append('\n');
                }
                case CLI, ENV -> {
                    vars.append("variable \"").append(name).append("\" {}\n");
                    // Raw text unless it starts like HCL ([, {, "): then it is given as HCL, as a user must.
                    String raw = value instanceof String s && !s.strip().startsWith("[") && !s.strip().startsWith("{")
                            && !s.strip().startsWith("\"") && r.nextBoolean() ? s : hcl;
                    (via == Via.CLI ? cli : env).put(via == Via.CLI ? name : "PICTL_VAR_" + name, raw);
                }
            }
            return "var." + name;
        };
        StringBuilder map = new StringBuilder();
        String config;
        if (r.nextInt(5) == 0) {
            // The whole map through one variable.
            Map<String, Object> whole = new LinkedHashMap<>();
            entries.forEach(e -> whole.put(e.key(), e.value()));
            config = viaVariable.apply(whole, true);
        } else {
            map.append("{\n");
            for (Entry e : entries) {
                String key = r.nextInt(4) == 0 ? "\"${" + viaVariable.apply(e.key(), false) + "}\"" : hcl(e.key());
                String value;
                if (e.value() instanceof List<?> l && r.nextBoolean()) {
                    List<String> items = new ArrayList<>();
                    for (Object item : l) {
                        items.add(r.nextBoolean() ? viaVariable.apply(item, false) : hcl(item));
                    }
                    value = "[" + String.join(", ", items) + "]";
                } else {
                    value = r.nextInt(3) == 0 ? viaVariable.apply(e.value(), false) : hcl(e.value());
                }
                map.append("    ").append(key).append(" = ").append(value).append('\n');
            }
            config = map.append("  }").toString();
        }
        String hcl = vars + """
                node "pi-1" { address = "192.168.1.10" }
                kernel_params "cg" {
                  nodes = [node.pi-1]
                  add   = ["cgroup_enable=memory"]
                }
                k3s_server "control" {
                  node    = node.pi-1
                  version = "v1.31.4+k3s1"
                  config  = %s
                }
                """.formatted(config);
        return new Case(hcl, pivars.toString(), cli, env);
    }

    /** A value as HCL source: strings quoted with escapes, lists and maps in HCL syntax. */
    private static String hcl(Object value) {
        if (value instanceof List<?> l) {
            List<String> items = new ArrayList<>();
            l.forEach(i -> items.add(hcl(i)));
            return "[" + String.join(", ", items) + "]";
        }
        if (value instanceof Map<?, ?> m) {
            StringBuilder b = new StringBuilder("{\n");
            m.forEach((k, v) -> b.append("  ").append(hcl(k)).append(" = ").append(hcl(v)).append('\n'));
            return b.append('}').toString();
        }
        if (value instanceof Boolean || value instanceof Integer) {
            return String.valueOf(value);
        }
        String s = String.valueOf(value);
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            char next = i + 1 < s.length() ? s.charAt(i + 1) : 0;
            switch (ch) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '$', '%' -> b.append(ch).append(next == '{' ? String.valueOf(ch) : "");
                default -> {
                    if (ch < 0x20 || ch >= 0x7f && ch <= 0x9f || Character.isSurrogate(ch) || ch >= 0x2028
                            && ch <= 0x2029 || ch == 0xfeff || ch >= 0xfffe) {
                        b.append(String.format("\\u%04X", (int) ch));
                    } else {
                        b.append(ch);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
