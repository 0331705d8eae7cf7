package dev.pictl.state;

/**
 * The health of a recorded resource instance, as the last writer left it.
 *
 * <pre>
 *   apply starts an action ──▶ IN_PROGRESS ──action succeeds──▶ OK
 *                                   │
 *                                   ├──action fails──────────  stays IN_PROGRESS (next plan re-probes it)
 *                                   └──pictl killed───────────  stays IN_PROGRESS (next plan re-probes it)
 * </pre>
 */
public enum ResourceStatus {
    /** Recorded after a completed action or a refresh: the attributes are what pictl last saw. */
    OK("ok"),
    /**
     * Reserved in format 1 (Terraform's "tainted": an object an action left untrustworthy): read, never written by
     * this version; such an entry is planned like any other, from what the probe finds.
     */
    TAINTED("tainted"),
    /**
     * An apply began changing it and did not record a success (the action failed, or pictl was killed, or the power
     * was cut): the attributes are from before the action. The next plan re-probes the node and reconciles; it never assumes the action ran.
     */
    IN_PROGRESS("in_progress");

    private final String jsonName;

    ResourceStatus(String jsonName) {
        this.jsonName = jsonName;
    }

    /** The spelling in the state file. */
    public String jsonName() {
        return jsonName;
    }

    /** The status spelled {@code name} in a state file, or null when there is none. */
    static ResourceStatus fromJson(String name) {
        for (ResourceStatus s : values()) {
            if (s.jsonName.equals(name)) {
                return s;
            }
        }
        return null;
    }
}
