package dev.pictl.plan.kind;

import dev.pictl.diag.SourceRange;
import dev.pictl.resource.Value;

/**
 * How the cluster is reached: the node that runs its API server, and the address and port clients use. A resource
 * type family declares it from the description (the k3s family: {@code types.k3s.ApiServer}); the registry hands it
 * to the planner ({@link Kinds#endpoint}), the applier and the engine, so no layer looks for the server itself.
 */
public interface ClusterEndpoint {
    /** The node that runs the API server (where {@code k3s kubectl} runs). */
    String node();

    /** The node's address as the description gives it: a string, an unknown value, or null when it has none. */
    Value addressValue();

    /** Where the server is declared (its block's header), for messages when its address is missing. */
    SourceRange declaredAt();

    /** The API port: the server's own setting, else the default. */
    int port();

    /** The described address, or null when it is not known (no value, or an unset variable). */
    default String address() {
        return addressValue() instanceof Value.Str s ? s.value() : null;
    }

    /** Whether the described address is sensitive (then a view shows a placeholder instead). */
    default boolean addressSensitive() {
        return addressValue() != null && addressValue().holdsSensitive();
    }

    /** {@code https://ADDRESS:PORT} for the described address; null when it is not known. */
    default String url() {
        return address() == null ? null : url(address());
    }

    /** {@code https://HOST:PORT} for another host with the same port (a simulated board's loopback address). */
    String url(String host);

    /**
     * The nodes whose datastore needs a quorum (the servers of a cluster with embedded etcd, the first first); empty
     * for a single server. The applier takes them out of service one at a time (docs/ha.md).
     */
    default java.util.List<String> quorumMembers() {
        return java.util.List.of();
    }
}
