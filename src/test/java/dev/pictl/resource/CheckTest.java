package dev.pictl.resource;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Tag("fast")
class CheckTest {
    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({
            "K8S_QUANTITY, 10Gi, true", "K8S_QUANTITY, 500M, true", "K8S_QUANTITY, 1.5, true",
            "K8S_QUANTITY, 10GB, false", "K8S_QUANTITY, 10 Gi, false", "K8S_QUANTITY, Gi, false",
            "K3S_VERSION, v1.31.4+k3s1, true", "K3S_VERSION, 1.31.4+k3s1, false", "K3S_VERSION, v1.31.4, false",
            "K3S_VERSION, v1.31+k3s1, false",
            "ADDRESS, 192.168.1.10, true", "ADDRESS, 10.0.0.300, false", "ADDRESS, pi-1.lan, true",
            "ADDRESS, fe80::1, true", "ADDRESS, 2001:db8::1:2:3:4:5:6:7, false", "ADDRESS, ::ffff:10.0.0.1, true",
            "ADDRESS, -bad.lan, false", "ADDRESS, 'a b', false",
            "ABSOLUTE_PATH, /mnt/local-storage, true", "ABSOLUTE_PATH, mnt/x, false", "ABSOLUTE_PATH, /mnt/../etc, false",
            "ABSOLUTE_PATH, /mnt//x, false",
            "JUMP_HOST, pi@bastion.lan:2222, true", "JUMP_HOST, bastion.lan, true", "JUMP_HOST, a@b@c, false",
            "DURATION, 90s, true", "DURATION, 10 m, false"})
    void accepts_stringsByRule(Check check, String value, boolean ok) {
        assertEquals(ok, check.accepts(value));
    }

    @ParameterizedTest(name = "port {0} -> {1}")
    @CsvSource({"22, true", "65535, true", "0, false", "65536, false", "99999999999, false", "22.5, false", "-1, false",
            "2.2e1, true"})
    void port_acceptsOnlyWholeNumbersInRange(String n, boolean ok) {
        assertEquals(ok, Check.PORT.acceptsNumber(new BigDecimal(n)));
    }
}
