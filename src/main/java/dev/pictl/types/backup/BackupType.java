package dev.pictl.types.backup;

import dev.pictl.config.Config;
import java.util.Optional;

/** The {@code k3s_backup} resource type (docs/backup.md). */
public final class BackupType {
    public static final String NAME = "k3s_backup";

    private BackupType() {
    }

    /** The admin-side copy directory the description's {@code k3s_backup} names, if any. */
    public static Optional<String> copyDir(Config config) {
        return Optional.empty();
    }
}
