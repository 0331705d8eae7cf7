package dev.pictl.config;

import dev.pictl.addr.IgnoreRule;
import dev.pictl.addr.ResourceAddress;
import dev.pictl.config.hcl.Body;
import dev.pictl.config.hcl.HclFile;
import dev.pictl.config.hcl.Parser;
import dev.pictl.diag.Diagnostic;
import dev.pictl.diag.Diagnostics;
import dev.pictl.diag.Severity;
import dev.pictl.diag.SourceRange;
import dev.pictl.diag.Suggest;
import dev.pictl.io.BoundedFiles;
import dev.pictl.resource.AttrType;
import dev.pictl.resource.AttributeSchema;
import dev.pictl.resource.BlockSchema;
import dev.pictl.resource.Check;
import dev.pictl.resource.ResourceInstance;
import dev.pictl.resource.Schemas;
import dev.pictl.resource.Value;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Decodes parsed files against {@link Schemas}: block types and labels, attributes (unknown, duplicate,
 * missing, wrong type, invalid value), variables, references; then expands per-node blocks into instances and
 * runs each resource type's own rules ({@link ResourceBlock#check}). Every problem is collected.
 */
final class Decoder {
    private static final Pattern REFERENCEABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");

    private final Diagnostics diags;
    private final VariableInputs inputs;
    private final Path baseDir;
    private final Map<String, String> sources;
    /** type → name → block, in declaration order. */
    private final Map<String, Map<String, Body.Block>> declared = new LinkedHashMap<>();
    /** Blocks without a label (ssh, cluster, drift): at most one of each type. */
    private final Map<String, Body.Block> unlabeled = new LinkedHashMap<>();
    private Evaluator evaluator;
    private final Catalog catalog;

    Decoder(Catalog catalog, Diagnostics diags, VariableInputs inputs, Path baseDir, Map<String, String> sources) {
        this.catalog = catalog;
        this.diags = diags;
        this.inputs = inputs;
        this.baseDir = baseDir;
        this.sources = sources;
    }

    /** A decoded block body: attribute values and nested blocks' bodies. */
    private record Decoded(Map<String, Value> attrs, Map<String, Decoded> nested) {
    }

    Config decode(Path location, List<HclFile> files) {
        index(files);
        Map<String, Config.Variable> variables = variables();
        Map<String, Value> varValues = new LinkedHashMap<>();
        variables.forEach((k, v) -> varValues.put(k, v.value()));
        evaluator = new Evaluator(catalog, declared, varValues, new Functions(baseDir), diags);

        Map<String, Value> sshDefaults = Map.of();
        if (unlabeled.containsKey("ssh")) {
            sshDefaults = decodeBody(unlabeled.get("ssh"), Schemas.SSH).attrs();
        }
        String clusterName = defaultClusterName(location);
        if (unlabeled.containsKey("cluster")) {
            Map<String, Value> c = decodeBody(unlabeled.get("cluster"), Schemas.CLUSTER).attrs();
            if (c.get("name") instanceof Value.Str s) {
                clusterName = s.value();
            }
        }
        Config.DriftSettings drift = Config.DriftSettings.NONE;
        if (unlabeled.containsKey("drift")) {
            drift = driftSettings(decodeBody(unlabeled.get("drift"), Schemas.DRIFT).attrs());
        }
        Config.StateSettings state = Config.StateSettings.LOCAL;
        if (unlabeled.containsKey("state")) {
            Body.Block b = unlabeled.get("state");
            state = StateBlock.settings(decodeBody(b, Schemas.STATE).attrs(), b.typeRange(), diags);
        }
        List<ResourceInstance> instances = new ArrayList<>();
        for (BlockSchema schema : catalog.resources()) {
            for (Body.Block block : declared.getOrDefault(schema.type(), Map.of()).values()) {
                evaluator.takeAttributeRefs();
                Decoded d = decodeBody(block, schema);
                instances.addAll(expand(block, schema, d, evaluator.takeAttributeRefs()));
            }
        }
        List<ResourceInstance> declaredInstances = List.copyOf(instances);
        catalog.types().forEach(t -> instances.addAll(t.derive(declaredInstances)));
        Config config = new Config(location, sources, variables, sshDefaults, instances, clusterName, drift, state);
        // Each type's own rules, in the registry's order (the diagnostics are shown sorted by position).
        catalog.types().forEach(t -> t.check(config, diags));
        // The safety net under the messages above, which show values through display(): no diagnostic quotes a secret.
        diags.redact(config.redactor());
        return config;
    }

