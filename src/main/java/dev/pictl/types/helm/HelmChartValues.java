package dev.pictl.types.helm;

import dev.pictl.plan.kind.Canon;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A helm_chart's values, the single definition of both sides of the plan; canonical order {@code chart, repo,
 * version, target_namespace, create_namespace, timeout, values.* (sorted), installed}. A {@code null} is an
 * attribute the map does not hold.
 *
 * @param values    the chart's values, one leaf per attribute named {@code values.PATH} ({@link HelmValues})
 * @param installed pseudo-attribute: the HelmChart's {@code helm-install} job has succeeded (described: true)
 */
record HelmChartValues(String chart, String repo, String version, String targetNamespace, boolean createNamespace,
                       String timeout, Map<String, Object> values, Boolean installed) {
    HelmChartValues {
        values = values == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(values));
    }

    static HelmChartValues of(Map<String, Object> attributes) {
        Map<String, Object> a = attributes == null ? Map.of() : attributes;
        return new HelmChartValues(text(a.get("chart")), text(a.get("repo")), text(a.get("version")),
                text(a.get("target_namespace")), Boolean.TRUE.equals(a.get("create_namespace")), text(a.get("timeout")),
                HelmValues.only(a), a.get("installed") instanceof Boolean b ? b : null);
    }

    private static String text(Object o) {
        return o == null ? null : String.valueOf(o);
    }

    Map<String, Object> canonical() {
        Map<String, Object> m = new LinkedHashMap<>(Canon.ordered("chart", chart, "repo", repo, "version", version,
                "target_namespace", targetNamespace, "create_namespace", createNamespace, "timeout", timeout));
        values.forEach((k, v) -> {
            if (v != null) {
                m.put(k, v);
            }
        });
        if (installed != null) {
            m.put("installed", installed);
        }
        return m;
    }

    /** The values as the tree the YAML writer takes. */
    Map<String, Object> tree() {
        return HelmValues.tree(values);
    }

    /** The same chart settings and values, whatever {@code installed} says. */
    boolean sameSpec(HelmChartValues o) {
        return o != null && java.util.Objects.equals(withoutInstalled(), o.withoutInstalled());
    }

    private Map<String, Object> withoutInstalled() {
        Map<String, Object> m = canonical();
        m.remove("installed");
        m.replaceAll((k, v) -> HelmValues.leaf(v));
        return m;
    }
}
