package dev.pictl.engine;

import dev.pictl.config.VariableInputs;
import dev.pictl.transport.TransportSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * What {@code pictl restore} needs.
 *
 * @param config       the configuration file or directory
 * @param variables    variable inputs (values required: the token may come from one)
 * @param targets      where the nodes are reached; null for the description's own addresses
 * @param transport    SSH settings
 * @param snapshot     the snapshot (its archive, metadata file or name with its directory)
 * @param approver     shown the steps, node by node; true to go on (false: nothing is changed)
 * @param progress     one line per step as it starts
 * @param readyTimeout how long to wait for every Node to be Ready again
 */
public record RestoreRequest(Path config, VariableInputs variables, TargetResolver targets, TransportSettings transport,
                             Path snapshot, Predicate<List<String>> approver, Consumer<String> progress,
                             Duration readyTimeout) {
    public RestoreRequest {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(variables, "variables");
        Objects.requireNonNull(snapshot, "snapshot");
        Objects.requireNonNull(approver, "approver");
        Objects.requireNonNull(readyTimeout, "readyTimeout");
        targets = targets == null ? TargetResolver.description() : targets;
        progress = progress == null ? line -> { } : progress;
    }
}
