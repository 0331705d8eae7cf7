package dev.pictl.types.host;

import static dev.pictl.resource.AttributeSchema.attr;

import dev.pictl.apply.Executor;
import dev.pictl.config.Config;
import dev.pictl.config.Rules;
import dev.pictl.diag.Diagnostics;
import dev.pictl.plan.kind.Kind;
import dev.pictl.resource.AttrType;
import dev.pictl.resource.BlockSchema;
import dev.pictl.resource.Schemas;
import dev.pictl.types.ResourceType;
import dev.pictl.probe.NodeProbe;
import dev.pictl.probe.ProbeFragment;
import java.util.List;

/** The {@code kernel_params} resource type. Kernel command-line tokens in cmdline.txt, applied with a drain and a reboot. */
public final class KernelParamsType implements ResourceType {
    public static final String NAME = "kernel_params";

    public static final BlockSchema SCHEMA = new BlockSchema(NAME, "name", true, List.of(
            Schemas.nodes("kernel_params.NAME"),
            attr("add", AttrType.STRING_LIST).defaultValue(List.of())
                    .doc("Tokens pictl keeps on the single line of cmdline.txt. A token dropped from this list is removed from the file."),
            attr("remove", AttrType.STRING_LIST).defaultValue(List.of())
                    .doc("Tokens that must be absent from cmdline.txt (e.g. `cgroup_disable=memory`)."),
            Schemas.DEPENDS_ON),
            List.of(),
            "Kernel command-line tokens in cmdline.txt (`/boot/firmware/cmdline.txt` on Bookworm, "
                    + "`/boot/cmdline.txt` before; detected). A change needs a reboot: pictl drains the node if it "
                    + "is in the cluster, reboots it, waits for a new boot_id, verifies `/proc/cmdline` and the "
                    + "memory cgroup, and uncordons it. At most one kernel_params block per node.",
            """
            kernel_params "cgroups" {
              nodes = [node.pi-server-1, node.pi-worker-1]
              add   = ["cgroup_enable=cpuset", "cgroup_enable=memory", "cgroup_memory=1"]
            }""");

    @Override
    public BlockSchema schema() {
        return SCHEMA;
    }

    /** At most one block of this type per node; its tokens pass the lint ({@link KernelParamLint}). */
    @Override
    public void check(Config config, Diagnostics diags) {
        Rules.onePerNode(config, NAME, "already has kernel parameters in", diags);
        new KernelParamLint(diags).check(config);
    }

    @Override
    public Kind kind() {
        return new KernelParamsKind();
    }

    @Override
    public Executor executor() {
        return new KernelParamsExecutor();
    }

    /** The kernel command line: the probe's own fragment (Health reads it on every node too). */
    @Override
    public List<ProbeFragment<?>> probe() {
        return List.of(NodeProbe.CMDLINE);
    }
}
