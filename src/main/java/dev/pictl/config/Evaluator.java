package dev.pictl.config;

import dev.pictl.addr.ResourceAddress;
import dev.pictl.config.hcl.Body;
import dev.pictl.config.hcl.Expr;
import dev.pictl.diag.Diagnostics;
import dev.pictl.diag.SourceRange;
import dev.pictl.diag.Suggest;
import dev.pictl.resource.Schemas;
import dev.pictl.resource.Value;
import java.math.BigDecimal;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Evaluates expressions into {@link Value}s. References to resources stay references ({@link Value.Ref}),
 * {@code var.x} becomes the variable's value, {@code type.name.attr} becomes the referenced block's attribute
 * value. Problems (undefined names, unknown functions, bad interpolations) become diagnostics and the
 * expression evaluates to {@link Value.Unknown} so checking goes on.
 */
final class Evaluator {
    /** Declared blocks by type, then name. */
    private final Map<String, Map<String, Body.Block>> declared;
    private final Map<String, Value> variables;
    private final Functions functions;
    private final Diagnostics diags;
    private final Deque<String> evaluating = new ArrayDeque<>();
    /** References made through attribute values ({@code node.pi-1.address}); they are graph edges too. */
    private final List<Value.Ref> attributeRefs = new ArrayList<>();
    /** For an evaluator of plain values only: what is evaluated, e.g. {@code the default of variable "ip"}. */
    private final String literalContext;
    /** The resource types a reference may start with. */
    private final Catalog catalog;

    Evaluator(Catalog catalog, Map<String, Map<String, Body.Block>> declared, Map<String, Value> variables,
              Functions functions, Diagnostics diags) {
        this(catalog, declared, variables, functions, diags, null);
    }

    private Evaluator(Catalog catalog, Map<String, Map<String, Body.Block>> declared, Map<String, Value> variables,
                      Functions functions, Diagnostics diags, String literalContext) {
        this.catalog = catalog;
        this.declared = declared;
        this.variables = variables;
        this.functions = functions;
        this.diags = diags;
        this.literalContext = literalContext;
    }

    /**
     * An evaluator for a value that must be plain (no variables, no resources): a reference is reported as not
     * allowed in {@code context}, rather than as undefined (it may well be declared).
     */
    static Evaluator literalOnly(Functions functions, Diagnostics diags, String context) {
        return new Evaluator(new Catalog(List.of()), Map.of(), Map.of(), functions, diags, context);
    }

    Value eval(Expr e) {
        if (e instanceof Expr.Literal l) {
            return literal(l.value(), l.range());
        } else if (e instanceof Expr.Template t) {
            return template(t);
        } else if (e instanceof Expr.Tuple t) {
            List<Value> items = new ArrayList<>();
            boolean sensitive = false;
            for (Expr item : t.items()) {
                Value v = eval(item);
                sensitive |= v.sensitive();
                items.add(v);
            }
            return new Value.ListVal(items, t.range(), sensitive);
        } else if (e instanceof Expr.ObjectCons o) {
            return object(o);
        } else if (e instanceof Expr.Traversal t) {
            return traversal(t);
        } else if (e instanceof Expr.FunctionCall f) {
            return call(f);
        }
        throw new IllegalStateException("unhandled expression " + e);
    }

    private static Value literal(Object v, SourceRange range) {
        if (v == null) {
            return new Value.Null(range);
        } else if (v instanceof String s) {
            return new Value.Str(s, range, false);
        } else if (v instanceof BigDecimal n) {
            return new Value.Num(n, range, false);
        } else if (v instanceof Boolean b) {
            return new Value.Bool(b, range, false);
        }
        throw new IllegalStateException("literal " + v);
    }

    private Value template(Expr.Template t) {
        if (t.parts().size() == 1 && !(t.parts().get(0) instanceof Expr.Literal)) {
            // "${x}" alone is x itself, as in HCL: a reference or a list keeps its type.
            Value v = eval(t.parts().get(0));
            return withRange(v, t.range());
        }
        StringBuilder b = new StringBuilder();
        boolean sensitive = false;
        boolean unknown = false;
        for (Expr part : t.parts()) {
            Value v = eval(part);
            sensitive |= v.sensitive();
            String s = Functions.asString(v);
            if (v instanceof Value.Unknown) {
                unknown = true;
            } else if (s == null) {
                if (!(v instanceof Value.Unknown)) {
                    diags.error(part.range(), "cannot interpolate a " + v.typeName() + " into a string",
                            v instanceof Value.Ref r
                                    ? "A reference to " + r.target() + " is not text. Interpolate one of its attributes, "
                                            + "e.g. ${" + r.target() + ".address}, or use the reference on its own."
                                    : "Only strings, numbers and booleans can be interpolated.");
                }
                unknown = true;
            } else {
                b.append(s);
            }
        }
        if (unknown) {
            return new Value.Unknown("depends on an unknown value", t.range(), sensitive);
        }
        return new Value.Str(b.toString(), t.range(), sensitive);
    }

