package dev.pictl.types.cluster;

import dev.pictl.plan.kind.Canon;
import dev.pictl.plan.kind.Kind;
import dev.pictl.plan.kind.Observed;
import dev.pictl.plan.kind.PlanContext;
import dev.pictl.probe.NodeObservation;
import dev.pictl.resource.ResourceInstance;
import dev.pictl.resource.Value;
import dev.pictl.state.ResourceState;
import dev.pictl.types.storage.StorageKinds;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code namespace}: a Namespace and pictl's default-deny policy in it, read from the server's kubectl snapshot.
 *
 * <p>pictl owns only what it set, as for a Node's labels ({@code kube_node}): observed are the labels whose keys the
 * description declares or the state records; the Pod Security labels when the description or the state has a
 * {@code pod_security}; the {@value NamespaceValues#POLICY} policy only when it carries
 * {@code app.kubernetes.io/managed-by=pictl} and is exactly what pictl writes (an edited one reads as absent, so the
 * plan puts it back).
 *
 * <pre>
 *   server unreachable / no k3s / kubectl failed   as storage_class (StorageKinds.source)
 *   Namespace not listed                           -> Absent
 *   Namespace listed                               -> Present; a policy of that name pictl did not create is noted
 * </pre>
 */
public final class NamespaceKind implements Kind {
    @Override
    public String type() {
        return NamespaceType.NAME;
    }

    @Override
    public boolean inCluster() {
        return true;
    }

    @Override
    public boolean clusterWide() {
        return true;
    }

    @Override
    public Map<String, Object> desired(ResourceInstance i, PlanContext ctx) {
        return declared(i).canonical();
    }

    static NamespaceValues declared(ResourceInstance i) {
        Map<String, String> labels = new TreeMap<>();
        if (i != null && i.attributes().get("labels") instanceof Value.MapVal m) {
            m.entries().forEach((k, v) -> {
                Object c = Canon.of(v);
                if (c != null) {
                    labels.put(k, String.valueOf(c));
                }
            });
        }
        boolean deny = i != null && i.attributes().get("default_deny_ingress") instanceof Value.Bool b && b.value();
        return new NamespaceValues(labels, i == null ? null : i.string("pod_security"), deny);
    }

    @Override
    public Observed observe(ResourceInstance instance, ResourceState prior, String node, PlanContext ctx) {
        StorageKinds.Source src = StorageKinds.source(prior, ctx);
        if (src instanceof StorageKinds.Source.Decided d) {
            return d.observed();
        }
        NodeObservation.KubeSnapshot kube = ((StorageKinds.Source.Snapshot) src).kube();
        String name = instance != null ? instance.address().name() : prior.address().name();
        Map<String, Object> ns = StorageKinds.find(kube.namespaces(), name);
        if (ns == null) {
            return new Observed.Absent();
        }
        NamespaceValues wanted = declared(instance);
        NamespaceValues recorded = prior == null ? new NamespaceValues(Map.of(), null, false)
                : NamespaceValues.of(prior.attributes());
        return observed(ns, kube.networkPolicies(), wanted, recorded);
    }

    /** The managed part of a listed namespace (a table test's entry point). */
    static Observed observed(Map<String, Object> ns, List<Map<String, Object>> policies, NamespaceValues wanted,
                             NamespaceValues recorded) {
        String name = String.valueOf(StorageKinds.get(ns, "metadata", "name"));
        Map<String, String> live = new TreeMap<>();
        if (StorageKinds.get(ns, "metadata", "labels") instanceof Map<?, ?> l) {
            l.forEach((k, v) -> live.put(String.valueOf(k), String.valueOf(v)));
        }
        Set<String> keys = new HashSet<>(wanted.labelsOrEmpty().keySet());
        keys.addAll(recorded.labelsOrEmpty().keySet());
        Map<String, String> labels = new TreeMap<>();
        live.forEach((k, v) -> {
            if (keys.contains(k)) {
                labels.put(k, v);
            }
        });
        String psa = wanted.podSecurity() != null || recorded.podSecurity() != null ? podSecurity(live) : null;
        String note = null;
        boolean deny = false;
        for (Map<String, Object> p : policies) {
            if (!name.equals(StorageKinds.get(p, "metadata", "namespace"))
                    || !NamespaceValues.POLICY.equals(StorageKinds.get(p, "metadata", "name"))) {
                continue;
            }
            if (!NamespaceValues.PICTL.equals(StorageKinds.get(p, "metadata", "labels", NamespaceValues.MANAGED_BY))) {
                note = "a NetworkPolicy " + NamespaceValues.POLICY + " that pictl did not create is in the namespace "
                        + "(pictl will not change it)";
            } else {
                deny = isDenyAll(p);
            }
        }
        return new Observed.Present(new NamespaceValues(labels, psa, deny).canonical(), note);
    }

    /** The level the three Pod Security labels agree on; else what they say, so that any difference shows. */
    static String podSecurity(Map<String, String> live) {
        Set<String> values = new HashSet<>();
        StringBuilder text = new StringBuilder();
        for (String mode : NamespaceValues.MODES) {
            String v = live.get(NamespaceValues.PSA + mode);
            values.add(Objects.toString(v, ""));
            text.append(text.isEmpty() ? "" : ", ").append(mode).append('=').append(v == null ? "(unset)" : v);
        }
        if (values.size() == 1) {
            String only = values.iterator().next();
            return only.isEmpty() ? null : only;
        }
        return text.toString();
    }

    /** Whether a policy is exactly pictl's: every pod selected, Ingress only, no rule. */
    static boolean isDenyAll(Map<String, Object> policy) {
        Object spec = policy.get("spec");
        Object selector = StorageKinds.get(spec, "podSelector");
        boolean everyPod = selector == null || selector instanceof Map<?, ?> m && m.entrySet().stream()
                .allMatch(e -> e.getValue() instanceof Map<?, ?> mm && mm.isEmpty()
                        || e.getValue() instanceof List<?> ll && ll.isEmpty());
        Object types = StorageKinds.get(spec, "policyTypes");
        Object ingress = StorageKinds.get(spec, "ingress");
        Object egress = StorageKinds.get(spec, "egress");
        return everyPod && List.of("Ingress").equals(types) && (ingress == null || ingress instanceof List<?> i
                && i.isEmpty()) && (egress == null || egress instanceof List<?> e && e.isEmpty());
    }

    /** Deleting a namespace deletes everything in it. */
    @Override
    public String dataLoss(Observed.Present observed) {
        return "deleting a namespace deletes every object in it (pods, claims, secrets)";
    }
}
