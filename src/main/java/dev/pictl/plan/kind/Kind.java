package dev.pictl.plan.kind;

import dev.pictl.plan.AttributeChange;
import dev.pictl.resource.ResourceInstance;
import dev.pictl.state.ResourceState;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The planner's view of one resource type. Attribute values are canonical: String, Long, Boolean,
 * List&lt;String&gt; and Map&lt;String, Object&gt;; sensitive attributes hold keyed hashes.
 */
public interface Kind {
    String type();

    /** The attributes the description asks for. */
    Map<String, Object> desired(ResourceInstance instance, PlanContext ctx);

    /**
     * What the nodes show for this resource.
     *
     * @param instance the desired instance, or null when the resource is only in the state (to be deleted)
     * @param prior    the resource's entry in the state, or null
     */
    Observed observe(ResourceInstance instance, ResourceState prior, String node, PlanContext ctx);

    /** Attribute names that are always sensitive, whatever the description writes (the k3s token). */
    default Set<String> sensitive() {
        return Set.of();
    }

    /**
     * Pseudo-attributes that an observation has only as a leftover of an apply that did not finish (e.g. a cordon
     * pictl left behind): drift reports one even though the state never recorded it.
     */
    default Set<String> leftovers() {
        return Set.of();
    }

    /**
     * The sensitive attributes of one instance: the {@linkplain #sensitive() always sensitive} ones, and every
     * attribute whose described value holds a sensitive value anywhere inside (a sensitive variable, or a value made
     * from one: an interpolation, a list or map item, a function's result), as Terraform's marks propagate. A kind
     * whose attribute is made from other attributes (or other blocks) adds those.
     *
     * @param instance the described instance, or null (then only the always sensitive ones)
     */
    default Set<String> sensitive(ResourceInstance instance, PlanContext ctx) {
        Set<String> out = new java.util.TreeSet<>(sensitive());
        if (instance != null) {
            instance.attributes().forEach((k, v) -> {
                if (v.holdsSensitive()) {
                    out.add(k);
                }
            });
        }
        return out;
    }

    /** Whether the kind compares every list attribute as a set ({@link #same}), so its hashes must too. */
    default boolean unorderedLists() {
        return false;
    }

    /** Attributes whose change replaces the resource (beyond the schema's forces-replacement flags). */
    default Set<String> replacing() {
        return Set.of();
    }

    /** Whether two values of an attribute mean the same (e.g. lists compared as sets). */
    default boolean same(String attribute, Object desired, Object observed) {
        return Objects.equals(desired, observed);
    }

    /** Whether applying these changes reboots the node. */
    default boolean reboots(List<AttributeChange> changes) {
        return false;
    }

    /**
     * The reason a plan gives for an update whose only change is this attribute, when that means something pending
     * rather than an edit (a reboot not yet booted, a stopped service, a cordon left behind); null otherwise.
     */
    default dev.pictl.plan.ActionReason pendingReason(String attribute) {
        return null;
    }

    /**
     * The reason a plan gives for an update with these changes when it is more than "attributes differ" (k3s
     * restarts for a config change); null otherwise. {@link #pendingReason} wins for a single pending attribute.
     */
    default dev.pictl.plan.ActionReason updateReason(Map<String, Object> before, List<AttributeChange> changes) {
        return null;
    }

    /**
     * What data a delete or replace of the resource would lose, from the observation's note (a volume's directory
     * that holds files); null when nothing would be lost, which is the default.
     */
    default String dataLoss(Observed.Present observed) {
        return null;
    }

    /**
     * Whether the type's objects live in the Kubernetes cluster: read and changed through the API server's node
     * ({@link ClusterEndpoint#node()}), so they cannot be checked while that node cannot be reached (drift reports
     * them under it). False for what lives on a node's own disk.
     */
    default boolean inCluster() {
        return false;
    }

    /**
     * Whether the type's objects belong to the cluster as a whole rather than to one node (a StorageClass; a
     * PersistentVolume is in the cluster but tied to its node): the plan lists them under "cluster". Implies
     * {@link #inCluster()}.
     */
    default boolean clusterWide() {
        return false;
    }

    /** Whether deleting the resource drains its node first (it takes the node out of the cluster). */
    default boolean drainsBeforeDelete() {
        return false;
    }

    /**
     * What the state entry claims while a change runs ({@code in_progress}, until the change is recorded): by
     * default what was recorded before. A type whose observation depends on what pictl manages claims what the
     * change is about to write, so that an apply stopped halfway leaves nothing pictl no longer knows is its own:
     * kernel_params claims the tokens it adds, and the next plan removes them if the description dropped them.
     */
    default Map<String, Object> claimed(Map<String, Object> recorded, Map<String, Object> after) {
        return recorded;
    }

    /**
     * Sensitive list attributes whose elements the state also keeps one keyed hash each of, as the plain attribute
     * {@code NAME_hashes} (sorted, distinct): a kind that manages the elements one by one (kernel_params' tokens)
     * then still knows which elements on a board are its own after one leaves the description, though the list is
     * recorded only as one hash. Empty by default.
     */
    default Set<String> hashedByElement() {
        return Set.of();
    }

    /**
     * Whether deleting the resource, as the probe saw it ({@code observed}, sensitive values masked), reboots its
     * node: e.g. kernel_params, when the running kernel still has a token the delete takes out of cmdline.txt.
     */
    default boolean rebootsOnDelete(Observed.Present observed, String node, PlanContext ctx) {
        return false;
    }

    /**
     * Type-specific checks of a planned change, e.g. a refused downgrade: report errors and warnings to the
     * context's diagnostics.
     */
    default void check(ResourceInstance instance, Map<String, Object> before, List<AttributeChange> changes,
                       PlanContext ctx) {
    }

    /**
     * Checks across the whole plan, once per type after every change is planned (a type whose rules concern other
     * types' changes: the k3s server refuses a reboot of an etcd member that would lose quorum): report errors and
     * warnings to the context's diagnostics.
     */
    default void checkPlan(List<dev.pictl.plan.ResourceChange> changes, PlanContext ctx) {
    }

    /**
     * Advice about a described resource from what the probe saw, whatever its action (a small board running the
     * server with no memory reserved): warnings to the context's diagnostics. Called once per resource per plan.
     */
    default void advise(ResourceInstance instance, PlanContext ctx) {
    }
}
