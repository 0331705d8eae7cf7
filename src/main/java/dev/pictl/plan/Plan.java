package dev.pictl.plan;

import dev.pictl.diag.Diagnostic;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A plan: data that apply executes exactly.
 *
 * @param mode         normal, destroy or refresh-only
 * @param pictlVersion the pictl that made it
 * @param lineage      the state's lineage it was made against (null: no state yet)
 * @param serial       the state's serial it was made against (0: no state yet)
 * @param configHash   a hash of the configuration files it was made from
 * @param changes      every resource's planned change (no-ops included), in apply order: creates and updates in
 *                     dependency order, then deletes in reverse dependency order
 * @param drift        changes made outside pictl: the state of the last apply against what the nodes show
 * @param unknown      resources that could not be observed (their node unreachable), with the reason
 * @param diagnostics  warnings (preflight health) and errors found while planning
 * @param nodes        every node's address and a one-line description, by name, for grouping
 * @param targets      the --target addresses, empty for all
 * @param upgradeOs    whether the plan installs pending OS updates ({@code --upgrade-os}, issue 15)
 * @param updates      OS updates available on the nodes, for people: not changes (they do not count for
 *                     {@code --detailed-exitcode}); without {@code --upgrade-os} apply installs none of them
 */
public record Plan(PlanMode mode, String pictlVersion, String lineage, long serial, String configHash,
                   List<ResourceChange> changes, List<ResourceChange> drift, List<Unknown> unknown,
                   List<Diagnostic> diagnostics, Map<String, NodeInfo> nodes, List<String> targets,
                   boolean upgradeOs, List<UpdatesAvailable> updates) {
    public Plan {
        Objects.requireNonNull(mode, "mode");
        updates = updates == null ? List.of() : List.copyOf(updates);
        changes = List.copyOf(changes);
        drift = List.copyOf(drift);
        unknown = List.copyOf(unknown);
        diagnostics = List.copyOf(diagnostics);
        nodes = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(nodes));
        targets = List.copyOf(targets);
    }

    /** A plan without OS updates (every plan before issue 15). */
    public Plan(PlanMode mode, String pictlVersion, String lineage, long serial, String configHash,
                List<ResourceChange> changes, List<ResourceChange> drift, List<Unknown> unknown,
                List<Diagnostic> diagnostics, Map<String, NodeInfo> nodes, List<String> targets) {
        this(mode, pictlVersion, lineage, serial, configHash, changes, drift, unknown, diagnostics, nodes, targets,
                false, List.of());
    }

    /** The same plan with other diagnostics. */
    public Plan withDiagnostics(List<Diagnostic> other) {
        return new Plan(mode, pictlVersion, lineage, serial, configHash, changes, drift, unknown, other, nodes, targets,
                upgradeOs, updates);
    }

    /**
     * OS updates waiting on one node, as its local package lists tell (no network): a line of the plan's "Updates
     * available" section.
     *
     * @param node             the node
     * @param address          the os_updates resource that covers it
     * @param total            upgradable packages (held ones left out)
     * @param security         of those, from a security archive
     * @param installs         of those, what the block's policy ({@code updates}) installs
     * @param rebootPackages   kernel and firmware packages among those installed (they need a reboot)
     * @param rebootRequired   whether {@code /run/reboot-required} is there already
     * @param reboots          whether installing them reboots the node ({@code reboot = "if-required"})
     */
    public record UpdatesAvailable(String node, String address, int total, int security, int installs,
                                   List<String> rebootPackages, boolean rebootRequired, boolean reboots) {
        public UpdatesAvailable {
            Objects.requireNonNull(node);
            rebootPackages = List.copyOf(rebootPackages);
        }

        /** Whether a reboot is needed once they are installed (whatever the policy says). */
        public boolean needsReboot() {
            return rebootRequired || !rebootPackages.isEmpty();
        }
    }

    /** A resource whose state could not be read. */
    public record Unknown(dev.pictl.addr.ResourceAddress address, String node, String reason) {
    }

    /** What the plan knows of a node for display. */
    public record NodeInfo(String name, String address, String description, boolean reachable) {
    }

    public long count(Action a) {
        return changes.stream().filter(c -> c.action() == a).count();
    }

    /** Terraform's counting: a replacement adds one and destroys one. */
    public long toAdd() {
        return count(Action.CREATE) + count(Action.REPLACE);
    }

    public long toChange() {
        return count(Action.UPDATE);
    }

    public long toDestroy() {
        return count(Action.DELETE) + count(Action.REPLACE);
    }

    /**
     * Resources the last apply left {@code in_progress} whose nodes already match: apply records them, touching no
     * node ({@link ActionReason#UNFINISHED}).
     */
    public List<ResourceChange> unfinished() {
        return changes.stream().filter(c -> c.reason() == ActionReason.UNFINISHED).toList();
    }

    /**
     * Resources {@code pictl state rm} took out of management that their nodes still have
     * ({@link ActionReason#NOT_MANAGED}): apply neither changes nor records them.
     */
    public List<ResourceChange> unmanaged() {
        return changes.stream().filter(c -> c.reason() == ActionReason.NOT_MANAGED).toList();
    }

    /** Whether apply has anything to do: changes, or unfinished entries to record (for refresh-only: drift). */
    public boolean hasWork() {
        return hasChanges() || mode != PlanMode.REFRESH_ONLY && !unfinished().isEmpty();
    }

    /** Whether applying it would change anything (for refresh-only: record drift). */
    public boolean hasChanges() {
        return mode == PlanMode.REFRESH_ONLY ? !drift.isEmpty() : changes.stream().anyMatch(ResourceChange::isChange);
    }

    public boolean hasErrors() {
        return diagnostics.stream().anyMatch(Diagnostic::isError) || !unknown.isEmpty();
    }
}
