package dev.pictl.drift;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pictl.addr.ResourceAddress;
import java.io.IOException;
import java.util.List;

/**
 * {@code pictl drift --json}: the report as JSON, described by {@code schema/drift.schema.json}. Drifted resources
 * carry Terraform's {@code change.actions/before/after} (restricted to the attributes that drifted) beside a flat
 * {@code attributes} list of was/is pairs. Sensitive values are never written: they show as null with
 * {@code sensitive: true}.
 */
public final class DriftCodec {
    /** The shape's version: the major part changes only when a field is removed or changes meaning. */
    public static final String FORMAT_VERSION = "1.2";

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private DriftCodec() {
    }

    public static String write(DriftReport r) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("format_version", FORMAT_VERSION);
        root.put("pictl_version", r.pictlVersion());
        root.put("cluster", r.cluster());
        root.put("result", r.result());
        root.put("exit_code", r.exitCode());
        ObjectNode options = root.putObject("options");
        options.put("include_unapplied", r.options().includeUnapplied());
        options.put("fail_on_health", r.options().failOnHealth());
        ObjectNode state = root.putObject("state");
        state.put("path", r.state().path());
        state.put("exists", r.state().exists());
        nullable(state, "lineage", r.state().lineage());
        state.put("serial", r.state().serial());
        ObjectNode summary = root.putObject("summary");
        summary.put("drifted", r.drift().size());
        summary.put("unreadable", r.unreadable().size());
        summary.put("unreachable", r.unreachable().size());
        summary.put("health", r.health().size());
        summary.put("failing_health", r.failingHealth().size());
        summary.put("unapplied", r.unapplied().size());
        summary.put("unfinished", r.unfinished().size());
        summary.put("ignored", r.ignored().size());

        ArrayNode drift = root.putArray("resource_drift");
        for (DriftReport.Drifted d : r.drift()) {
            ObjectNode o = drift.addObject();
            address(o, d.address(), d.node());
            o.put("gone", d.gone());
            ObjectNode change = o.putObject("change");
            change.putArray("actions").add(d.gone() ? "delete" : "update");
            ObjectNode before = change.putObject("before");
            if (d.gone()) {
                change.putNull("after");
            }
            ObjectNode after = d.gone() ? null : change.putObject("after");
            for (DriftReport.AttributeDrift a : d.attributes()) {
                before.set(a.name(), MAPPER.valueToTree(a.was()));
                if (after != null) {
                    after.set(a.name(), MAPPER.valueToTree(a.is()));
                }
            }
            attributes(o, d.attributes());
        }
        ArrayNode unreadable = root.putArray("unreadable");
        for (DriftReport.Unreadable u : r.unreadable()) {
            ObjectNode o = unreadable.addObject();
            address(o, u.address(), u.node());
            o.put("reason", u.reason());
        }
        ArrayNode unfinished = root.putArray("unfinished");
        for (DriftReport.Unfinished u : r.unfinished()) {
            address(unfinished.addObject(), u.address(), u.node());
        }
        ArrayNode unreachable = root.putArray("unreachable");
        for (DriftReport.Unreachable u : r.unreachable()) {
            ObjectNode o = unreachable.addObject();
            o.put("node", u.node());
            nullable(o, "address", u.address());
            o.put("reason", u.reason());
            o.put("hint", u.hint());
            ArrayNode nc = o.putArray("not_checked");
            u.notChecked().forEach(a -> nc.add(a.toString()));
        }
        ArrayNode health = root.putArray("health");
        List<DriftReport.HealthItem> failing = r.failingHealth();
        for (DriftReport.HealthItem h : r.health()) {
            ObjectNode o = health.addObject();
            o.put("node", h.node());
            o.put("code", h.code());
            o.put("message", h.message());
            o.put("advisory", h.advisory());
            o.put("level", h.level());
            o.put("counts", failing.contains(h));
        }
        ArrayNode unapplied = root.putArray("unapplied");
        for (DriftReport.Unapplied u : r.unapplied()) {
            ObjectNode o = unapplied.addObject();
            address(o, u.address(), u.node());
            o.put("action", u.action());
            o.put("unfinished", u.unfinished());
            attributes(o, u.attributes());
        }
        ArrayNode ignored = root.putArray("ignored");
        for (DriftReport.Ignored i : r.ignored()) {
            ObjectNode o = ignored.addObject();
            o.put("what", i.what());
            nullable(o, "attribute", i.attribute());
            o.put("rule", i.rule());
        }
        ArrayNode nodes = root.putArray("nodes");
        for (DriftReport.NodeStatus n : r.nodes()) {
            ObjectNode o = nodes.addObject();
            o.put("name", n.name());
            nullable(o, "address", n.address());
            o.put("reachable", n.reachable());
            nullable(o, "model", n.model());
            nullable(o, "boot_device", n.bootDevice());
            if (n.temperatureC() == null) {
                o.putNull("temperature_c");
            } else {
                o.put("temperature_c", n.temperatureC());
            }
            nullable(o, "throttled", n.throttled());
            ArrayNode meaning = o.putArray("throttled_meaning");
            n.throttledMeaning().forEach(meaning::add);
            if (n.memTotalKb() == null) {
                o.putNull("mem_total_kb");
            } else {
                o.put("mem_total_kb", n.memTotalKb());
            }
            if (n.ready() == null) {
                o.putNull("ready");
            } else {
                o.put("ready", n.ready());
            }
        }
        try {
            return MAPPER.writeValueAsString(root) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void address(ObjectNode o, ResourceAddress a, String node) {
        o.put("address", a.toString());
        o.put("type", a.type());
        o.put("name", a.name());
        nullable(o, "index", a.key());
        nullable(o, "node", node);
    }

    private static void attributes(ObjectNode o, List<DriftReport.AttributeDrift> attrs) {
        ArrayNode out = o.putArray("attributes");
        for (DriftReport.AttributeDrift a : attrs) {
            ObjectNode x = out.addObject();
            x.put("name", a.name());
            x.set("was", MAPPER.valueToTree(a.was()));
            x.set("is", MAPPER.valueToTree(a.is()));
            x.put("sensitive", a.sensitive());
        }
    }

    private static void nullable(ObjectNode o, String field, String value) {
        if (value == null) {
            o.putNull(field);
        } else {
            o.put(field, value);
        }
    }
}
