package dev.pictl.plan;

import dev.pictl.addr.ResourceAddress;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The planned change of one resource instance.
 *
 * @param address      the instance
 * @param node         the node it is on, or null (storage objects live in the cluster)
 * @param action       what happens
 * @param reason       why
 * @param before       attributes as observed (null for create)
 * @param after        attributes as described (null for delete)
 * @param sensitive    names of sensitive attributes (their values in before/after are keyed hashes)
 * @param changes      the attributes that differ, in schema order
 * @param reboot       whether the change reboots the node
 * @param drain        whether the node is drained first (it is in the cluster)
 * @param dataLoss     a description of data that would be lost, or null
 * @param fingerprint  a hash of what the probe saw for this resource (a saved plan's staleness check)
 * @param dependencies the resources this one depends on
 */
public record ResourceChange(ResourceAddress address, String node, Action action, ActionReason reason,
                             Map<String, Object> before, Map<String, Object> after, Set<String> sensitive,
                             List<AttributeChange> changes, boolean reboot, boolean drain, String dataLoss,
                             String fingerprint, List<ResourceAddress> dependencies) {
    public ResourceChange {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(reason, "reason");
        before = before == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(before));
        after = after == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(after));
        sensitive = Collections.unmodifiableSet(new TreeSet<>(sensitive));
        changes = List.copyOf(changes);
        dependencies = List.copyOf(dependencies);
    }

    public boolean isChange() {
        return action != Action.NO_OP;
    }
}