    /**
     * The directory holding the description, as a cluster name: {@code examples/seed} gives {@code seed}. Characters
     * a kubeconfig name should not hold become {@code -}.
     */
    static String defaultClusterName(Path location) {
        Path abs = location.toAbsolutePath().normalize();
        Path dir = java.nio.file.Files.isDirectory(abs) ? abs : abs.getParent();
        String name = dir == null || dir.getFileName() == null ? "" : dir.getFileName().toString();
        name = name.replaceAll("[^A-Za-z0-9_.-]+", "-").replaceAll("^[^A-Za-z0-9]+|[^A-Za-z0-9]+$", "");
        return name.isEmpty() ? "pictl" : name;
    }

    /** The drift block's values; every ignore rule is parsed, a bad one reported at its position. */
    private Config.DriftSettings driftSettings(Map<String, Value> attrs) {
        List<IgnoreRule> rules = new ArrayList<>();
        if (attrs.get("ignore") instanceof Value.ListVal l) {
            List<String> types = new ArrayList<>(catalog.names());
            types.add(IgnoreRule.HEALTH);
            for (Value item : l.items()) {
                if (!(item instanceof Value.Str s)) {
                    continue;
                }
                try {
                    IgnoreRule rule = IgnoreRule.parse(s.value());
                    if (!types.contains(rule.type())) {
                        diags.error(s.range(), "unknown type \"" + rule.type() + "\" in the ignore rule \"" + s.value()
                                + "\"" + Suggest.didYouMean(rule.type(), types), "A rule starts with a resource type ("
                                + String.join(", ", types.subList(0, types.size() - 1)) + ") or health.");
                        continue;
                    }
                    rules.add(rule);
                } catch (IllegalArgumentException e) {
                    diags.error(s.range(), "invalid ignore rule \"" + s.value() + "\"", e.getMessage() + ".");
                }
            }
        }
        boolean failOnHealth = attrs.get("fail_on_health") instanceof Value.Bool b && b.value();
        return new Config.DriftSettings(rules, failOnHealth);
    }

    // ---- pass 1: block types, labels, names ---------------------------------------------------------------

    private void index(List<HclFile> files) {
        List<String> topTypes = catalog.topLevel().stream().map(BlockSchema::type).toList();
        for (HclFile f : files) {
            for (Body.Attribute a : f.body().attributes()) {
                diags.error(a.nameRange(), "unexpected attribute \"" + a.name() + "\" at the top level",
                        "Attributes belong inside a block. Top-level blocks are: " + String.join(", ", topTypes) + ".");
            }
            for (Body.Block b : f.body().blocks()) {
                BlockSchema schema = catalog.topLevel(b.type()).orElse(null);
                if (schema == null) {
                    diags.error(b.typeRange(), "unknown block type \"" + b.type() + "\"" + Suggest.didYouMean(b.type(), topTypes),
                            "pictl understands these blocks: " + String.join(", ", topTypes) + ".");
                    continue;
                }
                if (schema.labelName() == null) {
                    if (!b.labels().isEmpty()) {
                        diags.error(b.labels().get(0).range(), article(b.type(), false) + " block takes no label",
                                "Write " + b.type() + " { ... } without a name.");
                    }
                    Body.Block first = unlabeled.get(b.type());
                    if (first != null) {
                        diags.error(b.typeRange(), "duplicate top-level " + b.type() + " block",
                                (b.type().equals("ssh") ? "The defaults are already set by the ssh block at "
                                        : "There is already a " + b.type() + " block at ")
                                        + first.typeRange().location() + ". Merge the two.");
                    } else {
                        unlabeled.put(b.type(), b);
                    }
                    continue;
                }
                if (b.labels().isEmpty()) {
                    diags.error(b.headerRange(), article(b.type(), false) + " block needs a name",
                            "Write " + b.type() + " \"NAME\" { ... }.");
                    continue;
                }
                if (b.labels().size() > 1) {
                    diags.error(b.labels().get(1).range(), article(b.type(), false) + " block takes one name, not "
                            + b.labels().size(), "Write " + b.type() + " \"" + b.labels().get(0).value() + "\" { ... }.");
                    continue;
                }
                Body.Label label = b.labels().get(0);
                if (!checkName(b, label)) {
                    continue;
                }
                Map<String, Body.Block> ofType = declared.computeIfAbsent(b.type(), k -> new LinkedHashMap<>());
                Body.Block first = ofType.get(label.value());
                if (first != null) {
                    diags.error(label.range(), "duplicate " + b.type() + " \"" + label.value() + "\"",
                            article(b.type(), true) + " with this name is already declared at "
                                    + first.labels().get(0).range().location() + ". Names must be unique per type.");
                    continue;
                }
                ofType.put(label.value(), b);
            }
        }
    }

