package dev.pictl.probe;

import dev.pictl.types.ResourceTypes;
import dev.pictl.types.k3s.K3sProbe;
import dev.pictl.types.storage.NfsClientType;
import dev.pictl.types.storage.PvProbe;

import java.util.List;

/** The standard registry's probe, and requests as the engine makes them for it (tests of the probe package). */
final class StandardProbe {
    static final Probe PROBE = ResourceTypes.standard().probe();

    private StandardProbe() {
    }

    /**
     * What the engine asks of a node: the server's token and kubectl snapshot, the PV directories on it; the server
     * here also has a boot_config (its config.txt, vcgencmd and the EEPROM).
     */
    static ProbeRequest request(String node, boolean server, List<String> pvPaths) {
        ProbeRequest r = ProbeRequest.of(node);
        if (server) {
            r = r.with(K3sProbe.SERVER_TOKEN_ASK).with(NodeProbe.KUBE_ASK).with(NfsClientType.ASK)
                    .with(dev.pictl.types.boot.BootConfigProbe.ASK, "1").with(EepromProbe.ASK, "1")
                    .with(dev.pictl.types.helm.HelmChartProbe.ASK);
        }
        return pvPaths.isEmpty() ? r : r.with(PvProbe.PATHS_ASK, pvPaths);
    }

    static NodeObservation parse(ProbeRequest request, String stdout) {
        return PROBE.parse(request, stdout);
    }

    static String script(ProbeRequest request) {
        return PROBE.script(request);
    }
}
