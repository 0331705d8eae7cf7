package dev.pictl.sim.kube;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The API server's store of every kind the simulator does not model on its own ({@link KubeApi} keeps Nodes,
 * StorageClasses, PVs, Namespaces and NetworkPolicies): ConfigMaps, Deployments, Services, ... (the kinds
 * {@link ObjectKinds} knows), with server-side apply's field ownership.
 *
 * <pre>
 *   each object     its JSON, and per manager (name, operation Apply|Update, apiVersion) the set of leaf fields it
 *                   owns; shown as metadata.managedFields (fieldsV1 "f:" trees), as the API server does
 *   apply (SSA)     the applied leaves become the manager's Apply set; a leaf another manager owns with a different
 *                   value is a conflict (refused with the API server's message, or taken with force); leaves the
 *                   manager applied before and no longer applies are removed unless another manager owns them
 *   update          (client-side apply, edit): changed leaves move to the updater's Update set, away from every
 *                   other manager; nothing is removed
 * </pre>
 *
 * A field is a leaf path; lists are positional ({@code [0]}), not Kubernetes' associative lists keyed by name: that
 * is the main difference from a real API server (docs/simulator.md). Persisted as JSON beside the datastore, like
 * {@link KubeApi}: an uninstall of k3s removes it.
 */
public final class ObjectStore {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** One stored object and who owns which of its fields. */
    static final class Entry {
        Map<String, Object> object;
        /** Manager key ({@code name|operation|apiVersion}) to owned leaf paths (segments: String keys, Integer positions). */
        final Map<String, Set<List<Object>>> owners = new LinkedHashMap<>();
        final Map<String, String> times = new LinkedHashMap<>();
    }

    /** A conflict: a field another manager owns with another value. */
    record Conflict(String manager, String operation, String apiVersion, List<Object> path) {
    }

    /** Thrown by {@link #apply} when fields conflict and force is off. */
    static final class ConflictException extends Exception {
        private static final long serialVersionUID = 1L;
        final transient List<Conflict> conflicts;

        ConflictException(List<Conflict> conflicts) {
            super(message(conflicts));
            this.conflicts = conflicts;
        }
    }

    private final Path file;
    private final AtomicLong resourceVersion;
    private final Map<String, Entry> objects = new TreeMap<>();

    ObjectStore(Path file, AtomicLong resourceVersion) {
        this.file = file;
        this.resourceVersion = resourceVersion;
        load();
    }

    static String key(ObjectKinds.Res r, String namespace, String name) {
        return r.group() + "/" + r.kind() + "/" + (r.namespaced() ? namespace : "") + "/" + name;
    }

    synchronized Map<String, Object> get(ObjectKinds.Res r, String namespace, String name) {
        Entry e = objects.get(key(r, namespace, name));
        return e == null ? null : shown(e);
    }

    /** Every object of a kind ({@code namespace} null: all namespaces), by namespace then name. */
    synchronized List<Map<String, Object>> list(ObjectKinds.Res r, String namespace) {
        List<Map<String, Object>> out = new ArrayList<>();
        String prefix = r.group() + "/" + r.kind() + "/" + (namespace == null || !r.namespaced() ? "" : namespace + "/");
        objects.forEach((k, e) -> {
            if (k.startsWith(prefix)) {
                out.add(shown(e));
            }
        });
        return out;
    }

    synchronized boolean delete(ObjectKinds.Res r, String namespace, String name) {
        boolean found = objects.remove(key(r, namespace, name)) != null;
        save();
        return found;
    }

    /** The namespace controller: a deleted namespace's objects go with it. */
    synchronized void removeNamespace(String namespace) {
        objects.entrySet().removeIf(e -> namespace.equals(str(meta(e.getValue().object).get("namespace"))));
        save();
    }

    /** The outcome of a write: created, changed or unchanged. */
    enum Outcome { CREATED, CONFIGURED, UNCHANGED }

    /**
     * Server-side apply of {@code applied} (apiVersion, kind, metadata.name, and the namespace to use) by
     * {@code manager}.
     */
    synchronized Outcome apply(ObjectKinds.Res r, String namespace, Map<String, Object> applied, String manager,
                               boolean force) throws ConflictException {
        String key = key(r, namespace, name(applied));
        Entry e = objects.get(key);
        String apiVersion = str(applied.get("apiVersion"));
        String me = manager + "|Apply|" + apiVersion;
        Map<List<Object>, Object> leaves = leaves(applied);
        if (e == null) {
            e = new Entry();
            e.object = skeleton(r, namespace, applied);
            for (Map.Entry<List<Object>, Object> l : leaves.entrySet()) {
                set(e.object, l.getKey(), l.getValue());
            }
            e.owners.put(me, new LinkedHashSet<>(leaves.keySet()));
            e.times.put(me, now());
            stamp(e.object, true);
            objects.put(key, e);
            save();
            return Outcome.CREATED;
        }
        List<Conflict> conflicts = new ArrayList<>();
        for (Map.Entry<List<Object>, Object> l : leaves.entrySet()) {
            Object live = at(e.object, l.getKey());
            if (same(live, l.getValue())) {
                continue;
            }
            for (Map.Entry<String, Set<List<Object>>> o : e.owners.entrySet()) {
                if (!o.getKey().equals(me) && o.getValue().contains(l.getKey())) {
                    String[] m = o.getKey().split("\\|", 3);
                    conflicts.add(new Conflict(m[0], m[1], m[2], l.getKey()));
                }
            }
        }
        if (!conflicts.isEmpty() && !force) {
            throw new ConflictException(conflicts);
        }
        Map<String, Object> before = Kubectl.deepCopy(e.object);
        for (Conflict c : conflicts) {
            Set<List<Object>> theirs = e.owners.get(c.manager() + "|" + c.operation() + "|" + c.apiVersion());
            if (theirs != null) {
                theirs.remove(c.path());
            }
        }
        Set<List<Object>> previous = e.owners.getOrDefault(me, Set.of());
        for (List<Object> p : previous) {
            if (!leaves.containsKey(p) && e.owners.entrySet().stream()
                    .noneMatch(o -> !o.getKey().equals(me) && o.getValue().contains(p))) {
                remove(e.object, p);
            }
        }
        for (Map.Entry<List<Object>, Object> l : leaves.entrySet()) {
            set(e.object, l.getKey(), l.getValue());
        }
        e.owners.put(me, new LinkedHashSet<>(leaves.keySet()));
        e.owners.values().removeIf(Set::isEmpty);
        e.times.put(me, now());
        return finish(key, e, before);
    }

    /** An update (client-side apply, edit) by {@code manager}: the given leaves set, changed ones now its own. */
    synchronized Outcome update(ObjectKinds.Res r, String namespace, Map<String, Object> given, String manager) {
        String key = key(r, namespace, name(given));
        Entry e = objects.get(key);
        String me = manager + "|Update|" + str(given.get("apiVersion"));
        Map<List<Object>, Object> leaves = leaves(given);
        boolean created = e == null;
        if (created) {
            e = new Entry();
            e.object = skeleton(r, namespace, given);
            objects.put(key, e);
        }
        Map<String, Object> before = Kubectl.deepCopy(e.object);
        Set<List<Object>> mine = e.owners.computeIfAbsent(me, k -> new LinkedHashSet<>());
        for (Map.Entry<List<Object>, Object> l : leaves.entrySet()) {
            if (!created && same(at(e.object, l.getKey()), l.getValue())) {
                continue;
            }
            set(e.object, l.getKey(), l.getValue());
            for (Set<List<Object>> theirs : e.owners.values()) {
                theirs.remove(l.getKey());
            }
            mine.add(l.getKey());
        }
        e.owners.values().removeIf(Set::isEmpty);
        e.times.put(me, now());
        if (created) {
            stamp(e.object, true);
            save();
            return Outcome.CREATED;
        }
        return finish(key, e, before);
    }

    private Outcome finish(String key, Entry e, Map<String, Object> before) {
        boolean changed = !before.equals(e.object);
        if (changed) {
            stamp(e.object, false);
        }
        save();
        return changed ? Outcome.CONFIGURED : Outcome.UNCHANGED;
    }

    // ------------------------------------------------------------------ fields

    /** Every leaf the writer sets: not apiVersion, kind, metadata.name or metadata.namespace (the identity). */
    static Map<List<Object>, Object> leaves(Map<String, Object> obj) {
        Map<List<Object>, Object> out = new LinkedHashMap<>();
        obj.forEach((k, v) -> {
            if (k.equals("apiVersion") || k.equals("kind") || k.equals("status")) {
                return;
            }
            walk(v, new ArrayList<>(List.of(k)), out);
        });
        out.remove(List.of("metadata", "name"));
        out.remove(List.of("metadata", "namespace"));
        out.remove(List.of("metadata"));
        return out;
    }

    private static void walk(Object v, List<Object> path, Map<List<Object>, Object> out) {
        if (v instanceof Map<?, ?> m) {
            if (m.isEmpty()) {
                out.put(List.copyOf(path), new LinkedHashMap<>());
            }
            m.forEach((k, x) -> {
                path.add(String.valueOf(k));
                walk(x, path, out);
                path.remove(path.size() - 1);
            });
        } else if (v instanceof List<?> l) {
            if (l.isEmpty()) {
                out.put(List.copyOf(path), new ArrayList<>());
            }
            for (int i = 0; i < l.size(); i++) {
                path.add(i);
                walk(l.get(i), path, out);
                path.remove(path.size() - 1);
            }
        } else if (v != null) {
            out.put(List.copyOf(path), norm(v));
        }
    }

    static Object norm(Object v) {
        if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof Float) {
            return ((Float) v).doubleValue();
        }
        return v;
    }

    private static boolean same(Object a, Object b) {
        return Objects.equals(norm(a), norm(b));
    }

    @SuppressWarnings("unchecked")
    static Object at(Object root, List<Object> path) {
        Object cur = root;
        for (Object seg : path) {
            if (seg instanceof Integer i && cur instanceof List<?> l) {
                cur = i < l.size() ? l.get(i) : null;
            } else if (seg instanceof String s && cur instanceof Map<?, ?> m) {
                cur = ((Map<String, Object>) m).get(s);
            } else {
                return null;
            }
        }
        return cur;
    }

    @SuppressWarnings("unchecked")
    private static void set(Map<String, Object> root, List<Object> path, Object value) {
        Object cur = root;
        for (int i = 0; i < path.size(); i++) {
            Object seg = path.get(i);
            boolean last = i == path.size() - 1;
            Object fresh = last ? Kubectl.deepCopy(value) : path.get(i + 1) instanceof Integer
                    ? new ArrayList<>() : new LinkedHashMap<String, Object>();
            if (cur instanceof Map<?, ?> m) {
                Map<String, Object> map = (Map<String, Object>) m;
                if (last) {
                    map.put((String) seg, fresh);
                } else if (!(map.get((String) seg) instanceof Map || map.get((String) seg) instanceof List)) {
                    map.put((String) seg, fresh);
                }
                cur = map.get((String) seg);
            } else if (cur instanceof List<?> l) {
                List<Object> list = (List<Object>) l;
                int at = (Integer) seg;
                while (list.size() <= at) {
                    list.add(null);
                }
                if (last || !(list.get(at) instanceof Map || list.get(at) instanceof List)) {
                    list.set(at, fresh);
                }
                cur = list.get(at);
            } else {
                return;
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static void remove(Map<String, Object> root, List<Object> path) {
        Object parent = at(root, path.subList(0, path.size() - 1));
        Object last = path.get(path.size() - 1);
        if (parent instanceof Map<?, ?> m && last instanceof String s) {
            ((Map<String, Object>) m).remove(s);
        } else if (parent instanceof List<?> l && last instanceof Integer i && i < l.size()) {
            ((List<Object>) l).set(i, null);
        }
    }

    // ------------------------------------------------------------------ shown

    @SuppressWarnings("unchecked")
    private static Map<String, Object> meta(Map<String, Object> o) {
        return (Map<String, Object>) o.computeIfAbsent("metadata", k -> new LinkedHashMap<>());
    }

    private static Map<String, Object> skeleton(ObjectKinds.Res r, String namespace, Map<String, Object> given) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("apiVersion", given.get("apiVersion"));
        o.put("kind", r.kind());
        Map<String, Object> md = new LinkedHashMap<>();
        md.put("name", name(given));
        if (r.namespaced()) {
            md.put("namespace", namespace);
        }
        o.put("metadata", md);
        return o;
    }

    private void stamp(Map<String, Object> o, boolean created) {
        Map<String, Object> md = meta(o);
        if (created) {
            md.put("creationTimestamp", now());
            md.put("uid", UUID.randomUUID().toString());
        }
        md.put("resourceVersion", String.valueOf(resourceVersion.incrementAndGet()));
    }

    /** The object as the API server returns it: with metadata.managedFields (kubectl hides them unless asked). */
    private static Map<String, Object> shown(Entry e) {
        Map<String, Object> o = Kubectl.deepCopy(e.object);
        List<Object> managed = new ArrayList<>();
        e.owners.forEach((k, paths) -> {
            String[] m = k.split("\\|", 3);
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("apiVersion", m[2]);
            entry.put("fieldsType", "FieldsV1");
            entry.put("fieldsV1", fieldsV1(paths));
            entry.put("manager", m[0]);
            entry.put("operation", m[1]);
            entry.put("time", e.times.getOrDefault(k, now()));
            managed.add(entry);
        });
        meta(o).put("managedFields", managed);
        return o;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> fieldsV1(Set<List<Object>> paths) {
        Map<String, Object> root = new TreeMap<>();
        for (List<Object> p : paths) {
            Map<String, Object> cur = root;
            for (Object seg : p) {
                String k = seg instanceof Integer i ? "i:" + i : "f:" + seg;
                cur = (Map<String, Object>) cur.computeIfAbsent(k, x -> new TreeMap<>());
            }
        }
        return root;
    }

    /** The API server's conflict message (apimachinery's fieldmanager), without kubectl's advice. */
    static String message(List<Conflict> conflicts) {
        Map<String, List<String>> byManager = new LinkedHashMap<>();
        for (Conflict c : conflicts) {
            String who = "\"" + c.manager() + "\"" + (c.operation().equals("Update") ? " using " + c.apiVersion() : "");
            byManager.computeIfAbsent(who, k -> new ArrayList<>()).add(path(c.path()));
        }
        StringBuilder b = new StringBuilder("Apply failed with ").append(conflicts.size())
                .append(conflicts.size() == 1 ? " conflict: " : " conflicts: ");
        boolean first = true;
        for (Map.Entry<String, List<String>> e : byManager.entrySet()) {
            if (!first) {
                b.append('\n');
            }
            first = false;
            if (e.getValue().size() == 1) {
                b.append("conflict with ").append(e.getKey()).append(": ").append(e.getValue().get(0));
            } else {
                b.append("conflicts with ").append(e.getKey()).append(':');
                e.getValue().forEach(p -> b.append("\n- ").append(p));
            }
        }
        return b.toString();
    }

    /** A field as the API server names it: {@code .spec.template.spec.containers[0].image}. */
    static String path(List<Object> p) {
        StringBuilder b = new StringBuilder();
        for (Object seg : p) {
            b.append(seg instanceof Integer i ? "[" + i + "]" : "." + seg);
        }
        return b.toString();
    }

    @SuppressWarnings("unchecked")
    static String name(Map<String, Object> o) {
        return o.get("metadata") instanceof Map<?, ?> m ? str(((Map<String, Object>) m).get("name")) : "";
    }

    private static String str(Object o) {
        return o == null ? "" : String.valueOf(o);
    }

    private static String now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    }

    // ------------------------------------------------------------ persistence

    @SuppressWarnings("unchecked")
    private void load() {
        if (file == null || !Files.isRegularFile(file)) {
            return;
        }
        try {
            Map<String, Object> db = MAPPER.readValue(file.toFile(), Map.class);
            db.forEach((k, v) -> {
                Map<String, Object> m = (Map<String, Object>) v;
                Entry e = new Entry();
                e.object = (Map<String, Object>) normAll(m.get("object"));
                ((Map<String, Object>) m.getOrDefault("owners", Map.of())).forEach((mgr, paths) -> {
                    Set<List<Object>> set = new LinkedHashSet<>();
                    for (Object p : (List<Object>) paths) {
                        set.add(List.copyOf((List<Object>) p));
                    }
                    e.owners.put(mgr, set);
                });
                e.times.putAll((Map<String, String>) m.getOrDefault("times", Map.of()));
                objects.put(k, e);
            });
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot read simulated object store " + file, e);
        }
    }

    private static Object normAll(Object v) {
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put(String.valueOf(k), normAll(x)));
            return out;
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(x -> out.add(normAll(x)));
            return out;
        }
        return norm(v);
    }

    private void save() {
        if (file == null) {
            return;
        }
        Map<String, Object> db = new LinkedHashMap<>();
        objects.forEach((k, e) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("object", e.object);
            Map<String, Object> owners = new LinkedHashMap<>();
            e.owners.forEach((mgr, paths) -> owners.put(mgr, new ArrayList<>(paths)));
            m.put("owners", owners);
            m.put("times", e.times);
            db.put(k, m);
        });
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, Json.pretty(db));
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // The data dir was removed under a running server (uninstall): keep running in memory, as KubeApi does.
        }
    }
}
