package dev.pictl.resource;

import java.util.List;
import java.util.Optional;

/**
 * The schema of one block type: its labels, attributes and nested blocks.
 *
 * @param type        the block type keyword ({@code node}, {@code ssh}, ...)
 * @param labelName   the meaning of its single label ({@code "name"}), or null for a block without labels
 * @param perNode     whether the block expands to one instance per node listed in its {@code nodes} attribute
 * @param attributes  attributes in documentation order
 * @param blocks      nested block types (e.g. {@code ssh} in {@code node}); at most one of each
 * @param doc         what the block is, for {@code docs/resources.md}
 * @param example     an HCL example of the block
 */
public record BlockSchema(String type, String labelName, boolean perNode, List<AttributeSchema> attributes,
                          List<BlockSchema> blocks, String doc, String example) {
    public BlockSchema {
        attributes = List.copyOf(attributes);
        blocks = List.copyOf(blocks);
    }

    public Optional<AttributeSchema> attribute(String name) {
        return attributes.stream().filter(a -> a.name().equals(name)).findFirst();
    }

    public Optional<BlockSchema> block(String blockType) {
        return blocks.stream().filter(b -> b.type().equals(blockType)).findFirst();
    }

    /** Attribute and nested block names, for did-you-mean suggestions. */
    public List<String> memberNames() {
        return java.util.stream.Stream.concat(attributes.stream().map(AttributeSchema::name),
                blocks.stream().map(BlockSchema::type)).toList();
    }
}
