package dev.pictl.types.k3s;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Kubernetes' syntax for node labels and taints, and the keys pictl leaves to Kubernetes and k3s.
 *
 * <pre>
 *   label key    [PREFIX/]NAME    PREFIX: a DNS subdomain (lower case, digits, '-', '.'), at most 253 characters
 *                                 NAME:   at most 63 of [A-Za-z0-9-_.], alphanumeric at both ends
 *   label value  empty, or as NAME
 *   taint        KEY[=VALUE]:EFFECT      EFFECT: NoSchedule, PreferNoSchedule or NoExecute
 * </pre>
 *
 * Refused keys: what the kubelet, k3s or Kubernetes' controllers set and keep setting ({@code kubernetes.io/} and
 * {@code k8s.io/} and their subdomains, {@code k3s.io/}), except {@code node-role.kubernetes.io/NAME}, the role label
 * people set by hand, whose {@code control-plane}, {@code master} and {@code etcd} k3s sets on servers. Taint keys under
 * {@code node.kubernetes.io/} and {@code node.cloudprovider.kubernetes.io/} belong to Kubernetes' controllers.
 */
public final class NodeLabels {
    static final List<String> EFFECTS = List.of("NoSchedule", "PreferNoSchedule", "NoExecute");
    private static final Pattern NAME = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
    private static final Pattern PREFIX = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Set<String> K3S_ROLES = Set.of("control-plane", "master", "etcd");

    private NodeLabels() {
    }

    /** What is wrong with a label key, or null. */
    public static String keyProblem(String key) {
        int slash = key.indexOf('/');
        String prefix = slash < 0 ? null : key.substring(0, slash);
        String name = slash < 0 ? key : key.substring(slash + 1);
        if (prefix != null && (prefix.isEmpty() || prefix.length() > 253 || !PREFIX.matcher(prefix).matches())) {
            return "its prefix \"" + prefix + "\" is not a DNS subdomain (lower-case letters, digits, \"-\" and \".\", "
                    + "at most 253 characters)";
        }
        if (name.isEmpty() || name.length() > 63 || !NAME.matcher(name).matches()) {
            return "its name \"" + name + "\" is not 1 to 63 letters, digits, \"-\", \"_\" or \".\" starting and ending "
                    + "with a letter or digit";
        }
        return null;
    }

    /** What is wrong with a label value, or null. */
    public static String valueProblem(String value) {
        if (value.isEmpty()) {
            return null;
        }
        return value.length() <= 63 && NAME.matcher(value).matches() ? null
                : "it is not empty or 1 to 63 letters, digits, \"-\", \"_\" or \".\" starting and ending with a letter "
                + "or digit";
    }

    /** Why pictl does not manage a label key (Kubernetes' or k3s's own), or null. */
    static String reservedLabel(String key) {
        int slash = key.indexOf('/');
        if (slash < 0) {
            return null;
        }
        String prefix = key.substring(0, slash).toLowerCase(Locale.ROOT);
        String name = key.substring(slash + 1);
        if (prefix.equals("node-role.kubernetes.io")) {
            return K3S_ROLES.contains(name) ? "k3s sets it on servers" : null;
        }
        if (under(prefix, "kubernetes.io") || under(prefix, "k8s.io")) {
            return "the kubelet and Kubernetes own the " + prefix + " prefix";
        }
        if (under(prefix, "k3s.io")) {
            return "k3s owns the " + prefix + " prefix";
        }
        return null;
    }

    /** Why pictl does not manage a taint key, or null. */
    static String reservedTaint(String key) {
        int slash = key.indexOf('/');
        String prefix = slash < 0 ? "" : key.substring(0, slash).toLowerCase(Locale.ROOT);
        return prefix.equals("node.kubernetes.io") || prefix.equals("node.cloudprovider.kubernetes.io")
                ? "Kubernetes' controllers set and remove " + prefix + " taints" : null;
    }

    private static boolean under(String prefix, String domain) {
        return prefix.equals(domain) || prefix.endsWith("." + domain);
    }

    /** A parsed taint. */
    record Taint(String key, String value, String effect) {
        /** The taint as written: {@code key=value:Effect}, or {@code key:Effect} without a value. */
        String text() {
            return key + (value.isEmpty() ? "" : "=" + value) + ":" + effect;
        }

        /** The argument that removes it with {@code kubectl taint}: {@code key:Effect-}. */
        String removal() {
            return key + ":" + effect + "-";
        }

        /** What identifies a taint on a Node: its key and effect (kubectl replaces the value with --overwrite). */
        String identity() {
            return key + ":" + effect;
        }
    }

    /** The taint, or an exception saying what is wrong. */
    static Taint taint(String text) {
        int colon = text.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("it has no effect: write KEY[=VALUE]:EFFECT, EFFECT one of "
                    + String.join(", ", EFFECTS));
        }
        String effect = text.substring(colon + 1);
        if (!EFFECTS.contains(effect)) {
            throw new IllegalArgumentException("its effect \"" + effect + "\" is not one of " + String.join(", ", EFFECTS));
        }
        String kv = text.substring(0, colon);
        int eq = kv.indexOf('=');
        String key = eq < 0 ? kv : kv.substring(0, eq);
        String value = eq < 0 ? "" : kv.substring(eq + 1);
        String problem = keyProblem(key);
        if (problem != null) {
            throw new IllegalArgumentException("its key: " + problem);
        }
        problem = valueProblem(value);
        if (problem != null) {
            throw new IllegalArgumentException("its value: " + problem);
        }
        return new Taint(key, value, effect);
    }

    /** The taints of texts that parse, in order. */
    static List<Taint> taints(List<String> texts) {
        List<Taint> out = new ArrayList<>();
        for (String t : texts) {
            try {
                out.add(taint(t));
            } catch (IllegalArgumentException e) {
                // refused by validation; a recorded one that no longer parses is left out
            }
        }
        return out;
    }
}
