package dev.pictl.schema;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pictl.resource.AttrType;
import dev.pictl.resource.AttributeSchema;
import dev.pictl.resource.BlockSchema;
import dev.pictl.resource.Check;
import dev.pictl.config.Catalog;
import dev.pictl.config.LabelRule;
import dev.pictl.resource.Schemas;
import java.util.List;

/**
 * Generates the JSON Schemas (draft 2020-12) in {@code schema/}.
 *
 * <p>{@code config.schema.json} describes one configuration file in HCL's JSON form: a top-level object keyed
 * by block type; a labelled block type is an object keyed by label; a block's body is an object of its
 * attributes and nested blocks. pictl itself reads only the native syntax; the schema is for editors and tools
 * that work on a JSON rendering. Two things a static schema cannot know are handled like this:
 *
 * <ul>
 *   <li>Expressions. In HCL's JSON form an expression is a string template ({@code "${var.k3s_token}"}), so
 *       wherever the literal value would not be a plain string (a number, an enumeration, a pattern, a list, a
 *       map) the schema also accepts a string containing {@code ${}; pictl checks its value, the schema cannot.</li>
 *   <li>References. {@code node = node.pi-1} is written {@code "node.pi-1"} or {@code "${node.pi-1}"}.</li>
 * </ul>
 *
 * Literal values are checked in their canonical type (pictl also converts as HCL does, e.g. a number where a
 * string is expected); the schema is therefore a little stricter than the validator, never looser on names.
 */
public final class SchemaGenerator {
    /** What {@code type.NAME} may use as NAME (the validator's rule for every block label). */
    static final String NAME = "[A-Za-z_][A-Za-z0-9_-]*";

    private static final String DEFS = "#/$defs/";
    private static final String EXPRESSION = "expression";
    private static final String GENERATED = "Generated from dev.pictl.resource.Schemas by dev.pictl.schema.Generate; "
            + "do not edit. Regenerate: mvn -q -B test -Dtest=GeneratedFilesTest -Dpictl.golden.update=true";

    private SchemaGenerator() {
    }

    /** {@code schema/config.schema.json}. */
    public static String configSchema(Catalog catalog) {
        ObjectNode root = Json.object();
        root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        root.put("$comment", GENERATED);
        root.put("title", "pictl cluster description");
        root.put("description", "One pictl configuration file in HCL's JSON form. pictl reads the native syntax "
                + "(*.hcl); this schema serves editors and tools working on a JSON rendering. A string containing "
                + "${...} is an expression: pictl evaluates and checks it, this schema accepts it. Reference: "
                + "docs/resources.md and docs/configuration.md.");
        root.put("type", "object");
        ObjectNode props = root.putObject("properties");
        for (BlockSchema b : catalog.topLevel()) {
            if (b.labelName() == null) {
                props.putObject(b.type()).put("$ref", DEFS + b.type());
            } else {
                ObjectNode labelled = props.putObject(b.type());
                labelled.put("description", "The " + b.type() + " blocks, keyed by " + b.labelName() + ".");
                labelled.put("type", "object");
                labelled.set("propertyNames", labelRule(catalog.labelRule(b.type())));
                labelled.putObject("additionalProperties").put("$ref", DEFS + b.type());
            }
        }
        root.put("additionalProperties", false);

        ObjectNode defs = root.putObject("$defs");
        for (BlockSchema b : catalog.topLevel()) {
            defs.set(b.type(), body(b));
        }
        ObjectNode expr = defs.putObject(EXPRESSION);
        expr.put("description", "An HCL expression as HCL's JSON form writes it: a string template such as "
                + "\"${var.k3s_token}\" or \"${node.pi-1.address}\". pictl checks the value it evaluates to.");
        expr.put("type", "string");
        expr.put("pattern", "\\$\\{");
        for (String target : referenceTargets(catalog)) {
            defs.set(refDefName(target), reference(target));
        }
        ObjectNode any = defs.putObject("resource_reference");
        // Only declared types can be referred to (a derived kube_node cannot).
        String types = String.join("|", catalog.resources().stream().map(BlockSchema::type).toList());
        String ref = "(" + types + ")\\." + NAME + "(\\[\"[^\"]+\"\\])?";
        any.put("description", "A reference to a resource: TYPE.NAME, or one instance of a per-node block such as "
                + "kernel_params.cgroups[\"pi-1\"]; bare or as \"${...}\".");
        any.put("type", "string");
        any.put("pattern", "^(" + ref + "|\\$\\{" + ref + "\\})$");
        return Json.write(root);
    }

    /** The types some attribute refers to, in the order they are first referred to (blocks in catalog order). */
    private static List<String> referenceTargets(Catalog catalog) {
        return catalog.topLevel().stream().flatMap(b -> b.attributes().stream()).map(AttributeSchema::refTarget)
                .filter(java.util.Objects::nonNull).distinct().toList();
    }

