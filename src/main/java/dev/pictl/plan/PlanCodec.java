package dev.pictl.plan;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pictl.addr.ResourceAddress;
import dev.pictl.diag.Diagnostic;
import dev.pictl.diag.Severity;
import dev.pictl.diag.SourcePos;
import dev.pictl.diag.SourceRange;
import dev.pictl.state.SecretHasher;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The plan as JSON (format {@value #FORMAT_VERSION}, {@code schema/plan.schema.json}): what {@code plan --json}
 * prints and what {@code plan --out FILE} saves. Close to Terraform's {@code resource_changes[].change}
 * ({@code actions}, {@code before}, {@code after}, {@code before_sensitive}, {@code after_sensitive}). No secret
 * is ever in it: a sensitive attribute's value is {@code null} and flagged in the {@code *_sensitive} maps.
 * Reading it back gives the same {@link Plan} minus the secrets, which apply takes again from the description
 * (whose hash the plan carries).
 */
public final class PlanCodec {
    public static final String FORMAT_VERSION = "1.0";

    /** The saved plan's top-level field holding its {@code hmac-sha256:<hex>} (only in files {@code --out} saved). */
    public static final String SIGNATURE = "signature";

    /** What the state key's MAC is for here (a derived key: see {@link SecretHasher#mac}). */
    private static final String SIGNATURE_PURPOSE = "pictl saved plan, format 1";

    /** Bigger than any plan pictl writes for a cluster of Pis, by far. */
    public static final long MAX_FILE_BYTES = 16L << 20;

    /**
     * What a sensitive attribute's value is in a plan read back from a file: the file holds no secret and no hash
     * of one, only the mark that there was a value. Not a hash: nothing may record it as one.
     */
    public static final String REDACTED = "(sensitive value)";

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.USE_LONG_FOR_INTS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private PlanCodec() {
    }

    public static String write(Plan plan) {
        return serialize(tree(plan));
    }

    /**
     * The saved plan file ({@code plan --out}): {@link #write(Plan)} plus {@value #SIGNATURE}, an HMAC-SHA256 under
     * the state's key ({@code pictl.state.key}) of the document's canonical form (see {@link #canonical}). Any edit
     * of any field, and a plan made for another state (another key), then fails {@link #readSaved}.
     */
    public static String writeSaved(Plan plan, SecretHasher key) {
        ObjectNode root = tree(plan);
        try {
            root.put(SIGNATURE, sign(MAPPER.readTree(serialize(root)), key));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return serialize(root);
    }

    /** The {@value #SIGNATURE} of a plan document (without one) under {@code key}: HMAC of {@link #canonical}. */
    public static String sign(JsonNode document, SecretHasher key) {
        return key.mac(SIGNATURE_PURPOSE, canonical(document));
    }

    private static String serialize(ObjectNode root) {
        try {
            return MAPPER.writeValueAsString(root) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ObjectNode tree(Plan plan) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("format_version", FORMAT_VERSION);
        root.put("pictl_version", plan.pictlVersion());
        root.put("mode", plan.mode().jsonName());
        ObjectNode prior = root.putObject("prior_state");
        if (plan.lineage() == null) {
            prior.putNull("lineage");
        } else {
            prior.put("lineage", plan.lineage());
        }
        prior.put("serial", plan.serial());
        root.put("config_hash", plan.configHash());
        ArrayNode targets = root.putArray("targets");
        plan.targets().forEach(targets::add);
        if (plan.upgradeOs()) {
            root.put("upgrade_os", true);
        }
        root.put("applyable", plan.hasWork() && !plan.hasErrors());
        root.put("errored", plan.hasErrors());
        ObjectNode summary = root.putObject("summary");
        summary.put("add", plan.toAdd());
        summary.put("change", plan.toChange());
        summary.put("destroy", plan.toDestroy());
        ArrayNode nodes = root.putArray("nodes");
        for (Plan.NodeInfo n : plan.nodes().values()) {
            ObjectNode o = nodes.addObject();
            o.put("name", n.name());
            o.put("address", n.address());
            o.put("description", n.description());
            o.put("reachable", n.reachable());
        }
        ArrayNode changes = root.putArray("resource_changes");
        plan.changes().forEach(c -> change(changes.addObject(), c));
        ArrayNode drift = root.putArray("resource_drift");
        plan.drift().forEach(c -> change(drift.addObject(), c));
        if (!plan.updates().isEmpty()) {
            ArrayNode updates = root.putArray("updates_available");
            for (Plan.UpdatesAvailable u : plan.updates()) {
                ObjectNode o = updates.addObject();
                o.put("node", u.node());
                o.put("address", u.address());
                o.put("total", u.total());
                o.put("security", u.security());
                o.put("installs", u.installs());
                ArrayNode rp = o.putArray("reboot_packages");
                u.rebootPackages().forEach(rp::add);
                o.put("reboot_required", u.rebootRequired());
                o.put("reboots", u.reboots());
            }
        }
        ArrayNode unknown = root.putArray("unknown");
        for (Plan.Unknown u : plan.unknown()) {
            ObjectNode o = unknown.addObject();
            o.put("address", u.address().toString());
            o.put("node", u.node());
            o.put("reason", u.reason());
        }
        ArrayNode diags = root.putArray("diagnostics");
        for (Diagnostic d : plan.diagnostics()) {
            ObjectNode o = diags.addObject();
            o.put("severity", d.severity().jsonName());
            o.put("summary", d.summary());
            o.put("detail", d.detail());
            if (d.subject() != null) {
                o.put("location", d.subject().location());
            }
        }
        return root;
    }

    private static void change(ObjectNode o, ResourceChange c) {
        o.put("address", c.address().toString());
        o.put("type", c.address().type());
        o.put("name", c.address().name());
        if (c.address().key() == null) {
            o.putNull("index");
        } else {
            o.put("index", c.address().key());
        }
        if (c.node() == null) {
            o.putNull("node");
        } else {
            o.put("node", c.node());
        }
        ObjectNode ch = o.putObject("change");
        ArrayNode actions = ch.putArray("actions");
        c.action().terraformActions().forEach(actions::add);
        values(ch, "before", c.before(), c.sensitive());
        values(ch, "after", c.after(), c.sensitive());
        sensitiveMap(ch, "before_sensitive", c.before(), c.sensitive());
        sensitiveMap(ch, "after_sensitive", c.after(), c.sensitive());
        o.put("action", c.action().jsonName());
        o.put("action_reason", c.reason().jsonName());
        ArrayNode attrs = o.putArray("changed_attributes");
        for (AttributeChange a : c.changes()) {
            ObjectNode x = attrs.addObject();
            x.put("name", a.name());
            x.set("before", a.sensitive() ? null : MAPPER.valueToTree(a.before()));
            x.set("after", a.sensitive() ? null : MAPPER.valueToTree(a.after()));
            x.put("forces_replacement", a.forcesReplacement());
            x.put("sensitive", a.sensitive());
        }
        o.put("reboot", c.reboot());
        o.put("drain", c.drain());
        if (c.dataLoss() == null) {
            o.putNull("data_loss");
        } else {
            o.put("data_loss", c.dataLoss());
        }
        o.put("fingerprint", c.fingerprint());
        ArrayNode deps = o.putArray("dependencies");
        c.dependencies().forEach(d -> deps.add(d.toString()));
    }

    private static void values(ObjectNode ch, String field, Map<String, Object> values, Set<String> sensitive) {
        if (values == null) {
            ch.putNull(field);
            return;
        }
        Map<String, Object> shown = new TreeMap<>();
        values.forEach((k, v) -> shown.put(k, sensitive.contains(k) ? null : v));
        ch.set(field, MAPPER.valueToTree(shown));
    }

    private static void sensitiveMap(ObjectNode ch, String field, Map<String, Object> values, Set<String> sensitive) {
        ObjectNode m = ch.putObject(field);
        if (values != null) {
            new TreeMap<>(values).forEach((k, v) -> {
                if (sensitive.contains(k) && v != null) {
                    m.put(k, true);
                }
            });
        }
    }

    /** A saved plan's signature is missing or does not match: the file was edited, or is another state's. */
    public static final class Untrusted extends IOException {
        public Untrusted(String message) {
            super(message);
        }
    }

    /** A saved plan whose signature checked out: the plan, and its document (without the signature) as read. */
    public record Saved(Plan plan, JsonNode document) {
    }

    /**
     * Reads a saved plan file and checks its {@value #SIGNATURE} under {@code key} (the state's; null when the state
     * has none) before decoding anything else.
     *
     * @throws Untrusted   when it has no signature, there is no key, or the signature does not match
     * @throws IOException when it is not a plan file at all, or a newer format
     */
    public static Saved readSaved(String json, SecretHasher key) throws IOException {
        JsonNode root = parse(json);
        JsonNode signature = root.get(SIGNATURE);
        if (signature == null || !signature.isTextual()) {
            throw new Untrusted(signature == null ? "it carries no signature, so it was not saved by pictl plan --out"
                    + " (plan --json and show --json print unsigned copies, for reading only)"
                    : "its signature is not a string");
        }
        ObjectNode document = ((ObjectNode) root).deepCopy();
        document.remove(SIGNATURE);
        if (key == null) {
            throw new Untrusted("this state has no key file, so the plan cannot have been made for it");
        }
        if (!key.macMatches(SIGNATURE_PURPOSE, canonical(document), signature.asText())) {
            throw new Untrusted("its signature does not match: the file was changed after pictl plan --out saved it,"
                    + " or it was made for another state (another pictl.state.key)");
        }
        return new Saved(decode(document), document);
    }

    /**
     * Reads a plan document ({@code plan --json} or a saved plan; a signature is not checked here); a file that is
     * not one is reported as an IOException naming the JSON path of the problem. Sensitive values come back as
     * {@link #REDACTED}, so {@code write(read(x))} gives {@code x} again.
     */
    public static Plan read(String json) throws IOException {
        return decode(parse(json));
    }

    private static JsonNode parse(String json) throws IOException {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            com.fasterxml.jackson.core.JsonLocation at = e.getLocation();
            throw new IOException("not JSON: " + e.getOriginalMessage().replaceAll("[\\p{Cntrl}]", " ")
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
        }
        if (root == null || !root.isObject() || !root.has("format_version") || !root.has("resource_changes")) {
            throw new IOException("not a pictl plan file (no format_version / resource_changes)");
        }
        String version = root.get("format_version").asText();
        if (!root.get("format_version").isTextual() || !version.matches("\\d+\\.\\d+")) {
            throw new IOException("format_version: not a plan format version");
        }
        if (!version.startsWith("1.")) {
            throw new IOException("plan format " + version + " is newer than this pictl reads (1.x); use the pictl "
                    + "that made it");
        }
        return root;
    }

    private static Plan decode(JsonNode root) throws IOException {
        PlanMode mode = null;
        String modeName = text(root, "mode", "");
        for (PlanMode m : PlanMode.values()) {
            if (m.jsonName().equals(modeName)) {
                mode = m;
            }
        }
        if (mode == null) {
            throw new IOException("mode: unknown mode");
        }
        List<ResourceChange> changes = changes(root, "resource_changes");
        List<ResourceChange> drift = changes(root, "resource_drift");
        List<Plan.Unknown> unknown = new ArrayList<>();
        int i = 0;
        for (JsonNode u : array(root, "unknown", "")) {
            String at = "unknown[" + i++ + "]";
            unknown.add(new Plan.Unknown(address(text(u, "address", at), at), nullableText(u, "node", at),
                    text(u, "reason", at)));
        }
        List<Diagnostic> diags = new ArrayList<>();
        i = 0;
        for (JsonNode d : array(root, "diagnostics", "")) {
            String at = "diagnostics[" + i++ + "]";
            diags.add(new Diagnostic(text(d, "severity", at).equals("error") ? Severity.ERROR : Severity.WARNING,
                    text(d, "summary", at), text(d, "detail", at), location(d.has("location") ? nullableText(d, "location", at) : null)));
        }
        Map<String, Plan.NodeInfo> nodes = new LinkedHashMap<>();
        i = 0;
        for (JsonNode n : array(root, "nodes", "")) {
            String at = "nodes[" + i++ + "]";
            String name = text(n, "name", at);
            if (nodes.put(name, new Plan.NodeInfo(name, text(n, "address", at), text(n, "description", at),
                    bool(n, "reachable", at))) != null) {
                throw new IOException(at + ": a second entry for node " + name);
            }
        }
        List<String> targets = new ArrayList<>();
        i = 0;
        for (JsonNode t : array(root, "targets", "")) {
            String at = "targets[" + i++ + "]";
            if (!t.isTextual()) {
                throw new IOException(at + ": not a string");
            }
            targets.add(address(t.asText(), at).toString());
        }
        List<Plan.UpdatesAvailable> updates = new ArrayList<>();
        i = 0;
        for (JsonNode u : root.has("updates_available") ? array(root, "updates_available", "") : MAPPER.createArrayNode()) {
            String at = "updates_available[" + i++ + "]";
            List<String> packages = new ArrayList<>();
            for (JsonNode p : array(u, "reboot_packages", at)) {
                packages.add(p.asText());
            }
            updates.add(new Plan.UpdatesAvailable(text(u, "node", at), text(u, "address", at),
                    field(u, "total", at).asInt(), field(u, "security", at).asInt(), field(u, "installs", at).asInt(),
                    packages, bool(u, "reboot_required", at), bool(u, "reboots", at)));
        }
        boolean upgradeOs = root.has("upgrade_os") && bool(root, "upgrade_os", "");
        JsonNode prior = field(root, "prior_state", "");
        JsonNode serial = field(prior, "serial", "prior_state");
        if (!serial.canConvertToLong() || !serial.isIntegralNumber() || serial.asLong() < 0) {
            throw new IOException("prior_state.serial: not a serial number");
        }
        return new Plan(mode, text(root, "pictl_version", ""), nullableText(prior, "lineage", "prior_state"),
                serial.asLong(), text(root, "config_hash", ""), changes, drift, unknown, diags, nodes, targets, upgradeOs,
                updates);
    }

    private static List<ResourceChange> changes(JsonNode root, String name) throws IOException {
        List<ResourceChange> out = new ArrayList<>();
        Set<ResourceAddress> seen = new HashSet<>();
        int i = 0;
        for (JsonNode c : array(root, name, "")) {
            String at = name + "[" + i++ + "]";
            ResourceChange change = readChange(c, at);
            if (!seen.add(change.address())) {
                throw new IOException(at + ": a second entry for " + change.address());
            }
            out.add(change);
        }
        return out;
    }

    private static ResourceChange readChange(JsonNode c, String at) throws IOException {
        JsonNode ch = field(c, "change", at);
        String chAt = at + ".change";
        Set<String> beforeMasked = new HashSet<>();
        Set<String> afterMasked = new HashSet<>();
        object(ch, "before_sensitive", chAt).fieldNames().forEachRemaining(beforeMasked::add);
        object(ch, "after_sensitive", chAt).fieldNames().forEachRemaining(afterMasked::add);
        Set<String> sensitive = new HashSet<>(beforeMasked);
        sensitive.addAll(afterMasked);
        Map<String, Object> before = nullableObject(ch, "before", chAt) == null ? null
                : redacted(ch.get("before"), beforeMasked);
        Map<String, Object> after = nullableObject(ch, "after", chAt) == null ? null
                : redacted(ch.get("after"), afterMasked);
        List<AttributeChange> attrs = new ArrayList<>();
        int i = 0;
        for (JsonNode a : array(c, "changed_attributes", at)) {
            String aAt = at + ".changed_attributes[" + i++ + "]";
            String name = text(a, "name", aAt);
            boolean secret = bool(a, "sensitive", aAt);
            attrs.add(new AttributeChange(name,
                    secret ? (beforeMasked.contains(name) ? REDACTED : null) : MAPPER.convertValue(field(a, "before", aAt), Object.class),
                    secret ? (afterMasked.contains(name) ? REDACTED : null) : MAPPER.convertValue(field(a, "after", aAt), Object.class),
                    bool(a, "forces_replacement", aAt), secret));
        }
        List<ResourceAddress> deps = new ArrayList<>();
        i = 0;
        for (JsonNode d : array(c, "dependencies", at)) {
            String dAt = at + ".dependencies[" + i++ + "]";
            if (!d.isTextual()) {
                throw new IOException(dAt + ": not a string");
            }
            deps.add(address(d.asText(), dAt));
        }
        Action action = null;
        String actionName = text(c, "action", at);
        for (Action a : Action.values()) {
            if (a.jsonName().equals(actionName)) {
                action = a;
            }
        }
        if (action == null) {
            throw new IOException(at + ".action: unknown action");
        }
        ActionReason reason = null;
        String reasonName = text(c, "action_reason", at);
        for (ActionReason r : ActionReason.values()) {
            if (r.jsonName().equals(reasonName)) {
                reason = r;
            }
        }
        if (reason == null) {
            throw new IOException(at + ".action_reason: unknown reason");
        }
        return new ResourceChange(address(text(c, "address", at), at + ".address"), nullableText(c, "node", at),
                action, reason, before, after, sensitive, attrs, bool(c, "reboot", at), bool(c, "drain", at),
                nullableText(c, "data_loss", at), text(c, "fingerprint", at), deps);
    }

    private static JsonNode field(JsonNode parent, String name, String at) throws IOException {
        JsonNode v = parent == null || !parent.isObject() ? null : parent.get(name);
        if (v == null) {
            throw new IOException(path(at, name) + ": missing");
        }
        return v;
    }

    private static String path(String at, String name) {
        return at.isEmpty() ? name : at + "." + name;
    }

    private static String text(JsonNode parent, String name, String at) throws IOException {
        JsonNode v = field(parent, name, at);
        if (!v.isTextual()) {
            throw new IOException(path(at, name) + ": not a string");
        }
        return v.asText();
    }

    private static String nullableText(JsonNode parent, String name, String at) throws IOException {
        JsonNode v = field(parent, name, at);
        if (!v.isNull() && !v.isTextual()) {
            throw new IOException(path(at, name) + ": not a string or null");
        }
        return v.isNull() ? null : v.asText();
    }

    private static boolean bool(JsonNode parent, String name, String at) throws IOException {
        JsonNode v = field(parent, name, at);
        if (!v.isBoolean()) {
            throw new IOException(path(at, name) + ": not true or false");
        }
        return v.asBoolean();
    }

    private static JsonNode array(JsonNode parent, String name, String at) throws IOException {
        JsonNode v = field(parent, name, at);
        if (!v.isArray()) {
            throw new IOException(path(at, name) + ": not an array");
        }
        return v;
    }

    private static JsonNode object(JsonNode parent, String name, String at) throws IOException {
        JsonNode v = field(parent, name, at);
        if (!v.isObject()) {
            throw new IOException(path(at, name) + ": not an object");
        }
        return v;
    }

    private static JsonNode nullableObject(JsonNode parent, String name, String at) throws IOException {
        JsonNode v = field(parent, name, at);
        if (!v.isNull() && !v.isObject()) {
            throw new IOException(path(at, name) + ": not an object or null");
        }
        return v.isNull() ? null : v;
    }

    /**
     * What is signed: the document with every object's fields sorted by name, compact, UTF-8. Whitespace and field
     * order do not count (they change nothing); every value, and the order of every array, does.
     */
    static byte[] canonical(JsonNode document) {
        try {
            return CANONICAL.writeValueAsBytes(sorted(document));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final ObjectMapper CANONICAL = new ObjectMapper();

    private static JsonNode sorted(JsonNode node) {
        if (node.isObject()) {
            ObjectNode out = CANONICAL.createObjectNode();
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            names.stream().sorted().forEach(n -> out.set(n, sorted(node.get(n))));
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = CANONICAL.createArrayNode();
            node.forEach(e -> out.add(sorted(e)));
            return out;
        }
        return node;
    }

    /**
     * Where a saved plan's document differs from the document of {@code fresh} (the plan pictl makes now, for the
     * same mode, targets and replacements): JSON paths, at most {@code limit}; empty when they are equal in every
     * field. Nothing secret is in either document, and the paths quote no value.
     */
    public static List<String> differences(JsonNode saved, Plan fresh, int limit) {
        JsonNode now;
        try {
            now = MAPPER.readTree(write(fresh));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        List<String> out = new ArrayList<>();
        diff(saved, now, "", out, limit);
        return out;
    }

    private static void diff(JsonNode a, JsonNode b, String at, List<String> out, int limit) {
        if (out.size() >= limit || a.equals(b)) {
            return;
        }
        if (a.isObject() && b.isObject()) {
            Set<String> names = new java.util.TreeSet<>();
            a.fieldNames().forEachRemaining(names::add);
            b.fieldNames().forEachRemaining(names::add);
            for (String n : names) {
                String p = at.isEmpty() ? n : at + "." + n;
                if (!a.has(n) || !b.has(n)) {
                    if (out.size() < limit) {
                        out.add(p + (a.has(n) ? " (not in a fresh plan)" : " (missing)"));
                    }
                } else {
                    diff(a.get(n), b.get(n), p, out, limit);
                }
            }
            return;
        }
        if (a.isArray() && b.isArray() && a.size() == b.size()) {
            for (int i = 0; i < a.size(); i++) {
                diff(a.get(i), b.get(i), at + "[" + i + "]", out, limit);
            }
            return;
        }
        out.add(at.isEmpty() ? "(the whole document)" : at);
    }

    /**
     * The values of a read {@code before}/{@code after}: a masked (sensitive) attribute that had a value gets
     * {@link #REDACTED} instead of the {@code null} the file holds, so that it still renders as
     * {@code (sensitive value)} and is masked again when written.
     */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> redacted(JsonNode values, Set<String> masked) {
        Map<String, Object> out = MAPPER.convertValue(values, Map.class);
        masked.forEach(k -> out.put(k, REDACTED));
        return out;
    }

    private static final java.util.regex.Pattern LOCATION = java.util.regex.Pattern.compile("(.+):(\\d{1,9}):(\\d{1,9})");

    /** A diagnostic's {@code file:line:column} back as a range (where it starts; the file is not read again). */
    private static SourceRange location(String text) {
        java.util.regex.Matcher m = text == null ? null : LOCATION.matcher(text);
        if (m == null || !m.matches() || Integer.parseInt(m.group(2)) < 1 || Integer.parseInt(m.group(3)) < 1) {
            return null;
        }
        SourcePos at = new SourcePos(Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)), 0);
        return new SourceRange(m.group(1), at, at);
    }

    private static ResourceAddress address(String text, String at) throws IOException {
        return ResourceAddress.parse(text).orElseThrow(() -> new IOException(at + ": not a resource address"));
    }
}
