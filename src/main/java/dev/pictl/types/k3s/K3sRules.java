package dev.pictl.types.k3s;

import dev.pictl.config.Config;
import dev.pictl.config.NodeText;
import dev.pictl.diag.Diagnostics;
import dev.pictl.diag.SourceRange;
import dev.pictl.resource.ResourceInstance;
import dev.pictl.resource.Value;
import dev.pictl.types.host.KernelParamsType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The rules of k3s_server and k3s_agent that are about one instance's values or its node: {@code disable} entries,
 * the memory cgroup on a node that runs k3s, a token in clear text.
 */
final class K3sRules {
    private final Config config;
    private final Diagnostics diags;

    K3sRules(Config config, Diagnostics diags) {
        this.config = config;
        this.diags = diags;
    }

    /** k3s runs {@code --disable=ITEM} for each entry: an empty one disables nothing and hides a typo. */
    void disableEntries(ResourceInstance server) {
        if (server == null || !(server.attributes().get("disable") instanceof Value.ListVal l)) {
            return;
        }
        for (Value item : l.items()) {
            if (!(item instanceof Value.Str s)) {
                continue;
            }
            SourceRange at = config.located(s.range(), l.range());
            if (s.value().isBlank()) {
                diags.error(at, "empty entry in disable of " + server.address(),
                        "Each entry names a packaged component k3s should not deploy (coredns, servicelb, traefik, "
                                + "local-storage, metrics-server, runtimes); an empty one disables nothing. Remove it.");
            } else if (s.value().chars().anyMatch(Character::isWhitespace)
                    || NodeText.firstUnwritable(s.value(), true) >= 0) {
                diags.error(at, "disable entry " + NodeText.show(s.value()) + " is not a component name",
                        "Each entry names a packaged component (coredns, servicelb, traefik, local-storage, "
                                + "metrics-server, runtimes) or a manifest file's name; it holds no white space or "
                                + "control characters.");
            }
        }
    }

    /**
     * k3s refuses to start without the memory cgroup, which Raspberry Pi kernels disable by default: each of
     * {@code k3s} (instances that run k3s on their node) needs a kernel_params block on its node that adds it.
     */
    void memoryCgroup(List<ResourceInstance> k3s) {
        Map<String, ResourceInstance> params = new HashMap<>();
        config.ofType(KernelParamsType.NAME).forEach(k -> params.put(k.node(), k));
        for (ResourceInstance i : k3s) {
            if (i.node() == null) {
                continue;
            }
            ResourceInstance kp = params.get(i.node());
            boolean enables = kp != null && kp.strings("add").contains("cgroup_enable=memory");
            boolean removes = kp != null && kp.strings("remove").contains("cgroup_enable=memory");
            SourceRange at = i.nodeRange() != null ? i.nodeRange() : i.rangeOf("node");
            if (removes) {
                diags.error(kp.rangeOf("remove"), "kernel_params removes cgroup_enable=memory from node \"" + i.node()
                        + "\", which runs k3s", "k3s refuses to start without the memory cgroup. Remove it from remove.");
            } else if (!enables) {
                diags.warning(at, "node \"" + i.node() + "\" runs k3s but no kernel_params adds cgroup_enable=memory",
                        "Raspberry Pi kernels disable the memory cgroup by default and k3s refuses to start without it. "
                                + "Add the node to a kernel_params block with add = [\"cgroup_enable=memory\"] (unless "
                                + "its kernel already enables it).");
            }
        }
    }

    void clearTextToken(ResourceInstance server) {
        if (server != null && server.attributes().get("token") instanceof Value.Str s && !fromVariable(s)) {
            diags.warning(s.range(), "the k3s token is written in the configuration in clear text",
                    "Anyone who can read the file can join nodes to the cluster. Declare variable \"k3s_token\" "
                            + "{ sensitive = true } and write token = var.k3s_token.");
        }
    }

    private boolean fromVariable(Value.Str s) {
        String src = config.sources().get(s.range().file());
        if (src == null) {
            return true;
        }
        int from = s.range().start().offset();
        int to = Math.min(src.length(), s.range().end().offset());
        return !src.substring(from, to).startsWith("\"") || src.substring(from, to).contains("${");
    }
}
