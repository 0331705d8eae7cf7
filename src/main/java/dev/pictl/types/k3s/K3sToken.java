package dev.pictl.types.k3s;

/**
 * A k3s token as k3s reads it: the full form {@code K10<ca-hash>::<user>:<password>} or a bare password. The plan
 * hashes the password part and apply records the same hash, so both call this one parse (two copies that disagreed
 * would make every plan after an apply show a token change).
 *
 * <pre>
 *   K10abc::server:s3cret      →  s3cret       (split at the first "::", then at the first ":")
 *   K10abc::server:a:b         →  a:b          (the password may hold colons)
 *   K10abc::s3cret             →  s3cret       (no user part)
 *   s3cret, K10nohash, ::x:y   →  themselves   (no K10 prefix, or no "::" after it: a bare password)
 * </pre>
 */
public final class K3sToken {
    private K3sToken() {
    }

    /** The password part of {@code token}; null for null. */
    public static String password(String token) {
        if (token == null) {
            return null;
        }
        int i = token.indexOf("::");
        if (token.startsWith("K10") && i > 0) {
            String rest = token.substring(i + 2);
            int colon = rest.indexOf(':');
            return colon >= 0 ? rest.substring(colon + 1) : rest;
        }
        return token;
    }

    /**
     * Reads a token file of the k3s server on {@code server} (its first line), as root; fails naming the file when
     * it cannot be read (k3s not installed or not started there).
     */
    static String read(dev.pictl.apply.ApplyContext ctx, String server, String step, String file)
            throws dev.pictl.apply.ApplyException {
        dev.pictl.transport.ExecResult r = ctx.run(server, step, "cat " + dev.pictl.nodetext.Shell.nodePath(file), true);
        String t = r.stdout().strip();
        if (r.exitCode() != 0 || t.isEmpty()) {
            throw new dev.pictl.apply.ApplyException(server, step, "cannot read " + file + ": "
                    + r.stderrTail(2).strip(), "is the k3s server installed and started on " + server + "?");
        }
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl).strip();
    }
}