    private boolean checkName(Body.Block b, Body.Label label) {
        String name = label.value();
        if (!REFERENCEABLE.matcher(name).matches()) {
            diags.error(label.range(), "invalid " + b.type() + " name \"" + name + "\"",
                    "Names start with a letter or \"_\" and hold letters, digits, \"_\" and \"-\", so that they can "
                            + "be referred to as " + b.type() + ".NAME.");
            return false;
        }
        LabelRule rule = catalog.labelRule(b.type());
        return rule == null || rule.check(name, label.range(), diags);
    }

    // ---- variables ----------------------------------------------------------------------------------------

    private Map<String, Config.Variable> variables() {
        Map<String, Config.Variable> out = new LinkedHashMap<>();
        Map<String, Body.Block> blocks = declared.getOrDefault("variable", Map.of());
        Map<String, Value> fileValues = pivars(blocks.keySet());
        for (Map.Entry<String, Body.Block> e : blocks.entrySet()) {
            String name = e.getKey();
            Body.Block b = e.getValue();
            Evaluator saved = evaluator;
            // Variable defaults are plain values: evaluated with no variables and no resources in scope.
            evaluator = Evaluator.literalOnly(new Functions(baseDir), diags, "the default of variable \"" + name + "\"");
            Decoded d = decodeBody(b, Schemas.VARIABLE);
            evaluator = saved;
            boolean sensitive = d.attrs().get("sensitive") instanceof Value.Bool s && s.value();
            String description = d.attrs().get("description") instanceof Value.Str s ? s.value() : "";
            Value value = null;
            String cli = inputs.cli().get(name);
            String env = inputs.environment().get("PICTL_VAR_" + name);
            if (cli != null) {
                value = parseInput("--var " + name, cli, b.headerRange());
            } else if (fileValues.containsKey(name)) {
                value = fileValues.get(name);
            } else if (env != null) {
                value = parseInput("PICTL_VAR_" + name, env, b.headerRange());
            } else if (b.body().attributes().stream().anyMatch(a -> a.name().equals("default"))) {
                // default = null makes the variable optional: attributes set from it count as not set.
                value = d.attrs().getOrDefault("default", new Value.Null(b.headerRange()));
            }
            if (value == null) {
                if (inputs.requireValues()) {
                    diags.error(b.headerRange(), "no value for required variable \"" + name + "\"",
                            "Set it with --var " + name + "=VALUE, the environment variable PICTL_VAR_" + name
                                    + ", or a line in .pivars; or give it a default.");
                }
                value = new Value.Unknown("variable " + name + " has no value", b.headerRange(), sensitive);
            }
            if (sensitive) {
                value = markSensitive(value);
            }
            out.put(name, new Config.Variable(name, sensitive, description, value, b.headerRange()));
        }
        for (String given : inputs.cli().keySet()) {
            if (!blocks.containsKey(given)) {
                diags.add(new Diagnostic(Severity.ERROR, "--var " + given + ": no variable \"" + given + "\" is declared"
                        + Suggest.didYouMean(given, blocks.keySet()),
                        "Declare it with variable \"" + given + "\" { } or drop the --var.", null));
            }
        }
        return out;
    }

