package dev.pictl.probe;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads a node's facts for trouble a person should hear about before (plan) or beside (drift) anything else:
 * under-voltage, frequency capping, throttling and the soft temperature limit, now and since boot
 * ({@code vcgencmd get_throttled} bits); temperature; less than 4 GB of memory; booting from an SD card; not a
 * Raspberry Pi, or not 64-bit.
 */
public final class Health {
    private Health() {
    }

    /**
     * One finding. {@code code} is stable for machines ({@code throttled_now}, {@code sd_card_boot}, ...);
     * {@code advisory} marks a standing fact of the hardware (SD-card boot, installed memory) that never fails a run.
     */
    public record Finding(String node, String code, String message, boolean advisory) {
    }

    /** Every observed node's findings, by node name. */
    public static List<Finding> findings(java.util.Map<String, ProbeOutcome> probes) {
        List<Finding> out = new ArrayList<>();
        for (ProbeOutcome o : new java.util.TreeMap<>(probes).values()) {
            if (o instanceof ProbeOutcome.Observed obs) {
                out.addAll(findings(obs.observation()));
            }
        }
        return out;
    }

    private static final String[][] BITS = {
        {"0", "under_voltage_now", "under-voltage now"},
        {"1", "freq_capped_now", "ARM frequency capped now"},
        {"2", "throttled_now", "throttled now"},
        {"3", "soft_temp_limit_now", "soft temperature limit active now"},
        {"16", "under_voltage_since_boot", "under-voltage has occurred since boot"},
        {"17", "freq_capped_since_boot", "ARM frequency capping has occurred since boot"},
        {"18", "throttled_since_boot", "throttling has occurred since boot"},
        {"19", "soft_temp_limit_since_boot", "soft temperature limit has occurred since boot"},
    };

    /** The meaning of each set bit of a {@code get_throttled} value, e.g. 0x50005 → four phrases. */
    public static List<String> decodeThrottled(long bits) {
        List<String> out = new ArrayList<>();
        for (String[] b : BITS) {
            if ((bits & (1L << Integer.parseInt(b[0]))) != 0) {
                out.add(b[2]);
            }
        }
        return out;
    }

    public static List<Finding> findings(NodeObservation o) {
        List<Finding> out = new ArrayList<>();
        NodeObservation.Facts f = o.facts();
        String n = o.node();
        long bits = f.throttledBits();
        if (bits > 0) {
            List<String> what = decodeThrottled(bits);
            boolean underVoltage = (bits & 0x10001L) != 0;
            out.add(new Finding(n, (bits & 0xF) != 0 ? "throttled_now" : "throttled_since_boot",
                    "throttled=" + f.throttled() + ": " + String.join(", ", what)
                            + (underVoltage ? " (a weak power supply or cable; under-voltage corrupts SD cards)" : ""),
                    false));
        }
        if (f.temperatureC() != null && f.temperatureC() >= 80.0) {
            out.add(new Finding(n, "hot", String.format("SoC temperature %.1f°C (throttling starts at 80°C)",
                    f.temperatureC()), false));
        }
        if (f.memTotalKb() > 0 && f.memTotalKb() < 3_500_000L) {
            out.add(new Finding(n, "low_memory", String.format("%.1f GB of memory; k3s on a Pi wants at least 4 GB",
                    f.memTotalKb() / 1024.0 / 1024.0), true));
        }
        if ("sd".equals(f.bootDevice())) {
            out.add(new Finding(n, "sd_card_boot", "boots from an SD card (" + f.rootSource()
                    + "); k3s's datastore wears SD cards out, a USB SSD lasts longer", true));
        }
        if (f.model() != null && !f.isRaspberryPi()) {
            out.add(new Finding(n, "not_a_pi", "model is \"" + f.model() + "\", not a Raspberry Pi", true));
        } else if (f.model() == null) {
            out.add(new Finding(n, "not_a_pi", "no device-tree model: probably not a Raspberry Pi", true));
        }
        if (f.arch() != null && !f.arch().equals("aarch64")) {
            out.add(new Finding(n, "not_arm64", "runs a " + f.arch() + " kernel, not aarch64 (64-bit)", true));
        }
        return out;
    }
}
