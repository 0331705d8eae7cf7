package dev.pictl.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The simulated k3s certificate files (issue 15): real X.509, renewed at start inside k3s's window, settable expiry. */
@Tag("fast")
class K3sCertsTest {
    @TempDir
    Path root;

    @Test
    void firstStart_makesRealCertificates_leafThenCa_aYearAndTenYears() throws Exception {
        assertEquals(List.of(), K3sCerts.atStart(root, true));
        Path admin = root.resolve("var/lib/rancher/k3s/server/tls/client-admin.crt");
        List<X509Certificate> chain = read(admin);
        assertEquals(2, chain.size(), "the leaf, then its CA");
        assertEquals("CN=k3s-client-admin", chain.get(0).getSubjectX500Principal().getName());
        assertEquals("CN=k3s-ca", chain.get(0).getIssuerX500Principal().getName());
        assertDays(365, chain.get(0).getNotAfter().toInstant());
        assertDays(3650, read(root.resolve("var/lib/rancher/k3s/server/tls/server-ca.crt")).get(0).getNotAfter().toInstant());
        chain.get(1).verify(chain.get(1).getPublicKey());
        assertEquals(14, K3sCerts.leaves(root, true).stream().filter(Files::isRegularFile).count());
    }

    @Test
    void aStart_renewsOnlyInsideThe120DayWindow_andTheFaultSetsTheExpiry() throws Exception {
        K3sCerts.atStart(root, false);
        assertEquals(4, K3sCerts.setExpiry(root, 121, null));
        assertEquals(List.of(), K3sCerts.atStart(root, false), "121 days left: outside the window");
        assertEquals(1, K3sCerts.setExpiry(root, 20, "client-kubelet.crt"));
        assertDays(20, K3sCerts.notAfter(root.resolve("var/lib/rancher/k3s/agent/client-kubelet.crt")));
        assertEquals(List.of("client-kubelet.crt"), K3sCerts.atStart(root, false));
        assertDays(365, K3sCerts.notAfter(root.resolve("var/lib/rancher/k3s/agent/client-kubelet.crt")));
        assertEquals(4, K3sCerts.setExpiry(root, -3, null));
        assertTrue(K3sCerts.notAfter(root.resolve("var/lib/rancher/k3s/agent/serving-kubelet.crt")).isBefore(Instant.now()));
        assertEquals(4, K3sCerts.atStart(root, false).size(), "expired ones are renewed too");
        Files.delete(root.resolve("var/lib/rancher/k3s/agent/client-kube-proxy.crt"));
        assertEquals(List.of(), K3sCerts.atStart(root, false), "a missing one is made, not 'renewed'");
        assertDays(365, K3sCerts.notAfter(root.resolve("var/lib/rancher/k3s/agent/client-kube-proxy.crt")));
    }

    private static void assertDays(long days, Instant notAfter) {
        long left = Math.round(Duration.between(Instant.now(), notAfter).toSeconds() / 86_400.0);
        assertEquals(days, left, "expires " + notAfter);
    }

    private static List<X509Certificate> read(Path p) throws Exception {
        List<X509Certificate> out = new ArrayList<>();
        for (var c : CertificateFactory.getInstance("X.509").generateCertificates(
                new ByteArrayInputStream(Files.readAllBytes(p)))) {
            out.add((X509Certificate) c);
        }
        return out;
    }
}
