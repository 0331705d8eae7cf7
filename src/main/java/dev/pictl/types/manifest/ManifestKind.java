package dev.pictl.types.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pictl.plan.AttributeChange;
import dev.pictl.plan.kind.Kind;
import dev.pictl.plan.kind.Observed;
import dev.pictl.plan.kind.PlanContext;
import dev.pictl.probe.NodeObservation;
import dev.pictl.resource.ResourceInstance;
import dev.pictl.state.ResourceState;
import dev.pictl.types.storage.StorageKinds;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code manifest}: one attribute per object, named by its identity ({@code ConfigMap demo/settings}), whose value is
 * the object's fields by path ({@link Fields}). The plan's map view then shows each changed field on its own line.
 *
 * <pre>
 *   desired     every object of the manifest, its fields and pictl's marks; an object the state recorded that the
 *               manifest no longer has: null (so the plan shows it going: the prune)
 *   observed    the live objects that carry BOTH marks of this manifest, restricted to the fields the manifest sets
 *               or the state recorded (what pictl owns; fields others set are not compared). A live object without
 *               the marks is not pictl's: never observed, so never changed or pruned; one the manifest declares is
 *               refused (check), not adopted
 *   absent      nothing live and nothing recorded
 * </pre>
 */
public final class ManifestKind implements Kind {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String type() {
        return ManifestType.NAME;
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
        List<ManifestObject> objects = ManifestType.objects(i, ctx.config().location());
        Map<String, Object> recorded = ctx.state().resource(i.address()).map(ResourceState::attributes)
                .orElse(Map.of());
        return desired(objects == null ? List.of() : objects, recorded);
    }

    /** The declared objects, then null for each recorded one the manifest dropped (a table test's entry point). */
    static Map<String, Object> desired(List<ManifestObject> objects, Map<String, Object> recordedAttributes) {
        Map<String, Object> out = new LinkedHashMap<>();
        objects.forEach(o -> out.put(o.key(), o.fields()));
        recorded(recordedAttributes).keySet().forEach(k -> out.putIfAbsent(k, null));
        return out;
    }

    /** The objects a state entry recorded, by key (entries that are not an object's fields are skipped). */
    static Map<String, ManifestObject> recorded(Map<String, Object> attributes) {
        Map<String, ManifestObject> out = new LinkedHashMap<>();
        if (attributes == null) {
            return out;
        }
        attributes.forEach((k, v) -> {
            if (v instanceof Map<?, ?> m && !m.isEmpty()) {
                Map<String, Object> fields = new TreeMap<>();
                m.forEach((p, x) -> fields.put(String.valueOf(p), x));
                ManifestObject o = ManifestObject.fromFields(fields);
                if (!o.kind().isEmpty() && !o.name().isEmpty()) {
                    out.put(k, o);
                }
            }
        });
        return out;
    }

    /** What the probe shows of a manifest's objects. */
    record View(Map<String, Object> owned, List<String> foreignDeclared, List<String> foreignRecorded,
                String unknown) {
    }

    @Override
    public Observed observe(ResourceInstance instance, ResourceState prior, String node, PlanContext ctx) {
        StorageKinds.Source src = StorageKinds.source(prior, ctx);
        if (src instanceof StorageKinds.Source.Decided d) {
            return d.observed();
        }
        NodeObservation server = ((StorageKinds.Source.Snapshot) src).server();
        Map<String, ManifestProbe.Live> live = server.part(ManifestProbe.OBJECTS);
        String name = instance != null ? instance.address().name() : prior.address().name();
        List<ManifestObject> declared = instance == null ? List.of()
                : orEmpty(ManifestType.objects(instance, ctx.config().location()));
        Map<String, ManifestObject> recorded = recorded(prior == null ? null : prior.attributes());
        View v = view(name, declared, recorded, live == null ? Map.of() : live);
        if (v.unknown() != null) {
            return new Observed.Unknown(v.unknown());
        }
        if (v.owned().isEmpty() && prior == null) {
            return new Observed.Absent();
        }
        String note = v.foreignRecorded().isEmpty() ? null : "left alone (no longer marked as this manifest's): "
                + String.join(", ", v.foreignRecorded());
        return new Observed.Present(v.owned(), note);
    }

    private static List<ManifestObject> orEmpty(List<ManifestObject> l) {
        return l == null ? List.of() : l;
    }

