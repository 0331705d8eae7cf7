package dev.pictl.probe;

import dev.pictl.probe.CertProbe.Cert;
import dev.pictl.probe.CertProbe.Certs;
import dev.pictl.probe.Health.Finding;
import dev.pictl.probe.StorageProbe.Storage;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 15: k3s's certificate files and the disk / kernel-log sections: the scripts, the parsers, the thresholds. */
@Tag("fast")
class CertAndStorageProbeTest {

    /**
     * What k3s's client-admin.crt looks like: the leaf (made by openssl, {@code notAfter=Dec  7 21:44:56 2027 GMT}),
     * then its CA (2036).
     */
    static final String LEAF_AND_CA = """
            -----BEGIN CERTIFICATE-----
            MIIBgzCCASmgAwIBAgIUBrK1hVJEqcd3XxQDA8Z4nWlBULIwCgYIKoZIzj0EAwIw
            FzEVMBMGA1UEAwwMc3lzdGVtOmFkbWluMB4XDTI2MTIwNzIxNDQ1NloXDTI3MTIw
            NzIxNDQ1NlowFzEVMBMGA1UEAwwMc3lzdGVtOmFkbWluMFkwEwYHKoZIzj0CAQYI
            KoZIzj0DAQcDQgAE0rnvBrRyn+R7nZ1CSUnPImmBtQw0Pv18RvhE4r4zyf9TEOK0
            bDrvb0j3mGUeqVWyBHN6k4y8dIzkzYNjO/QXAqNTMFEwHQYDVR0OBBYEFD0afwA/
            SuAooYluvDFCLIxxnKZYMB8GA1UdIwQYMBaAFD0afwA/SuAooYluvDFCLIxxnKZY
            MA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDSAAwRQIgT2tBA7TP0oL+HRan
            4c1P5pd0pKJReKV3+YTFfIc4oRMCIQDLrAFrJ/tBP3bD5aR8zz9h41eZOdaYTaFZ
            a/Yyv+DdLg==
            -----END CERTIFICATE-----
            -----BEGIN CERTIFICATE-----
            MIIBhTCCASugAwIBAgIUTDEkWEcBfLzFABhiWA5vytH5NEUwCgYIKoZIzj0EAwIw
            GDEWMBQGA1UEAwwNazNzLWNsaWVudC1jYTAeFw0yNjEyMDcyMTQ0NTZaFw0zNjEy
            MDQyMTQ0NTZaMBgxFjAUBgNVBAMMDWszcy1jbGllbnQtY2EwWTATBgcqhkjOPQIB
            BggqhkjOPQMBBwNCAARHS5JMVgsuXJGn3ySqX1Ony/lMXLNfJnvQDG30CGz5Kgts
            BLU0KFPZcU+Baz4ybX4IoQMUmmCX1DbIr5pNBnWNo1MwUTAdBgNVHQ4EFgQUlAnu
            hLWkg7t1FdGXrBOHbNYZ0HcwHwYDVR0jBBgwFoAUlAnuhLWkg7t1FdGXrBOHbNYZ
            0HcwDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNIADBFAiEApbhbz0ypPVwc
            C62mFHIazp9oZP7TM4yNcjVasxNjYpYCIAKqVlAIwbOWDcgCfZF5Y14xjS3/8nTc
            3OLQ+I0f/uu8
            -----END CERTIFICATE-----
            """;
    static final Instant LEAF_NOT_AFTER = Instant.parse("2027-12-07T21:44:56Z");

    @TempDir
    Path tmp;

    @Test
    void certScript_readsTheLeafOfEachNonCaFile_withoutAnyProgram() throws Exception {
        Path root = tmp.resolve("root");
        Path tls = Files.createDirectories(root.resolve("var/lib/rancher/k3s/server/tls"));
        Path agent = Files.createDirectories(root.resolve("var/lib/rancher/k3s/agent"));
        Files.writeString(tls.resolve("client-admin.crt"), LEAF_AND_CA);
        Files.writeString(tls.resolve("server-ca.crt"), LEAF_AND_CA);
        Files.writeString(agent.resolve("client-kubelet.crt"), "not a certificate\n");
        String out = run(CertProbe.CERTS.script(ProbeRequest.of("n")), root);
        assertFalse(out.contains("server-ca.crt"), "CAs are skipped: " + out);
        assertEquals(1, out.split("BEGIN CERTIFICATE", -1).length - 1, "only the leaf's block: " + out);
        Certs certs = CertProbe.parse(ProbeOutput.of(out).get("k3s-certs"));
        assertEquals(List.of(new Cert("/var/lib/rancher/k3s/server/tls/client-admin.crt", LEAF_NOT_AFTER),
                new Cert("/var/lib/rancher/k3s/agent/client-kubelet.crt", null)).stream()
                .sorted(java.util.Comparator.comparing(Cert::file)).toList(),
                certs.certs().stream().sorted(java.util.Comparator.comparing(Cert::file)).toList());
        assertEquals(LEAF_NOT_AFTER, certs.earliest().notAfter());
    }