    /** {@code .pivars} beside the configuration: {@code name = value} lines in HCL syntax. */
    private Map<String, Value> pivars(java.util.Set<String> declaredNames) {
        Path file = baseDir.resolve(".pivars");
        Map<String, Value> out = new HashMap<>();
        if (!BoundedFiles.existsAsEntry(file)) {
            return out;
        }
        String text;
        try {
            text = BoundedFiles.readString(file, BoundedFiles.Kind.CONFIG);
        } catch (IOException e) {
            diags.add(new Diagnostic(Severity.ERROR, "cannot read " + file + ": " + BoundedFiles.reason(e),
                    "pictl reads variable values from .pivars beside the configuration. Fix or remove it.", null));
            return out;
        }
        sources.put(file.toString(), text);
        // Its values may be secrets: what parsing and evaluating it has to say is said without quoting them (the
        // excerpt is left out too: DiagnosticsView never quotes a .pivars file).
        Diagnostics local = new Diagnostics();
        HclFile parsed = Parser.parse(file.toString(), text, local);
        Evaluator literal = Evaluator.literalOnly(new Functions(baseDir), local, "a value in .pivars");
        for (Body.Block b : parsed.body().blocks()) {
            diags.error(b.typeRange(), "unexpected block in .pivars", "A .pivars file holds name = value lines only.");
        }
        for (Body.Attribute a : parsed.body().attributes()) {
            if (!declaredNames.contains(a.name())) {
                diags.warning(a.nameRange(), "value for undeclared variable \"" + a.name() + "\""
                        + Suggest.didYouMean(a.name(), declaredNames), "No variable block declares it; it is ignored.");
                continue;
            }
            out.put(a.name(), literal.eval(a.value()));
        }
        java.util.Set<String> names = new java.util.HashSet<>();
        parsed.body().attributes().forEach(a -> names.add(a.name()));
        local.sorted().forEach(d -> diags.add(unquoted(d, text, names)));
        return out;
    }