    private Value object(Expr.ObjectCons o) {
        Map<String, Value> entries = new LinkedHashMap<>();
        Map<String, SourceRange> keyRanges = new LinkedHashMap<>();
        boolean sensitive = false;
        for (Expr.ObjectCons.Item item : o.items()) {
            Value k = item.key() instanceof Expr.Traversal tr && tr.steps().isEmpty()
                    ? new Value.Str(tr.root(), tr.range(), false)
                    : eval(item.key());
            String key = Functions.asString(k);
            if (k instanceof Value.Unknown) {
                continue;
            }
            if (key == null) {
                diags.error(item.key().range(), "map keys must be strings",
                        "Write the key as a name or a \"quoted string\".");
                continue;
            }
            if (entries.containsKey(key)) {
                diags.error(item.key().range(), "duplicate map key " + (k.sensitive() || entries.get(key).holdsSensitive()
                                ? "(sensitive value)" : "\"" + key + "\""),
                        "The key is already set at " + keyRanges.get(key).location() + ". Remove one of them.");
                continue;
            }
            Value v = eval(item.value());
            if (k.sensitive()) {
                // A key made from a secret makes its entry secret, as Terraform moves a key's mark to the object.
                v = Decoder.markSensitive(v);
            }
            sensitive |= v.sensitive();
            entries.put(key, v);
            keyRanges.put(key, item.key().range());
        }
        return new Value.MapVal(entries, keyRanges, o.range(), sensitive);
    }

    private Value traversal(Expr.Traversal t) {
        String root = t.root();
        if (literalContext != null) {
            diags.error(t.range(), literalContext + " cannot refer to " + t.text(),
                    "It must be a plain value (a string, number, bool, list or map): it cannot read variables or "
                            + "resources. Write the value itself.");
            return new Value.Unknown("reference in a plain value", t.range(), false);
        }
        if (root.equals("var")) {
            return variable(t);
        }
        if (catalog.resource(root).isEmpty()) {
            List<String> roots = new ArrayList<>();
            roots.add("var");
            catalog.resources().forEach(r -> roots.add(r.type()));
            diags.error(t.rootRange(), "unknown reference \"" + t.text() + "\"" + Suggest.didYouMean(root, roots),
                    "References start with var or a resource type (" + String.join(", ", roots)
                            + "), e.g. node.pi-1. A plain text value needs \"quotes\".");
            return new Value.Unknown("invalid reference", t.range(), false);
        }
        if (t.steps().isEmpty() || !(t.steps().get(0) instanceof Expr.Traversal.GetAttr nameStep)) {
            diags.error(t.range(), "incomplete reference \"" + t.text() + "\"",
                    "Name the " + root + " too, e.g. " + root + ".NAME.");
            return new Value.Unknown("invalid reference", t.range(), false);
        }
        String name = nameStep.name();
        Map<String, Body.Block> ofType = declared.getOrDefault(root, Map.of());
        Body.Block target = ofType.get(name);
        if (target == null) {
            String hint = ofType.isEmpty() ? "No " + root + " block is declared."
                    : "Declared: " + String.join(", ", new TreeSet<>(ofType.keySet())) + ".";
            diags.error(t.range(), "undefined reference " + root + "." + name + ": there is no " + root + " \"" + name
                    + "\"" + Suggest.didYouMean(name, ofType.keySet()), hint);
            return new Value.Unknown("undefined reference", t.range(), false);
        }
        List<Expr.Traversal.Step> rest = t.steps().subList(1, t.steps().size());
        ResourceAddress address = ResourceAddress.of(root, name);
        if (!rest.isEmpty() && rest.get(0) instanceof Expr.Traversal.Index idx) {
            // kernel_params.cgroups["pi-1"]: one instance of a per-node block.
            Value key = eval(idx.key());
            boolean perNode = catalog.resource(root).map(s -> s.perNode()).orElse(false);
            if (!perNode) {
                diags.error(idx.range(), root + "." + name + " has no instances to index",
                        "Only blocks with nodes = [...] have one instance per node. Refer to " + root + "." + name
                                + " itself.");
                return new Value.Unknown("invalid reference", t.range(), false);
            }
            if (!(key instanceof Value.Str ks)) {
                if (!(key instanceof Value.Unknown)) {
                    diags.error(idx.range(), "instance keys are node names in quotes",
                            "Write " + root + "." + name + "[\"NODE\"].");
                }
                return new Value.Unknown("invalid reference", t.range(), false);
            }
            address = ResourceAddress.of(root, name, ks.value());
            rest = rest.subList(1, rest.size());
        }
        if (rest.isEmpty()) {
            return new Value.Ref(address, t.range());
        }
        if (!(rest.get(0) instanceof Expr.Traversal.GetAttr attr)) {
            diags.error(rest.get(0).range(), "unexpected index in reference \"" + t.text() + "\"",
                    "Refer to an attribute by name, e.g. " + root + "." + name + ".ATTRIBUTE.");
            return new Value.Unknown("invalid reference", t.range(), false);
        }
        if (rest.size() > 1) {
            diags.error(rest.get(1).range(), "reference \"" + t.text() + "\" goes too deep",
                    "pictl can refer to a block's attribute (" + root + "." + name + "." + attr.name()
                            + ") but not into its value.");
            return new Value.Unknown("invalid reference", t.range(), false);
        }
        Value v = attributeOf(target, root, name, attr, t);
        if (!(v instanceof Value.Unknown u && u.reason().equals("circular reference"))) {
            // A circular attribute reference is already reported; as an edge it would be reported again as a cycle.
            attributeRefs.add(new Value.Ref(address, t.range()));
        }
        return v;
    }

