package dev.pictl.schema;

import dev.pictl.types.ResourceTypes;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pictl.resource.BlockSchema;
import dev.pictl.resource.Schemas;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** docs/configuration.md is written by hand; these are the facts in it that code can check. */
@Tag("fast")
class ConfigurationDocTest {
    @Test
    void listsEveryFunctionAConfigurationMayCall() throws Exception {
        String doc = Files.readString(SchemaSupport.ROOT.resolve("docs/configuration.md"));
        List<String> missing = functionNames().stream().filter(f -> !doc.contains("`" + f + "(")).toList();
        assertEquals(List.of(), missing, "functions missing from docs/configuration.md");
    }

    @Test
    void mentionsEveryBlockType() throws Exception {
        String doc = Files.readString(SchemaSupport.ROOT.resolve("docs/configuration.md"));
        List<String> missing = ResourceTypes.standard().catalog().topLevel().stream().map(BlockSchema::type)
                .filter(t -> !doc.contains("`" + t + "`")).toList();
        assertEquals(List.of(), missing, "block types missing from docs/configuration.md");
    }

    /** Functions.SIGNATURES is package-private in dev.pictl.config; read by reflection rather than copied. */
    private static List<String> functionNames() throws Exception {
        Field f = Class.forName("dev.pictl.config.Functions").getDeclaredField("SIGNATURES");
        f.setAccessible(true);
        return List.copyOf(((Map<?, ?>) f.get(null)).keySet().stream().map(String::valueOf).toList());
    }
}
