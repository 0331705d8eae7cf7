package dev.pictl.sim;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * k3s's certificate files on a simulated board, as real X.509 PEM files (day2-facts §3): leaf certificates valid
 * 365 days, CAs ten years, under {@code /var/lib/rancher/k3s/server/tls} on a server and
 * {@code /var/lib/rancher/k3s/agent} on every k3s node. Each leaf file holds the leaf, then its CA, as k3s writes
 * them. Made here with the JDK alone (an EC key and a DER encoder of the few fields a certificate needs), so the
 * simulator needs no openssl; any X.509 reader (openssl, the JDK, pictl's probe) reads them.
 *
 * <ul>
 *   <li>{@link #atStart}: what k3s does when it starts: every missing leaf is made, and every leaf that has expired or
 *       expires within 120 days ({@code CertificateRenewDays}, §3.1) is renewed; CAs are made once and never renewed.
 *   <li>{@link #setExpiry}: the fault {@code cert-expiry DAYS [FILE]}: the leaves (or one) expire DAYS from now.
 *   <li>{@code k3s certificate rotate} (the k3s stand-in, §3.3) backs up and deletes the leaves; the next start
 *       makes them anew.
 * </ul>
 */
final class K3sCerts {
    static final int LEAF_DAYS = 365;
    static final int RENEW_DAYS = 120;
    private static final int CA_DAYS = 3650;

    static final List<String> SERVER_LEAVES = List.of("client-admin", "client-auth-proxy", "client-controller",
            "client-k3s-cloud-controller", "client-k3s-controller", "client-kube-apiserver", "client-kube-proxy",
            "client-scheduler", "client-supervisor", "serving-kube-apiserver");
    static final List<String> SERVER_CAS = List.of("client-ca", "server-ca", "request-header-ca");
    static final List<String> AGENT_LEAVES = List.of("client-k3s-controller", "client-kube-proxy", "client-kubelet",
            "serving-kubelet");
    static final List<String> AGENT_CAS = List.of("client-ca", "server-ca");

    private static final AtomicLong SERIAL = new AtomicLong(System.nanoTime() & 0xffffffffL);
    private static volatile KeyPair key;

    private K3sCerts() {
    }

    private static Path serverTls(Path root) {
        return root.resolve("var/lib/rancher/k3s/server/tls");
    }

    private static Path agentDir(Path root) {
        return root.resolve("var/lib/rancher/k3s/agent");
    }

    /** The leaf files of a board: the server's (when it is one) and the agent's. */
    static List<Path> leaves(Path root, boolean server) {
        List<Path> out = new ArrayList<>();
        if (server) {
            SERVER_LEAVES.forEach(n -> out.add(serverTls(root).resolve(n + ".crt")));
        }
        AGENT_LEAVES.forEach(n -> out.add(agentDir(root).resolve(n + ".crt")));
        return out;
    }

    /** k3s starting: CAs made once, leaves made when missing and renewed inside the window. Returns the renewed. */
    static List<String> atStart(Path root, boolean server) throws IOException {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        List<String> renewed = new ArrayList<>();
        List<String> cas = new ArrayList<>(AGENT_CAS.stream().map(n -> agentDir(root).resolve(n + ".crt").toString()).toList());
        if (server) {
            SERVER_CAS.forEach(n -> cas.add(serverTls(root).resolve(n + ".crt").toString()));
        }
        for (String ca : cas) {
            Path p = Path.of(ca);
            if (!Files.isRegularFile(p)) {
                write(p, name(p), now.plus(Duration.ofDays(CA_DAYS)), false);
            }
        }
        for (Path p : leaves(root, server)) {
            Instant notAfter = notAfter(p);
            if (notAfter == null || notAfter.isBefore(now.plus(Duration.ofDays(RENEW_DAYS)))) {
                write(p, name(p), now.plus(Duration.ofDays(LEAF_DAYS)), true);
                if (notAfter != null) {
                    renewed.add(p.getFileName().toString());
                }
            }
        }
        Files.deleteIfExists(serverTls(root).resolve("dynamic-cert-regenerate"));
        return renewed;
    }

    /** The fault {@code cert-expiry DAYS [FILE]}: the board's leaves (or the one named) expire DAYS from now. */
    static int setExpiry(Path root, long days, String file) throws IOException {
        Instant notAfter = Instant.now().truncatedTo(ChronoUnit.SECONDS).plus(Duration.ofDays(days));
        int n = 0;
        for (Path p : leaves(root, true)) {
            if (Files.isRegularFile(p) && (file == null || p.getFileName().toString().equals(file)
                    || p.toString().endsWith("/" + file))) {
                write(p, name(p), notAfter, true);
                n++;
            }
        }
        return n;
    }

    private static String name(Path p) {
        String f = p.getFileName().toString();
        return f.substring(0, f.length() - ".crt".length());
    }

    /** The first certificate's notAfter of a PEM file; null when missing or unreadable. */
    static Instant notAfter(Path p) {
        try {
            if (!Files.isRegularFile(p)) {
                return null;
            }
            String pem = Files.readString(p);
            int b = pem.indexOf("-----BEGIN CERTIFICATE-----");
            int e = pem.indexOf("-----END CERTIFICATE-----");
            if (b < 0 || e < b) {
                return null;
            }
            byte[] der = Base64.getMimeDecoder().decode(pem.substring(b + 27, e));
            var c = (java.security.cert.X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                    .generateCertificate(new java.io.ByteArrayInputStream(der));
            return c.getNotAfter().toInstant();
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            return null;
        }
    }

    /** Writes a certificate for {@code cn} (0644), a leaf followed by a CA certificate as k3s's files are. */
    private static void write(Path p, String cn, Instant notAfter, boolean leaf) throws IOException {
        Files.createDirectories(p.getParent());
        Instant notBefore = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofMinutes(1));
        if (notBefore.isAfter(notAfter)) {
            notBefore = notAfter.minus(Duration.ofDays(LEAF_DAYS));
        }
        StringBuilder pem = new StringBuilder(pem(certificate("k3s-" + cn, leaf ? "k3s-ca" : "k3s-" + cn, notBefore,
                notAfter)));
        if (leaf) {
            pem.append(pem(certificate("k3s-ca", "k3s-ca", notBefore, notBefore.plus(Duration.ofDays(CA_DAYS)))));
        }
        Path tmp = p.resolveSibling(p.getFileName() + ".tmp");
        Files.writeString(tmp, pem);
        Files.move(tmp, p, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static String pem(byte[] der) {
        return "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END CERTIFICATE-----\n";
    }

    // ---- a minimal X.509 v3 certificate in DER (RFC 5280 §4.1), signed ecdsa-with-SHA256 --------------------

    private static final byte[] ECDSA_SHA256 = {0x2A, (byte) 0x86, 0x48, (byte) 0xCE, 0x3D, 0x04, 0x03, 0x02};
    private static final byte[] COMMON_NAME = {0x55, 0x04, 0x03};
    private static final DateTimeFormatter UTC_TIME = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter GENERALIZED = DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    static byte[] certificate(String subject, String issuer, Instant notBefore, Instant notAfter) {
        try {
            KeyPair k = key();
            byte[] alg = tlv(0x30, tlv(0x06, ECDSA_SHA256));
            byte[] tbs = tlv(0x30,
                    tlv(0xA0, tlv(0x02, new byte[] {2})),
                    tlv(0x02, java.math.BigInteger.valueOf(SERIAL.incrementAndGet()).toByteArray()),
                    alg,
                    name(issuer),
                    tlv(0x30, time(notBefore), time(notAfter)),
                    name(subject),
                    k.getPublic().getEncoded());
            Signature s = Signature.getInstance("SHA256withECDSA");
            s.initSign(k.getPrivate());
            s.update(tbs);
            byte[] sig = s.sign();
            byte[] bits = new byte[sig.length + 1];
            System.arraycopy(sig, 0, bits, 1, sig.length);
            return tlv(0x30, tbs, alg, tlv(0x03, bits));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a simulated certificate", e);
        }
    }

    private static KeyPair key() throws GeneralSecurityException {
        KeyPair k = key;
        if (k == null) {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            k = g.generateKeyPair();
            key = k;
        }
        return k;
    }

    private static byte[] name(String cn) {
        return tlv(0x30, tlv(0x31, tlv(0x30, tlv(0x06, COMMON_NAME), tlv(0x0C, cn.getBytes(StandardCharsets.UTF_8)))));
    }

    /** UTCTime through 2049, GeneralizedTime from 2050 (RFC 5280 §4.1.2.5). */
    private static byte[] time(Instant t) {
        boolean utc = t.atZone(ZoneOffset.UTC).getYear() < 2050;
        return tlv(utc ? 0x17 : 0x18, (utc ? UTC_TIME : GENERALIZED).format(t).getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] tlv(int tag, byte[]... parts) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            body.writeBytes(p);
        }
        int n = body.size();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        if (n < 0x80) {
            out.write(n);
        } else if (n < 0x100) {
            out.write(0x81);
            out.write(n);
        } else {
            out.write(0x82);
            out.write(n >> 8);
            out.write(n & 0xff);
        }
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }
}
