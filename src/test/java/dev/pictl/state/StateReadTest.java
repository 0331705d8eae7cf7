package dev.pictl.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Reading a state file: missing is empty, anything broken is refused with the file and the problem named. */
@Tag("fast")
class StateReadTest {
    private static final String GOOD_RESOURCE = """
            {"address": "node.pi-1", "type": "node", "name": "pi-1", "key": null, "node": "pi-1", "status": "ok",
             "fingerprint": "", "dependencies": [], "attributes": {}, "sensitive_hashes": {}}""";
    private static final String HEAD = """
            "format_version": 1, "pictl_version": "0.1.0", "serial": 3,
            "lineage": "3f0c2b8e-5d1a-4c7e-9b2f-0a1d2e3f4a5b\"""";

    @TempDir
    Path dir;

    @Test
    void missingFile_isTheEmptyStateWithNoLineage() throws Exception {
        State s = StateTesting.store(dir).read();

        assertEquals(State.empty(), s);
        assertFalse(s.exists());
        assertEquals(0, s.serial());
        assertFalse(Files.exists(dir.resolve("pictl.state.json")), "reading creates nothing");
        assertFalse(Files.exists(dir.resolve("pictl.state.json.lock")), "reading takes no lock");
    }

    /** Each row: the file's content ('@R' stands for a valid resource), then what the message must say. */
    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', textBlock = """
            {"format_version": 1,                                                  | not valid JSON: line 1, column 22:
            ''                                                                     | the file is empty
            [1, 2]                                                                 | expected a JSON object at the top level, found an array
            {HEAD, "serial": 4, "resources": []}                                   | Duplicate field 'serial'
            {HEAD, "resources": []} trailing                                       | not valid JSON
            {HEAD, "resources": [], "outputs": {}}                                 | unknown property "outputs"
            {HEAD, "resources": [{"extra": 1, @R}]}                                | unknown property "extra" in resources[0]
            {"format_version": 1, "pictl_version": "0.1.0", "serial": "3", "lineage": "3f0c2b8e-5d1a-4c7e-9b2f-0a1d2e3f4a5b", "resources": []} | serial: expected an integer, found a string
            {"format_version": 1, "pictl_version": "0.1.0", "serial": 3.5, "lineage": "3f0c2b8e-5d1a-4c7e-9b2f-0a1d2e3f4a5b", "resources": []} | serial: expected an integer, found a number
            {"format_version": 1, "pictl_version": "0.1.0", "serial": 3, "lineage": 7, "resources": []}        | lineage: expected a string, found a number
            {"format_version": 1, "pictl_version": "0.1.0", "serial": 3, "lineage": "not-a-uuid", "resources": []} | lineage: expected a lower-case UUID, found "not-a-uuid"
            {"format_version": 1, "pictl_version": "0.1.0", "serial": 3, "resources": []}                      | missing property "lineage"
            {"format_version": "1", "resources": []}                               | format_version: expected an integer, found a string
            {"format_version": 0, "resources": []}                                 | format_version 0 is not a pictl state format
            {"serial": 1}                                                          | missing property "format_version"
            {HEAD, "resources": {}}                                                | resources: expected an array, found an object
            {HEAD, "resources": null}                                              | resources: expected an array, found null
            {HEAD, "resources": [{@R}, {@R}]}                                      | resources[1]: a second entry for node.pi-1
            {HEAD, "resources": [{"status": "broken", @R}]}                        | Duplicate field 'status'
            {HEAD, "resources": [{@R}], "serial": 0}                               | Duplicate field 'serial'
            """)
    void brokenFile_isRefusedNamingTheFileAndTheProblem(String content, String expected) throws Exception {
        String text = content.replace("HEAD", HEAD).replace("@R", GOOD_RESOURCE.substring(1, GOOD_RESOURCE.length() - 1));
        Files.writeString(dir.resolve("pictl.state.json"), text);

        StateException e = assertThrows(StateException.class, () -> StateTesting.store(dir).read());

        assertEquals("pictl.state.json is not a valid pictl state file", e.summary());
        assertTrue(e.detail().contains(expected), e.detail());
        assertTrue(e.detail().contains("restore the last good copy from pictl.state.json.backup"), e.detail());
        assertTrue(e.detail().contains("File: " + dir.resolve("pictl.state.json")), e.detail());
    }

    /** Each row: one change to a valid resource entry, then what the message must say. */
    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', textBlock = """
            "status": "ok" ~> "status": "broken"                           | resources[0].status: expected "ok", "tainted" or "in_progress", found "broken"
            "address": "node.pi-1" ~> "address": "node.pi-2"               | resources[0]: type, name and key ("node", "pi-1", null) do not match the address node.pi-2
            "address": "node.pi-1" ~> "address": "node pi-1"               | resources[0].address: "node pi-1" is not a resource address
            "key": null ~> "key": "pi-1"                                   | do not match the address node.pi-1
            "dependencies": [] ~> "dependencies": ["k3s"]                  | resources[0].dependencies[0]: "k3s" is not a resource address
            "dependencies": [] ~> "dependencies": "node.pi-0"              | resources[0].dependencies: expected an array, found a string
            "attributes": {} ~> "attributes": []                           | resources[0].attributes: expected an object, found an array
            "sensitive_hashes": {} ~> "sensitive_hashes": {"token": "K10abc"} | resources[0].sensitive_hashes.token: expected "hmac-sha256:" and 64 lower-case hex digits, found "K10abc"
            "attributes": {} ~> "attributes": {}, "z": {}                | unknown property "z" in resources[0]
            "fingerprint": "" ~> "fingerprint": null                       | resources[0].fingerprint: expected a string, found null
            , "sensitive_hashes": {} ~>                                    | missing property "sensitive_hashes" in resources[0]
            """)
    void brokenResourceEntry_isRefusedWithItsPath(String change, String expected) throws Exception {
        String[] fromTo = change.split("\\s*~>\\s*", -1);
        String resource = GOOD_RESOURCE.replace(fromTo[0], fromTo[1]);
        Files.writeString(dir.resolve("pictl.state.json"), "{" + HEAD + ", \"resources\": [" + resource + "]}");

        StateException e = assertThrows(StateException.class, () -> StateTesting.store(dir).read());

        assertTrue(e.detail().contains(expected), e.detail());
    }

    @Test
    void secretStoredBesideItsHash_isRefused() throws Exception {
        String resource = GOOD_RESOURCE.replace("\"attributes\": {}, \"sensitive_hashes\": {}",
                "\"attributes\": {\"token\": \"K10secret\"}, \"sensitive_hashes\": {\"token\": \"hmac-sha256:"
                        + "0".repeat(64) + "\"}");
        Files.writeString(dir.resolve("pictl.state.json"), "{" + HEAD + ", \"resources\": [" + resource + "]}");

        StateException e = assertThrows(StateException.class, () -> StateTesting.store(dir).read());

        assertTrue(e.detail().contains("attribute \"token\" is both in attributes and in sensitive_hashes"), e.detail());
    }

    @Test
    void newerFormat_isRefusedWithUpgradeAdvice() throws Exception {
        Files.writeString(dir.resolve("pictl.state.json"), "{\"format_version\": 2, \"whatever\": {\"v2\": true}}");

        StateException e = assertThrows(StateException.class, () -> StateTesting.store(dir).read());

        assertEquals("pictl.state.json was written by a newer pictl (format 2); this pictl reads format 1. Upgrade pictl.",
                e.summary());
        assertEquals("Error: pictl.state.json was written by a newer pictl (format 2); this pictl reads format 1."
                + " Upgrade pictl.", e.diagnostic().severity().title() + ": " + e.diagnostic().oneLine());
    }

    @Test
    void directoryInsteadOfAFile_isAClearError() throws Exception {
        Files.createDirectory(dir.resolve("pictl.state.json"));

        StateException e = assertThrows(StateException.class, () -> StateTesting.store(dir).read());

        assertEquals("cannot read pictl.state.json", e.summary());
    }

    @Test
    void upgrader_hasNothingToDoForTheCurrentFormat() {
        var tree = StateTesting.MAPPER.createObjectNode().put("format_version", 1);
        assertEquals(tree, StateUpgrader.upgrade(tree, State.FORMAT_VERSION));
    }
}