    /**
     * A diagnostic about a variable-values file that quotes none of its values: the parser and the evaluator name
     * the text they stumbled on, and in .pivars that text may be a secret. Quoted fragments go, and so does every
     * word of the file that is not a variable's name.
     */
    static Diagnostic unquoted(Diagnostic d, String fileText, java.util.Set<String> names) {
        String hidden = "(text not shown: .pivars may hold secrets)";
        String summary = d.summary().replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", hidden).replaceAll("'[^']*'", hidden);
        java.util.List<String> words = new java.util.ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("[^\\s\"'{}\\[\\](),=$<>#]{2,}").matcher(fileText);
        while (m.find()) {
            if (!names.contains(m.group())) {
                words.add(m.group());
            }
        }
        words.sort(java.util.Comparator.comparingInt(String::length).reversed());
        for (String w : words) {
            summary = summary.replace(w, hidden);
        }
        return new Diagnostic(d.severity(), summary, d.detail(), d.subject());
    }

    /**
     * A value given on the command line or in the environment: HCL syntax when it looks like a list, map or
     * quoted string, otherwise the raw text (as Terraform does for -var).
     */
    private Value parseInput(String source, String text, SourceRange declRange) {
        String t = text.strip();
        if (t.startsWith("[") || t.startsWith("{") || t.startsWith("\"")) {
            Diagnostics local = new Diagnostics();
            HclFile f = Parser.parse(source, "v = " + text + "\n", local);
            if (!local.hasErrors() && f.body().attributes().size() == 1) {
                Evaluator literal = new Evaluator(catalog, Map.of(), Map.of(), new Functions(baseDir), local);
                Value v = literal.eval(f.body().attributes().get(0).value());
                if (!local.hasErrors()) {
                    return Evaluator.withRange(v, declRange);
                }
            }
            diags.add(new Diagnostic(Severity.ERROR, source + ": invalid value",
                    "The value starts like HCL ([...], {...} or \"...\") but does not parse as one. "
                            + "Quote it for the shell, e.g. --var 'name=[\"a\", \"b\"]'.", null));
            return new Value.Unknown("invalid input", declRange, false);
        }
        return new Value.Str(text, declRange, false);
    }

    /** A map key for a message: quoted, or "(sensitive value)" when its entry is sensitive. */
    static String displayKey(String key, Value entry) {
        return entry.holdsSensitive() ? "(sensitive value)" : "\"" + key + "\"";
    }

    static Value markSensitive(Value v) {
        if (v instanceof Value.Str s) {
            return new Value.Str(s.value(), s.range(), true);
        } else if (v instanceof Value.Num n) {
            return new Value.Num(n.value(), n.range(), true);
        } else if (v instanceof Value.Bool b) {
            return new Value.Bool(b.value(), b.range(), true);
        } else if (v instanceof Value.ListVal l) {
            return new Value.ListVal(l.items().stream().map(Decoder::markSensitive).toList(), l.range(), true);
        } else if (v instanceof Value.MapVal m) {
            Map<String, Value> e = new LinkedHashMap<>();
            m.entries().forEach((k, x) -> e.put(k, markSensitive(x)));
            return new Value.MapVal(e, m.keyRanges(), m.range(), true);
        } else if (v instanceof Value.Unknown u) {
            return new Value.Unknown(u.reason(), u.range(), true);
        }
        return v;
    }

    // ---- bodies -------------------------------------------------------------------------------------------

    private Decoded decodeBody(Body.Block block, BlockSchema schema) {
        String where = block.describe();
        Map<String, Value> attrs = new LinkedHashMap<>();
        Map<String, SourceRange> seen = new HashMap<>();
        for (Body.Attribute a : block.body().attributes()) {
            SourceRange first = seen.putIfAbsent(a.name(), a.nameRange());
            if (first != null) {
                diags.error(a.nameRange(), "duplicate attribute \"" + a.name() + "\" in " + where,
                        "\"" + a.name() + "\" is already set at " + first.location() + ". Keep one of them.");
                continue;
            }
            AttributeSchema as = schema.attribute(a.name()).orElse(null);
            if (as == null) {
                if (schema.block(a.name()).isPresent()) {
                    diags.error(a.nameRange(), "\"" + a.name() + "\" is a block, not an attribute",
                            "Write " + a.name() + " { ... } without \"=\".");
                } else {
                    diags.error(a.nameRange(), "unknown attribute \"" + a.name() + "\" in " + where
                                    + Suggest.didYouMean(a.name(), schema.memberNames()),
                            article(schema.type(), true) + " block accepts: " + String.join(", ", schema.memberNames()) + ".");
                }
                continue;
            }
            Value v = conform(evaluator.eval(a.value()), as, where);
            if (v != null) {
                attrs.put(a.name(), v);
            }
        }
        Map<String, Decoded> nested = new LinkedHashMap<>();
        for (Body.Block nb : block.body().blocks()) {
            BlockSchema ns = schema.block(nb.type()).orElse(null);
            if (ns == null) {
                if (schema.attribute(nb.type()).isPresent()) {
                    diags.error(nb.typeRange(), "\"" + nb.type() + "\" is an attribute, not a block",
                            "Write " + nb.type() + " = VALUE.");
                    seen.putIfAbsent(nb.type(), nb.typeRange()); // written, if wrongly: not also "missing"
                } else {
                    diags.error(nb.typeRange(), "unknown block \"" + nb.type() + "\" in " + where
                                    + Suggest.didYouMean(nb.type(), schema.memberNames()),
                            schema.blocks().isEmpty() ? article(schema.type(), true) + " block has no nested blocks."
                                    : article(schema.type(), true) + " block may contain: "
                                    + String.join(", ", schema.blocks().stream().map(BlockSchema::type).toList()) + ".");
                }
                continue;
            }
            if (!nb.labels().isEmpty()) {
                diags.error(nb.labels().get(0).range(), "a nested " + nb.type() + " block takes no label",
                        "Write " + nb.type() + " { ... }.");
                continue;
            }
            if (nested.containsKey(nb.type())) {
                diags.error(nb.typeRange(), "duplicate " + nb.type() + " block in " + where,
                        "Merge the settings into one " + nb.type() + " block.");
                continue;
            }
            nested.put(nb.type(), decodeBody(nb, ns));
        }
        for (AttributeSchema as : schema.attributes()) {
            if (as.required() && !attrs.containsKey(as.name()) && !seen.containsKey(as.name())) {
                diags.error(block.headerRange(), "missing required attribute \"" + as.name() + "\" in " + where,
                        "Add " + as.name() + " = ... (" + as.typeDescription() + expectedForm(as) + "): " + as.doc());
            }
        }
        return new Decoded(attrs, nested);
    }

    /**
     * Checks a value against an attribute's type and rules, converting where HCL would (a number or bool to a
     * string, a numeric string to a number). Returns the value to keep, or null after reporting.
     */
    private Value conform(Value v, AttributeSchema as, String where) {
        if (v instanceof Value.Unknown) {
            return v;
        }
        if (v instanceof Value.Null) {
            if (as.required()) {
                diags.error(v.range(), "\"" + as.name() + "\" in " + where + " cannot be null",
                        "It is required: give it a value.");
            }
            return null;
        }
        String n = as.name();
        switch (as.type()) {
            case STRING -> {
                String s = Functions.asString(v);
                if (s == null) {
                    return wrongType(v, as, where, "a string");
                }
                Value.Str str = new Value.Str(s, v.range(), v.sensitive() || as.sensitive());
                return checkString(str, as, where) ? str : null;
            }
            case NUMBER -> {
                BigDecimal num = v instanceof Value.Num x ? x.value() : parseNumber(v);
                if (num == null) {
                    return wrongType(v, as, where, "a number");
                }
                if (!as.check().acceptsNumber(num)) {
                    diags.error(v.range(), "invalid " + n + " " + display(v) + " in " + where, "It must be "
                            + as.check().description() + ".");
                    return null;
                }
                return new Value.Num(num, v.range(), v.sensitive());
            }
            case BOOL -> {
                if (v instanceof Value.Bool) {
                    return v;
                }
                if (v instanceof Value.Str s && (s.value().equals("true") || s.value().equals("false"))) {
                    return new Value.Bool(Boolean.parseBoolean(s.value()), v.range(), v.sensitive());
                }
                return wrongType(v, as, where, "true or false");
            }
            case STRING_LIST -> {
                if (!(v instanceof Value.ListVal l)) {
                    return wrongType(v, as, where, "a list of strings, e.g. [\"a\", \"b\"]");
                }
                List<Value> items = new ArrayList<>();
                boolean ok = true;
                for (Value item : l.items()) {
                    if (item instanceof Value.Unknown) {
                        items.add(item);
                        continue;
                    }
                    String s = Functions.asString(item);
                    if (s == null) {
                        diags.error(item.range(), "wrong type in " + n + " of " + where + ": expected a string, got a "
                                + item.typeName(), n + " is a list of strings" + refHint(item));
                        ok = false;
                        continue;
                    }
                    Value.Str str = new Value.Str(s, item.range(), item.sensitive());
                    ok &= checkString(str, as, where);
                    items.add(str);
                }
                return ok ? new Value.ListVal(items, l.range(), l.sensitive()) : null;
            }
            case MAP -> {
                if (!(v instanceof Value.MapVal m)) {
                    return wrongType(v, as, where, "a map, e.g. { \"key\" = \"value\" }");
                }
                boolean ok = true;
                for (Map.Entry<String, Value> e : m.entries().entrySet()) {
                    Value x = e.getValue();
                    boolean scalar = Functions.asString(x) != null || x instanceof Value.Unknown;
                    boolean listOfScalars = x instanceof Value.ListVal xl
                            && xl.items().stream().allMatch(i -> Functions.asString(i) != null || i instanceof Value.Unknown);
                    if (!scalar && !listOfScalars) {
                        diags.error(x.range(), "wrong type for key " + displayKey(e.getKey(), x) + " in " + n + " of " + where
                                        + ": got a " + x.typeName(),
                                "Map values are strings, numbers, bools or lists of them" + refHint(x));
                        ok = false;
                    }
                }
                return ok ? v : null;
            }
            case ANY -> {
                return v;
            }
            case NODE_REF, REF -> {
                return checkRef(v, as, where) ? v : null;
            }
            case NODE_REF_LIST, REF_LIST -> {
                if (!(v instanceof Value.ListVal l)) {
                    String eg = as.type() == AttrType.NODE_REF_LIST ? "[node.pi-1, node.pi-2]" : "[runtime.docker]";
                    return wrongType(v, as, where, "a list of references, e.g. " + eg);
                }
                boolean ok = true;
                for (Value item : l.items()) {
                    if (item instanceof Value.Unknown) {
                        continue;
                    }
                    if (as.type() == AttrType.REF_LIST) {
                        if (!(item instanceof Value.Ref)) {
                            diags.error(item.range(), "wrong type in " + n + " of " + where + ": expected a reference, got a "
                                    + item.typeName(), "depends_on lists resources such as runtime.docker or node.pi-1, "
                                    + "without quotes.");
                            ok = false;
                        }
                    } else {
                        ok &= checkRef(item, as, where);
                    }
                }
                return ok ? v : null;
            }
        }
        throw new IllegalStateException(as.type().name());
    }

    private boolean checkRef(Value v, AttributeSchema as, String where) {
        String target = as.refTarget();
        if (v instanceof Value.Unknown) {
            return true;
        }
        if (v instanceof Value.Ref r && r.target().type().equals(target) && !r.target().hasKey()) {
            return true;
        }
        String got = v instanceof Value.Ref r ? "a reference to " + r.target() : "a " + v.typeName();
        String hint = v instanceof Value.Str s
                ? " Write " + target + "." + s.value() + " without quotes: it is a reference, not text."
                : "";
        diags.error(v.range(), "wrong type for " + as.name() + " in " + where + ": expected a reference to a " + target
                + ", got " + got, as.name() + " must name a " + target + " block, e.g. " + target + ".NAME." + hint);
        return false;
    }

    private boolean checkString(Value.Str s, AttributeSchema as, String where) {
        if (!as.allowed().isEmpty() && !as.allowed().contains(s.value())) {
            diags.error(s.range(), "invalid " + as.name() + " " + display(s) + " in " + where
                            + Suggest.didYouMean(s.value(), as.allowed()),
                    "Allowed values: " + String.join(", ", as.allowed().stream().map(x -> "\"" + x + "\"").toList()) + ".");
            return false;
        }
        if (as.check() != Check.NONE && !as.check().accepts(s.value())) {
            diags.error(s.range(), "invalid " + as.name() + " " + display(s) + " in " + where,
                    "It must be " + as.check().description() + ".");
            return false;
        }
        return true;
    }

    /** The accepted values of an attribute, for a message: ", one of ..." or ", a k3s release such as ...". */
    private static String expectedForm(AttributeSchema as) {
        if (!as.allowed().isEmpty()) {
            return ", one of " + String.join(", ", as.allowed().stream().map(x -> "\"" + x + "\"").toList());
        }
        return as.check() == Check.NONE ? "" : ", " + as.check().description();
    }

    private Value wrongType(Value v, AttributeSchema as, String where, String expected) {
        String got = v instanceof Value.Ref r ? "a reference to " + r.target() : "a " + v.typeName();
        String detail = as.name() + " must be " + expected + "." + refHint(v);
        if (v instanceof Value.Str && as.type() == AttrType.STRING_LIST) {
            detail += " A single item still needs brackets: [" + display(v) + "].";
        }
        diags.error(v.range(), "wrong type for " + as.name() + " in " + where + ": expected " + expected + ", got " + got,
                detail);
        return null;
    }

    private static String refHint(Value v) {
        return v instanceof Value.Ref r ? " A reference like " + r.target()
                + " names a block; to use one of its values write e.g. " + r.target() + ".address." : "";
    }

    private static BigDecimal parseNumber(Value v) {
        if (v instanceof Value.Str s) {
            return Parser.boundedNumber(s.value().strip());
        }
        return null;
    }

    /** A value for a message: quoted, or "(sensitive value)". */
    static String display(Value v) {
        return NodeText.display(v);
    }

    // ---- expansion ----------------------------------------------------------------------------------------

    private List<ResourceInstance> expand(Body.Block block, BlockSchema schema, Decoded d, List<Value.Ref> attributeRefs) {
        String name = block.labels().get(0).value();
        List<ResourceInstance> out = new ArrayList<>();
        if (schema.perNode()) {
            if (!(d.attrs().get("nodes") instanceof Value.ListVal list)) {
                return out;
            }
            if (list.items().isEmpty()) {
                diags.error(list.range(), "nodes of " + block.describe() + " is empty",
                        "List at least one node, e.g. nodes = [node.pi-1].");
            }
            Map<String, SourceRange> seen = new HashMap<>();
            for (Value item : list.items()) {
                if (!(item instanceof Value.Ref r)) {
                    continue;
                }
                String node = r.target().name();
                SourceRange first = seen.putIfAbsent(node, r.range());
                if (first != null) {
                    diags.error(r.range(), "node \"" + node + "\" is listed twice in nodes of " + block.describe(),
                            "It is already listed at " + first.location() + ". Remove one.");
                    continue;
                }
                out.add(new ResourceInstance(ResourceAddress.of(schema.type(), name, node), schema, node,
                        block.headerRange(), r.range(), d.attrs(), Map.of(), attributeRefs));
            }
            return out;
        }
        String node = catalog.block(schema.type()).map(t -> t.instanceNode(name, d.attrs())).orElse(null);
        Map<String, Value> ssh = d.nested().containsKey("ssh") ? d.nested().get("ssh").attrs() : Map.of();
        out.add(new ResourceInstance(ResourceAddress.of(schema.type(), name), schema, node, block.headerRange(), null,
                d.attrs(), ssh, attributeRefs));
        return out;
    }

    /** "a node", "an ssh": the indefinite article for a block type in messages. */
    static String article(String type, boolean capital) {
        String a = type.equals("ssh") ? "an " : "a ";
        return (capital ? Character.toUpperCase(a.charAt(0)) + a.substring(1) : a) + type;
    }
}
