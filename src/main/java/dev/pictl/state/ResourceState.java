package dev.pictl.state;

import dev.pictl.addr.ResourceAddress;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * What pictl recorded about one resource instance. Immutable and thread-safe; the {@code with*} methods
 * return changed copies.
 *
 * <p>Attribute values are plain JSON-shaped Java values, deep-copied and frozen on construction: {@code null},
 * {@link String}, {@link Boolean}, {@link Long} (every integral number is widened to it, or {@link BigInteger}
 * beyond its range), {@link Double} (every other number), {@link List} and {@link Map} with string keys (maps
 * sorted by key). Secrets are never attributes: a sensitive attribute has only its keyed hash in
 * {@link #sensitiveHashes()} ({@link SecretHasher}), and a name may not be in both maps.
 *
 * @param address         e.g. {@code kernel_params.cgroups["pi-worker-1"]}; type, name and key come from it
 * @param node            the node the instance is on, or null for cluster-wide ones ({@code storage_class})
 * @param attributes      the recorded values by attribute name, sorted by name; never null
 * @param sensitiveHashes {@code attribute name → "hmac-sha256:<64 hex digits>"}, sorted; never null
 * @param dependencies    addresses this instance depended on when recorded, sorted and distinct: they order
 *                        its deletion once the description no longer has it; never null
 * @param fingerprint     a hash of what was probed for it, so a saved plan can tell the object moved since;
 *                        empty when nothing was probed; never null
 * @param status          see {@link ResourceStatus}; never null
 * @param reboot          a reboot of its node that an apply scheduled while changing it and did not see through;
 *                        only on an {@code in_progress} entry; null when there is none
 */
public record ResourceState(ResourceAddress address, String node, Map<String, Object> attributes,
                            Map<String, String> sensitiveHashes, List<ResourceAddress> dependencies,
                            String fingerprint, ResourceStatus status, PendingReboot reboot) {
    static final Pattern HASH = Pattern.compile(Pattern.quote(SecretHasher.PREFIX) + "[0-9a-f]{64}");

    public ResourceState {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(fingerprint, "fingerprint");
        Objects.requireNonNull(status, "status");
        attributes = freezeMap(attributes == null ? Map.of() : attributes, "attributes");
        TreeMap<String, String> hashes = new TreeMap<>();
        if (sensitiveHashes != null) {
            sensitiveHashes.forEach((k, v) -> {
                Objects.requireNonNull(k, "sensitive attribute name");
                if (v == null || !HASH.matcher(v).matches()) {
                    throw new IllegalArgumentException("sensitive_hashes." + k + " is not \"" + SecretHasher.PREFIX
                            + "<64 lower-case hex digits>\"");
                }
                hashes.put(k, v);
            });
        }
        for (String k : hashes.keySet()) {
            if (attributes.containsKey(k)) {
                throw new IllegalArgumentException("attribute \"" + k
                        + "\" is both recorded and sensitive; a sensitive attribute is stored only as its hash");
            }
        }
        sensitiveHashes = Collections.unmodifiableMap(hashes);
        dependencies = dependencies == null ? List.of() : List.copyOf(new TreeSet<>(dependencies));
        if (reboot != null && status != ResourceStatus.IN_PROGRESS) {
            throw new IllegalArgumentException("a pending reboot is kept only on an in_progress entry, not on a "
                    + status.jsonName() + " one");
        }
    }

    /** An entry without a pending reboot. */
    public ResourceState(ResourceAddress address, String node, Map<String, Object> attributes,
                         Map<String, String> sensitiveHashes, List<ResourceAddress> dependencies, String fingerprint,
                         ResourceStatus status) {
        this(address, node, attributes, sensitiveHashes, dependencies, fingerprint, status, null);
    }

    /** A fresh entry with no attributes, no dependencies, no fingerprint and status {@code ok}. */
    public static ResourceState of(ResourceAddress address, String node) {
        return new ResourceState(address, node, Map.of(), Map.of(), List.of(), "", ResourceStatus.OK);
    }

    public String type() {
        return address.type();
    }

    public String name() {
        return address.name();
    }

    /** The instance key (the node's name for a per-node block), or null. */
    public String key() {
        return address.key();
    }

    public ResourceState withNode(String node) {
        return new ResourceState(address, node, attributes, sensitiveHashes, dependencies, fingerprint, status, reboot);
    }

    public ResourceState withAttributes(Map<String, ?> attributes) {
        return new ResourceState(address, node, cast(attributes), sensitiveHashes, dependencies, fingerprint, status,
                reboot);
    }

    public ResourceState withSensitiveHashes(Map<String, String> sensitiveHashes) {
        return new ResourceState(address, node, attributes, sensitiveHashes, dependencies, fingerprint, status, reboot);
    }

    public ResourceState withDependencies(Collection<ResourceAddress> dependencies) {
        return new ResourceState(address, node, attributes, sensitiveHashes, List.copyOf(dependencies), fingerprint,
                status, reboot);
    }

    public ResourceState withFingerprint(String fingerprint) {
        return new ResourceState(address, node, attributes, sensitiveHashes, dependencies, fingerprint, status, reboot);
    }

    /** The entry with another status; a pending reboot stays only while the status is {@code in_progress}. */
    public ResourceState withStatus(ResourceStatus status) {
        return new ResourceState(address, node, attributes, sensitiveHashes, dependencies, fingerprint, status,
                status == ResourceStatus.IN_PROGRESS ? reboot : null);
    }

    /** The {@code in_progress} entry with this reboot pending (null: none). */
    public ResourceState withReboot(PendingReboot reboot) {
        return new ResourceState(address, node, attributes, sensitiveHashes, dependencies, fingerprint,
                reboot == null ? status : ResourceStatus.IN_PROGRESS, reboot);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<String, ?> m) {
        return (Map<String, Object>) m;
    }

    private static Map<String, Object> freezeMap(Map<?, ?> m, String where) {
        TreeMap<String, Object> out = new TreeMap<>();
        m.forEach((k, v) -> {
            if (!(k instanceof String s)) {
                throw new IllegalArgumentException(where + ": map keys must be strings, found " + k);
            }
            out.put(s, freeze(v, where + "." + s));
        });
        return Collections.unmodifiableMap(out);
    }

    private static Object freeze(Object v, String where) {
        if (v == null || v instanceof String || v instanceof Boolean || v instanceof Long) {
            return v;
        }
        if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof BigInteger b) {
            return b.bitLength() < 64 ? (Object) b.longValue() : b;
        }
        if (v instanceof Double || v instanceof Float || v instanceof BigDecimal) {
            double d = ((Number) v).doubleValue();
            if (!Double.isFinite(d)) {
                throw new IllegalArgumentException(where + ": " + d + " cannot be stored in JSON");
            }
            return d;
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            for (int i = 0; i < l.size(); i++) {
                out.add(freeze(l.get(i), where + "[" + i + "]"));
            }
            return Collections.unmodifiableList(out);
        }
        if (v instanceof Map<?, ?> m) {
            return freezeMap(m, where);
        }
        throw new IllegalArgumentException(where + ": a " + v.getClass().getSimpleName()
                + " is not a JSON value (use String, Boolean, Long, Double, List or Map)");
    }
}
