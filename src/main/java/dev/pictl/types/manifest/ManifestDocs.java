package dev.pictl.types.manifest;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a manifest: one or more YAML documents (or JSON), each a Kubernetes object or a {@code List} of them, into
 * {@link ManifestObject}s with pictl's marks added. Every problem carries the YAML's line and column.
 *
 * <pre>
 *   refused                                   why
 *   not YAML, a duplicate key                 what kubectl would refuse too
 *   an alias (*name)                          Jackson's tree does not expand them: pictl would apply something else
 *   a document that is not a mapping          not an object
 *   no apiVersion, kind or metadata.name      no identity (generateName is not supported: pictl could not find it again)
 *   an identity word with a space, quote...   it goes to the probe's kubectl command line
 *   two objects with one identity             the second would silently win
 *   status, managedFields, uid, ...           the server's, not the applier's: they would never match
 *   pictl's marks set to something else       pictl sets them itself
 *   a Secret                                  its values would show in the plan and sit in the state
 *   more than MAX_BYTES                       a manifest is not a data store (etcd's object limit is 1.5 MB)
 * </pre>
 */
final class ManifestDocs {
    /** The largest manifest pictl reads: 1 MiB. */
    static final int MAX_BYTES = 1024 * 1024;
    /** The label that marks an object as pictl's. */
    static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    static final String PICTL = "pictl";
    /** The annotation that names the manifest an object belongs to: only that manifest prunes it. */
    static final String MANIFEST = "pictl.dev/manifest";

    static final String MANAGED_BY_PATH = Fields.child("metadata.labels", MANAGED_BY);
    static final String MANIFEST_PATH = Fields.child("metadata.annotations", MANIFEST);

    private static final Pattern WORD = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@-]*");
    private static final Pattern VERSION = Pattern.compile("[a-z0-9]+");
    private static final Pattern SNAKE_POSITION = Pattern.compile("^ in '[^']*', line (\\d+), column (\\d+):?$");
    private static final List<String> SERVER_METADATA = List.of("managedFields", "uid", "resourceVersion",
            "creationTimestamp", "generation", "deletionTimestamp", "selfLink");

    private static final YAMLFactory YAML = YAMLFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final ObjectMapper MAPPER = new ObjectMapper(YAML);

    private ManifestDocs() {
    }

    /** A problem in the YAML, at its 1-based line and column (0 when the parser gives none). */
    record Problem(int line, int column, String message) {
        String where() {
            return line > 0 ? "line " + line + ", column " + column : "the manifest";
        }
    }

    /** The objects, in the manifest's order, or the problems (then the objects are not to be used). */
    record Parsed(List<ManifestObject> objects, List<Problem> problems) {
        Parsed {
            objects = List.copyOf(objects);
            problems = List.copyOf(problems);
        }

        boolean ok() {
            return problems.isEmpty();
        }
    }

    /** Reads {@code text}, marking every object as manifest {@code manifestName}'s. */
    static Parsed parse(String text, String manifestName) {
        List<Problem> problems = new ArrayList<>();
        List<ManifestObject> objects = new ArrayList<>();
        if (text.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            problems.add(new Problem(0, 0, "it is larger than " + MAX_BYTES / 1024 + " KiB"));
            return new Parsed(objects, problems);
        }
        List<Located> docs = new ArrayList<>();
        try (YAMLParser scan = YAML.createParser(text)) {
            for (JsonToken t = scan.nextToken(); t != null; t = scan.nextToken()) {
                if (aliasIn(scan, problems)) {
                    return new Parsed(List.of(), problems);
                }
            }
        } catch (JsonProcessingException e) {
            problems.add(problem(e));
            return new Parsed(List.of(), problems);
        } catch (IOException e) {
            throw new UncheckedIOException("reading a string", e);
        }
        try (YAMLParser p = YAML.createParser(text)) {
            while (true) {
                JsonToken t = p.nextToken();
                if (t == null) {
                    break;
                }
                JsonLocation at = p.currentTokenLocation();
                JsonNode doc = MAPPER.readTree(p);
                docs.add(new Located(doc, at.getLineNr(), at.getColumnNr()));
            }
        } catch (JsonProcessingException e) {
            problems.add(problem(e));
            return new Parsed(List.of(), problems);
        } catch (IOException e) {
            throw new UncheckedIOException("reading a string", e);
        }
        Map<String, Located> seen = new HashMap<>();
        for (Located d : docs) {
            for (Located o : items(d, problems)) {
                ManifestObject obj = object(o, manifestName, problems);
                if (obj == null) {
                    continue;
                }
                Located first = seen.putIfAbsent(obj.key(), o);
                if (first != null) {
                    problems.add(new Problem(o.line, o.column, obj.key() + " is declared twice (first at line "
                            + first.line + ")"));
                    continue;
                }
                objects.add(obj);
            }
        }
        return new Parsed(objects, problems);
    }

    private record Located(JsonNode node, int line, int column) {
    }

    /** A document's objects: itself, or a {@code List}'s items (as kubectl reads them). Null documents are none. */
    private static List<Located> items(Located d, List<Problem> problems) {
        JsonNode n = d.node;
        if (n == null || n.isNull() || n.isMissingNode()) {
            return List.of();
        }
        if (!n.isObject()) {
            problems.add(new Problem(d.line, d.column, "a document is a " + (n.isArray() ? "list" : "single value")
                    + ", not a Kubernetes object (a mapping with apiVersion, kind and metadata)"));
            return List.of();
        }
        if (n.path("kind").asText("").endsWith("List") && n.path("items").isArray()) {
            List<Located> out = new ArrayList<>();
            n.path("items").forEach(i -> out.add(new Located(i, d.line, d.column)));
            return out;
        }
        return List.of(d);
    }

    private static ManifestObject object(Located o, String manifestName, List<Problem> problems) {
        if (!(o.node instanceof ObjectNode node)) {
            problems.add(new Problem(o.line, o.column, "a List item is not a Kubernetes object"));
            return null;
        }
        String apiVersion = node.path("apiVersion").asText("");
        String kind = node.path("kind").asText("");
        JsonNode md = node.path("metadata");
        String name = md.path("name").asText("");
        String ns = md.path("namespace").asText("");
        if (apiVersion.isEmpty() || kind.isEmpty() || name.isEmpty()) {
            List<String> missing = new ArrayList<>();
            if (apiVersion.isEmpty()) {
                missing.add("apiVersion");
            }
            if (kind.isEmpty()) {
                missing.add("kind");
            }
            if (name.isEmpty()) {
                missing.add("metadata.name" + (md.has("generateName") ? " (generateName is not supported: pictl "
                        + "must find the object again by its name)" : ""));
            }
            problems.add(new Problem(o.line, o.column, "an object has no " + String.join(", ", missing)));
            return null;
        }
        int slash = apiVersion.lastIndexOf('/');
        String group = slash < 0 ? "" : apiVersion.substring(0, slash);
        String version = slash < 0 ? apiVersion : apiVersion.substring(slash + 1);
        String label = kind + " " + (ns.isEmpty() ? "" : ns + "/") + name;
        if (!VERSION.matcher(version).matches() || !group.isEmpty() && !WORD.matcher(group).matches()
                || !WORD.matcher(kind).matches() || !WORD.matcher(name).matches()
                || !ns.isEmpty() && !WORD.matcher(ns).matches()) {
            problems.add(new Problem(o.line, o.column, "object " + show(label) + " (" + show(apiVersion)
                    + ") has an apiVersion, kind, namespace or name that is not a Kubernetes name"));
            return null;
        }
        if (group.isEmpty() && kind.equals("Secret")) {
            problems.add(new Problem(o.line, o.column, "object " + label + " is a Secret: its values would show in "
                    + "the plan and be written to the state; create Secrets another way (kubectl create secret, or a "
                    + "Helm chart's values)"));
            return null;
        }
        ObjectNode body = node.deepCopy();
        body.remove("status");
        if (body.get("metadata") instanceof ObjectNode m) {
            for (String f : SERVER_METADATA) {
                if (m.has(f)) {
                    problems.add(new Problem(o.line, o.column, "object " + label + " sets metadata." + f
                            + ", which the API server sets; remove it"));
                    return null;
                }
            }
        }
        TreeMap<String, Object> fields = Fields.flatten(body);
        if (fields.containsKey(MANAGED_BY_PATH) && !PICTL.equals(fields.get(MANAGED_BY_PATH))) {
            problems.add(new Problem(o.line, o.column, "object " + label + " sets the label " + MANAGED_BY
                    + " to " + show(String.valueOf(fields.get(MANAGED_BY_PATH))) + "; pictl sets it to \"" + PICTL
                    + "\" to mark the objects it created"));
            return null;
        }
        if (fields.containsKey(MANIFEST_PATH) && !manifestName.equals(fields.get(MANIFEST_PATH))) {
            problems.add(new Problem(o.line, o.column, "object " + label + " sets the annotation " + MANIFEST
                    + "; pictl sets it to the manifest's name"));
            return null;
        }
        // An empty labels or annotations map would be a field of its own besides the marks.
        fields.remove("metadata.labels");
        fields.remove("metadata.annotations");
        fields.put(MANAGED_BY_PATH, PICTL);
        fields.put(MANIFEST_PATH, manifestName);
        return new ManifestObject(group, version, kind, ns, name, fields);
    }

    /** Aliases are refused before the tree is built: the tree would hold the alias's name, not its value. */
    private static boolean aliasIn(YAMLParser p, List<Problem> problems) {
        if (p.isCurrentAlias()) {
            JsonLocation at = p.currentTokenLocation();
            problems.add(new Problem(at.getLineNr(), at.getColumnNr(), "it uses a YAML alias (*" + text(p)
                    + "); write the value out"));
            return true;
        }
        return false;
    }

    private static String text(JsonParser p) {
        try {
            return p.getText();
        } catch (IOException e) {
            return "?";
        }
    }

    /** SnakeYAML's message as one sentence at its last position (its quoted source lines left out). */
    static Problem problem(JsonProcessingException e) {
        String msg = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        String sentence = null;
        int line = 0;
        int column = 0;
        for (String l : msg.split("\n")) {
            Matcher m = SNAKE_POSITION.matcher(l);
            if (m.matches()) {
                line = Integer.parseInt(m.group(1));
                column = Integer.parseInt(m.group(2));
            } else if (!l.isBlank() && !Character.isWhitespace(l.charAt(0))) {
                sentence = l.strip();
            }
        }
        if (line == 0 && e.getLocation() != null && e.getLocation().getLineNr() > 0) {
            line = e.getLocation().getLineNr();
            column = e.getLocation().getColumnNr();
        }
        if (sentence == null) {
            sentence = "not valid YAML";
        }
        if (sentence.length() > 160) {
            sentence = sentence.substring(0, 160) + "...";
        }
        return new Problem(line, column, sentence);
    }

    private static String show(String s) {
        return dev.pictl.config.NodeText.show(s);
    }
}
