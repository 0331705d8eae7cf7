package dev.pictl.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HealthTest {
    private static NodeObservation node(String model, String arch, long memKb, String rootSource, String boot,
                                        String throttled, Double temp) {
        return new NodeObservation("pi-1", new NodeObservation.Facts(model, arch, "arm64", memKb, 0, "debian", "12",
                "bookworm", "6.6.51+rpt-rpi-v8", rootSource, boot, throttled, temp, "id", "pi-1", "pi-1", "pi-1"),
                null, Map.of(), Map.of(), null, null, Map.of());
    }

    @Test
    void decodeThrottled_0x50005_isUnderVoltageAndThrottlingNowAndSinceBoot() {
        assertEquals(List.of("under-voltage now", "throttled now", "under-voltage has occurred since boot",
                "throttling has occurred since boot"), Health.decodeThrottled(0x50005));
        assertEquals(List.of(), Health.decodeThrottled(0));
    }

    @Test
    void findings_nameEveryPreflightProblem() {
        List<Health.Finding> f = Health.findings(node("Raspberry Pi 3 Model B Rev 1.2", "armv7l", 944_268,
                "/dev/mmcblk0p2", "sd", "0x50005", 82.5));
        List<String> codes = f.stream().map(Health.Finding::code).toList();
        assertEquals(List.of("throttled_now", "hot", "low_memory", "sd_card_boot", "not_arm64"), codes);
        assertTrue(f.get(0).message().startsWith("throttled=0x50005: under-voltage now, throttled now, "), f.get(0).message());
        assertTrue(f.get(0).message().contains("power supply"), f.get(0).message());
    }

    @Test
    void findings_quietForAHealthyPi4OnUsb() {
        assertEquals(List.of(), Health.findings(node("Raspberry Pi 4 Model B Rev 1.4", "aarch64", 7_997_156,
                "/dev/sda2", "usb", "0x0", 47.2)));
    }

    @Test
    void findings_historyOnlyIsSinceBoot() {
        List<Health.Finding> f = Health.findings(node("Raspberry Pi 4 Model B Rev 1.4", "aarch64", 7_997_156,
                "/dev/sda2", "usb", "0x50000", null));
        assertEquals("throttled_since_boot", f.get(0).code());
    }

    @Test
    void findings_notAPi() {
        List<Health.Finding> f = Health.findings(node("QEMU Virtual Machine", "aarch64", 7_997_156, "/dev/vda2",
                "unknown", null, null));
        assertEquals(List.of("not_a_pi"), f.stream().map(Health.Finding::code).toList());
    }
}
