package dev.pictl.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The launchers' class-data archive (docs/architecture.md, "Start-up"): they start the JVM with
 * {@code -XX:SharedArchiveFile=ARCHIVE -Dpictl.cds=ARCHIVE}. The JVM refuses an archive made for another jar or
 * another JDK (a moved checkout, a JDK upgrade) silently and then runs with no shared classes at all, slower than
 * without the option; so when this JVM shares nothing the archive is deleted, and the launcher makes it anew on the
 * next run. Nothing is printed: a run never says anything about this.
 */
final class StartupArchive {
    static final String PROPERTY = "pictl.cds";

    private StartupArchive() {
    }

    /** Deletes the archive the launcher named when this JVM could not use it (best effort, silent). */
    static void dropIfRefused() {
        String archive = System.getProperty(PROPERTY);
        if (archive == null || archive.isEmpty() || sharing(System.getProperty("java.vm.info", ""))) return;
        try {
            Files.deleteIfExists(Path.of(archive));
        } catch (IOException | RuntimeException e) {
            // read-only installation: the launcher runs without it until install.sh is run again
        }
    }

    /** Whether the JVM maps shared classes: HotSpot's {@code java.vm.info} says "sharing" then. */
    static boolean sharing(String vmInfo) {
        return vmInfo.contains("sharing");
    }
}
