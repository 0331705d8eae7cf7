package dev.pictl.apply;

import dev.pictl.addr.ResourceAddress;
import dev.pictl.config.Config;
import dev.pictl.diag.Redactor;
import dev.pictl.resource.ResourceInstance;
import dev.pictl.resource.Schemas;
import dev.pictl.resource.Value;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What apply may learn from the description beyond the plan it executes, and nothing else: the values behind the
 * plan's secret handles, which nodes the description still has (and at which address), and what free text must not
 * show. The plan itself never holds a secret (a sensitive attribute is a keyed hash in it, a saved plan file
 * included): an executor that needs one names it as a handle, the resource's address and the attribute, and apply
 * resolves it here, from the variables it was run with. Executors never see the description itself.
 */
public interface Described {
    /** The value behind a secret handle: a sensitive attribute of a described resource; empty if it has none. */
    Optional<String> secret(ResourceAddress address, String attribute);

    /** The node's address as the description gives it; null when the description no longer has the node. */
    String nodeAddress(String node);

    /** The nodes the description has, in its order. */
    List<String> nodes();

    /** What free text made while applying must not show (every sensitive value of the description). */
    Redactor redactor();

    /** Nothing described (a walker test, or a plan of nodes the description has left). */
    Described NONE = of(null);

    /** The view of a validated description ({@code null}: nothing). */
    static Described of(Config config) {
        Redactor redactor = config == null ? Redactor.NONE : config.redactor();
        Map<String, String> addresses = new java.util.LinkedHashMap<>();
        if (config != null) {
            for (ResourceInstance n : config.ofType(Schemas.NODE_TYPE)) {
                addresses.put(n.address().name(), n.string("address"));
            }
        }
        return new Described() {
            @Override
            public Optional<String> secret(ResourceAddress address, String attribute) {
                return config == null ? Optional.empty() : config.instance(address)
                        .map(i -> i.attributes().get(attribute)).filter(v -> v instanceof Value.Str)
                        .map(v -> ((Value.Str) v).value());
            }

            @Override
            public String nodeAddress(String node) {
                return addresses.get(node);
            }

            @Override
            public List<String> nodes() {
                return List.copyOf(addresses.keySet());
            }

            @Override
            public Redactor redactor() {
                return redactor;
            }
        };
    }
}
