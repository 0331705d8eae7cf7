package dev.pictl.config.hcl;

import dev.pictl.diag.SourceRange;
import java.util.List;

/** The content of a file or a block: attributes and nested blocks, each list in source order. */
public record Body(List<Attribute> attributes, List<Block> blocks) {
    public Body {
        attributes = List.copyOf(attributes);
        blocks = List.copyOf(blocks);
    }

    /** {@code name = value}. {@code nameRange} covers the name, {@code range} the whole definition. */
    public record Attribute(String name, SourceRange nameRange, Expr value, SourceRange range) {
    }

    /** A block label, e.g. {@code "pi-1"} in {@code node "pi-1" { }}. */
    public record Label(String value, SourceRange range) {
    }

    /**
     * {@code type "label" ... { body }}. {@code headerRange} spans the type keyword and labels (where a
     * missing attribute is reported); {@code range} spans the whole block.
     */
    public record Block(String type, SourceRange typeRange, List<Label> labels, Body body,
                        SourceRange headerRange, SourceRange range) {
        public Block {
            labels = List.copyOf(labels);
        }

        /** {@code node "pi-1"}: how the block is named in messages. */
        public String describe() {
            StringBuilder b = new StringBuilder(type);
            for (Label l : labels) {
                b.append(" \"").append(l.value()).append('"');
            }
            return b.toString();
        }
    }
}
