package dev.pictl.types.storage;

import static dev.pictl.resource.AttributeSchema.attr;

import dev.pictl.apply.Executor;
import dev.pictl.config.Config;
import dev.pictl.config.LabelRule;
import dev.pictl.config.NodeText;
import dev.pictl.diag.Diagnostics;
import dev.pictl.diag.SourceRange;
import dev.pictl.graph.Edge;
import dev.pictl.graph.GraphInstances;
import dev.pictl.plan.kind.Kind;
import dev.pictl.resource.AttrType;
import dev.pictl.resource.BlockSchema;
import dev.pictl.resource.ResourceInstance;
import dev.pictl.resource.Schemas;
import dev.pictl.resource.Value;
import dev.pictl.types.k3s.K3sServerType;
import dev.pictl.types.k3s.K3sTopology;
import dev.pictl.types.ResourceType;
import dev.pictl.probe.NodeProbe;
import dev.pictl.probe.ProbeFragment;
import dev.pictl.types.k3s.K3sProbe;
import java.util.List;
import java.util.Map;

/** The {@code storage_class} resource type. A Kubernetes StorageClass, created through the server. */
public final class StorageClassType implements ResourceType {
    public static final String NAME = "storage_class";

    public static final BlockSchema SCHEMA = new BlockSchema(NAME, "name", false, List.of(
            attr("provisioner", AttrType.STRING).required().forcesReplacement()
                    .doc("e.g. `kubernetes.io/no-provisioner` for local volumes."),
            attr("volume_binding_mode", AttrType.STRING).forcesReplacement()
                    .oneOf("Immediate", "WaitForFirstConsumer").defaultValue("Immediate")
                    .doc("When volumes are bound; `WaitForFirstConsumer` suits node-local volumes."),
            attr("reclaim_policy", AttrType.STRING).forcesReplacement().oneOf("Delete", "Retain").defaultValue("Delete")
                    .doc("What happens to dynamically provisioned volumes when released."),
            attr("allow_volume_expansion", AttrType.BOOL).defaultValue(false)
                    .doc("Whether claims may grow."),
            attr("parameters", AttrType.MAP).forcesReplacement().defaultValue(java.util.Map.of())
                    .doc("Provisioner parameters: strings (numbers and bools are written as text); Kubernetes holds no list or map here."),
            attr("default", AttrType.BOOL).defaultValue(false)
                    .doc("Mark as the cluster's default class (k3s's own `local-path` is default too unless disabled with `disable = [\"local-storage\"]`)."),
            Schemas.DEPENDS_ON),
            List.of(),
            "A Kubernetes StorageClass, created through the server. `provisioner`, `parameters`, `reclaim_policy` "
                    + "and `volume_binding_mode` are immutable in Kubernetes: changing one replaces the class. Do not "
                    + "name it `local-path` (k3s owns that one).",
            """
            storage_class "local-storage" {
              provisioner            = "kubernetes.io/no-provisioner"
              volume_binding_mode    = "WaitForFirstConsumer"
              allow_volume_expansion = true
            }""");

    /** A Kubernetes name, and not k3s's own class. */
    private static final LabelRule NAME_RULE = new KubernetesName(NAME) {
        @Override
        public boolean check(String name, SourceRange at, Diagnostics diags) {
            if (!super.check(name, at, diags)) {
                return false;
            }
            if (name.equals("local-path")) {
                diags.error(at, "storage_class \"local-path\" belongs to k3s",
                        "k3s creates and rewrites its own local-path StorageClass on every start. Choose another name, "
                                + "e.g. \"local-storage\".");
                return false;
            }
            return true;
        }

        @Override
        public String description() {
            return super.description() + " Not local-path (k3s owns that class).";
        }

        @Override
        public List<String> reserved() {
            return List.of("local-path");
        }
    };

    @Override
    public BlockSchema schema() {
        return SCHEMA;
    }

    @Override
    public LabelRule labelRule() {
        return NAME_RULE;
    }

    /** A class needs the server it is created through; its parameters are strings. */
    @Override
    public void check(Config config, Diagnostics diags) {
        boolean noServer = K3sTopology.server(config).isEmpty();
        for (ResourceInstance sc : config.ofType(NAME)) {
            if (noServer) {
                diags.error(sc.headerRange(), sc.address() + " needs a k3s_server",
                        "StorageClasses are created through the k3s server; declare a k3s_server block.");
            }
        }
        parameters(config, diags);
    }

    /**
     * StorageClass parameters are {@code map[string]string} in Kubernetes: a list or map cannot be stored, and written
     * as its text it would differ from the class on every plan (replacing it each time). Numbers and bools are
     * written as their text, as HCL converts them.
     */
    private static void parameters(Config config, Diagnostics diags) {
        for (ResourceInstance sc : config.ofType(NAME)) {
            if (!(sc.attributes().get("parameters") instanceof Value.MapVal m)) {
                continue;
            }
            for (Map.Entry<String, Value> e : m.entries().entrySet()) {
                Value v = e.getValue();
                SourceRange at = config.located(v.range(), config.located(m.keyRanges().get(e.getKey()), m.range()));
                if (v instanceof Value.ListVal || v instanceof Value.MapVal) {
                    diags.error(at, "parameter \"" + e.getKey() + "\" of " + sc.address() + " is a " + v.typeName(),
                            "StorageClass parameters are strings (map[string]string in Kubernetes). Write it as one "
                                    + "string, e.g. \"a,b\" when the provisioner takes a comma-separated list.");
                } else if (v instanceof Value.Str s && NodeText.firstUnwritable(s.value(), false) >= 0) {
                    diags.error(at, "parameter \"" + e.getKey() + "\" of " + sc.address() + " holds "
                                    + NodeText.describe(s.value(), NodeText.firstUnwritable(s.value(), false)),
                            "Kubernetes stores parameters as UTF-8 strings its components pass on as C strings. "
                                    + "Remove the character.");
                }
            }
        }
    }

    /** Storage after the server it is created through, and after the agents (deleted before any is uninstalled). */
    @Override
    public List<Edge> domainEdges(GraphInstances instances) {
        List<Edge> out = new java.util.ArrayList<>(instances.ofType(K3sServerType.NAME).stream()
                .flatMap(s -> instances.ofType(NAME).stream()
                        .map(sc -> Edge.domain(s.address(), sc.address(), sc.headerRange(), "storage after the server")))
                .toList());
        out.addAll(dev.pictl.types.k3s.K3sTopology.afterEveryAgent(instances, NAME, "storage after the agents"));
        return out;
    }

    @Override
    public Kind kind() {
        return new StorageClassKind();
    }

    @Override
    public Executor executor() {
        return new StorageClassExecutor();
    }

    /** Read from the server: its k3s and its kubectl snapshot. */
    @Override
    public List<ProbeFragment<?>> probe() {
        return List.of(K3sProbe.INSTALL, NodeProbe.KUBE);
    }
}