    @Test
    void certScript_noK3s_printsAnEmptySection() throws Exception {
        String out = run(CertProbe.CERTS.script(ProbeRequest.of("n")), Files.createDirectories(tmp.resolve("bare")));
        assertEquals(List.of(), CertProbe.parse(ProbeOutput.of(out).get("k3s-certs")).certs());
        assertEquals(List.of(), CertProbe.findings("n", CertProbe.parse(""), Instant.now()));
    }

    /** Days before the certificate's notAfter → the finding's code and level (none outside k3s's window). */
    @ParameterizedTest(name = "{0} days left -> {1} {2}")
    @CsvSource({
        "365, , ",
        "121, , ",
        "120, cert_expiring, warning",
        "20, cert_expiring, warning",
        "14, cert_expiring, warning",
        "13, cert_expiring, error",
        "1, cert_expiring, error",
        "0, cert_expired, error",
        "-30, cert_expired, error",
    })
    void certThresholds(int daysLeft, String code, String level) {
        Instant now = LEAF_NOT_AFTER.minus(Duration.ofDays(daysLeft));
        Certs certs = new Certs(List.of(new Cert("/var/lib/rancher/k3s/server/tls/client-admin.crt", LEAF_NOT_AFTER),
                new Cert("/var/lib/rancher/k3s/agent/client-kubelet.crt", LEAF_NOT_AFTER.plus(Duration.ofDays(300)))));
        List<Finding> f = CertProbe.findings("pi-1", certs, now);
        if (code == null) {
            assertEquals(List.of(), f);
            return;
        }
        assertEquals(1, f.size());
        assertEquals(code, f.get(0).code());
        assertEquals(level, f.get(0).level());
        assertTrue(f.get(0).message().contains("2027-12-07"), "the date: " + f.get(0).message());
        assertTrue(f.get(0).message().contains("client-admin.crt"), "the file: " + f.get(0).message());
    }

    @Test
    void certMessage_inTheWindow_saysDateDaysAndTheWayOut() {
        Instant now = LEAF_NOT_AFTER.minus(Duration.ofDays(20));
        Finding f = CertProbe.findings("pi-1", new Certs(List.of(new Cert("/x/client-admin.crt", LEAF_NOT_AFTER))), now).get(0);
        assertEquals("k3s certificate expires on 2027-12-07, in 20 days, inside k3s's 120-day renewal window: "
                + "client-admin.crt (1 of 1 k3s certificates due); restart k3s on the node to renew them (k3s renews at "
                + "start within 120 days of expiry), or set cert_renewal_days on its k3s block and run pictl apply",
                f.message());
    }

    @Test
    void notAfter_ofGarbage_isNull() {
        assertNull(CertProbe.notAfter(""));
        assertNull(CertProbe.notAfter("-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n"));
        assertNull(CertProbe.notAfter("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"));
    }

    // ---- disks and the kernel log ----------------------------------------------------------------------

    static final String DF_HEADER = "Filesystem     1024-blocks     Used Available Capacity Mounted on\n";

