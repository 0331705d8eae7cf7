package dev.pictl.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher's class-data archive is deleted only when the JVM that was given it shares no classes at all. */
@Tag("fast")
class StartupArchiveTest {
    @TempDir
    Path tmp;

    @Test
    void hotSpotSaysSharingWhenItMapsAnArchive() {
        assertTrue(StartupArchive.sharing("mixed mode, sharing"));
        assertTrue(StartupArchive.sharing("interpreted mode, sharing"));
        assertFalse(StartupArchive.sharing("mixed mode"));
        assertFalse(StartupArchive.sharing(""));
    }

    @Test
    void anArchiveThisJvmUses_isKept_andNoPropertyTouchesNothing() throws Exception {
        Path archive = Files.writeString(tmp.resolve("pictl.jsa"), "x");
        String vmInfo = System.getProperty("java.vm.info");
        try {
            System.setProperty("java.vm.info", "mixed mode, sharing");
            System.setProperty(StartupArchive.PROPERTY, archive.toString());
            StartupArchive.dropIfRefused();
            assertTrue(Files.exists(archive), "kept while the JVM shares classes");

            System.clearProperty(StartupArchive.PROPERTY);
            System.setProperty("java.vm.info", "mixed mode");
            StartupArchive.dropIfRefused();
            assertTrue(Files.exists(archive), "no launcher property: not ours to delete");

            System.setProperty(StartupArchive.PROPERTY, archive.toString());
            StartupArchive.dropIfRefused();
            assertFalse(Files.exists(archive), "refused: deleted, the launcher makes it anew");
            StartupArchive.dropIfRefused(); // already gone: nothing thrown, nothing printed
        } finally {
            System.setProperty("java.vm.info", vmInfo);
            System.clearProperty(StartupArchive.PROPERTY);
        }
    }
}
