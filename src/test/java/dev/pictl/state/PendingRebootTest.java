package dev.pictl.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pictl.addr.ResourceAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The optional {@code reboot} of an in_progress entry: a reboot in flight (issue 10). */
@Tag("fast")
class PendingRebootTest {
    private static final Path FILE = Path.of("src/test/resources/state/roundtrip/reboot.in.json");
    private static final ResourceAddress KP = ResourceAddress.parse("kernel_params.cgroups[\"pi-worker-1\"]").orElseThrow();

    @Test
    void readsTheRecord_andAStateWithoutOneIsWrittenAsBefore() throws Exception {
        State s = StateCodec.decode(Files.readAllBytes(FILE));
        PendingReboot r = s.resource(KP).orElseThrow().reboot();
        assertEquals(Instant.parse("2026-12-07T14:02:11Z"), r.scheduledAt());
        assertEquals("0e9d3f4c-5a1b-4c2d-9e8f-7a6b5c4d3e2f", r.replacesBootId());
        assertNull(s.resource(ResourceAddress.of("node", "pi-worker-1")).orElseThrow().reboot());

        State done = s.withResource(s.resource(KP).orElseThrow().withStatus(ResourceStatus.OK));
        assertNull(done.resource(KP).orElseThrow().reboot(), "recorded ok: the reboot is over");
        assertFalse(StateCodec.encode(done).contains("\"reboot\""), "absent, not null, when there is none");
    }

    @Test
    void withReboot_keepsTheEntryInProgress() {
        ResourceState r = ResourceState.of(KP, "pi-worker-1").withReboot(new PendingReboot(Instant.EPOCH,
                "0e9d3f4c-5a1b-4c2d-9e8f-7a6b5c4d3e2f"));
        assertEquals(ResourceStatus.IN_PROGRESS, r.status());
        assertThrows(IllegalArgumentException.class, () -> new ResourceState(KP, "pi-worker-1", null, null, null, "",
                ResourceStatus.OK, r.reboot()));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "\"status\": \"in_progress\"|\"status\": \"ok\"|only an in_progress entry has a pending reboot|false",
            "\"scheduled_at\": \"2026-12-07T14:02:11Z\"|\"scheduled_at\": \"yesterday\"|is not an RFC 3339 UTC time|false",
            "\"scheduled_at\": \"2026-12-07T14:02:11Z\"|\"scheduled_at\": 7|scheduled_at: expected a string|true",
            "\"replaces_boot_id\": \"0e9d3f4c-5a1b-4c2d-9e8f-7a6b5c4d3e2f\"|\"replaces_boot_id\": \"x; reboot\"|a boot_id is a lower-case UUID|true",
            "\"replaces_boot_id\": \"0e9d3f4c-5a1b-4c2d-9e8f-7a6b5c4d3e2f\"|\"replaces_boot_id\": \"0e9d3f4c-5a1b-4c2d-9e8f-7a6b5c4d3e2f\", \"by\": 1|unknown property \"by\"|true",
            "\"reboot\": {|\"reboot\": [], \"x\": {|reboot: expected an object|true",
    })
    void refusesABrokenRecord_namingThePath(String from, String to, String message, boolean schemaToo)
            throws Exception {
        String text = Files.readString(FILE).replace(from, to);
        StateCodec.Invalid e = assertThrows(StateCodec.Invalid.class, () -> StateCodec.decode(text.getBytes()));
        assertTrue(e.getMessage().startsWith("resources[0]"), e.getMessage());
        assertTrue(e.getMessage().contains(message), e.getMessage());
        if (schemaToo) {
            assertFalse(StateTesting.violations(text).isEmpty(), "the schema refuses it too: " + text);
        }
    }
}
