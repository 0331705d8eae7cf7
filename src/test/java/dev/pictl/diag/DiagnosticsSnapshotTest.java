package dev.pictl.diag;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** What a result record holds: a snapshot that nothing changes after it was taken. */
@Tag("fast")
class DiagnosticsSnapshotTest {
    private static final Diagnostic FIRST = new Diagnostic(Severity.WARNING, "first", "", null);
    private static final Diagnostic SECOND = new Diagnostic(Severity.ERROR, "second", "", null);

    @Test
    void laterAdditionsToTheCollector_doNotShowInTheSnapshot() {
        Diagnostics collector = new Diagnostics();
        collector.add(FIRST);
        Diagnostics snapshot = collector.snapshot();
        collector.add(SECOND);
        collector.redact(new Redactor(Set.of("first")));

        assertEquals(List.of(FIRST), snapshot.sorted());
        assertEquals(0, snapshot.errorCount());
        assertEquals(2, collector.sorted().size());
        assertTrue(collector.hasErrors());
    }

    @Test
    void everyWayOfChangingASnapshot_throws() {
        Diagnostics collector = new Diagnostics();
        collector.add(FIRST);
        Diagnostics snapshot = collector.snapshot();
        Diagnostics other = new Diagnostics();
        other.add(SECOND);

        assertThrows(UnsupportedOperationException.class, () -> snapshot.add(SECOND));
        assertThrows(UnsupportedOperationException.class, () -> snapshot.error(null, "x", ""));
        assertThrows(UnsupportedOperationException.class, () -> snapshot.warning(null, "x", ""));
        assertThrows(UnsupportedOperationException.class, () -> snapshot.addAll(other));
        assertThrows(UnsupportedOperationException.class, () -> snapshot.addAll(List.of(SECOND)));
        assertThrows(UnsupportedOperationException.class, () -> snapshot.redact(Redactor.NONE));
        assertEquals(List.of(FIRST), snapshot.sorted());
    }

    @Test
    void aSnapshotOfASnapshot_isItself_andASnapshotCanBeCopiedIntoANewCollector() {
        Diagnostics collector = new Diagnostics();
        collector.add(SECOND);
        Diagnostics snapshot = collector.snapshot();
        assertSame(snapshot, snapshot.snapshot());

        Diagnostics copy = new Diagnostics();
        copy.addAll(snapshot);
        copy.add(FIRST);
        assertEquals(2, copy.sorted().size());
        assertEquals(1, snapshot.sorted().size());
    }
}
