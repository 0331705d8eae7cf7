package dev.pictl.schema;

import dev.pictl.resource.AttributeSchema;
import dev.pictl.resource.BlockSchema;
import dev.pictl.resource.Check;
import dev.pictl.config.Catalog;
import dev.pictl.resource.Schemas;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Generates {@code docs/resources.md}: one section per block type, from the language's blocks and the registry's. */
public final class ResourceDocs {
    private ResourceDocs() {
    }

    public static String markdown(Catalog catalog) {
        StringBuilder md = new StringBuilder();
        md.append("# Block reference\n\n");
        // The comment's wording predates the per-type packages and is kept so that the page stays byte-identical; the
        // resource types' schemas are in their own packages (dev.pictl.types.*), listed by the registry.
        md.append("<!-- Generated from src/main/java/dev/pictl/resource/Schemas.java by dev.pictl.schema.Generate. "
                + "Do not edit: change Schemas.java and run\n"
                + "     mvn -q -B test -Dtest=GeneratedFilesTest -Dpictl.golden.update=true -->\n\n");
        md.append("Every block a pictl configuration may contain, with its attributes. How to write a configuration "
                + "(files, variables, references, expressions, diagnostics) is in [configuration.md](configuration.md). "
                + "The same definitions as a JSON Schema: [`schema/config.schema.json`](../schema/config.schema.json).\n\n");
        md.append("| block | written as | referred to as |\n|---|---|---|\n");
        for (BlockSchema b : catalog.topLevel()) {
            md.append("| [`").append(b.type()).append("`](#").append(b.type()).append(") | `").append(header(b))
                    .append("` | ").append(address(b)).append(" |\n");
        }
        md.append("\nIn the attribute tables, **forces replacement** means a change replaces the resource (delete, "
                + "then create) instead of updating it in place; **sensitive** means the value is never shown in output "
                + "and never stored in clear. An attribute without a default and not required is simply absent when "
                + "not set.\n");
        for (BlockSchema b : catalog.topLevel()) {
            section(md, b);
        }
        return md.toString();
    }

    private static void section(StringBuilder md, BlockSchema b) {
        md.append("\n## `").append(b.type()).append("`\n\n");
        md.append("`").append(header(b)).append("`\n\n");
        md.append(b.doc()).append("\n\n");
        md.append("| attribute | type | required | default | forces replacement | sensitive | description |\n");
        md.append("|---|---|---|---|---|---|---|\n");
        for (AttributeSchema a : b.attributes()) {
            md.append("| `").append(a.name()).append("` | ").append(cell(a.typeDescription()))
                    .append(" | ").append(yesNo(a.required()))
                    .append(" | ").append(a.defaultValue() == null ? "" : "`" + cell(hcl(a.defaultValue())) + "`")
                    .append(" | ").append(yesNo(a.forcesReplacement()))
                    .append(" | ").append(yesNo(a.sensitive()))
                    .append(" | ").append(cell(describe(a))).append(" |\n");
        }
        for (BlockSchema nested : b.blocks()) {
            md.append("\nNested block: [`").append(nested.type()).append("`](#").append(nested.type())
                    .append("), at most one, without a label; it takes the same attributes as the top-level `")
                    .append(nested.type()).append("` block and overrides them for this ").append(b.type()).append(".\n");
        }
        md.append("\n**Addresses.** ").append(addressNote(b)).append("\n\n");
        md.append("**Example**\n\n```hcl\n").append(b.example().strip()).append("\n```\n");
    }

    /** An attribute's doc with its value rules, for the docs table and the JSON Schema's description. */
    static String describe(AttributeSchema a) {
        StringBuilder s = new StringBuilder(a.doc().strip());
        if (a.check() != Check.NONE) {
            s.append(" Must be ").append(a.check().description()).append('.');
        }
        if (!a.allowed().isEmpty()) {
            s.append(a.type() == dev.pictl.resource.AttrType.STRING_LIST ? " Items: " : " One of: ")
                    .append(a.allowed().stream().map(v -> "`" + v + "`").collect(Collectors.joining(", "))).append('.');
        }
        return s.toString();
    }

    private static String header(BlockSchema b) {
        return b.labelName() == null ? b.type() + " { ... }"
                : b.type() + " \"" + b.labelName().toUpperCase(java.util.Locale.ROOT) + "\" { ... }";
    }

    private static String address(BlockSchema b) {
        if (b.type().equals("variable")) {
            return "`var.NAME`";
        }
        if (b.labelName() == null) {
            return "(settings, not a resource)";
        }
        return b.perNode() ? "`" + b.type() + ".NAME[\"NODE\"]`, one per node" : "`" + b.type() + ".NAME`";
    }

    private static String addressNote(BlockSchema b) {
        String t = b.type();
        if (t.equals("variable")) {
            return "Not a resource: its value is used as `var.NAME` anywhere an expression is allowed "
                    + "(except in another variable's `default`).";
        }
        if (b.labelName() == null) {
            return "Not a resource: it has no address and cannot be referred to.";
        }
        if (b.perNode()) {
            return "One instance per node listed in `nodes`: `" + t + " \"x\"` with `nodes = [node.pi-1, node.pi-2]` "
                    + "has the instances `" + t + ".x[\"pi-1\"]` and `" + t + ".x[\"pi-2\"]`, which `plan` and "
                    + "`graph` show and change separately. Refer to the whole block as `" + t + ".x` (in "
                    + "`depends_on`: every instance), to one instance as `" + t + ".x[\"pi-1\"]`, and to an "
                    + "attribute the block sets as `" + t + ".x.ATTRIBUTE`.";
        }
        return "`" + t + ".NAME`. Refer to it as `" + t + ".NAME`, and to an attribute the block sets as `" + t
                + ".NAME.ATTRIBUTE`.";
    }

    private static String yesNo(boolean b) {
        return b ? "yes" : "no";
    }

    /** A Markdown table cell: no line breaks, no unescaped pipes. */
    private static String cell(String s) {
        return s.replace("\n", " ").replace("|", "\\|");
    }

    /** A default value written as HCL. */
    static String hcl(Object v) {
        if (v instanceof String s) {
            return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        } else if (v instanceof List<?> l) {
            return l.stream().map(ResourceDocs::hcl).collect(Collectors.joining(", ", "[", "]"));
        } else if (v instanceof Map<?, ?> m) {
            return m.isEmpty() ? "{}" : new java.util.TreeMap<>(m).entrySet().stream()
                    .map(e -> hcl(String.valueOf(e.getKey())) + " = " + hcl(e.getValue()))
                    .collect(Collectors.joining(", ", "{ ", " }"));
        }
        return String.valueOf(v);
    }
}
