package dev.pictl.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pictl.addr.ResourceAddress;
import dev.pictl.config.Config;
import dev.pictl.testing.TestContexts;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Apply runs on the plan: the context executors get holds no description. What they may learn of it beyond the plan
 * is {@link Described}: the values behind secret handles, the nodes still described and their addresses.
 */
@Tag("fast")
class ApplyOnThePlanTest {
    @TempDir
    Path tmp;

    @Test
    void theExecutorsContext_holdsAndGivesNoDescription() {
        List<String> found = new ArrayList<>();
        for (Field f : ApplyContext.class.getDeclaredFields()) {
            if (f.getType().getPackageName().equals("dev.pictl.config")) {
                found.add("field " + f.getName() + ": " + f.getType().getSimpleName());
            }
        }
        for (Method m : ApplyContext.class.getDeclaredMethods()) {
            if (!Modifier.isStatic(m.getModifiers()) && m.getReturnType().getPackageName().equals("dev.pictl.config")) {
                found.add("method " + m.getName() + " returns " + m.getReturnType().getSimpleName());
            }
        }
        assertEquals(List.of(), found);
    }

    @Test
    void described_resolvesSecretHandles_andKnowsTheNodesItStillHas() {
        Config config = TestContexts.config(tmp, """
                variable "token" {
                  sensitive = true
                  default   = "s3cret-value"
                }
                node "pi-1" { address = "127.0.0.1" }
                node "pi-2" { address = "pi-2.lan" }
                k3s_server "control" {
                  node    = node.pi-1
                  version = "v1.31.4+k3s1"
                  token   = var.token
                }
                """);
        Described d = Described.of(config);
        assertEquals(Optional.of("s3cret-value"), d.secret(ResourceAddress.of("k3s_server", "control"), "token"));
        assertEquals(Optional.empty(), d.secret(ResourceAddress.of("k3s_server", "other"), "token"));
        assertEquals(Optional.empty(), d.secret(ResourceAddress.of("k3s_server", "control"), "disable"),
                "only a text value is a secret's value");
        assertEquals(List.of("pi-1", "pi-2"), d.nodes());
        assertEquals("pi-2.lan", d.nodeAddress("pi-2"));
        assertNull(d.nodeAddress("pi-9"), "a node only the state knows has no described address");
        assertTrue(d.redactor().redact("token s3cret-value here").indexOf("s3cret-value") < 0);
        assertEquals(List.of(), Described.NONE.nodes());
    }
}
