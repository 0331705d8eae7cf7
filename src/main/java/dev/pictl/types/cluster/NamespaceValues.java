package dev.pictl.types.cluster;

import dev.pictl.plan.kind.Canon;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A namespace's values, the single definition of both sides of the plan; canonical order {@code labels,
 * pod_security, default_deny_ingress}. A {@code null} is an attribute the map does not hold.
 *
 * @param labels             the labels pictl manages (declared or recorded), as text, sorted; never the Pod
 *                           Security labels (those are {@code podSecurity})
 * @param podSecurity        {@code privileged}, {@code baseline} or {@code restricted}; observed, the level the
 *                           three Pod Security labels agree on, or {@code enforce=A, audit=B, warn=C} when they do not
 * @param defaultDenyIngress whether pictl's {@value #POLICY} NetworkPolicy is in the namespace, as pictl writes it
 */
record NamespaceValues(Map<String, String> labels, String podSecurity, boolean defaultDenyIngress) {
    /** The NetworkPolicy pictl creates for {@code default_deny_ingress}. */
    static final String POLICY = "default-deny-ingress";
    /** The label that marks the NetworkPolicy as pictl's: pictl changes and deletes only a policy that carries it. */
    static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    static final String PICTL = "pictl";
    /** The Pod Security Admission label prefix; the modes pictl sets, all to the one level. */
    static final String PSA = "pod-security.kubernetes.io/";
    static final java.util.List<String> MODES = java.util.List.of("enforce", "audit", "warn");

    NamespaceValues {
        labels = labels == null ? null : Collections.unmodifiableMap(new TreeMap<>(labels));
    }

    /** From the plan's attributes (missing ones are {@code null}, the bool false); labels as text. */
    static NamespaceValues of(Map<String, Object> attributes) {
        Map<String, Object> a = attributes == null ? Map.of() : attributes;
        Map<String, String> labels = null;
        if (a.get("labels") instanceof Map<?, ?> m) {
            labels = new TreeMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                labels.put(String.valueOf(e.getKey()), String.valueOf(e.getValue()));
            }
        }
        return new NamespaceValues(labels, a.get("pod_security") instanceof String s ? s : null,
                Boolean.TRUE.equals(a.get("default_deny_ingress")));
    }

    Map<String, Object> canonical() {
        return Canon.ordered("labels", labels == null ? null : new TreeMap<String, Object>(labels),
                "pod_security", podSecurity, "default_deny_ingress", defaultDenyIngress);
    }

    Map<String, String> labelsOrEmpty() {
        return labels == null ? Map.of() : labels;
    }

    /** The Pod Security labels of a level: enforce, audit and warn, each set to it. */
    static Map<String, String> psaLabels(String level) {
        Map<String, String> out = new LinkedHashMap<>();
        if (level != null) {
            MODES.forEach(m -> out.put(PSA + m, level));
        }
        return out;
    }

    /** Every label the namespace should carry: the declared ones and the Pod Security ones. */
    Map<String, String> allLabels() {
        Map<String, String> out = new TreeMap<>(labelsOrEmpty());
        out.putAll(psaLabels(podSecurity));
        return out;
    }
}
