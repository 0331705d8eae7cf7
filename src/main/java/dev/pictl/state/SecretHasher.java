package dev.pictl.state;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Stands in for a secret in the state: {@code hmac-sha256:<hex>}, keyed by the 32 random bytes of
 * {@code pictl.state.key} beside the state file. Equal secrets give equal hashes under one key, so a change
 * of the secret is detected; without the key the hash reveals nothing and cannot be brute-forced offline from
 * the state file alone (a plain SHA-256 of a short token could). Thread-safe; never prints its key.
 */
public final class SecretHasher {
    /** Every hash starts with this, naming the algorithm. */
    public static final String PREFIX = "hmac-sha256:";
    /** Key length in bytes. */
    public static final int KEY_BYTES = 32;

    private final byte[] key;

    public SecretHasher(byte[] key) {
        Objects.requireNonNull(key, "key");
        if (key.length < KEY_BYTES) {
            throw new IllegalArgumentException("an HMAC key needs at least " + KEY_BYTES + " bytes, got " + key.length);
        }
        this.key = key.clone();
    }

    /** {@code hmac-sha256:} and 64 lower-case hex digits of HMAC-SHA256(key, UTF-8 of {@code secret}). */
    public String hash(String secret) {
        Objects.requireNonNull(secret, "secret");
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return PREFIX + HexFormat.of().formatHex(mac.doFinal(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }

    /** Whether {@code hash} is this key's hash of {@code secret}; false for null or malformed hashes. */
    public boolean matches(String secret, String hash) {
        if (secret == null || hash == null) {
            return false;
        }
        return MessageDigest.isEqual(hash(secret).getBytes(StandardCharsets.US_ASCII),
                hash.getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * {@code hmac-sha256:} and 64 hex digits authenticating {@code message} for one {@code purpose} (e.g. a saved
     * plan): HMAC-SHA256 under a key derived from this one as HMAC-SHA256(key, 0xFF || purpose). The 0xFF byte never
     * starts UTF-8 text, so a derived key is never the hash of a secret recorded in the state, and a MAC made for one
     * purpose is no MAC for another.
     */
    public String mac(String purpose, byte[] message) {
        Objects.requireNonNull(purpose, "purpose");
        Objects.requireNonNull(message, "message");
        try {
            Mac derive = Mac.getInstance("HmacSHA256");
            derive.init(new SecretKeySpec(key, "HmacSHA256"));
            derive.update((byte) 0xFF);
            byte[] sub = derive.doFinal(purpose.getBytes(StandardCharsets.UTF_8));
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(sub, "HmacSHA256"));
            return PREFIX + HexFormat.of().formatHex(mac.doFinal(message));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }

    /** Whether {@code mac} is {@link #mac(String, byte[])} of {@code message}, compared in constant time. */
    public boolean macMatches(String purpose, byte[] message, String mac) {
        return mac != null && MessageDigest.isEqual(mac(purpose, message).getBytes(StandardCharsets.US_ASCII),
                mac.getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public String toString() {
        return "SecretHasher[key hidden]";
    }
}
