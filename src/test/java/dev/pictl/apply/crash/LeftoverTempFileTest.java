package dev.pictl.apply.crash;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pictl.engine.Version;
import dev.pictl.state.StateLock;
import dev.pictl.state.StateStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A writer killed between creating its temporary file and the rename (seen in {@link KillNineTest}: about one
 * kill point in ten lands there) leaves {@code .pictl.state.json.<random>.tmp}. The state is intact (the rename
 * never happened), but nothing else would ever remove the file: the next lock holder does, and only files of the
 * state writer's own pattern.
 */
@Tag("fast")
class LeftoverTempFileTest {
    @TempDir
    Path dir;

    @Test
    void lock_removesTheTemporaryFilesOfAKilledWriter_andNothingElse() throws Exception {
        List<String> leftovers = List.of(".pictl.state.json.18153592639512853976.tmp", ".pictl.state.json.-42.tmp",
                ".pictl.state.json.backup.1234.tmp", ".pictl.state.json.backup.3.99.tmp", ".pictl.state.key.77.tmp");
        List<String> kept = List.of("pictl.state.json", ".pictl.state.json.notes.tmp", ".other.json.123.tmp",
                "pictl.state.json.123.tmp", ".pictl.state.json.123.tmp.bak", "cluster.hcl");
        for (String f : Stream.concat(leftovers.stream(), kept.stream()).toList()) {
            Files.writeString(dir.resolve(f), f.equals("pictl.state.json") ? "" : "x");
        }
        Files.delete(dir.resolve("pictl.state.json")); // no state yet: the lock does not need one
        StateStore store = StateStore.at(dir.resolve("pictl.state.json"), Version.current());

        try (StateLock lock = store.lock("test")) {
            try (Stream<Path> s = Files.list(dir)) {
                List<String> left = s.map(p -> p.getFileName().toString()).sorted().toList();
                assertEquals(Stream.concat(kept.stream().filter(f -> !f.equals("pictl.state.json")),
                        Stream.of("pictl.state.json.lock")).sorted().toList(), left);
            }
        }
    }
}
