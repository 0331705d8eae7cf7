package dev.pictl.sim;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster.json named through the simulator option is read bounded (issue 11, class 9): a FIFO, a directory or a huge
 * file is refused with a message at once, never read until it ends.
 */
@Tag("fast")
class ClusterSpecReadTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void aFifo_isRefusedAtOnce() throws Exception {
        Path fifo = dir.resolve("cluster.json");
        Process p = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0, "mkfifo");
        IOException e = assertThrows(IOException.class, () -> ClusterSpec.read(fifo));
        assertTrue(e.getMessage().endsWith("is not a regular file"), e.getMessage());
    }

    @Test
    void aDirectory_isRefused() throws Exception {
        Path d = Files.createDirectory(dir.resolve("cluster.json"));
        IOException e = assertThrows(IOException.class, () -> ClusterSpec.read(d));
        assertTrue(e.getMessage().endsWith("is not a regular file"), e.getMessage());
    }

    @Test
    void aHugeFile_isRefusedWithoutReadingIt() throws Exception {
        Path big = dir.resolve("cluster.json");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(ClusterSpec.MAX_BYTES + 1); // sparse: nothing is written
        }
        IOException e = assertThrows(IOException.class, () -> ClusterSpec.read(big));
        assertTrue(e.getMessage().endsWith("is larger than 16 MB"), e.getMessage());
    }
}
