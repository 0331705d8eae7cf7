package dev.pictl.state;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.pictl.addr.ResourceAddress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/** Shared by the state tests: the committed schema, a test store, sample entries. */
final class StateTesting {
    static final String VERSION = "0.0.0-test";
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final JsonSchema SCHEMA = schema();

    private StateTesting() {
    }

    private static JsonSchema schema() {
        try {
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                    .getSchema(MAPPER.readTree(Files.readString(Path.of("schema/state.schema.json"))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The schema's complaints about a JSON text, sorted; empty when it conforms. */
    static List<String> violations(String json) {
        try {
            return SCHEMA.validate(MAPPER.readTree(json)).stream().map(ValidationMessage::getMessage).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static StateStore store(Path dir) {
        return new StateStore(dir.resolve("pictl.state.json"), VERSION, Clock.systemUTC(), AtomicFiles.PLAIN);
    }

    static ResourceAddress addr(String text) {
        return ResourceAddress.parse(text).orElseThrow();
    }

    static ResourceState node(String name) {
        return ResourceState.of(addr("node." + name), name)
                .withAttributes(Map.of("hostname", name, "memory_mb", 3791))
                .withFingerprint("sha256:" + name);
    }

    static ResourceState cgroups(String node) {
        return ResourceState.of(addr("kernel_params.cgroups[\"" + node + "\"]"), node)
                .withAttributes(Map.of("add", List.of("cgroup_enable=memory", "cgroup_memory=1")))
                .withDependencies(List.of(addr("node." + node)));
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
