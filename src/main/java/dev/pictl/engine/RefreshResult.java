package dev.pictl.engine;

import java.util.List;

/** What {@code apply --refresh-only} recorded: the addresses updated and removed, and the new serial. */
public record RefreshResult(List<String> updated, List<String> removed, long serial) {
    public RefreshResult {
        updated = List.copyOf(updated);
        removed = List.copyOf(removed);
    }
}
