package dev.pictl.state;

import static dev.pictl.state.StateTesting.addr;
import static dev.pictl.state.StateTesting.cgroups;
import static dev.pictl.state.StateTesting.node;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The optional {@code unmanaged} list of format 1 (issue 19): what {@code state rm} took out of management. A state
 * that never had one is written as before; recording an address (apply, import) manages it again; the reader
 * refuses a malformed list, naming where.
 */
@Tag("fast")
class UnmanagedStateTest {
    private static final String KP1 = "kernel_params.cgroups[\"pi-1\"]";

    private static State written(State s) {
        return s.asWritten(3, "3f0c2b8e-5d1a-4c7e-9b2f-0a1d2e3f4a5b", StateTesting.VERSION);
    }

    @Test
    void forgetting_writesTheList_recordingManagesAgain_andNoListIsTheOldFormat() throws Exception {
        State s = written(new State(0, null, null, List.of(node("pi-1"), cgroups("pi-1"), node("pi-2"))));
        String plain = StateCodec.encode(s);
        assertFalse(plain.contains("unmanaged"), "absent when there is none: byte for byte the old format");

        State forgot = s.forgetting(List.of(addr(KP1), addr("node.pi-2")));
        assertEquals(List.of(addr(KP1), addr("node.pi-2")), forgot.unmanaged());
        assertTrue(forgot.resource(addr(KP1)).isEmpty());
        String text = StateCodec.encode(forgot);
        assertTrue(text.endsWith("  ],\n  \"unmanaged\": [\n    \"kernel_params.cgroups[\\\"pi-1\\\"]\",\n"
                + "    \"node.pi-2\"\n  ]\n}\n"), text);
        assertEquals(List.of(), StateTesting.violations(text));
        State read = StateCodec.decode(text.getBytes(StandardCharsets.UTF_8));
        assertEquals(forgot.unmanaged(), read.unmanaged());
        assertEquals(text, StateCodec.encode(read), "canonical");
        assertFalse(read.sameContent(s), "forgetting is a change worth a write");

        State back = read.withResource(cgroups("pi-1"));
        assertEquals(List.of(addr("node.pi-2")), back.unmanaged(), "an entry means managed");
        assertEquals(List.of(), back.managing(List.of(addr("node.pi-2"))).unmanaged());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "\"x\"                    | unmanaged: expected an array of addresses, found a string",
            "[7]                      | unmanaged[0]: expected a string (an address), found a number",
            "[\"not an address\"]     | unmanaged[0]: \"not an address\" is not a resource address",
            "[\"node.b\", \"node.b\"] | unmanaged[1]: node.b is listed twice",
            "[\"node.a\"]             | unmanaged: node.a has an entry in resources too"})
    void aMalformedList_isRefusedWithItsPlace(String list, String message) {
        String text = "{\"format_version\": 1, \"pictl_version\": \"x\", \"serial\": 1, \"lineage\": "
                + "\"3f0c2b8e-5d1a-4c7e-9b2f-0a1d2e3f4a5b\", \"resources\": [{\"address\": \"node.a\", \"type\": "
                + "\"node\", \"name\": \"a\", \"key\": null, \"node\": \"a\", \"status\": \"ok\", \"fingerprint\": \"\", "
                + "\"dependencies\": [], \"attributes\": {}, \"sensitive_hashes\": {}}], \"unmanaged\": " + list + "}";
        StateCodec.Invalid e = assertThrows(StateCodec.Invalid.class,
                () -> StateCodec.decode(text.getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
    }
}
