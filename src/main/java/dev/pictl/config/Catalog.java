package dev.pictl.config;

import dev.pictl.resource.BlockSchema;
import dev.pictl.resource.Schemas;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The resource types a description may use, in domain order (the order of the generated docs, of the graph's
 * tie-breaks and of decoding). Made from the registry ({@code types.ResourceTypes}); the decoder knows no type but
 * through it.
 */
public final class Catalog {
    private final Map<String, ResourceBlock> byName = new LinkedHashMap<>();

    public Catalog(List<? extends ResourceBlock> types) {
        for (ResourceBlock t : types) {
            if (Schemas.LANGUAGE.stream().anyMatch(b -> b.type().equals(t.name()))
                    || byName.putIfAbsent(t.name(), t) != null) {
                throw new IllegalArgumentException("resource type \"" + t.name() + "\" is defined twice");
            }
        }
    }

    /** The resource types, in domain order. */
    public List<ResourceBlock> types() {
        return List.copyOf(byName.values());
    }

    /** The resource types' names, in domain order. */
    public List<String> names() {
        return List.copyOf(byName.keySet());
    }

    /**
     * The schemas of the resource types a description declares, in domain order (a type whose instances are only
     * derived from other blocks is left out: {@link ResourceBlock#declarable()}).
     */
    public List<BlockSchema> resources() {
        return byName.values().stream().filter(ResourceBlock::declarable).map(ResourceBlock::schema).toList();
    }

    /** The resource type of this name. */
    public Optional<ResourceBlock> block(String type) {
        return Optional.ofNullable(byName.get(type));
    }

    /** The type's own rule for its block names, or null (none, or not a resource type). */
    public LabelRule labelRule(String type) {
        return block(type).map(ResourceBlock::labelRule).orElse(null);
    }

    /** The schema of a resource type a description declares ({@link ResourceBlock#declarable()}). */
    public Optional<BlockSchema> resource(String type) {
        return Optional.ofNullable(byName.get(type)).filter(ResourceBlock::declarable).map(ResourceBlock::schema);
    }

    /** Every top-level block: the language's own, then the resource types. */
    public List<BlockSchema> topLevel() {
        List<BlockSchema> all = new ArrayList<>(Schemas.LANGUAGE);
        all.addAll(resources());
        return all;
    }

    public Optional<BlockSchema> topLevel(String type) {
        return topLevel().stream().filter(b -> b.type().equals(type)).findFirst();
    }
}
