package dev.pictl.engine;

import dev.pictl.config.VariableInputs;
import dev.pictl.transport.TransportSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * What {@code pictl backup} needs.
 *
 * @param config    the configuration file or directory
 * @param variables variable inputs (values not required)
 * @param targets   where the nodes are reached; null for the description's own addresses
 * @param transport SSH settings
 * @param out       the admin-side directory to write the snapshot to; null: the {@code k3s_backup}'s
 *                  {@code copy_dir}, else {@code backups} beside the configuration
 * @param timeout   the node-side time limit of the snapshot
 */
public record BackupRequest(Path config, VariableInputs variables, TargetResolver targets, TransportSettings transport,
                            Path out, Duration timeout) {
    public BackupRequest {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(variables, "variables");
        Objects.requireNonNull(timeout, "timeout");
        targets = targets == null ? TargetResolver.description() : targets;
    }
}
