package dev.pictl.sim.kube;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * {@code kubectl} for the kinds {@link ObjectStore} keeps: {@code apply --server-side [--field-manager=M]
 * [--force-conflicts]}, client-side {@code apply}, {@code get} ({@code -o json|yaml|name}, a table otherwise,
 * {@code --ignore-not-found}, {@code --show-managed-fields}) and {@code delete}, with kubectl's messages. Claims a
 * command only when its types are not ones {@link Kubectl} models itself (nodes, storage, namespaces, network
 * policies): {@link Kubectl} calls {@link #run} first and goes on when it returns null.
 */
final class AnyObjects {
    private static final String CONFLICT_ADVICE = """

            Please review the fields above--they currently have other managers. Here
            are the ways you can resolve this warning:
            * If you intend to manage all of these fields, please re-run the apply
              command with the `--force-conflicts` flag.
            * If you do not intend to manage all of the fields, please edit your
              manifest to remove references to the fields that should keep their
              current managers.
            * You may co-own fields by updating your manifest to match the existing
              value; in this case, you'll become the manager if the other manager(s)
              stop managing the field (remove it from their configuration).
            See https://kubernetes.io/docs/reference/using-api/server-side-apply/#conflicts
            """;

    private final KubeApi api;
    private final Map<String, String> flags;
    private final Kubectl.Sink sink;
    private final String namespace;
    private final boolean allNamespaces;

    private AnyObjects(KubeApi api, Map<String, String> flags, Kubectl.Sink sink) {
        this.api = api;
        this.flags = flags;
        this.sink = sink;
        String ns = flag("-n", "--namespace");
        this.namespace = ns == null ? "default" : ns;
        String all = flag("-A", "--all-namespaces");
        this.allNamespaces = all != null && !"false".equals(all);
    }

    /** The command's exit status, or null when it is not for this store. */
    static Integer run(KubeApi api, String verb, List<String> positional, Map<String, String> flags, byte[] stdin,
                       Path cwd, Predicate<String> legacyType, Predicate<String> legacyKind, Kubectl.Sink sink) {
        AnyObjects k = new AnyObjects(api, flags, sink);
        switch (verb) {
            case "get", "delete" -> {
                if (positional.isEmpty()) {
                    return null;
                }
                String type = positional.get(0).split("[/,]", 2)[0];
                if (legacyType.test(type) || Set.of("events", "event", "ev").contains(type.toLowerCase())) {
                    return null;
                }
                return verb.equals("get") ? k.get(positional) : k.delete(positional);
            }
            case "apply" -> {
                if (k.flag("-f", "--filename") == null) {
                    return null;
                }
                List<Map<String, Object>> objs;
                try {
                    objs = k.read(stdin, cwd);
                } catch (IOException | RuntimeException e) {
                    return null; // Kubectl reports it as it does for every apply
                }
                boolean serverSide = "true".equals(k.flag("--server-side"));
                List<String> legacy = objs.stream().map(o -> String.valueOf(o.get("kind"))).filter(legacyKind).toList();
                if (legacy.size() == objs.size() && !serverSide) {
                    return null;
                }
                if (!legacy.isEmpty()) {
                    sink.err("error: the pictl simulator applies " + String.join(", ", legacy) + " objects only with "
                            + "client-side apply, and only on their own\n");
                    return 1;
                }
                return k.apply(objs, serverSide);
            }
            default -> {
                return null;
            }
        }
    }

    private String flag(String... names) {
        for (String n : names) {
            if (flags.containsKey(n)) {
                return flags.get(n);
            }
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> read(byte[] stdin, Path cwd) throws IOException {
        String f = flag("-f", "--filename");
        String text = "-".equals(f) ? new String(stdin == null ? new byte[0] : stdin, StandardCharsets.UTF_8)
                : Files.readString(cwd == null ? Path.of(f) : cwd.resolve(f));
        String t = text.strip();
        List<Object> docs = t.startsWith("{") || t.startsWith("[") ? List.of(Json.parse(t)) : Yaml.parseAll(text);
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object d : docs) {
            flatten(d, out);
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static void flatten(Object d, List<Map<String, Object>> out) {
        if (d instanceof Map<?, ?> m) {
            Map<String, Object> mm = (Map<String, Object>) m;
            if (String.valueOf(mm.get("kind")).endsWith("List") && mm.get("items") instanceof List<?> items) {
                items.forEach(i -> flatten(i, out));
            } else {
                out.add(mm);
            }
        } else if (d instanceof List<?> l) {
            l.forEach(i -> flatten(i, out));
        }
    }

    // ------------------------------------------------------------------ apply

    @SuppressWarnings("unchecked")
    private int apply(List<Map<String, Object>> objs, boolean serverSide) {
        String manager = flag("--field-manager");
        if (manager == null) {
            manager = serverSide ? "kubectl" : "kubectl-client-side-apply";
        }
        boolean force = "true".equals(flag("--force-conflicts"));
        if (force && !serverSide) {
            sink.err("error: --force-conflicts only works with --server-side\n");
            return 1;
        }
        int rc = 0;
        for (Map<String, Object> obj : objs) {
            String apiVersion = String.valueOf(obj.get("apiVersion"));
            String kind = String.valueOf(obj.get("kind"));
            String name = ObjectStore.name(obj);
            ObjectKinds.Res r = ObjectKinds.ofManifest(apiVersion, kind);
            if (r == null) {
                sink.err("error: resource mapping not found for name: \"" + name + "\" namespace: \"\" from \"STDIN\": "
                        + "no matches for kind \"" + kind + "\" in version \"" + apiVersion
                        + "\"\nensure CRDs are installed first\n");
                rc = 1;
                continue;
            }
            if (name.isEmpty()) {
                sink.err("error: error when retrieving current configuration of:\nResource: \"" + r.qualified()
                        + "\", GroupVersionKind: \"" + r.apiVersion() + ", Kind=" + r.kind() + "\"\nName: \"\", "
                        + "Namespace: \"\"\nfrom server for: \"STDIN\": resource name may not be empty\n");
                rc = 1;
                continue;
            }
            Map<String, Object> md = (Map<String, Object>) obj.get("metadata");
            String ns = r.namespaced() ? (md.get("namespace") instanceof String s && !s.isEmpty() ? s : namespace) : "";
            if (r.namespaced() && flag("-n", "--namespace") != null && !ns.equals(namespace)) {
                sink.err("error: the namespace from the provided object \"" + ns + "\" does not match the namespace \""
                        + namespace + "\". You must pass '--namespace=" + ns + "' to perform this operation.\n");
                rc = 1;
                continue;
            }
            if (r.namespaced() && !api.namespaces().containsKey(ns)) {
                sink.err("Error from server (NotFound): " + (serverSide ? "" : "error when creating \"STDIN\": ")
                        + "namespaces \"" + ns + "\" not found\n");
                rc = 1;
                continue;
            }
            String ref = r.nameRef() + "/" + name;
            if (serverSide) {
                try {
                    api.objects().apply(r, ns, obj, manager, force);
                    sink.out(ref + " serverside-applied\n");
                } catch (ObjectStore.ConflictException e) {
                    sink.err("error: " + e.getMessage() + CONFLICT_ADVICE);
                    rc = 1;
                }
            } else {
                Map<String, Object> withLast = Kubectl.deepCopy(obj);
                Map<String, Object> wmd = (Map<String, Object>) withLast.get("metadata");
                Map<String, Object> ann = new java.util.LinkedHashMap<>(
                        (Map<String, Object>) wmd.getOrDefault("annotations", Map.of()));
                ann.put("kubectl.kubernetes.io/last-applied-configuration", Json.compact(obj) + "\n");
                wmd.put("annotations", ann);
                ObjectStore.Outcome out = api.objects().update(r, ns, withLast, manager);
                sink.out(ref + " " + switch (out) {
                    case CREATED -> "created";
                    case CONFIGURED -> "configured";
                    case UNCHANGED -> "unchanged";
                } + "\n");
            }
        }
        return rc;
    }

    // -------------------------------------------------------------------- get

    private record Target(ObjectKinds.Res res, List<String> names) {
    }

    private Target target(List<String> pos) {
        String first = pos.get(0);
        if (first.contains("/")) {
            ObjectKinds.Res r = null;
            List<String> names = new ArrayList<>();
            for (String p : pos) {
                int i = p.indexOf('/');
                ObjectKinds.Res pr = i < 0 ? null : ObjectKinds.of(p.substring(0, i));
                if (pr == null || r != null && r != pr) {
                    sink.err("error: the server doesn't have a resource type \"" + (i < 0 ? p : p.substring(0, i))
                            + "\"\n");
                    return null;
                }
                r = pr;
                names.add(p.substring(i + 1));
            }
            return new Target(r, names);
        }
        ObjectKinds.Res r = ObjectKinds.of(first);
        if (r == null || first.contains(",")) {
            sink.err("error: the server doesn't have a resource type \"" + first + "\"\n");
            return null;
        }
        return new Target(r, pos.subList(1, pos.size()));
    }

    @SuppressWarnings("unchecked")
    private int get(List<String> pos) {
        Target t = target(pos);
        if (t == null) {
            return 1;
        }
        boolean ignoreNotFound = "true".equals(flag("--ignore-not-found"));
        boolean showManaged = "true".equals(flag("--show-managed-fields"));
        String output = flag("-o", "--output");
        List<Map<String, Object>> found = new ArrayList<>();
        StringBuilder notFound = new StringBuilder();
        int rc = 0;
        if (t.names().isEmpty()) {
            found.addAll(api.objects().list(t.res(), allNamespaces ? null : namespace));
        } else {
            for (String n : t.names()) {
                Map<String, Object> o = api.objects().get(t.res(), namespace, n);
                if (o != null) {
                    found.add(o);
                } else if (!ignoreNotFound) {
                    notFound.append("Error from server (NotFound): ").append(t.res().qualified()).append(" \"")
                            .append(n).append("\" not found\n");
                    rc = 1;
                }
            }
        }
        if (!showManaged) {
            for (Map<String, Object> o : found) {
                ((Map<String, Object>) o.get("metadata")).remove("managedFields");
            }
        }
        boolean single = t.names().size() == 1;
        if ("json".equals(output) || "yaml".equals(output)) {
            Object doc;
            if (single) {
                doc = found.isEmpty() ? null : found.get(0);
            } else {
                Map<String, Object> list = new java.util.LinkedHashMap<>();
                list.put("apiVersion", "v1");
                list.put("items", found);
                list.put("kind", "List");
                list.put("metadata", Map.of("resourceVersion", ""));
                doc = list;
            }
            if (doc != null) {
                sink.out("json".equals(output) ? Json.pretty(doc) : Yaml.dump(doc));
            }
        } else if ("name".equals(output)) {
            StringBuilder b = new StringBuilder();
            found.forEach(o -> b.append(t.res().nameRef()).append('/').append(ObjectStore.name(o)).append('\n'));
            sink.out(b.toString());
        } else if (output == null || output.equals("wide")) {
            if (found.isEmpty() && t.names().isEmpty() && !ignoreNotFound) {
                sink.err(allNamespaces ? "No resources found\n" : "No resources found in " + namespace + " namespace.\n");
            } else if (!found.isEmpty()) {
                List<List<String>> rows = new ArrayList<>();
                boolean nsColumn = allNamespaces && t.res().namespaced();
                rows.add(nsColumn ? List.of("NAMESPACE", "NAME", "AGE") : List.of("NAME", "AGE"));
                for (Map<String, Object> o : found) {
                    Map<String, Object> md = (Map<String, Object>) o.get("metadata");
                    String age = Kubectl.age(Instant.parse(String.valueOf(md.get("creationTimestamp"))));
                    rows.add(nsColumn ? List.of(String.valueOf(md.get("namespace")), ObjectStore.name(o), age)
                            : List.of(ObjectStore.name(o), age));
                }
                sink.out(Kubectl.tabular(rows));
            }
        } else {
            sink.err("error: the pictl simulator prints objects of this kind as json, yaml, name or a table\n");
            return 1;
        }
        if (!notFound.isEmpty()) {
            sink.err(notFound.toString());
        }
        return rc;
    }

    // ----------------------------------------------------------------- delete

    private int delete(List<String> pos) {
        Target t = target(pos);
        if (t == null) {
            return 1;
        }
        if (t.names().isEmpty()) {
            sink.err("error: resource(s) were provided, but no name was specified\n");
            return 1;
        }
        boolean ignoreNotFound = "true".equals(flag("--ignore-not-found"));
        int rc = 0;
        for (String n : t.names()) {
            if (api.objects().delete(t.res(), namespace, n)) {
                sink.out(t.res().nameRef() + " \"" + n + "\" deleted\n");
            } else if (!ignoreNotFound) {
                sink.err("Error from server (NotFound): " + t.res().qualified() + " \"" + n + "\" not found\n");
                rc = 1;
            }
        }
        return rc;
    }
}
