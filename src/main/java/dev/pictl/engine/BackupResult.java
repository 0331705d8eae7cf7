package dev.pictl.engine;

import dev.pictl.diag.Diagnostics;
import dev.pictl.types.backup.SnapshotFiles;
import java.nio.file.Path;
import java.util.Map;

/**
 * The outcome of {@code pictl backup}.
 *
 * @param metadata    what was written (no secret in it), or null when nothing was
 * @param archive     the archive's path
 * @param diagnostics every problem found
 * @param sources     file name → text
 */
public record BackupResult(SnapshotFiles.Metadata metadata, Path archive, Diagnostics diagnostics,
                           Map<String, String> sources) {
    public BackupResult {
        diagnostics = diagnostics.snapshot();
        sources = Results.frozen(sources);
    }

    public boolean ok() {
        return metadata != null && !diagnostics.hasErrors();
    }
}