    /** The attribute references evaluated since the last call, then forgets them. */
    List<Value.Ref> takeAttributeRefs() {
        List<Value.Ref> out = List.copyOf(attributeRefs);
        attributeRefs.clear();
        return out;
    }

    /** {@code node.pi-1.address}: the value the referenced block gives that attribute. */
    private Value attributeOf(Body.Block target, String type, String name, Expr.Traversal.GetAttr attr, Expr.Traversal t) {
        Body.Attribute a = target.body().attributes().stream().filter(x -> x.name().equals(attr.name())).findFirst()
                .orElse(null);
        if (a == null) {
            var schema = catalog.resource(type).orElseThrow();
            boolean known = schema.attribute(attr.name()).isPresent();
            diags.error(attr.range(), (known ? type + " \"" + name + "\" does not set \"" + attr.name() + "\""
                            : "unknown attribute \"" + attr.name() + "\" of " + type
                            + Suggest.didYouMean(attr.name(), schema.memberNames())),
                    known ? "Only attributes written in the block can be referred to; set it in " + type + " \""
                            + name + "\"." : Decoder.article(type, true) + " has: " + String.join(", ", schema.memberNames()) + ".");
            return new Value.Unknown("undefined attribute", t.range(), false);
        }
        String key = type + "." + name + "." + attr.name();
        if (evaluating.contains(key)) {
            diags.error(t.range(), "circular reference " + key,
                    "The value of " + key + " depends on itself through " + String.join(" -> ", evaluating) + ".");
            return new Value.Unknown("circular reference", t.range(), false);
        }
        evaluating.push(key);
        try {
            Diagnostics quiet = new Diagnostics();
            // The target attribute's own problems are reported where it is decoded; here only its value matters.
            Evaluator inner = new Evaluator(catalog, declared, variables, functions, quiet);
            inner.evaluating.addAll(evaluating);
            Value v = inner.eval(a.value());
            quiet.sorted().stream().filter(d -> d.summary().startsWith("circular reference")).forEach(diags::add);
            boolean secret = catalog.resource(type).flatMap(s -> s.attribute(attr.name()))
                    .map(dev.pictl.resource.AttributeSchema::sensitive).orElse(false);
            // k3s_server.main.token is secret wherever it is used, even when written in clear.
            return withRange(secret ? Decoder.markSensitive(v) : v, t.range());
        } finally {
            evaluating.pop();
        }
    }

    private Value variable(Expr.Traversal t) {
        if (t.steps().isEmpty() || !(t.steps().get(0) instanceof Expr.Traversal.GetAttr g)) {
            diags.error(t.range(), "incomplete reference \"var\"", "Name the variable: var.NAME.");
            return new Value.Unknown("invalid reference", t.range(), false);
        }
        Value v = variables.get(g.name());
        if (v == null) {
            diags.error(t.range(), "undefined variable \"" + g.name() + "\"" + Suggest.didYouMean(g.name(), variables.keySet()),
                    "Declare it with variable \"" + g.name() + "\" { } or fix the name.");
            return new Value.Unknown("undefined variable", t.range(), false);
        }
        if (t.steps().size() > 1) {
            diags.error(t.steps().get(1).range(), "cannot refer into variable \"" + g.name() + "\"",
                    "Use var." + g.name() + " as a whole.");
            return new Value.Unknown("invalid reference", t.range(), v.sensitive());
        }
        return withRange(v, t.range());
    }

    private Value call(Expr.FunctionCall f) {
        List<Value> args = new ArrayList<>();
        for (Expr a : f.args()) {
            args.add(eval(a));
        }
        return functions.call(f, args, diags);
    }

    /** The value re-homed at the place it is used, so later checks point at the use, not the declaration. */
    static Value withRange(Value v, SourceRange r) {
        if (v instanceof Value.Str s) {
            return new Value.Str(s.value(), r, s.sensitive());
        } else if (v instanceof Value.Num n) {
            return new Value.Num(n.value(), r, n.sensitive());
        } else if (v instanceof Value.Bool b) {
            return new Value.Bool(b.value(), r, b.sensitive());
        } else if (v instanceof Value.ListVal l) {
            return new Value.ListVal(l.items(), r, l.sensitive());
        } else if (v instanceof Value.MapVal m) {
            return new Value.MapVal(m.entries(), m.keyRanges(), r, m.sensitive());
        } else if (v instanceof Value.Ref ref) {
            return new Value.Ref(ref.target(), r);
        } else if (v instanceof Value.Null) {
            return new Value.Null(r);
        } else if (v instanceof Value.Unknown u) {
            return new Value.Unknown(u.reason(), r, u.sensitive());
        }
        throw new IllegalStateException("value " + v);
    }
}
