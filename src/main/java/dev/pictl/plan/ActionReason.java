package dev.pictl.plan;

/** Why a resource gets its action. For people only: apply never branches on it. */
public enum ActionReason {
    NONE("none", ""),
    NOT_PRESENT("not_present", "not present on the node"),
    ATTRIBUTE_CHANGED("attribute_changed", "attributes differ from the description"),
    REBOOT_PENDING("reboot_pending", "cmdline.txt holds the change but the running kernel does not: reboot pending"),
    SERVICE_STOPPED("service_stopped", "the service is not running"),
    UNFINISHED("unfinished", "the last apply did not finish it (state: in_progress); the node already matches, so "
            + "apply only records it"),
    NOT_MANAGED("not_managed", "removed from the state with pictl state rm: pictl does not manage it, and apply "
            + "neither changes nor records it; pictl import manages it again"),
    K3S_RESTART("k3s_restart", "k3s restarts to take the new settings, one node at a time"),
    CERT_RENEWAL("cert_renewal", "k3s's certificates expire within cert_renewal_days: k3s certificate rotate and a "
            + "restart renew them, one node at a time"),
    OS_UPGRADE("os_upgrade", "pending OS updates are installed (--upgrade-os): drain, upgrade, reboot where needed, "
            + "uncordon; one node at a time, servers first"),
    UNCORDON_PENDING("uncordon_pending", "an apply that did not finish left the node cordoned: uncordon pending"),
    CANNOT_UPDATE_IN_PLACE("cannot_update_in_place", "an attribute that cannot change in place differs"),
    REPLACE_REQUESTED("replace_requested", "replacement requested with --replace"),
    REMOVED_FROM_CONFIG("removed_from_config", "no longer in the description"),
    DESTROY_REQUESTED("destroy_requested", "destroy requested with --destroy");

    private final String jsonName;
    private final String text;

    ActionReason(String jsonName, String text) {
        this.jsonName = jsonName;
        this.text = text;
    }

    public String jsonName() {
        return jsonName;
    }

    public String text() {
        return text;
    }
}
