package dev.pictl.types.storage;

import dev.pictl.plan.kind.PlanContext;
import dev.pictl.plan.kind.Observed;
import dev.pictl.plan.kind.Canon;
import dev.pictl.probe.NodeObservation;
import dev.pictl.resource.ResourceInstance;
import dev.pictl.resource.Value;
import dev.pictl.state.ResourceState;
import dev.pictl.types.k3s.K3sProbe;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Where cluster objects are observed: the server node's kubectl snapshot.
 *
 * <pre>
 *   server node unreachable            -> Unknown
 *   k3s not installed on the server    -> Absent (nothing can exist yet)
 *   kubectl failed (k3s stopped)       -> the state's record, unverified (Present with a note), or Unknown
 *   object listed                      -> Present
 *   object not listed                  -> Absent
 * </pre>
 */
public final class StorageKinds {
    private StorageKinds() {
    }

    /** The snapshot, or an Observed to return at once. */
    public sealed interface Source {
        record Snapshot(NodeObservation.KubeSnapshot kube, NodeObservation server) implements Source {
        }

        record Decided(Observed observed) implements Source {
        }
    }

    public static Source source(ResourceState prior, PlanContext ctx) {
        String serverNode = ctx.serverNode().orElse(null);
        if (serverNode == null) {
            return new Source.Decided(prior == null ? new Observed.Absent()
                    : new Observed.Unknown("no k3s_server in the description to read it through"));
        }
        Optional<NodeObservation> o = ctx.observation(serverNode);
        if (o.isEmpty()) {
            return new Source.Decided(new Observed.Unknown(ctx.unreachableReason(serverNode)));
        }
        NodeObservation obs = o.get();
        K3sProbe.K3sInstall k3s = obs.part(K3sProbe.INSTALL);
        if (k3s == null || k3s.version() == null) {
            return new Source.Decided(new Observed.Absent());
        }
        if (obs.kube() == null || !obs.kube().ok()) {
            String why = "not verified: kubectl on " + serverNode + " failed ("
                    + (obs.kube() == null ? "not read" : firstLine(obs.kube().error())) + ")";
            // Without a record there is nothing to go on: it may well exist. Saying "create" would be a guess.
            return new Source.Decided(prior == null ? new Observed.Unknown("kubectl on " + serverNode + " failed ("
                    + (obs.kube() == null ? "not read" : firstLine(obs.kube().error())) + "), so it cannot be read; "
                    + "start k3s on " + serverNode + " (or apply its k3s_server first) and plan again")
                    : new Observed.Present(prior.attributes(), why));
        }
        return new Source.Snapshot(obs.kube(), obs);
    }

    public static Map<String, Object> find(List<Map<String, Object>> items, String name) {
        for (Map<String, Object> item : items) {
            if (name.equals(get(item, "metadata", "name"))) {
                return item;
            }
        }
        return null;
    }

    public static Object get(Object o, String... path) {
        Object cur = o;
        for (String p : path) {
            if (!(cur instanceof Map<?, ?> m)) {
                return null;
            }
            cur = m.get(p);
        }
        return cur;
    }

    static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        String t = s.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl);
    }

    /** A class's parameters as text (the type's check refuses lists and maps there), sorted. */
    static Map<String, String> params(ResourceInstance i) {
        Map<String, String> out = new TreeMap<>();
        if (i.attributes().get("parameters") instanceof Value.MapVal m) {
            Canon.stringMap(Canon.castMap(Canon.of(m))).forEach((k, v) -> out.put(k, StorageValues.text(v)));
        }
        return out;
    }
}
