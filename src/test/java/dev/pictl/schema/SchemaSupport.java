package dev.pictl.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.pictl.cli.Cli;
import dev.pictl.cli.CliContext;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Loads the committed schemas and runs the CLI in-process, for the schema tests. */
final class SchemaSupport {
    /** Surefire runs tests in the module directory, which is the repository root. */
    static final Path ROOT = Path.of("").toAbsolutePath();
    static final ObjectMapper MAPPER = new ObjectMapper();

    private SchemaSupport() {
    }

    static JsonSchema committedSchema(String rel) {
        try {
            JsonNode node = MAPPER.readTree(Files.readString(ROOT.resolve(rel)));
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The schema's complaints about a JSON text, sorted, as readable lines ("" when it validates). */
    static List<String> violations(JsonSchema schema, String json) {
        try {
            return schema.validate(MAPPER.readTree(json)).stream().map(ValidationMessage::getMessage).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    record Run(int exitCode, String out, String err) {
    }

    static Run pictl(Path workDir, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Cli.run(new CliContext(new PrintWriter(out, true), new PrintWriter(err, true), Map.of(), workDir), args);
        return new Run(code, out.toString(), err.toString());
    }
}
