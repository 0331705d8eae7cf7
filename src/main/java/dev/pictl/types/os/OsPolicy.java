package dev.pictl.types.os;

import dev.pictl.plan.kind.Canon;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The values of one {@code os_updates} resource: the policy ({@code updates}, {@code hold}, {@code reboot}) and,
 * only in a plan made with {@code --upgrade-os}, two pseudo-attributes: {@code pending_updates} (what the policy
 * installs, one line per package; desired empty) and {@code reboot_needed} (a kernel or firmware package among them,
 * or {@code /run/reboot-required}; desired false, and only with {@code reboot = "if-required"}). The state records
 * the policy only.
 */
record OsPolicy(String updates, List<String> hold, String reboot, List<String> pendingUpdates, Boolean rebootNeeded) {
    static final String PENDING = "pending_updates";
    static final String REBOOT_NEEDED = "reboot_needed";

    OsPolicy {
        hold = hold == null ? List.of() : List.copyOf(hold);
        pendingUpdates = pendingUpdates == null ? null : List.copyOf(pendingUpdates);
    }

    boolean securityOnly() {
        return "security".equals(updates);
    }

    boolean reboots() {
        return !"never".equals(reboot);
    }

    Map<String, Object> canonical() {
        return Canon.ordered("updates", updates, "hold", hold, "reboot", reboot, PENDING, pendingUpdates,
                REBOOT_NEEDED, rebootNeeded);
    }

    /** The policy alone (what the state records). */
    OsPolicy policy() {
        return new OsPolicy(updates, hold, reboot, null, null);
    }

    static OsPolicy of(Map<String, Object> attrs) {
        if (attrs == null) {
            return new OsPolicy("all", List.of(), "if-required", null, null);
        }
        return new OsPolicy(attrs.get("updates") instanceof String s ? s : "all", strings(attrs.get("hold")),
                attrs.get("reboot") instanceof String r ? r : "if-required",
                attrs.containsKey(PENDING) ? strings(attrs.get(PENDING)) : null,
                attrs.get(REBOOT_NEEDED) instanceof Boolean b ? b : null);
    }

    private static List<String> strings(Object o) {
        List<String> out = new ArrayList<>();
        if (o instanceof List<?> l) {
            l.forEach(x -> {
                if (x instanceof String s) {
                    out.add(s);
                }
            });
        }
        return out;
    }
}
