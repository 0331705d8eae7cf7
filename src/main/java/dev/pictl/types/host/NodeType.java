package dev.pictl.types.host;

import static dev.pictl.resource.AttributeSchema.attr;

import dev.pictl.apply.Executor;
import dev.pictl.plan.kind.Kind;
import dev.pictl.resource.AttrType;
import dev.pictl.resource.BlockSchema;
import dev.pictl.resource.Check;
import dev.pictl.resource.Schemas;
import dev.pictl.types.ResourceType;
import java.util.List;

/** The {@code node} resource type. A Raspberry Pi: its host name and the facts pictl reads from it. */
public final class NodeType implements ResourceType {
    public static final String NAME = Schemas.NODE_TYPE;

    public static final BlockSchema SCHEMA = new BlockSchema(NAME, "name", false, List.of(
            attr("address", AttrType.STRING).required().check(Check.ADDRESS)
                    .doc("IP address or DNS name pictl connects to (not `0.0.0.0` or `::`; an IPv6 zone names an "
                            + "interface: `fe80::2%eth0`)."),
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

    @Override
    public BlockSchema schema() {
        return SCHEMA;
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
