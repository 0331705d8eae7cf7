package dev.pictl.types.k3s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Versions a node reports may be anything: one too large for an int is no version to compare, never a crash. */
@Tag("fast")
class K3sVersionTest {
    @Test
    void parse_ordinaryAndHugeVersions() {
        assertEquals("v1.31.4+k3s1", K3sVersion.parse("v1.31.4+k3s1").toString());
        assertTrue(K3sVersion.parse("v1.31.4+k3s1").compareTo(K3sVersion.parse("v1.30.9+k3s2")) > 0);
        assertEquals(new K3sVersion(2147483647, 0, 0, 1), K3sVersion.parse("v2147483647.0.0+k3s1"));
        for (String huge : new String[] {"v1.99999999999.0+k3s1", "v2147483648.0.0+k3s1", "v1.2.3+k3s99999999999999999999",
                "v99999999999999999999999999999999999999.1.1+k3s1"}) {
            assertNull(K3sVersion.parse(huge), huge);
        }
    }
}
