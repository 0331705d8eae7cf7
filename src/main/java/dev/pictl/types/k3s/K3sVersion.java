package dev.pictl.types.k3s;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A k3s release {@code vMAJOR.MINOR.PATCH+k3sN}, ordered. */
record K3sVersion(int major, int minor, int patch, int k3s) implements Comparable<K3sVersion> {
    private static final Pattern FORM = Pattern.compile("v(\\d+)\\.(\\d+)\\.(\\d+)\\+k3s(\\d+)");

    static K3sVersion parse(String s) {
        if (s == null) {
            return null;
        }
        Matcher m = FORM.matcher(s.trim());
        if (!m.matches()) {
            return null;
        }
        try {
            return new K3sVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                    Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)));
        } catch (NumberFormatException e) {
            return null; // a number too large for any release (a node may report anything): not a version to compare
        }
    }

    @Override
    public int compareTo(K3sVersion o) {
        int c = Integer.compare(major, o.major);
        c = c != 0 ? c : Integer.compare(minor, o.minor);
        c = c != 0 ? c : Integer.compare(patch, o.patch);
        return c != 0 ? c : Integer.compare(k3s, o.k3s);
    }

    @Override
    public String toString() {
        return "v" + major + "." + minor + "." + patch + "+k3s" + k3s;
    }
}
