package dev.pictl.types.manifest;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One Kubernetes object of a manifest: its identity and its fields ({@link Fields}, pictl's marks included).
 *
 * <p>Identity is what Kubernetes identifies an object by: API group, kind, namespace and name. The version is not
 * part of it ({@code apps/v1beta2} and {@code apps/v1} of one Deployment are one object), so changing a manifest's
 * apiVersion updates the object instead of creating one and pruning the other.
 *
 * @param group     the API group ({@code ""} for the core group)
 * @param version   the API version within the group ({@code v1})
 * @param kind      the kind ({@code ConfigMap})
 * @param namespace {@code metadata.namespace}, or {@code ""} when the object names none: a cluster-scoped object, or
 *                  one kubectl puts in its default namespace ({@code default} with k3s's kubeconfig). pictl does not
 *                  add one: it cannot know, without the API server's discovery, whether a kind is namespaced.
 * @param name      the object's name
 * @param fields    every field, by path, sorted
 */
record ManifestObject(String group, String version, String kind, String namespace, String name,
                      Map<String, Object> fields) {
    ManifestObject {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
        fields = Collections.unmodifiableMap(new TreeMap<>(fields));
    }

    /** The plan's attribute name for the object: {@code ConfigMap demo/settings}, {@code Deployment.apps demo/web}. */
    String key() {
        return key(group, kind, namespace, name);
    }

    static String key(String group, String kind, String namespace, String name) {
        return kind + (group.isEmpty() ? "" : "." + group) + " " + (namespace.isEmpty() ? "" : namespace + "/") + name;
    }

    String apiVersion() {
        return group.isEmpty() ? version : group + "/" + version;
    }

    /** The resource argument kubectl resolves without ambiguity: {@code configmap}, {@code deployment.v1.apps}. */
    String typeArg() {
        String k = kind.toLowerCase(java.util.Locale.ROOT);
        return group.isEmpty() ? k : k + "." + version + "." + group;
    }

    /** The object's identity read back from its fields (a recorded object: the state holds only fields). */
    static ManifestObject fromFields(Map<String, Object> fields) {
        String apiVersion = String.valueOf(fields.getOrDefault("apiVersion", ""));
        int slash = apiVersion.lastIndexOf('/');
        String group = slash < 0 ? "" : apiVersion.substring(0, slash);
        String version = slash < 0 ? apiVersion : apiVersion.substring(slash + 1);
        String kind = String.valueOf(fields.getOrDefault("kind", ""));
        String ns = fields.get("metadata.namespace") instanceof String s ? s : "";
        String name = String.valueOf(fields.getOrDefault("metadata.name", ""));
        return new ManifestObject(group, version, kind, ns, name, fields);
    }
}
