package dev.pictl.types.manifest;

import static dev.pictl.resource.AttributeSchema.attr;

import dev.pictl.apply.Executor;
import dev.pictl.config.Config;
import dev.pictl.config.LabelRule;
import dev.pictl.diag.Diagnostics;
import dev.pictl.diag.SourceRange;
import dev.pictl.graph.Edge;
import dev.pictl.graph.GraphInstances;
import dev.pictl.io.BoundedFiles;
import dev.pictl.plan.kind.Kind;
import dev.pictl.probe.NodeProbe;
import dev.pictl.probe.ProbeFragment;
import dev.pictl.probe.ProbeRequest;
import dev.pictl.resource.AttrType;
import dev.pictl.resource.BlockSchema;
import dev.pictl.resource.ResourceInstance;
import dev.pictl.resource.Schemas;
import dev.pictl.resource.Value;
import dev.pictl.state.ResourceState;
import dev.pictl.types.ResourceType;
import dev.pictl.types.cluster.NamespaceType;
import dev.pictl.types.k3s.K3sProbe;
import dev.pictl.types.k3s.K3sServerType;
import dev.pictl.types.k3s.K3sTopology;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code manifest} resource type: Kubernetes objects from YAML, server-side applied through the k3s server under
 * the field manager {@value ManifestExecutor#FIELD_MANAGER}, marked as pictl's, pruned when they leave the manifest.
 */
public final class ManifestType implements ResourceType {
    public static final String NAME = "manifest";

    public static final BlockSchema SCHEMA = new BlockSchema(NAME, "name", false, List.of(
            attr("source", AttrType.STRING)
                    .doc("A YAML file of Kubernetes objects (several documents, `---` between them; or JSON), relative "
                            + "to the description's directory. Read at every validate and plan; at most 1 MiB. Exactly "
                            + "one of `source` and `content`."),
            attr("content", AttrType.STRING)
                    .doc("The YAML itself, inline (a heredoc reads best). Exactly one of `source` and `content`."),
            Schemas.DEPENDS_ON),
            List.of(),
            "Kubernetes objects from YAML, applied through the server with server-side apply under pictl's own field "
                    + "manager (`pictl`). Each object gets the label `app.kubernetes.io/managed-by: pictl` and the "
                    + "annotation `pictl.dev/manifest: NAME`. The plan compares the fields the manifest sets with the "
                    + "live objects, one by one; an object removed from the manifest is deleted, but only if it still "
                    + "carries both marks. Objects pictl did not create are never changed or deleted. See "
                    + "docs/manifests.md.",
            """
            manifest "web" {
              source = "manifests/web.yaml"
            }""");

    @Override
    public BlockSchema schema() {
        return SCHEMA;
    }

    /** A manifest's name goes into an annotation value: a Kubernetes name, so it reads back as written. */
    @Override
    public LabelRule labelRule() {
        return NAME_RULE;
    }

    private static final java.util.regex.Pattern DNS_LABEL = java.util.regex.Pattern.compile(
            "[a-z0-9]([-a-z0-9]*[a-z0-9])?");

    static final LabelRule NAME_RULE = new LabelRule() {
        @Override
        public boolean check(String name, SourceRange at, Diagnostics diags) {
            if (name.length() <= 63 && DNS_LABEL.matcher(name).matches()) {
                return true;
            }
            diags.error(at, "manifest name \"" + name + "\" is not a valid name",
                    "A manifest's name is written into the annotation " + ManifestDocs.MANIFEST + " of its objects: 1 "
                            + "to 63 lower-case letters, digits and \"-\", starting and ending with a letter or digit.");
            return false;
        }

        @Override
        public String description() {
            return "1 to 63 lower-case letters, digits and -, starting and ending with a letter or digit.";
        }

        @Override
        public String pattern() {
            return "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";
        }

        @Override
        public Integer maxLength() {
            return 63;
        }
    };

    /** The manifest's text, where it came from, or why it could not be read. */
    record Source(String text, String origin, SourceRange at, String error) {
    }

    /** Reads the manifest's text: the {@code source} file (relative to the description) or the {@code content}. */
    static Source source(ResourceInstance i, Path location) {
        Value content = i.attributes().get("content");
        Value source = i.attributes().get("source");
        if (content instanceof Value.Str s) {
            return new Source(s.value(), "content", s.range(), null);
        }
        if (!(source instanceof Value.Str s)) {
            return null; // unknown (a variable without a value), or neither: check() says so
        }
        Path base = location == null ? Path.of(".") : Files.isDirectory(location) ? location
                : location.toAbsolutePath().getParent();
        Path file = base.resolve(s.value());
        try {
            if (Files.isRegularFile(file) && Files.size(file) > ManifestDocs.MAX_BYTES) {
                return new Source(null, s.value(), s.range(), "it is larger than " + ManifestDocs.MAX_BYTES / 1024
                        + " KiB (a manifest is not a data store)");
            }
            return new Source(BoundedFiles.readString(file, BoundedFiles.Kind.CONFIG), s.value(), s.range(), null);
        } catch (IOException e) {
            return new Source(null, s.value(), s.range(), "cannot read " + file + ": " + BoundedFiles.reason(e));
        }
    }

    /** The instance's objects, or null when its text is unknown or does not parse (check() reports it). */
    static List<ManifestObject> objects(ResourceInstance i, Path location) {
        Source src = source(i, location);
        if (src == null || src.error() != null) {
            return null;
        }
        ManifestDocs.Parsed parsed = ManifestDocs.parse(src.text(), i.address().name());
        return parsed.ok() ? parsed.objects() : null;
    }

    @Override
    public void check(Config config, Diagnostics diags) {
        boolean noServer = K3sTopology.server(config).isEmpty();
        for (ResourceInstance m : config.ofType(NAME)) {
            if (noServer) {
                diags.error(m.headerRange(), m.address() + " needs a k3s_server",
                        "Manifests are applied through the k3s server; declare a k3s_server block.");
            }
            boolean hasSource = m.attributes().containsKey("source");
            boolean hasContent = m.attributes().containsKey("content");
            if (hasSource == hasContent) {
                diags.error(hasSource ? m.rangeOf("content") : m.headerRange(), m.address()
                        + (hasSource ? " sets both source and content" : " has no objects"),
                        "Set exactly one: source = \"FILE.yaml\" (relative to the description) or content = <<EOT ... EOT.");
                continue;
            }
            if (m.attributes().values().stream().anyMatch(Value::holdsSensitive)) {
                diags.error(m.headerRange(), m.address() + " is made from a sensitive value",
                        "A manifest's fields show in the plan and are written to the state; keep secrets out of it.");
                continue;
            }
            Source src = source(m, config.location());
            if (src == null) {
                continue;
            }
            if (src.error() != null) {
                diags.error(src.at(), "cannot read manifest " + show(src.origin()), capital(src.error()) + ".");
                continue;
            }
            ManifestDocs.Parsed parsed = ManifestDocs.parse(src.text(), m.address().name());
            String in = src.origin().equals("content") ? "content" : src.origin();
            for (ManifestDocs.Problem p : parsed.problems()) {
                diags.error(src.at(), "manifest " + show(in) + (p.line() > 0 ? ":" + p.line() + ":" + p.column() : "")
                        + ": " + p.message(), "In " + in + ", " + p.where() + ": " + p.message()
                        + ". Fix the YAML; pictl applies nothing of a manifest it cannot read whole.");
            }
            if (parsed.ok() && parsed.objects().isEmpty()) {
                diags.error(src.at(), "manifest " + show(in) + " holds no object",
                        "A manifest needs at least one Kubernetes object; remove the block to delete its objects.");
            }
        }
    }

    private static String show(String s) {
        return dev.pictl.config.NodeText.show(s);
    }

    private static String capital(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    /** A manifest after the server it is applied through, and after the namespaces its objects are in. */
    @Override
    public List<Edge> domainEdges(GraphInstances instances) {
        List<Edge> out = new ArrayList<>();
        for (var m : instances.ofType(NAME)) {
            for (var s : instances.ofType(K3sServerType.NAME)) {
                out.add(Edge.domain(s.address(), m.address(), m.headerRange(), "manifests after the server"));
            }
            out.addAll(dev.pictl.types.k3s.K3sTopology.afterEveryAgent(instances, m, "manifests after the agents"));
            // The objects' namespaces, when the description declares them: created first, deleted last. The
            // manifest's file is found from the block's own file (the description's directory).
            List<ManifestObject> objects = m.headerRange() == null || m.headerRange().file() == null ? null
                    : objects(m, Path.of(m.headerRange().file()));
            if (objects == null) {
                continue;
            }
            Set<String> namespaces = new java.util.TreeSet<>();
            objects.forEach(o -> namespaces.add(o.namespace()));
            for (var ns : instances.ofType(NamespaceType.NAME)) {
                if (namespaces.contains(ns.address().name())) {
                    out.add(Edge.domain(ns.address(), m.address(), m.headerRange(),
                            "a manifest after the namespaces its objects are in"));
                }
            }
        }
        return out;
    }

    @Override
    public Kind kind() {
        return new ManifestKind();
    }

    @Override
    public Executor executor() {
        return new ManifestExecutor();
    }

    /** Read from the server: its k3s, its kubectl snapshot, and the manifest's own objects. */
    @Override
    public List<ProbeFragment<?>> probe() {
        return List.of(K3sProbe.INSTALL, NodeProbe.KUBE, ManifestProbe.OBJECTS);
    }

    /** The server reads each declared object. */
    @Override
    public List<ProbeRequest> probeAsks(ResourceInstance resource, Config config) {
        String server = K3sTopology.server(config).map(ResourceInstance::node).orElse(null);
        List<ManifestObject> objects = objects(resource, config.location());
        if (server == null || objects == null) {
            return List.of();
        }
        return List.of(ProbeRequest.of(server).with(ManifestProbe.ASK, asks(objects)));
    }

    /** The server reads each recorded object (to prune those removed from the manifest, or all on a delete). */
    @Override
    public List<ProbeRequest> probeAsks(ResourceState recorded, Config config) {
        String server = K3sTopology.server(config).map(ResourceInstance::node).orElse(null);
        if (server == null) {
            return List.of();
        }
        return List.of(ProbeRequest.of(server).with(ManifestProbe.ASK, asks(ManifestKind.recorded(
                recorded.attributes()).values())));
    }

    private static List<String> asks(java.util.Collection<ManifestObject> objects) {
        Set<String> out = new LinkedHashSet<>();
        objects.forEach(o -> out.add(ManifestProbe.ask(o)));
        return new ArrayList<>(out);
    }

    static Map<String, ManifestObject> byKey(List<ManifestObject> objects) {
        Map<String, ManifestObject> out = new java.util.LinkedHashMap<>();
        objects.forEach(o -> out.put(o.key(), o));
        return out;
    }
}