    /**
     * The names a block type accepts as its label: the type's own rule ({@code ResourceBlock.labelRule()}, which
     * the validator runs too; {@code ConfigSchemaTest} checks that both agree), or the language's.
     */
    static ObjectNode labelRule(LabelRule own) {
        ObjectNode rule = Json.object();
        if (own == null) {
            rule.put("description", "Letters, digits, _ and -, starting with a letter or _.");
            rule.put("pattern", "^" + NAME + "$");
            return rule;
        }
        rule.put("description", own.description());
        rule.put("pattern", own.pattern());
        if (own.maxLength() != null) {
            rule.put("maxLength", own.maxLength());
        }
        if (own.reserved().size() == 1) {
            rule.putObject("not").put("const", own.reserved().get(0));
        } else if (!own.reserved().isEmpty()) {
            ArrayNode none = rule.putObject("not").putArray("enum");
            own.reserved().forEach(none::add);
        }
        return rule;
    }

    private static String refDefName(String target) {
        return target + "_reference";
    }

    private static ObjectNode reference(String target) {
        ObjectNode r = Json.object();
        String ref = target + "\\." + NAME;
        r.put("description", "A reference to a " + target + " block: " + target + ".NAME, bare or as \"${"
                + target + ".NAME}\".");
        r.put("type", "string");
        r.put("pattern", "^(" + ref + "|\\$\\{" + ref + "\\})$");
        return r;
    }

    private static ObjectNode body(BlockSchema b) {
        ObjectNode o = Json.object();
        o.put("description", b.doc());
        o.put("type", "object");
        ObjectNode props = o.putObject("properties");
        for (AttributeSchema a : b.attributes()) {
            props.set(a.name(), attribute(a));
        }
        for (BlockSchema nested : b.blocks()) {
            props.putObject(nested.type()).put("$ref", DEFS + nested.type());
        }
        List<String> required = b.attributes().stream().filter(AttributeSchema::required).map(AttributeSchema::name)
                .toList();
        if (!required.isEmpty()) {
            ArrayNode req = o.putArray("required");
            required.forEach(req::add);
        }
        o.put("additionalProperties", false);
        return o;
    }

    private static ObjectNode attribute(AttributeSchema a) {
        ObjectNode o = Json.object();
        o.put("description", ResourceDocs.describe(a));
        ObjectNode value = value(a);
        if (acceptsExpression(a.type(), value)) {
            ArrayNode anyOf = o.putArray("anyOf");
            anyOf.add(value);
            anyOf.addObject().put("$ref", DEFS + EXPRESSION);
        } else {
            o.setAll(value);
        }
        if (a.defaultValue() != null) {
            o.set("default", Json.MAPPER.valueToTree(a.defaultValue()));
        }
        if (a.forcesReplacement()) {
            o.put("x-forces-replacement", true);
        }
        if (a.sensitive()) {
            o.put("x-sensitive", true);
        }
        return o;
    }

    /**
     * Whether a value may also be written as an expression string. A plain string already may; a reference may
     * not (a variable or an attribute value is never a reference); anything else needs the alternative.
     */
    private static boolean acceptsExpression(AttrType type, ObjectNode literal) {
        return switch (type) {
            case STRING -> literal.size() > 1;
            case NUMBER, BOOL, STRING_LIST, MAP -> true;
            case ANY, NODE_REF, NODE_REF_LIST, REF, REF_LIST -> false;
        };
    }

    /** The literal form of an attribute's value. */
    private static ObjectNode value(AttributeSchema a) {
        ObjectNode v = Json.object();
        switch (a.type()) {
            case STRING -> stringRules(v, a);
            case NUMBER -> {
                v.put("type", "number");
                numberRules(v, a.check());
            }
            case BOOL -> v.put("type", "boolean");
            case STRING_LIST -> {
                v.put("type", "array");
                ObjectNode item = stringRules(Json.object(), a);
                if (item.size() > 1) {
                    ObjectNode items = v.putObject("items");
                    ArrayNode anyOf = items.putArray("anyOf");
                    anyOf.add(item);
                    anyOf.addObject().put("$ref", DEFS + EXPRESSION);
                } else {
                    v.set("items", item);
                }
            }
            case MAP -> {
                v.put("type", "object");
                ArrayNode scalar = Json.NODES.arrayNode().add("string").add("number").add("boolean");
                ArrayNode anyOf = v.putObject("additionalProperties").putArray("anyOf");
                anyOf.addObject().set("type", scalar);
                ObjectNode list = anyOf.addObject();
                list.put("type", "array");
                list.putObject("items").set("type", scalar.deepCopy());
            }
            case ANY -> {
                // Any JSON value: a variable's default can be a string, number, bool, list, map or null.
            }
            case NODE_REF, REF -> v.put("$ref", DEFS + refDefName(a.refTarget()));
            case NODE_REF_LIST -> {
                v.put("type", "array");
                v.putObject("items").put("$ref", DEFS + refDefName(a.refTarget()));
            }
            case REF_LIST -> {
                v.put("type", "array");
                v.putObject("items").put("$ref", DEFS + "resource_reference");
            }
        }
        return v;
    }

