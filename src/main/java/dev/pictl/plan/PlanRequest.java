package dev.pictl.plan;

import dev.pictl.addr.ResourceAddress;
import java.util.List;
import java.util.Objects;

/**
 * Options of one plan.
 *
 * @param mode    normal, destroy or refresh-only
 * @param targets {@code --target}: only these resources (block or instance addresses) and what they depend on;
 *                empty for everything
 * @param replace {@code --replace}: resources to replace even if unchanged
 * @param upgradeOs {@code --upgrade-os}: pending OS updates become planned changes (issue 15)
 */
public record PlanRequest(PlanMode mode, List<ResourceAddress> targets, List<ResourceAddress> replace,
                          boolean upgradeOs) {
    public PlanRequest(PlanMode mode, List<ResourceAddress> targets, List<ResourceAddress> replace) {
        this(mode, targets, replace, false);
    }

    /** The same request, installing pending OS updates or not. */
    public PlanRequest withUpgradeOs(boolean upgrade) {
        return new PlanRequest(mode, targets, replace, upgrade);
    }

    public PlanRequest {
        Objects.requireNonNull(mode, "mode");
        targets = List.copyOf(targets);
        replace = List.copyOf(replace);
    }

    public static PlanRequest normal() {
        return new PlanRequest(PlanMode.NORMAL, List.of(), List.of());
    }
}
