package dev.pictl.probe;

import dev.pictl.probe.Health.Finding;

import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * k3s's leaf certificates and when they expire, read in the node's one probe round trip without starting a process
 * (issue 15, docs/certificates.md).
 *
 * <p>Why the files and not {@code k3s certificate check}: the check is a second k3s process (a 60 MB Go binary) on
 * every board and every plan, against the probe budget (docs/architecture.md); {@code openssl x509 -enddate} is one
 * process per file. The files are the interface k3s itself renews (day2-facts §3.3: the {@code notAfter} loop over
 * {@code server/tls/*.crt} and {@code agent/*.crt}, CAs skipped), so the script reads each file's first PEM block
 * (the leaf; k3s appends its CA after it) with the shell's own {@code read}, and pictl decodes the X.509 with the
 * JDK. CAs ({@code *-ca.crt}) last ten years and are never renewed by k3s: left out.
 *
 * <pre>
 *   sec k3s-certs
 *   file /var/lib/rancher/k3s/agent/client-kubelet.crt
 *   -----BEGIN CERTIFICATE-----
 *   MIIB...
 *   -----END CERTIFICATE-----
 *   file /var/lib/rancher/k3s/agent/serving-kubelet.crt
 *   ...
 * </pre>
 */
public final class CertProbe {
    /** k3s's data directory: {@code data-dir}'s default. */
    public static final String DATA_DIR = "/var/lib/rancher/k3s";
    /**
     * k3s renews a certificate at start when it expires within this many days ({@code CertificateRenewDays}, 120
     * since May 2025, 90 before; day2-facts §3.1).
     */
    public static final int K3S_RENEW_DAYS = 120;
    /** Under this many days left, an expiring certificate is an error-level finding. */
    public static final int ERROR_DAYS = 14;

    public static final String EXPIRING = "cert_expiring";
    public static final String EXPIRED = "cert_expired";

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter MOMENT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    // Builtins only: the glob, case, read, printf. A file that vanished between the glob and the read prints its
    // name and nothing else (unreadable, not an error).
    private static final String TEXT = """
            sec k3s-certs
            for _f in "$R%1$s"/server/tls/*.crt "$R%1$s"/agent/*.crt; do
              case $_f in *-ca.crt) continue ;; esac
              [ -f "$_f" ] || continue
              printf 'file %%s\\n' "${_f#"$R"}"
              _b=
              while IFS= read -r _l; do
                case $_l in *'-BEGIN CERTIFICATE-'*) _b=1 ;; esac
                [ -n "$_b" ] && printf '%%s\\n' "$_l"
                case $_l in *'-END CERTIFICATE-'*) break ;; esac
              done <"$_f" 2>/dev/null
            done
            """.formatted(DATA_DIR);

    /** One leaf certificate: its file and its {@code notAfter}; null when the file held no readable certificate. */
    public record Cert(String file, Instant notAfter) {
    }

    /** The leaf certificates of k3s on the node, in file order; empty when k3s has none (not installed). */
    public record Certs(List<Cert> certs) {
        public Certs {
            certs = List.copyOf(certs);
        }

        /** The certificate that expires first (readable ones), or null. */
        public Cert earliest() {
            return certs.stream().filter(c -> c.notAfter() != null).min(Comparator.comparing(Cert::notAfter))
                    .orElse(null);
        }
    }

    /** Every node: k3s's certificates, when it has any. */
    public static final ProbeFragment<Certs> CERTS = NodeProbe.fragment("k3s-certs", List.of("k3s-certs"),
            request -> TEXT, (request, out) -> parse(out.get("k3s-certs")));

    private CertProbe() {
    }

    /** The same reading as a script of its own (apply's check after a renewal): the probe's prelude and this text. */
    public static String readScript() {
        return ProbeScript.PRELUDE + TEXT;
    }

    /** What {@link #readScript()} printed → the certificates. */
    public static Certs read(String stdout) {
        return parse(ProbeOutput.of(stdout).get("k3s-certs"));
    }

    /** The section's text → the certificates; a block that does not decode has a null {@code notAfter}. */
    public static Certs parse(String text) {
        List<Cert> out = new ArrayList<>();
        if (text == null) {
            return new Certs(out);
        }
        String file = null;
        StringBuilder pem = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            if (line.startsWith("file ")) {
                if (file != null) {
                    out.add(new Cert(file, notAfter(pem.toString())));
                }
                file = line.substring(5).strip();
                pem.setLength(0);
            } else if (file != null) {
                pem.append(line).append('\n');
            }
        }
        if (file != null) {
            out.add(new Cert(file, notAfter(pem.toString())));
        }
        return new Certs(out);
    }

    /** The {@code notAfter} of the first certificate of a PEM text, or null when there is none or it does not decode. */
    static Instant notAfter(String pem) {
        int b = pem.indexOf("-----BEGIN CERTIFICATE-----");
        int e = pem.indexOf("-----END CERTIFICATE-----");
        if (b < 0 || e < b) {
            return null;
        }
        String body = pem.substring(b + "-----BEGIN CERTIFICATE-----".length(), e).replaceAll("\\s", "");
        try {
            byte[] der = Base64.getDecoder().decode(body);
            X509Certificate c = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
            return c.getNotAfter().toInstant();
        } catch (IllegalArgumentException | CertificateException | ClassCastException ex) {
            return null;
        }
    }

    /** {@code 2027-01-06}: how the plan shows an expiry (UTC). */
    public static String day(Instant t) {
        return DAY.format(t);
    }

    /** Days from {@code now} to {@code t}, to the nearest whole day, for people (negative once past). */
    public static long daysLeft(Instant t, Instant now) {
        return Math.round(Duration.between(now, t).toSeconds() / 86_400.0);
    }

    /** Whether {@code t} is less than {@code days} days after {@code now} (exact, not rounded). */
    public static boolean within(Instant t, Instant now, int days) {
        return t.isBefore(now.plus(Duration.ofDays(days)));
    }

    /**
     * The finding for a node's certificates at {@code now}: {@value #EXPIRED} (error) once the earliest is past,
     * {@value #EXPIRING} as an error under {@value #ERROR_DAYS} days and as a warning inside k3s's own renewal
     * window ({@value #K3S_RENEW_DAYS} days); none before that.
     */
    public static List<Finding> findings(String node, Certs certs, Instant now) {
        if (certs == null) {
            return List.of();
        }
        Cert c = certs.earliest();
        if (c == null) {
            return List.of();
        }
        long left = daysLeft(c.notAfter(), now);
        String what = name(c.file()) + " (" + certs.certs().stream().filter(x -> x.notAfter() != null
                && !x.notAfter().isAfter(now.plus(Duration.ofDays(K3S_RENEW_DAYS)))).count() + " of " + certs.certs().size()
                + " k3s certificates due)";
        String fix = "restart k3s on the node to renew them (k3s renews at start within " + K3S_RENEW_DAYS
                + " days of expiry), or set cert_renewal_days on its k3s block and run pictl apply";
        if (!c.notAfter().isAfter(now)) {
            return List.of(new Finding(node, EXPIRED, "k3s certificate expired at " + MOMENT.format(c.notAfter())
                    + ": " + what + "; the node's k3s cannot talk to the cluster; " + fix, false, true));
        }
        if (within(c.notAfter(), now, ERROR_DAYS)) {
            return List.of(new Finding(node, EXPIRING, "k3s certificate expires at " + MOMENT.format(c.notAfter())
                    + ", in " + left + (left == 1 ? " day" : " days") + ": " + what + "; " + fix, false, true));
        }
        if (!c.notAfter().isAfter(now.plus(Duration.ofDays(K3S_RENEW_DAYS)))) {
            return List.of(new Finding(node, EXPIRING, "k3s certificate expires on " + day(c.notAfter()) + ", in "
                    + left + " days, inside k3s's " + K3S_RENEW_DAYS + "-day renewal window: " + what + "; " + fix,
                    false, false));
        }
        return List.of();
    }

    private static String name(String file) {
        int slash = file.lastIndexOf('/');
        return slash < 0 ? file : file.substring(slash + 1);
    }
}