    /** Root's and the data directory's free share → findings (the data dir only when it is its own file system). */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "root 50% free, data on root          | /dev/mmcblk0p2 1000000 500000 500000 50% /            | /dev/mmcblk0p2 1000000 500000 500000 50% / |",
        "root 9% free                         | /dev/mmcblk0p2 1000000 910000 90000 92% /             |                                            | disk_low:warning:/",
        "root 4% free, data on root           | /dev/mmcblk0p2 1000000 960000 40000 96% /             | /dev/mmcblk0p2 1000000 960000 40000 96% / | disk_full:error:/",
        "root 5% free is not under 5%         | /dev/mmcblk0p2 1000000 950000 50000 95% /             |                                            | disk_low:warning:/",
        "data dir on an SSD, 3% free          | /dev/mmcblk0p2 1000000 100000 900000 10% /            | /dev/sda1 2000000 1940000 60000 97% /var/lib/rancher | disk_full:error:k3s's data directory /var/lib/rancher/k3s (/var/lib/rancher)",
    })
    void diskThresholds(String name, String rootRow, String dataRow, String expected) {
        String df = DF_HEADER + rootRow.strip() + "\n" + (dataRow == null ? "" : dataRow.strip() + "\n");
        Storage s = StorageProbe.parse(df, "count=0\nread-only=0\nfirst=\n");
        List<Finding> f = StorageProbe.findings("pi-1", s);
        if (expected == null) {
            assertEquals(List.of(), f, name);
            return;
        }
        String[] e = expected.split(":", 3);
        assertEquals(1, f.size(), name + ": " + f);
        assertEquals(e[0], f.get(0).code(), name);
        assertEquals(e[1], f.get(0).level(), name);
        assertTrue(f.get(0).message().startsWith(e[2] + ": "), name + ": " + f.get(0).message());
    }

    @Test
    void kernelScript_countsTheSignsOfAFailingCard_andKeepsTheFirst() throws Exception {
        Path bin = Files.createDirectories(tmp.resolve("kbin"));
        Path dmesg = bin.resolve("dmesg");
        Path log = bin.resolve("kernel.log");
        Files.writeString(dmesg, "#!/bin/sh\nwhile IFS= read -r l; do printf '%s\\n' \"$l\"; done <'" + log + "'\n");
        Files.writeString(log, """
                [    0.000000] Booting Linux on physical CPU 0x0000000000 [0x410fd083]
                [    2.100000] mmc0: new ultra high speed DDR50 SDHC card at address aaaa
                [  812.345678] mmc0: Timeout waiting for hardware interrupt.
                [  812.400000] mmcblk0: error -110 sending stop command, original cmd response 0x900, card status 0x400e00
                [  812.500000] I/O error, dev mmcblk0, sector 4196352 op 0x1:(WRITE) flags 0x800 phys_seg 1 prio class 2
                [  812.600000] EXT4-fs error (device mmcblk0p2): ext4_find_entry:1683: inode #2: comm k3s: reading directory lblock 0
                [  812.700000] EXT4-fs (mmcblk0p2): Remounting filesystem read-only
                [  900.000000] Under-voltage detected! (0x00050005)
                """);
        dmesg.toFile().setExecutable(true);
        String script = StorageProbe.STORAGE.script(ProbeRequest.of("n"));
        String out = run(script, Files.createDirectories(tmp.resolve("r2")), bin);
        Storage s = StorageProbe.STORAGE.parse(ProbeRequest.of("n"), ProbeOutput.of(out));
        assertEquals(5, s.errorCount(), out);
        assertEquals("[  812.345678] mmc0: Timeout waiting for hardware interrupt.", s.firstError());
        assertTrue(s.readOnly());
        Finding f = StorageProbe.findings("pi-1", s).get(0);
        assertEquals("sd_card_errors", f.code());
        assertEquals("error", f.level(), "remounted read-only");
        assertEquals("5 storage errors in the kernel log since boot (a failing SD card or supply), the first: "
                + "[  812.345678] mmc0: Timeout waiting for hardware interrupt.; a file system was remounted read-only",
                f.message());
        for (String line : List.of("mmc0: Timeout waiting for hardware interrupt.", "mmcblk0: error -110 sending stop command",
                "EXT4-fs error (device mmcblk0p2)", "Buffer I/O error on dev mmcblk0p2")) {
            assertTrue(StorageProbe.isStorageError(line), line);
        }
        assertFalse(StorageProbe.isStorageError("mmc0: new ultra high speed DDR50 SDHC card at address aaaa"));
    }

    @Test
    void kernelErrors_withoutReadOnly_areAWarning_andNoDmesgIsUnknown() {
        Storage s = StorageProbe.parse(null, "count=1\nread-only=0\nfirst=[ 1.0] mmc0: reducing overclock due to errors\n");
        assertEquals("warning", StorageProbe.findings("n", s).get(0).level());
        assertEquals(-1, StorageProbe.parse(null, "").errorCount());
        assertEquals(List.of(), StorageProbe.findings("n", StorageProbe.parse(null, null)));
    }

    private String run(String script, Path root) throws Exception {
        return run(script, root, Files.createDirectories(tmp.resolve("empty-bin")));
    }

    /** The fragment's text after the prelude, in a local sh with only {@code bin} on the PATH. */
    private String run(String script, Path root, Path bin) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", "R=\"$PICTL_ROOT\"; sec() { printf '\\n%s%s\\n' '"
                + ProbeScript.MARKER + "' \"$1\"; }\n" + script);
        pb.environment().clear();
        pb.environment().put("PICTL_ROOT", root.toString());
        pb.environment().put("PATH", bin.toString());
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return out;
    }
}
