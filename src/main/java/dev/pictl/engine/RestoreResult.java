package dev.pictl.engine;

import dev.pictl.diag.Diagnostics;
import dev.pictl.types.backup.SnapshotFiles;
import java.util.List;
import java.util.Map;

/**
 * The outcome of {@code pictl restore}.
 *
 * @param metadata    the snapshot's metadata, or null when it could not be read
 * @param approved    whether the steps were approved (false: nothing was changed)
 * @param changed     whether any node was changed (false after a refusal)
 * @param nodes       the Nodes once every one was Ready, as {@code NAME STATUS} lines (empty when not reached)
 * @param diagnostics every problem found
 * @param sources     file name → text
 */
public record RestoreResult(SnapshotFiles.Metadata metadata, boolean approved, boolean changed, List<String> nodes,
                            Diagnostics diagnostics, Map<String, String> sources) {
    public RestoreResult {
        nodes = List.copyOf(nodes);
        diagnostics = diagnostics.snapshot();
        sources = Results.frozen(sources);
    }

    public boolean ok() {
        return approved && !diagnostics.hasErrors();
    }
}
