package dev.pictl.resource;

import dev.pictl.nodetext.Durations;
import java.util.regex.Pattern;

/**
 * Value rules beyond the type. Each carries a description for docs and, where one exists, the regular
 * expression the generated JSON Schema uses, so the CLI and the schema agree.
 */
public enum Check {
    NONE("", null),
    /** Kubernetes resource quantity, e.g. {@code 10Gi}, {@code 500M}, {@code 1.5}. */
    K8S_QUANTITY("a Kubernetes quantity such as 10Gi or 500M",
            "^([+]?[0-9]+(\\.[0-9]*)?|[+]?\\.[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$"),
    /** k3s release, e.g. {@code v1.31.4+k3s1}; each number at most 6 digits (they are compared as ints). */
    K3S_VERSION("a k3s release such as v1.31.4+k3s1",
            "^v[0-9]{1,6}\\.[0-9]{1,6}\\.[0-9]{1,6}\\+k3s[0-9]{1,6}$"),
    /** IPv4, IPv6 or a DNS host name. */
    ADDRESS("an IPv4 or IPv6 address or a DNS host name", null),
    /**
     * Absolute, normalised POSIX path on one printable line, within Linux's limits (PATH_MAX 4096 bytes with its
     * NUL, NAME_MAX 255 bytes a name): a longer one cannot be made or probed on a node.
     */
    ABSOLUTE_PATH("an absolute path such as /mnt/local-storage, without control characters, at most 4095 bytes "
            + "(255 per name)",
            "^/([^/\\u0000-\\u001f\\u007f-\\u009f]+(/[^/\\u0000-\\u001f\\u007f-\\u009f]+)*)?/?$"),
    /** TCP port. */
    PORT("a TCP port from 1 to 65535", null),
    /** {@code user@host[:port]}, {@code host} or {@code host:port}. */
    JUMP_HOST("a jump host such as pi@bastion.lan or bastion.lan:2222", "^([^@\\s]+@)?[^@:\\s]+(:[0-9]{1,5})?$"),
    /** A duration such as {@code 10m}, {@code 90s}, {@code 1h}. */
    DURATION("a duration such as 90s, 10m or 1h", Durations.PATTERN),
    /** A cluster's name, used as a kubeconfig context, cluster and user name. */
    CLUSTER_NAME("a name of letters, digits, \"-\", \"_\" and \".\" such as homelab",
            "^[A-Za-z0-9]([A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?$");

    private static final Pattern IPV4 = Pattern.compile(
            "^((25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])$");
    private static final Pattern HOSTNAME = Pattern.compile(
            "^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\\.?$");
    private static final Pattern HEX_GROUP = Pattern.compile("^[0-9A-Fa-f]{1,4}$");

    private final String description;
    private final String pattern;
    private final Pattern compiled;

    Check(String description, String pattern) {
        this.description = description;
        this.pattern = pattern;
        this.compiled = pattern == null ? null : Pattern.compile(pattern);
    }

    public String description() {
        return description;
    }

    /** The JSON Schema {@code pattern}, or null. */
    public String pattern() {
        return pattern;
    }

    /** Whether a string value passes this check. Numbers are checked by {@link #acceptsNumber}. */
    public boolean accepts(String value) {
        return switch (this) {
            case NONE -> true;
            case K8S_QUANTITY, K3S_VERSION, JUMP_HOST, DURATION, CLUSTER_NAME -> compiled.matcher(value).matches();
            case ABSOLUTE_PATH -> compiled.matcher(value).matches() && withinPathLimits(value) && !value.contains("/../")
                    && !value.endsWith("/..") && !value.contains("/./") && !value.endsWith("/.") && !value.contains("//");
            case ADDRESS -> isAddress(value);
            case PORT -> false;
        };
    }

    public boolean acceptsNumber(java.math.BigDecimal n) {
        return switch (this) {
            case PORT -> n.stripTrailingZeros().scale() <= 0 && n.signum() > 0 && n.compareTo(java.math.BigDecimal.valueOf(65535)) <= 0;
            case K8S_QUANTITY -> n.signum() >= 0;
            case NONE -> true;
            case K3S_VERSION, ADDRESS, ABSOLUTE_PATH, JUMP_HOST, DURATION, CLUSTER_NAME -> false;
        };
    }

    /** PATH_MAX (4096 bytes, the NUL included) and NAME_MAX (255 bytes) of Linux, in UTF-8. */
    private static boolean withinPathLimits(String path) {
        if (path.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 4095) {
            return false;
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < path.length() && Character.isLowSurrogate(path.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false; // no UTF-8 form
            }
        }
        for (String name : path.split("/")) {
            if (name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 255) {
                return false;
            }
        }
        return true;
    }

    static boolean isAddress(String v) {
        if (IPV4.matcher(v).matches()) {
            return true;
        }
        if (v.contains(":")) {
            return isIpv6(v);
        }
        // All digits and dots but not a valid IPv4 address: a typo, not a host name.
        if (v.matches("^[0-9.]+$")) {
            return false;
        }
        return HOSTNAME.matcher(v).matches();
    }

    /** A literal IPv6 address (checked by hand: no resolver is ever asked). */
    static boolean isIpv6(String v) {
        int zone = v.indexOf('%');
        if (zone >= 0) {
            v = v.substring(0, zone);
        }
        int dbl = v.indexOf("::");
        if (dbl >= 0 && v.indexOf("::", dbl + 1) >= 0) {
            return false;
        }
        String[] halves = dbl >= 0 ? new String[] {v.substring(0, dbl), v.substring(dbl + 2)} : new String[] {v};
        int groups = 0;
        for (int h = 0; h < halves.length; h++) {
            if (halves[h].isEmpty()) {
                continue;
            }
            String[] parts = halves[h].split(":", -1);
            for (int p = 0; p < parts.length; p++) {
                boolean last = h == halves.length - 1 && p == parts.length - 1;
                if (last && parts[p].contains(".")) {
                    if (!IPV4.matcher(parts[p]).matches()) {
                        return false;
                    }
                    groups += 2;
                } else if (HEX_GROUP.matcher(parts[p]).matches()) {
                    groups++;
                } else {
                    return false;
                }
            }
        }
        return dbl >= 0 ? groups <= 7 : groups == 8;
    }
}
