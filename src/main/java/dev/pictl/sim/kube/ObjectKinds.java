package dev.pictl.sim.kube;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The kinds {@link ObjectStore} serves, as the API server's discovery lists them (group, version, kind, plural,
 * singular, short names, scope), and kubectl's resolution of a resource argument ({@code cm}, {@code configmaps},
 * {@code deployment.v1.apps}, {@code deployments.apps}, {@code Deployment}). No CRDs: any other kind is unknown, as
 * on a cluster where its CRD is not installed.
 */
final class ObjectKinds {
    record Res(String group, String version, String kind, String plural, List<String> shortNames, boolean namespaced) {
        String singular() {
            return kind.toLowerCase(Locale.ROOT);
        }

        String apiVersion() {
            return group.isEmpty() ? version : group + "/" + version;
        }

        /** kubectl's name of the type in output: {@code configmap}, {@code deployment.apps}. */
        String nameRef() {
            return group.isEmpty() ? singular() : singular() + "." + group;
        }

        /** The plural with its group, as errors name it: {@code configmaps}, {@code deployments.apps}. */
        String qualified() {
            return group.isEmpty() ? plural : plural + "." + group;
        }
    }

    static final List<Res> ALL = List.of(
            new Res("", "v1", "ConfigMap", "configmaps", List.of("cm"), true),
            new Res("", "v1", "Secret", "secrets", List.of(), true),
            new Res("", "v1", "Service", "services", List.of("svc"), true),
            new Res("", "v1", "ServiceAccount", "serviceaccounts", List.of("sa"), true),
            new Res("", "v1", "PersistentVolumeClaim", "persistentvolumeclaims", List.of("pvc"), true),
            new Res("", "v1", "Pod", "pods", List.of("po"), true),
            new Res("", "v1", "LimitRange", "limitranges", List.of("limits"), true),
            new Res("", "v1", "ResourceQuota", "resourcequotas", List.of("quota"), true),
            new Res("apps", "v1", "Deployment", "deployments", List.of("deploy"), true),
            new Res("apps", "v1", "StatefulSet", "statefulsets", List.of("sts"), true),
            new Res("apps", "v1", "DaemonSet", "daemonsets", List.of("ds"), true),
            new Res("batch", "v1", "Job", "jobs", List.of(), true),
            new Res("batch", "v1", "CronJob", "cronjobs", List.of("cj"), true),
            new Res("networking.k8s.io", "v1", "Ingress", "ingresses", List.of("ing"), true),
            new Res("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", List.of("pdb"), true),
            new Res("rbac.authorization.k8s.io", "v1", "Role", "roles", List.of(), true),
            new Res("rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings", List.of(), true),
            new Res("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", List.of(), false),
            new Res("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings", List.of(), false),
            new Res("scheduling.k8s.io", "v1", "PriorityClass", "priorityclasses", List.of("pc"), false));

    private static final Pattern VERSION = Pattern.compile("v[0-9]+((alpha|beta)[0-9]+)?");

    private ObjectKinds() {
    }

    /** kubectl's resolution of a resource argument; null when the server has no such type. */
    static Res of(String arg) {
        String a = arg.toLowerCase(Locale.ROOT);
        String[] parts = a.split("\\.", 2);
        String resource = parts[0];
        String rest = parts.length > 1 ? parts[1] : null;
        String version = null;
        String group = rest;
        if (rest != null) {
            String[] vg = rest.split("\\.", 2);
            if (vg.length == 2 && VERSION.matcher(vg[0]).matches()) {
                version = vg[0];
                group = vg[1];
            }
        }
        for (Res r : ALL) {
            boolean named = resource.equals(r.plural()) || resource.equals(r.singular()) || r.shortNames().contains(resource);
            if (named && (group == null || group.equals(r.group())) && (version == null || version.equals(r.version()))) {
                return r;
            }
        }
        return null;
    }

    /** The kind of a manifest's {@code apiVersion} and {@code kind}; null: "no matches for kind". */
    static Res ofManifest(String apiVersion, String kind) {
        for (Res r : ALL) {
            if (r.kind().equals(kind) && r.apiVersion().equals(apiVersion)) {
                return r;
            }
        }
        return null;
    }
}
