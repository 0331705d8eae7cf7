package dev.pictl.transport.ssh;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The upload temporary files ({@code .pictl-upload-*}) left in a directory that hold one upload's bytes. */
final class UploadLeftovers {
    private UploadLeftovers() {
    }

    /**
     * The leftovers in {@code dir} whose content is {@code uploaded}: those of one test's upload, whatever another
     * test (in another fork) has in flight there at the same moment. A file gone while it is read was not left.
     */
    static List<Path> in(Path dir, String uploaded) throws IOException {
        try (Stream<Path> all = Files.list(dir)) {
            return all.filter(p -> p.getFileName().toString().startsWith(".pictl-upload-"))
                    .filter(p -> holds(p, uploaded)).toList();
        }
    }

    private static boolean holds(Path p, String uploaded) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8).equals(uploaded);
        } catch (IOException e) {
            return false;
        }
    }
}
