package dev.pictl.types;

import dev.pictl.apply.Executor;
import dev.pictl.config.ResourceBlock;
import dev.pictl.graph.GraphType;
import dev.pictl.plan.kind.Kind;

/**
 * One resource type, whole: what the language, the planner and the applier need of it. Each type lives in the
 * package of its family ({@code types.host}, {@code types.k3s}, {@code types.storage}) with everything that is its
 * own, and {@link ResourceTypes#standard()} lists it. See docs/architecture.md, "Adding a resource type".
 *
 * <ul>
 *   <li>{@link #schema()}, {@link #labelRule()}, {@link #instanceNode} and {@link #check}: its block, its name
 *       rule, the node an instance is on and its own validation rules ({@link ResourceBlock});</li>
 *   <li>{@link #domainEdges}: what its instances come after beyond their references ({@link GraphType});</li>
 *   <li>{@link #kind()}: desired and observed values, diff rules, replace reasons, reboots (plan);</li>
 *   <li>{@link #executor()}: the node-side changes (apply).</li>
 * </ul>
 */
public interface ResourceType extends ResourceBlock, GraphType {
    @Override
    default String name() {
        return ResourceBlock.super.name();
    }

    /** The planner's view of the type; its {@link Kind#type()} is {@link #name()}. */
    Kind kind();

    /** What changes the type on the nodes; its {@link Executor#type()} is {@link #name()}. */
    Executor executor();
}
