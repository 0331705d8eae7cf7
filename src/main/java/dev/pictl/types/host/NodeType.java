package dev.pictl.types.host;

import static dev.pictl.resource.AttributeSchema.attr;

import dev.pictl.apply.Executor;
import dev.pictl.config.Config;
import dev.pictl.config.LabelRule;
import dev.pictl.diag.Diagnostics;
import dev.pictl.diag.SourceRange;
import dev.pictl.plan.kind.Kind;
import dev.pictl.resource.AttrType;
import dev.pictl.resource.BlockSchema;
import dev.pictl.resource.Check;
import dev.pictl.resource.Schemas;
import dev.pictl.types.ResourceType;
import dev.pictl.resource.Value;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** The {@code node} resource type. A Raspberry Pi: its host name and the facts pictl reads from it. */
public final class NodeType implements ResourceType {
    public static final String NAME = Schemas.NODE_TYPE;

    public static final BlockSchema SCHEMA = new BlockSchema(NAME, "name", false, List.of(
            attr("address", AttrType.STRING).required().check(Check.ADDRESS)
                    .doc("IP address or DNS name pictl connects to (not `0.0.0.0` or `::`; an IPv6 zone names an "
                            + "interface: `fe80::2%eth0`)."),
            attr("labels", AttrType.MAP)
                    .doc("Kubernetes labels kept on the node's Node object, e.g. `{ \"disk\" = \"ssd\" }`. Set, changed "
                            + "and removed live through the API server (`kubectl label`, no k3s restart) at any time "
                            + "after the node joined; pictl touches only the labels it set (the `kube_node` resource "
                            + "in plans and state), never those of k3s or other tools. Keys and values follow "
                            + "Kubernetes' label syntax; `kubernetes.io`, `k8s.io` and `k3s.io` keys are refused except "
                            + "`node-role.kubernetes.io/NAME`. Needs k3s on the node."),
            attr("taints", AttrType.STRING_LIST)
                    .doc("Kubernetes taints kept on the node's Node object, `KEY[=VALUE]:EFFECT` with EFFECT "
                            + "`NoSchedule`, `PreferNoSchedule` or `NoExecute`, e.g. `[\"dedicated=db:NoSchedule\"]`; "
                            + "kept live like `labels` (`kubectl taint`), one taint per key and effect."),
            Schemas.DEPENDS_ON),
            List.of(Schemas.SSH),
            "A Raspberry Pi. pictl sets its hostname to the block's name (k3s node names and PV node affinity "
                    + "use it) with the matching `127.0.1.1` line in /etc/hosts, and reads its facts (model, "
                    + "arch, memory, OS, kernel, boot device, throttling) for preflight warnings. The name must be a "
                    + "valid host name: lower-case letters, digits and `-`.",
            """
            node "pi-worker-1" {
              address = "192.168.1.11"
            }""");

    /** A node's name is its host name: one DNS label (pictl sets the hostname to it). */
    static final LabelRule HOST_NAME = new LabelRule() {
        private static final Pattern HOST_LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

        @Override
        public boolean check(String name, SourceRange at, Diagnostics diags) {
            if (HOST_LABEL.matcher(name).matches()) {
                return true;
            }
            diags.error(at, "node name \"" + name + "\" is not a valid host name",
                    "pictl sets each node's hostname to its name (k3s node names and volume affinity use it). "
                            + "Use lower-case letters, digits and \"-\", at most 63 characters, e.g. \""
                            + name.toLowerCase().replace('_', '-') + "\".");
            return false;
        }

        @Override
        public String description() {
            return "A host name label (pictl sets the node's hostname to it): lower-case letters, digits and -, "
                    + "starting with a letter, at most 63 characters.";
        }

        @Override
        public String pattern() {
            return "^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$";
        }
    };

    @Override
    public BlockSchema schema() {
        return SCHEMA;
    }

    @Override
    public LabelRule labelRule() {
        return HOST_NAME;
    }

    /** A node is on itself. */
    @Override
    public String instanceNode(String label, Map<String, Value> attributes) {
        return label;
    }

    /** Addresses name a board, and no two nodes share one (with the SSH port). */
    @Override
    public void check(Config config, Diagnostics diags) {
        new NodeAddresses(config, diags).check();
    }

    @Override
    public Kind kind() {
        return new NodeKind();
    }

    @Override
    public Executor executor() {
        return new NodeExecutor();
    }
}
