package dev.pictl.addr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("fast")
class IgnoreRuleTest {
    private static final ResourceAddress W2 = ResourceAddress.of("k3s_agent", "workers", "pi-worker-2");
    private static final ResourceAddress W3 = ResourceAddress.of("k3s_agent", "workers", "pi-worker-3");
    private static final ResourceAddress SERVER = ResourceAddress.of("k3s_server", "control");

    @Test
    void blockAndAttribute_coversThatAttributeOfEveryInstance_only() {
        IgnoreRule r = IgnoreRule.parse("k3s_agent.workers.version");

        assertTrue(r.covers(W2, "version"));
        assertTrue(r.covers(W3, "version"));
        assertFalse(r.covers(W2, "running"));
        assertFalse(r.covers(W2, null), "a vanished resource is not covered by an attribute rule");
        assertFalse(r.covers(SERVER, "version"));
    }

    @Test
    void instanceKey_quotedOrBare_coversOnlyThatInstance() {
        for (String text : new String[] {"k3s_agent.workers[\"pi-worker-2\"].version", "k3s_agent.workers[pi-worker-2].version"}) {
            IgnoreRule r = IgnoreRule.parse(text);
            assertEquals("pi-worker-2", r.key());
            assertTrue(r.covers(W2, "version"), text);
            assertFalse(r.covers(W3, "version"), text);
        }
    }

    @Test
    void resourceRule_coversEveryAttributeAndTheDeletion() {
        IgnoreRule r = IgnoreRule.parse("k3s_agent.workers[\"pi-worker-2\"]");

        assertTrue(r.covers(W2, "version"));
        assertTrue(r.covers(W2, null));
        assertFalse(r.covers(W3, null));
    }

    @Test
    void wildcardName_coversEveryBlockOfTheType() {
        IgnoreRule r = IgnoreRule.parse("node.*.hosts_entry");

        assertTrue(r.covers(ResourceAddress.of("node", "pi-1"), "hosts_entry"));
        assertFalse(r.covers(ResourceAddress.of("node", "pi-1"), "hostname"));
        assertFalse(r.covers(W2, "hosts_entry"));
    }

    @Test
    void healthRules_coverFindingsByNodeAndCode_andNoResource() {
        IgnoreRule any = IgnoreRule.parse("health.*.sd_card_boot");
        IgnoreRule one = IgnoreRule.parse("health.pi-worker-1");

        assertTrue(any.coversHealth("pi-worker-3", "sd_card_boot"));
        assertFalse(any.coversHealth("pi-worker-3", "throttled_now"));
        assertTrue(one.coversHealth("pi-worker-1", "throttled_now"));
        assertFalse(one.coversHealth("pi-worker-2", "throttled_now"));
        assertFalse(any.covers(ResourceAddress.of("health", "pi-worker-3"), "sd_card_boot"));
        assertFalse(IgnoreRule.parse("node.pi-worker-1").coversHealth("pi-worker-1", "sd_card_boot"));
    }

    @Test
    void malformedRules_areRefusedWithTheForms() {
        for (String bad : new String[] {"k3s_agent", "", "k3s_agent.workers[].version", "health.pi[x].code",
                "k3s_agent.workers.version.extra", "K3S.x"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IgnoreRule.parse(bad), bad);
            assertTrue(e.getMessage().contains(bad.isEmpty() ? "\"\"" : bad), e.getMessage());
        }
    }
}
