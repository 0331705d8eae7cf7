package dev.pictl.types.host;

import dev.pictl.addr.ResourceAddress;
import dev.pictl.apply.ApplyContext;
import dev.pictl.apply.ApplyHook;
import dev.pictl.apply.ApplyOptions;
import dev.pictl.config.Config;
import dev.pictl.diag.Diagnostics;
import dev.pictl.plan.Action;
import dev.pictl.plan.ActionReason;
import dev.pictl.plan.ResourceChange;
import dev.pictl.plan.kind.PlanContext;
import dev.pictl.probe.NodeObservation;
import dev.pictl.probe.NodeObservation.Facts;
import dev.pictl.probe.ProbeOutcome;
import dev.pictl.probe.ProbeScript;
import dev.pictl.resource.ResourceInstance;
import dev.pictl.state.State;
import dev.pictl.testing.FakeTransport;
import dev.pictl.testing.TestContexts;
import dev.pictl.types.ResourceTypes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builders the fast table tests of the host family share: probe output text, observations, planning contexts over
 * a state, planned changes and apply contexts over a {@link FakeTransport} with chosen options. No board, no shell.
 */
final class HostFakes {
    /** A boot_id as the kernel prints it (a lower-case UUID). */
    static final String BOOT_1 = "0b7a4c1e-5d2f-4e8a-9c3b-1a2b3c4d5e6f";
    static final String BOOT_2 = "7d1e0f3a-2b4c-4d5e-8f60-718293a4b5c6";
    static final String KERNEL = "6.6.51+rpt-rpi-v8";

    private HostFakes() {
    }

    /** A probe's stdout with these sections ({@code id, text, id, text, ...}) and the end marker, as the script prints it. */
    static String output(String... idAndText) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < idAndText.length; i += 2) {
            sb.append('\n').append(ProbeScript.MARKER).append(idAndText[i]).append('\n').append(idAndText[i + 1]);
        }
        return sb.append('\n').append(ProbeScript.MARKER).append(ProbeScript.END_SECTION).append('\n').toString();
    }

    /** Facts of a Pi 4 with these names (null: the probe found none). */
    static Facts facts(String hostname, String kernelHostname, String hostsName) {
        return new Facts("Raspberry Pi 4 Model B Rev 1.4", "aarch64", "arm64", 3_884_000, 3_100_000, "debian", "12",
                "bookworm", KERNEL, "/dev/mmcblk0p2", "sd", "0x0", 47.2, BOOT_1, hostname, kernelHostname, hostsName);
    }

    /** A running board whose three names are all {@code name}. */
    static NodeObservation named(String node, String name) {
        return NodeObservation.of(node, facts(name, name, name));
    }

    /** A planning context over these observations and this state. */
    static PlanContext plan(Config config, State state, NodeObservation... observations) {
        Map<String, ProbeOutcome> probes = new LinkedHashMap<>();
        for (NodeObservation o : observations) {
            probes.put(o.node(), new ProbeOutcome.Observed(o));
        }
        return new PlanContext(ResourceTypes.standard().kinds(), config, probes, state, TestContexts.HASHER,
                new Diagnostics());
    }

    /** The described instance at {@code address}; fails when the description has none. */
    static ResourceInstance instance(Config config, ResourceAddress address) {
        return config.instance(address).orElseThrow(() -> new AssertionError("no " + address + " described"));
    }

    /** A planned change of {@code address} on {@code node}, as the differ would hand it to the walker. */
    static ResourceChange change(ResourceAddress address, String node, Action action, Map<String, Object> before,
                                 Map<String, Object> after, boolean drain) {
        ActionReason reason = switch (action) {
            case CREATE -> ActionReason.NOT_PRESENT;
            case DELETE -> ActionReason.REMOVED_FROM_CONFIG;
            default -> ActionReason.ATTRIBUTE_CHANGED;
        };
        return new ResourceChange(address, node, action, reason, before, after, Set.of(), List.of(),
                address.type().equals(KernelParamsType.NAME), drain, null, "",
                node == null ? List.of() : List.of(ResourceAddress.of(NodeType.NAME, node)));
    }

    /** An apply context over the fake transport's nodes (scripted before this call), with these options. */
    static ApplyContext apply(FakeTransport transport, Config config, ApplyOptions options, List<String> progress) {
        return TestContexts.apply(transport, config, new ApplyHook() {
            @Override
            public void step(ResourceAddress address, String step) {
                progress.add(step);
            }
        }, options);
    }

    /** An ordered map of {@code key, value, ...} (the attribute maps of plans and records). */
    static Map<String, Object> attrs(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
