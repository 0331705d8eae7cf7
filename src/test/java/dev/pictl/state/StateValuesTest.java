package dev.pictl.state;

import static dev.pictl.state.StateTesting.addr;
import static dev.pictl.state.StateTesting.cgroups;
import static dev.pictl.state.StateTesting.node;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** State and ResourceState as values: sorted, immutable, copied on the way in. */
@Tag("fast")
class StateValuesTest {
    @Test
    void withResource_keepsAddressOrder_andReplacesTheSameAddress() {
        State s = State.empty().withResource(node("pi-2")).withResource(cgroups("pi-1")).withResource(node("pi-1"));

        assertEquals(List.of(addr("kernel_params.cgroups[\"pi-1\"]"), addr("node.pi-1"), addr("node.pi-2")), s.addresses());
        State replaced = s.withResource(node("pi-1").withStatus(ResourceStatus.TAINTED));
        assertEquals(3, replaced.resources().size());
        assertEquals(ResourceStatus.TAINTED, replaced.resource(addr("node.pi-1")).orElseThrow().status());
        assertEquals(ResourceStatus.OK, s.resource(addr("node.pi-1")).orElseThrow().status(), "the original is unchanged");
    }

    @Test
    void withoutResource_removesOne_andIgnoresUnknownAddresses() {
        State s = State.empty().withResource(node("pi-1")).withResource(node("pi-2"));

        assertEquals(List.of(addr("node.pi-2")), s.withoutResource(addr("node.pi-1")).addresses());
        assertSame(s, s.withoutResource(addr("node.pi-9")));
        assertEquals(List.of(), s.withoutResources(List.of(addr("node.pi-1"), addr("node.pi-2"))).addresses());
    }

    @Test
    void aSecondEntryForOneAddress_isRejected() {
        assertThrows(IllegalArgumentException.class, () -> new State(1, null, null, List.of(node("a"), node("a"))));
    }

    @Test
    void attributes_areDeepCopiedSortedAndFrozen() {
        List<Object> list = new ArrayList<>(List.of("x"));
        Map<String, Object> nested = new HashMap<>(Map.of("b", 1, "a", list));
        Map<String, Object> attrs = new HashMap<>();
        attrs.put("z", nested);
        attrs.put("m", null);
        attrs.put("big", new BigInteger("123456789012345678901234567890"));
        attrs.put("small", BigInteger.TEN);
        ResourceState r = ResourceState.of(addr("node.pi-1"), "pi-1").withAttributes(attrs);
        list.add("y");
        nested.put("c", 3);

        assertEquals(List.of("big", "m", "small", "z"), List.copyOf(r.attributes().keySet()));
        assertEquals(Map.of("a", List.of("x"), "b", 1L), r.attributes().get("z"));
        assertEquals(10L, r.attributes().get("small"));
        assertThrows(UnsupportedOperationException.class, () -> r.attributes().put("q", 1));
        @SuppressWarnings("unchecked")
        List<Object> inner = (List<Object>) ((Map<String, Object>) r.attributes().get("z")).get("a");
        assertThrows(UnsupportedOperationException.class, () -> inner.add("w"));
    }

    @Test
    void nonJsonValues_areRejected() {
        ResourceState r = ResourceState.of(addr("node.pi-1"), "pi-1");
        assertThrows(IllegalArgumentException.class, () -> r.withAttributes(Map.of("when", java.time.Instant.EPOCH)));
        assertThrows(IllegalArgumentException.class, () -> r.withAttributes(Map.of("n", Double.NaN)));
        assertThrows(IllegalArgumentException.class, () -> r.withAttributes(Map.of("m", Map.of(1, "x"))));
    }

    @Test
    void sensitiveNames_areNeverAlsoAttributes_andHashesMustLookLikeHashes() {
        ResourceState r = ResourceState.of(addr("k3s_server.control"), "pi-1").withAttributes(Map.of("token", "K10"));
        String hash = new SecretHasher(new byte[32]).hash("K10");

        assertThrows(IllegalArgumentException.class, () -> r.withSensitiveHashes(Map.of("token", hash)));
        assertThrows(IllegalArgumentException.class, () -> r.withAttributes(Map.of()).withSensitiveHashes(Map.of("token", "K10")));
        assertEquals(hash, r.withAttributes(Map.of()).withSensitiveHashes(Map.of("token", hash)).sensitiveHashes().get("token"));
    }

    @Test
    void dependencies_areSortedAndDistinct() {
        ResourceState r = ResourceState.of(addr("pv.p"), "pi-1")
                .withDependencies(List.of(addr("storage_class.s"), addr("node.pi-1"), addr("storage_class.s")));
        assertEquals(List.of(addr("node.pi-1"), addr("storage_class.s")), r.dependencies());
    }

    @Test
    void sameContent_ignoresSerialLineageAndWriter() {
        State a = new State(3, "3f0c2b8e-5d1a-4c7e-9b2f-0a1d2e3f4a5b", "0.1.0", List.of(node("pi-1")));
        State b = new State(9, "00000000-0000-4000-8000-000000000001", "0.2.0", List.of(node("pi-1")));
        assertTrue(a.sameContent(b));
        assertNotEquals(a, b);
        assertFalse(a.sameContent(b.withResource(node("pi-2"))));
    }

    @Test
    void secretHasher_neverContainsTheSecret_andDependsOnTheKey() {
        byte[] key = new byte[32];
        key[0] = 1;
        SecretHasher h = new SecretHasher(key);
        String token = "K10deadbeefdeadbeef::server:s3cr3t";
        String hash = h.hash(token);

        assertTrue(hash.matches("hmac-sha256:[0-9a-f]{64}"), hash);
        assertNotEquals(token, hash);
        assertFalse(hash.contains(token) || hash.contains("s3cr3t") || hash.contains("deadbeef"), hash);
        assertEquals(hash, h.hash(token), "deterministic under one key");
        assertTrue(h.matches(token, hash));
        assertFalse(h.matches("K10other", hash));
        assertFalse(h.matches(token, null));
        assertNotEquals(hash, new SecretHasher(new byte[32]).hash(token), "another key, another hash");
        assertFalse(h.toString().contains("01"), h.toString());
        assertThrows(IllegalArgumentException.class, () -> new SecretHasher(new byte[16]));
    }

    @Test
    void lockAge_readsLikeADuration() {
        assertEquals("45s", LockHolder.age(java.time.Duration.ofSeconds(45)));
        assertEquals("3m12s", LockHolder.age(java.time.Duration.ofSeconds(192)));
        assertEquals("2h05m", LockHolder.age(java.time.Duration.ofMinutes(125)));
        assertEquals("3d04h", LockHolder.age(java.time.Duration.ofHours(76)));
        LockHolder h = new LockHolder("root", "box", 1234, java.time.Instant.parse("2026-11-21T20:30:00Z"), "pictl apply");
        assertEquals("root@box (pid 1234) since 2026-11-21T20:30:00Z (3m12s ago), running `pictl apply`",
                h.describe(java.time.Instant.parse("2026-11-21T20:33:12Z")));
    }
}
