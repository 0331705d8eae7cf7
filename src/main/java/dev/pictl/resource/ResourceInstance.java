package dev.pictl.resource;

import dev.pictl.addr.ResourceAddress;
import dev.pictl.diag.SourceRange;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One resource instance of the desired configuration, with every value's source position.
 *
 * @param address     e.g. {@code kernel_params.cgroups["pi-1"]}
 * @param schema      its block schema
 * @param node        the node this instance is on, for per-node and node-pinned types; null for none
 * @param headerRange the block's type keyword and labels: where missing attributes and block-level rules point
 * @param nodeRange   for an instance of a per-node block, the element of {@code nodes} that created it; else null
 * @param attributes  attribute values as written (defaults are not filled in)
 * @param ssh         the node's own {@code ssh} block values (node instances only), else empty
 * @param attributeRefs references made through attribute values ({@code node.pi-1.address}); they order the
 *                    graph like any other reference
 */
public record ResourceInstance(ResourceAddress address, BlockSchema schema, String node, SourceRange headerRange,
                               SourceRange nodeRange, Map<String, Value> attributes, Map<String, Value> ssh,
                               List<Value.Ref> attributeRefs) {
    public ResourceInstance {
        attributeRefs = List.copyOf(attributeRefs);
        attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
        ssh = Collections.unmodifiableMap(new LinkedHashMap<>(ssh));
    }

    public String type() {
        return address.type();
    }

    public Optional<Value> value(String name) {
        return Optional.ofNullable(attributes.get(name));
    }

    /** The range of an attribute's value, or the header when the attribute is not set. */
    public SourceRange rangeOf(String name) {
        Value v = attributes.get(name);
        return v == null ? headerRange : v.range();
    }

    /** A string attribute's value, the schema default, or null. */
    public String string(String name) {
        Value v = attributes.get(name);
        if (v instanceof Value.Str s) {
            return s.value();
        }
        return schema.attribute(name).map(a -> a.defaultValue() instanceof String d ? d : null).orElse(null);
    }

    /** The strings of a list attribute (unknown items skipped), or an empty list. */
    public List<String> strings(String name) {
        List<String> out = new ArrayList<>();
        if (attributes.get(name) instanceof Value.ListVal l) {
            for (Value item : l.items()) {
                if (item instanceof Value.Str s) {
                    out.add(s.value());
                }
            }
        }
        return out;
    }

    /** The target of a single-reference attribute, if set. */
    public Optional<ResourceAddress> ref(String name) {
        return attributes.get(name) instanceof Value.Ref r ? Optional.of(r.target()) : Optional.empty();
    }

    /** All references held by an attribute (a reference or a list of them), with their ranges. */
    public List<Value.Ref> refs(String name) {
        Value v = attributes.get(name);
        List<Value.Ref> out = new ArrayList<>();
        collectRefs(v, out);
        return out;
    }

    /** Every reference anywhere in this instance's attributes. */
    public List<Value.Ref> allRefs() {
        List<Value.Ref> out = new ArrayList<>();
        attributes.values().forEach(v -> collectRefs(v, out));
        return out;
    }

    private static void collectRefs(Value v, List<Value.Ref> out) {
        if (v instanceof Value.Ref r) {
            out.add(r);
        } else if (v instanceof Value.ListVal l) {
            l.items().forEach(i -> collectRefs(i, out));
        } else if (v instanceof Value.MapVal m) {
            m.entries().values().forEach(i -> collectRefs(i, out));
        }
    }
}