    /** The live side of a manifest (a table test's entry point). */
    static View view(String manifest, List<ManifestObject> declared, Map<String, ManifestObject> recorded,
                     Map<String, ManifestProbe.Live> live) {
        Map<String, ManifestObject> wanted = ManifestType.byKey(declared);
        Set<String> keys = new java.util.LinkedHashSet<>(wanted.keySet());
        keys.addAll(recorded.keySet());
        Map<String, Object> owned = new TreeMap<>();
        List<String> foreignDeclared = new ArrayList<>();
        List<String> foreignRecorded = new ArrayList<>();
        for (String key : keys) {
            ManifestObject want = wanted.get(key);
            ManifestObject was = recorded.get(key);
            ManifestObject id = want != null ? want : was;
            ManifestProbe.Live read = live.get(ManifestProbe.ask(id));
            if (read == null) {
                return new View(Map.of(), List.of(), List.of(), "the server's probe did not read " + key);
            }
            if (read.exitCode() != 0) {
                if (noSuchType(read.error())) {
                    continue; // its kind is not known to the server (yet): the object cannot exist
                }
                return new View(Map.of(), List.of(), List.of(), "kubectl get " + key + " failed: "
                        + firstLine(read.error()));
            }
            if (!read.found()) {
                continue;
            }
            JsonNode obj;
            try {
                obj = JSON.readTree(read.json());
            } catch (IOException e) {
                return new View(Map.of(), List.of(), List.of(), "kubectl get " + key + " printed no JSON object");
            }
            Map<String, Object> fields = Fields.flatten(obj);
            if (!ManifestDocs.PICTL.equals(fields.get(ManifestDocs.MANAGED_BY_PATH))
                    || !manifest.equals(fields.get(ManifestDocs.MANIFEST_PATH))) {
                (want != null ? foreignDeclared : foreignRecorded).add(key);
                continue;
            }
            Set<String> paths = new TreeSet<>();
            if (want != null) {
                paths.addAll(want.fields().keySet());
            }
            if (was != null) {
                paths.addAll(was.fields().keySet());
            }
            owned.put(key, restrict(fields, paths, want));
        }
        return new View(owned, foreignDeclared, foreignRecorded, null);
    }

    /**
     * The live fields at {@code paths}. An empty map or list the manifest writes reads as itself when the server
     * filled it in (a {@code podSelector: {}} the server keeps as is, or an {@code emptyDir: {}} it defaults).
     */
    static Map<String, Object> restrict(Map<String, Object> live, Set<String> paths, ManifestObject want) {
        Map<String, Object> out = new TreeMap<>();
        for (String p : paths) {
            if (live.containsKey(p)) {
                out.put(p, live.get(p));
                continue;
            }
            Object w = want == null ? null : want.fields().get(p);
            boolean emptyContainer = w instanceof Map<?, ?> m && m.isEmpty() || w instanceof List<?> l && l.isEmpty();
            if (emptyContainer && live.keySet().stream().anyMatch(k -> k.startsWith(p + ".") || k.startsWith(p + "["))) {
                out.put(p, w);
            }
        }
        return out;
    }

    private static boolean noSuchType(String error) {
        return error != null && (error.contains("the server doesn't have a resource type")
                || error.contains("no matches for kind"));
    }

    private static String firstLine(String s) {
        if (s == null || s.isBlank()) {
            return "no output";
        }
        String t = s.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl);
    }

    /** An object pictl would create that already exists without pictl's marks is someone else's: refused. */
    @Override
    public void check(ResourceInstance instance, Map<String, Object> before, List<AttributeChange> changes,
                      PlanContext ctx) {
        String serverNode = ctx.serverNode().orElse(null);
        if (instance == null || serverNode == null) {
            return;
        }
        Map<String, ManifestProbe.Live> live = ctx.observation(serverNode)
                .map(o -> o.part(ManifestProbe.OBJECTS)).orElse(null);
        if (live == null) {
            return;
        }
        List<ManifestObject> declared = orEmpty(ManifestType.objects(instance, ctx.config().location()));
        View v = view(instance.address().name(), declared, Map.of(), live);
        for (String key : v.foreignDeclared()) {
            ctx.diagnostics().error(instance.headerRange(), instance.address() + ": " + key
                            + " exists and pictl did not create it",
                    "pictl applies and prunes only objects it created (label " + ManifestDocs.MANAGED_BY + "="
                            + ManifestDocs.PICTL + " and annotation " + ManifestDocs.MANIFEST + "="
                            + instance.address().name() + "). Delete or rename the existing object, or leave it out of "
                            + "the manifest; to hand it to pictl on purpose, add both marks to it first.");
        }
    }
}