    private static ObjectNode stringRules(ObjectNode v, AttributeSchema a) {
        v.put("type", "string");
        if (!a.allowed().isEmpty()) {
            ArrayNode e = v.putArray("enum");
            a.allowed().forEach(e::add);
        }
        switch (a.check()) {
            case NONE, PORT -> {
            }
            // No regular expression for "IPv4, IPv6 or host name" is both right and readable; pictl checks it.
            case ADDRESS -> v.put("minLength", 1);
            case K8S_QUANTITY, K3S_VERSION, ABSOLUTE_PATH, JUMP_HOST, DURATION -> v.put("pattern", a.check().pattern());
        }
        return v;
    }

    private static void numberRules(ObjectNode v, Check check) {
        switch (check) {
            case PORT -> {
                v.put("type", "integer");
                v.put("minimum", 1);
                v.put("maximum", 65535);
            }
            case K8S_QUANTITY -> v.put("minimum", 0);
            case NONE, ADDRESS, K3S_VERSION, ABSOLUTE_PATH, JUMP_HOST, DURATION -> {
            }
        }
    }

    /** {@code schema/diagnostics.schema.json}: the output of {@code pictl validate --json}. */
    public static String diagnosticsSchema() {
        ObjectNode root = Json.object();
        root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        root.put("$comment", "Generated by dev.pictl.schema.Generate; do not edit. The shape is produced by "
                + "dev.pictl.cli.view.DiagnosticsView; a test validates real output against this schema.");
        root.put("title", "pictl diagnostics");
        root.put("description", "What pictl validate --json prints on standard output: every error and warning "
                + "of one run, in file and position order.");
        root.put("type", "object");
        ObjectNode p = root.putObject("properties");
        ObjectNode fv = p.putObject("format_version");
        fv.put("description", "Version of this format. A change that could break a reader changes it.");
        fv.put("const", "1.0");
        p.putObject("valid").put("description", "True when there are no errors (warnings do not count).")
                .put("type", "boolean");
        count(p.putObject("error_count"), "Number of diagnostics with severity error.");
        count(p.putObject("warning_count"), "Number of diagnostics with severity warning.");
        ObjectNode list = p.putObject("diagnostics");
        list.put("description", "Sorted by file, then position; errors before warnings at the same position.");
        list.put("type", "array");
        list.putObject("items").put("$ref", DEFS + "diagnostic");
        required(root, "format_version", "valid", "error_count", "warning_count", "diagnostics");
        root.put("additionalProperties", false);
        // valid is exactly "no errors".
        root.putObject("if").putObject("properties").putObject("valid").put("const", true);
        root.putObject("then").putObject("properties").putObject("error_count").put("const", 0);
        root.putObject("else").putObject("properties").putObject("error_count").put("minimum", 1);

        ObjectNode defs = root.putObject("$defs");
        ObjectNode d = defs.putObject("diagnostic");
        d.put("type", "object");
        ObjectNode dp = d.putObject("properties");
        ObjectNode sev = dp.putObject("severity");
        sev.put("description", "An error makes the configuration invalid; a warning does not.");
        sev.putArray("enum").add("error").add("warning");
        dp.putObject("summary").put("description", "Short lower-case phrase, no final period, e.g. unknown attribute "
                + "\"adress\" in node \"pi-1\"; did you mean \"address\"?").put("type", "string").put("minLength", 1);
        dp.putObject("detail").put("description", "Full sentences: what is wrong and what to do. May be empty.")
                .put("type", "string");
        dp.putObject("range").put("description", "Where in which file. Absent for problems with no place in a file "
                + "(a missing configuration directory, a bad --var).").put("$ref", DEFS + "range");
        required(d, "severity", "summary", "detail");
        d.put("additionalProperties", false);

        ObjectNode r = defs.putObject("range");
        r.put("description", "A half-open range [start, end) in one file.");
        r.put("type", "object");
        ObjectNode rp = r.putObject("properties");
        rp.putObject("filename").put("description", "The file's path as pictl was given it (relative paths stay "
                + "relative to the working directory).").put("type", "string").put("minLength", 1);
        rp.putObject("start").put("$ref", DEFS + "position");
        rp.putObject("end").put("$ref", DEFS + "position");
        required(r, "filename", "start", "end");
        r.put("additionalProperties", false);

        ObjectNode pos = defs.putObject("position");
        pos.put("type", "object");
        ObjectNode pp = pos.putObject("properties");
        pp.putObject("line").put("description", "1-based line.").put("type", "integer").put("minimum", 1);
        pp.putObject("column").put("description", "1-based column, counted in UTF-16 code units (Java characters).")
                .put("type", "integer").put("minimum", 1);
        pp.putObject("offset").put("description", "0-based offset into the file's text, in UTF-16 code units.")
                .put("type", "integer").put("minimum", 0);
        required(pos, "line", "column", "offset");
        pos.put("additionalProperties", false);
        return Json.write(root);
    }

    private static void count(ObjectNode o, String description) {
        o.put("description", description);
        o.put("type", "integer");
        o.put("minimum", 0);
    }

    private static void required(ObjectNode o, String... names) {
        ArrayNode a = o.putArray("required");
        for (String n : names) {
            a.add(n);
        }
    }
}
