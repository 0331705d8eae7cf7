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
        root.put("applyable", plan.hasChanges() && !plan.hasErrors());
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
        try {
            return MAPPER.writeValueAsString(root) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
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

    /**
     * Reads a saved plan; a file that is not one is reported as an IOException with a readable message. Sensitive
     * values come back as {@link #REDACTED}, so {@code write(read(x))} gives {@code x} again.
     */
    public static Plan read(String json) throws IOException {
        JsonNode root = MAPPER.readTree(json);
        if (root == null || !root.isObject() || !root.has("format_version") || !root.has("resource_changes")) {
            throw new IOException("not a pictl plan file (no format_version / resource_changes)");
        }
        String version = root.get("format_version").asText();
        if (!version.startsWith("1.")) {
            throw new IOException("plan format " + version + " is newer than this pictl reads (1.x); use the pictl "
                    + "that made it");
        }
        PlanMode mode = switch (root.path("mode").asText()) {
            case "destroy" -> PlanMode.DESTROY;
            case "refresh-only" -> PlanMode.REFRESH_ONLY;
            default -> PlanMode.NORMAL;
        };
        List<ResourceChange> changes = new ArrayList<>();
        for (JsonNode c : root.get("resource_changes")) {
            changes.add(readChange(c));
        }
        List<ResourceChange> drift = new ArrayList<>();
        for (JsonNode c : root.path("resource_drift")) {
            drift.add(readChange(c));
        }
        List<Plan.Unknown> unknown = new ArrayList<>();
        for (JsonNode u : root.path("unknown")) {
            unknown.add(new Plan.Unknown(address(u.get("address").asText()), u.path("node").asText(null),
                    u.path("reason").asText()));
        }
        List<Diagnostic> diags = new ArrayList<>();
        for (JsonNode d : root.path("diagnostics")) {
            diags.add(new Diagnostic(d.path("severity").asText().equals("error") ? Severity.ERROR : Severity.WARNING,
                    d.path("summary").asText(), d.path("detail").asText(), location(d.path("location").asText(null))));
        }
        Map<String, Plan.NodeInfo> nodes = new LinkedHashMap<>();
        for (JsonNode n : root.path("nodes")) {
            nodes.put(n.get("name").asText(), new Plan.NodeInfo(n.get("name").asText(), n.path("address").asText(),
                    n.path("description").asText(), n.path("reachable").asBoolean()));
        }
        List<String> targets = new ArrayList<>();
        root.path("targets").forEach(t -> targets.add(t.asText()));
        JsonNode prior = root.path("prior_state");
        return new Plan(mode, root.path("pictl_version").asText(), prior.path("lineage").isNull() ? null
                : prior.path("lineage").asText(null), prior.path("serial").asLong(), root.path("config_hash").asText(),
                changes, drift, unknown, diags, nodes, targets);
    }

    @SuppressWarnings("unchecked")
    private static ResourceChange readChange(JsonNode c) throws IOException {
        JsonNode ch = c.get("change");
        Set<String> beforeMasked = new HashSet<>();
        Set<String> afterMasked = new HashSet<>();
        ch.path("before_sensitive").fieldNames().forEachRemaining(beforeMasked::add);
        ch.path("after_sensitive").fieldNames().forEachRemaining(afterMasked::add);
        Set<String> sensitive = new HashSet<>(beforeMasked);
        sensitive.addAll(afterMasked);
        Map<String, Object> before = ch.get("before").isNull() ? null : redacted(ch.get("before"), beforeMasked);
        Map<String, Object> after = ch.get("after").isNull() ? null : redacted(ch.get("after"), afterMasked);
        List<AttributeChange> attrs = new ArrayList<>();
        for (JsonNode a : c.path("changed_attributes")) {
            String name = a.get("name").asText();
            boolean secret = a.path("sensitive").asBoolean();
            attrs.add(new AttributeChange(name,
                    secret ? (beforeMasked.contains(name) ? REDACTED : null) : MAPPER.convertValue(a.get("before"), Object.class),
                    secret ? (afterMasked.contains(name) ? REDACTED : null) : MAPPER.convertValue(a.get("after"), Object.class),
                    a.path("forces_replacement").asBoolean(), secret));
        }
        List<ResourceAddress> deps = new ArrayList<>();
        for (JsonNode d : c.path("dependencies")) {
            deps.add(address(d.asText()));
        }
        Action action = Action.valueOf(c.get("action").asText().toUpperCase().replace('-', '_'));
        ActionReason reason = ActionReason.NONE;
        for (ActionReason r : ActionReason.values()) {
            if (r.jsonName().equals(c.path("action_reason").asText())) {
                reason = r;
            }
        }
        return new ResourceChange(address(c.get("address").asText()), c.path("node").isNull() ? null
                : c.path("node").asText(), action, reason, before, after, sensitive, attrs, c.path("reboot").asBoolean(),
                c.path("drain").asBoolean(), c.path("data_loss").isNull() ? null : c.path("data_loss").asText(),
                c.path("fingerprint").asText(""), deps);
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

    private static final java.util.regex.Pattern LOCATION = java.util.regex.Pattern.compile("(.+):(\\d+):(\\d+)");

    /** A diagnostic's {@code file:line:column} back as a range (where it starts; the file is not read again). */
    private static SourceRange location(String text) {
        java.util.regex.Matcher m = text == null ? null : LOCATION.matcher(text);
        if (m == null || !m.matches() || Integer.parseInt(m.group(2)) < 1 || Integer.parseInt(m.group(3)) < 1) {
            return null;
        }
        SourcePos at = new SourcePos(Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)), 0);
        return new SourceRange(m.group(1), at, at);
    }

    private static ResourceAddress address(String text) throws IOException {
        return ResourceAddress.parse(text).orElseThrow(() -> new IOException("bad address \"" + text + "\""));
    }
}
