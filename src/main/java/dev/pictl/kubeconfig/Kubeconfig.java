package dev.pictl.kubeconfig;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One kubeconfig file as an immutable value: its top-level mapping, in the file's key order. Entries pictl does not
 * touch are kept as parsed values (Jackson's tree), so a merge changes nothing of them but layout: comments,
 * quoting and indentation are the serialiser's, the values and their order are the file's.
 *
 * <p>What {@link #parse} accepts, as kubectl does: an empty file (no entries); else one YAML document whose top level
 * is a mapping; {@code kind} (if present) {@code Config} and {@code apiVersion} {@code v1}; {@code clusters},
 * {@code contexts} and {@code users} each a list of mappings with a unique string {@code name}; {@code current-context}
 * a string. It refuses more: duplicate keys (kubectl refuses them too) and YAML aliases ({@code *name}, which the
 * tree model cannot keep), so a merge never silently changes what another entry says.
 *
 * <pre>
 * k3s on the server                         forContext("homelab", "https://192.168.1.10:6443")
 * ----------------------------------------  ------------------------------------------------
 * clusters: [{name: default,                clusters: [{name: homelab,
 *   cluster: {server: https://127.0.0.1:6443,  cluster: {server: https://192.168.1.10:6443, ...}}]
 *   certificate-authority-data: ...}}]
 * contexts: [{name: default,                contexts: [{name: homelab,
 *   context: {cluster: default, user: default}}]  context: {cluster: homelab, user: homelab}}]
 * users: [{name: default, user: {...}}]     users: [{name: homelab, user: {...}}]
 * current-context: default                  current-context: homelab
 * </pre>
 */
public final class Kubeconfig {

    /** The three named lists of a kubeconfig. */
    public enum Section {
        CLUSTERS("clusters", "cluster"),
        CONTEXTS("contexts", "context"),
        USERS("users", "user");

        private final String key;
        private final String entry;

        Section(String key, String entry) {
            this.key = key;
            this.entry = entry;
        }

        /** The top-level key: {@code clusters}. */
        public String key() {
            return key;
        }

        /** One entry's word, also the key of its body inside the entry: {@code cluster}. */
        public String entry() {
            return entry;
        }
    }

    /** A merge's outcome: the merged file and what it did, for the one line the CLI prints. */
    public record Merged(Kubeconfig result, int otherContexts, String previousCurrentContext, boolean replaced) {
    }

    static final String CURRENT_CONTEXT = "current-context";
    /** Top-level keys of a file that holds nothing but pictl's own entries (see {@link #foreignEntries}). */
    private static final Set<String> OWN_KEYS = Set.of("apiVersion", "kind", "clusters", "contexts", "users",
            CURRENT_CONTEXT, "preferences");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.@:/-]{0,252}");
    private static final Pattern SNAKE_POSITION = Pattern.compile("^ in '[^']*', line (\\d+), column (\\d+):?$");

    private static final YAMLFactory YAML = YAMLFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            // With minimal quoting a string such as "123" would come back as a number; quote it.
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .disable(YAMLGenerator.Feature.SPLIT_LINES)
            .build();
    private static final ObjectMapper MAPPER = new ObjectMapper(YAML);

    private final ObjectNode root;

    private Kubeconfig(ObjectNode root) {
        this.root = root;
    }

    /** A file with no entries (an empty file, which kubectl also reads as an empty kubeconfig). */
    public static Kubeconfig empty() {
        return new Kubeconfig(JsonNodeFactory.instance.objectNode());
    }

    /** Parses and checks a kubeconfig (see the class comment for what is accepted). */
    public static Kubeconfig parse(String text) throws KubeconfigException {
        JsonNode tree;
        try {
            if (!scan(text)) {
                return empty();
            }
            tree = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new KubeconfigException(reason(e));
        } catch (IOException e) {
            throw new UncheckedIOException("reading a string", e);
        }
        if (tree == null || tree.isMissingNode() || tree.isNull() || tree.isTextual() && tree.asText().isEmpty()) {
            // an empty document ("---" alone) is an empty kubeconfig, as for kubectl
            return empty();
        }
        if (!(tree instanceof ObjectNode obj)) {
            throw new KubeconfigException("its top level is a " + (tree.isArray() ? "list" : "single value")
                    + ", not a mapping of kubeconfig keys (apiVersion, clusters, contexts, users, ...)");
        }
        check(obj);
        return new Kubeconfig(obj);
    }

    /**
     * The token pass before building the tree: false for a file with no document at all (empty, or comments only);
     * refuses aliases and a second document, which the tree would silently misread or drop.
     */
    private static boolean scan(String text) throws IOException, KubeconfigException {
        try (YAMLParser p = YAML.createParser(text)) {
            int depth = 0;
            int documents = 0;
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if (p.isCurrentAlias()) {
                    throw new KubeconfigException(at(p) + "it uses a YAML alias (*" + p.getText() + "); pictl does not "
                            + "expand aliases, so it cannot rewrite this file without changing what it says");
                }
                if (depth == 0 && ++documents > 1) {
                    throw new KubeconfigException(at(p) + "it holds more than one YAML document");
                }
                if (t.isStructStart()) {
                    depth++;
                } else if (t.isStructEnd()) {
                    depth--;
                }
            }
            return documents > 0;
        }
    }

    private static String at(JsonParser p) {
        var loc = p.currentTokenLocation();
        return "line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ": ";
    }

    /**
     * A parse error as {@code line L, column C: sentence}. SnakeYAML's messages quote the offending lines (a client
     * key, perhaps) under each position; only its sentences and the last position are kept.
     */
    static String reason(JsonProcessingException e) {
        String msg = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        String problem = null;
        String position = null;
        for (String line : msg.split("\n")) {
            Matcher m = SNAKE_POSITION.matcher(line);
            if (m.matches()) {
                position = "line " + m.group(1) + ", column " + m.group(2);
            } else if (!line.isBlank() && !Character.isWhitespace(line.charAt(0))) {
                problem = line.strip();
            }
        }
        if (position == null && e.getLocation() != null && e.getLocation().getLineNr() > 0) {
            position = "line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
        }
        if (problem == null) {
            problem = "not valid YAML";
        }
        if (problem.length() > 160) {
            problem = problem.substring(0, 160) + "...";
        }
        return (position == null ? "" : position + ": ") + problem;
    }

    private static void check(ObjectNode root) throws KubeconfigException {
        JsonNode kind = root.get("kind");
        if (kind != null && !kind.isNull() && !(kind.isTextual() && kind.asText().equals("Config"))) {
            throw new KubeconfigException("its kind is " + describe(kind) + ", not Config");
        }
        JsonNode api = root.get("apiVersion");
        if (api != null && !api.isNull() && !(api.isTextual() && api.asText().equals("v1"))) {
            throw new KubeconfigException("its apiVersion is " + describe(api) + ", not v1");
        }
        JsonNode current = root.get(CURRENT_CONTEXT);
        if (current != null && !current.isNull() && !current.isTextual()) {
            throw new KubeconfigException(CURRENT_CONTEXT + " is not a string");
        }
        JsonNode prefs = root.get("preferences");
        if (prefs != null && !prefs.isNull() && !prefs.isObject()) {
            throw new KubeconfigException("preferences is not a mapping");
        }
        for (Section s : Section.values()) {
            JsonNode list = root.get(s.key());
            if (list == null || list.isNull()) {
                continue;
            }
            if (!list.isArray()) {
                throw new KubeconfigException(s.key() + " is not a list");
            }
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < list.size(); i++) {
                JsonNode e = list.get(i);
                String where = s.key() + "[" + i + "]";
                if (!e.isObject()) {
                    throw new KubeconfigException(where + " is not a mapping");
                }
                JsonNode name = e.get("name");
                if (name == null || !name.isTextual() || name.asText().isEmpty()) {
                    throw new KubeconfigException(where + " has no name");
                }
                if (!seen.add(name.asText())) {
                    throw new KubeconfigException(s.key() + " has two entries named \"" + name.asText() + "\"");
                }
                JsonNode body = e.get(s.entry());
                if (body != null && !body.isNull() && !body.isObject()) {
                    throw new KubeconfigException(where + "." + s.entry() + " is not a mapping");
                }
            }
        }
    }

    /** A short description of a scalar found where another was expected; never more than a few characters. */
    private static String describe(JsonNode n) {
        if (n.isTextual() && n.asText().length() <= 40 && n.asText().matches("[A-Za-z0-9./_-]*")) {
            return "\"" + n.asText() + "\"";
        }
        return n.isTextual() ? "another string" : "a " + n.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * Why {@code name} cannot name a context, cluster and user, or empty when it can: a letter or digit first, then
     * letters, digits and {@code . _ - @ : /}, at most 253 characters.
     */
    public static Optional<String> nameProblem(String name) {
        if (name == null || name.isEmpty()) {
            return Optional.of("a context name cannot be empty");
        }
        if (!NAME.matcher(name).matches()) {
            return Optional.of("\"" + name + "\" is not a usable context name: start with a letter or digit and use "
                    + "only letters, digits and . _ - @ : / (at most 253 characters)");
        }
        return Optional.empty();
    }

    /**
     * {@code https://HOST:PORT} with an IPv6 address in brackets ({@code https://[fd00::10]:6443}) and a zone's
     * {@code %} escaped, as URLs need.
     */
    public static String serverUrl(String host, int port) {
        String h = host;
        if (h.contains(":") && !h.startsWith("[")) {
            h = "[" + h.replace("%", "%25") + "]";
        }
        return "https://" + h + ":" + port;
    }

    // ---- reading ----------------------------------------------------------------------------------------

    /** True when the file has no entries at all. */
    public boolean isEmpty() {
        return root.isEmpty();
    }

    /** The {@code current-context}, if set and not empty. */
    public Optional<String> currentContext() {
        JsonNode c = root.get(CURRENT_CONTEXT);
        return c != null && c.isTextual() && !c.asText().isEmpty() ? Optional.of(c.asText()) : Optional.empty();
    }

    /** The names of a section's entries, in file order. */
    public List<String> names(Section section) {
        List<String> out = new ArrayList<>();
        JsonNode list = root.get(section.key());
        if (list != null && list.isArray()) {
            list.forEach(e -> out.add(e.get("name").asText()));
        }
        return out;
    }

    /** A copy of the entry named {@code name} (the whole {@code {name, cluster}} mapping). */
    public Optional<ObjectNode> entry(Section section, String name) {
        JsonNode list = root.get(section.key());
        if (list != null && list.isArray()) {
            for (JsonNode e : list) {
                if (e.get("name").asText().equals(name)) {
                    return Optional.of(((ObjectNode) e).deepCopy());
                }
            }
        }
        return Optional.empty();
    }

    /** A deep copy of the whole file as a tree (tests compare entries with it). */
    public ObjectNode tree() {
        return root.deepCopy();
    }

    /** The file's YAML text, kubectl's layout: no document marker, lists flush with their key, one newline at the end. */
    public String serialise() {
        if (root.isEmpty()) {
            return "";
        }
        try {
            String text = MAPPER.writeValueAsString(root);
            return text.endsWith("\n") ? text : text + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a parsed kubeconfig could not be written back as YAML", e);
        }
    }

    // ---- the rewrite ------------------------------------------------------------------------------------

    /**
     * This file (the one k3s writes on its server) reduced to the entries of its current context, renamed
     * {@code name}, with the cluster's {@code server} set to {@code serverUrl}; {@code current-context} is
     * {@code name}. Everything else of those entries (certificate data, a namespace) and of the top level
     * ({@code apiVersion}, {@code kind}, {@code preferences}) is kept in place.
     *
     * @throws KubeconfigException when the current context, or the cluster or user it names, is missing
     */
    public Kubeconfig forContext(String name, String serverUrl) throws KubeconfigException {
        List<String> contexts = names(Section.CONTEXTS);
        String current = currentContext().orElse(contexts.size() == 1 ? contexts.get(0) : null);
        if (current == null) {
            throw new KubeconfigException("it has no current-context to take the cluster and user from");
        }
        ObjectNode context = entry(Section.CONTEXTS, current).orElseThrow(() -> new KubeconfigException(
                "its current-context \"" + current + "\" has no entry in contexts"));
        JsonNode body = context.get("context");
        String clusterName = body != null && body.path("cluster").isTextual() ? body.path("cluster").asText() : null;
        String userName = body != null && body.path("user").isTextual() ? body.path("user").asText() : null;
        if (clusterName == null || userName == null) {
            throw new KubeconfigException("context \"" + current + "\" does not name both a cluster and a user");
        }
        ObjectNode cluster = entry(Section.CLUSTERS, clusterName).orElseThrow(() -> new KubeconfigException(
                "context \"" + current + "\" names cluster \"" + clusterName + "\", which is not in clusters"));
        ObjectNode user = entry(Section.USERS, userName).orElseThrow(() -> new KubeconfigException(
                "context \"" + current + "\" names user \"" + userName + "\", which is not in users"));

        cluster.put("name", name);
        body(cluster, Section.CLUSTERS).put("server", serverUrl);
        context.put("name", name);
        ObjectNode ctx = body(context, Section.CONTEXTS);
        ctx.put("cluster", name);
        ctx.put("user", name);
        user.put("name", name);

        ObjectNode out = root.deepCopy();
        out.set(Section.CLUSTERS.key(), JsonNodeFactory.instance.arrayNode().add(cluster));
        out.set(Section.CONTEXTS.key(), JsonNodeFactory.instance.arrayNode().add(context));
        out.set(Section.USERS.key(), JsonNodeFactory.instance.arrayNode().add(user));
        out.put(CURRENT_CONTEXT, name);
        return new Kubeconfig(out);
    }

    private static ObjectNode body(ObjectNode entry, Section section) {
        JsonNode b = entry.get(section.entry());
        if (b instanceof ObjectNode o) {
            return o;
        }
        return entry.putObject(section.entry());
    }

    // ---- merging ----------------------------------------------------------------------------------------

    /**
     * This file with {@code ours} (a {@link #forContext} result: one cluster, context and user of one name) merged
     * in: an entry of that name is replaced where it stands, else ours is appended to its list (the list created at
     * the end of the file when missing); {@code current-context} becomes ours, as {@code kubectl config
     * use-context} and k3sup's merge do. Every other entry and top-level key is left as it was, in its place.
     */
    public Merged mergedWith(Kubeconfig ours) {
        String name = ours.currentContext().orElseThrow(() -> new IllegalArgumentException("ours has no context"));
        if (isEmpty()) {
            return new Merged(ours, 0, null, false);
        }
        ObjectNode out = root.deepCopy();
        boolean replaced = false;
        for (Section s : Section.values()) {
            ObjectNode mine = ours.entry(s, name).orElseThrow(() -> new IllegalArgumentException(
                    "ours has no " + s.entry() + " named " + name));
            JsonNode list = out.get(s.key());
            ArrayNode arr;
            if (list instanceof ArrayNode a) {
                arr = a;
            } else {
                arr = JsonNodeFactory.instance.arrayNode();
                out.set(s.key(), arr); // a null value is replaced in place, a missing key appended
            }
            int at = -1;
            for (int i = 0; i < arr.size(); i++) {
                if (arr.get(i).get("name").asText().equals(name)) {
                    at = i;
                }
            }
            if (at >= 0) {
                arr.set(at, mine);
                replaced = true;
            } else {
                arr.add(mine);
            }
        }
        String previous = currentContext().orElse(null);
        out.put(CURRENT_CONTEXT, name);
        Kubeconfig merged = new Kubeconfig(out);
        int others = (int) merged.names(Section.CONTEXTS).stream().filter(n -> !n.equals(name)).count();
        return new Merged(merged, others, previous, replaced);
    }

    /**
     * What in this file is not pictl's own for context {@code name}, for the refusal to overwrite it without
     * {@code --merge}: entries of other names, a current-context naming another, non-empty preferences, and any
     * other top-level key. Empty means the file holds nothing anyone would lose by replacing it (re-running
     * {@code pictl kubeconfig} is then idempotent).
     */
    public List<String> foreignEntries(String name) {
        List<String> out = new ArrayList<>();
        for (Section s : Section.values()) {
            for (String n : names(s)) {
                if (!n.equals(name)) {
                    out.add(s.entry() + " \"" + n + "\"");
                }
            }
        }
        currentContext().filter(c -> !c.equals(name)).ifPresent(c -> out.add(CURRENT_CONTEXT + " \"" + c + "\""));
        JsonNode prefs = root.get("preferences");
        if (prefs != null && prefs.isObject() && !prefs.isEmpty()) {
            out.add("preferences");
        }
        root.fieldNames().forEachRemaining(key -> {
            if (!OWN_KEYS.contains(key)) {
                out.add("key \"" + key + "\"");
            }
        });
        return out;
    }
}
