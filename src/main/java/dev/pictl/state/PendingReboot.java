package dev.pictl.state;

import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A reboot pictl scheduled for a resource's node and has not yet seen the end of, kept on the resource's
 * {@code in_progress} entry. It is written before the reboot is scheduled, so a run that is killed or cut off
 * in the reboot window leaves the next run knowing that the board is (or soon will be) rebooting: the next plan or
 * apply waits for a boot_id other than {@link #replacesBootId} instead of failing on a board that is going down
 * or not answering yet. The entry loses it when the resource is next recorded.
 *
 * @param scheduledAt    when pictl scheduled it
 * @param replacesBootId the boot_id of the boot it ends ({@code /proc/sys/kernel/random/boot_id})
 */
public record PendingReboot(Instant scheduledAt, String replacesBootId) {
    static final Pattern BOOT_ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    public PendingReboot {
        Objects.requireNonNull(scheduledAt, "scheduledAt");
        Objects.requireNonNull(replacesBootId, "replacesBootId");
        if (!isBootId(replacesBootId)) {
            throw new IllegalArgumentException("a boot_id is a lower-case UUID, not \"" + replacesBootId + "\"");
        }
    }

    /** Whether {@code s} has the shape of {@code /proc/sys/kernel/random/boot_id}: a lower-case UUID. */
    public static boolean isBootId(String s) {
        return s != null && BOOT_ID.matcher(s).matches();
    }
}
