package dev.pictl.diagnose;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The journal lines k3s writes for the failures {@code pictl diagnose} knows (day2-facts.md §6, k3s-and-pi-facts.md
 * §2.1), each a pattern under a signal name. A signal is evidence, not yet a finding: {@link Diagnoser} decides
 * what it means beside the rest (a connection refused while the server's k3s is stopped is the server's fault).
 */
public final class Signatures {
    public static final String NODE_PASSWORD = "node_password";
    public static final String TOKEN_401 = "token_401";
    public static final String MEMORY_CGROUP = "memory_cgroup";
    public static final String X509_EXPIRED = "x509_expired";
    public static final String X509_NOT_YET_VALID = "x509_not_yet_valid";
    public static final String X509_OTHER = "x509_other";
    public static final String REFUSED = "refused";
    public static final String TIMEOUT = "timeout";
    public static final String IMAGE_PULL = "image_pull";
    public static final String FLANNEL = "flannel";
    public static final String DISK = "disk";
    public static final String OOM = "oom";
    public static final String FATAL = "fatal";

    /** In order: a line counts for the first signal that matches it. */
    private static final Map<String, Pattern> PATTERNS = new LinkedHashMap<>();

    static {
        PATTERNS.put(NODE_PASSWORD, Pattern.compile("Node password rejected|Node password validation failed"));
        PATTERNS.put(TOKEN_401, Pattern.compile("401 Unauthorized"));
        PATTERNS.put(MEMORY_CGROUP, Pattern.compile("failed to find memory cgroup|Failed to find memory cgroup"));
        PATTERNS.put(X509_EXPIRED, Pattern.compile("x509: certificate has expired or is not yet valid: current time \\S+ is after"));
        PATTERNS.put(X509_NOT_YET_VALID, Pattern.compile("x509: certificate has expired or is not yet valid: current time \\S+ is before"));
        PATTERNS.put(X509_OTHER, Pattern.compile("x509: "));
        PATTERNS.put(IMAGE_PULL, Pattern.compile("PullImage from image service failed|ErrImagePull|ImagePullBackOff|Failed to pull image"));
        PATTERNS.put(FLANNEL, Pattern.compile("subnet\\.env: no such file or directory|plugin type=\\\\?\"flannel\\\\?\" failed"
                + "|(?i:flannel.*(failed|error)|vxlan.*(failed|error))"));
        PATTERNS.put(DISK, Pattern.compile("resourceName=\\\\?\"ephemeral-storage|no space left on device"));
        PATTERNS.put(OOM, Pattern.compile("resourceName=\\\\?\"memory|Out of memory: Killed process|oom-kill"));
        PATTERNS.put(REFUSED, Pattern.compile("dial tcp \\S+: connect: connection refused"
                + "|Failed to connect to proxy.*connection refused|failed to get CA certs.*connection refused"));
        PATTERNS.put(TIMEOUT, Pattern.compile("dial tcp \\S+: (i/o timeout|connect: no route to host|connect: connection timed out)"
                + "|failed to get CA certs.*(i/o timeout|no route to host)"));
        PATTERNS.put(FATAL, Pattern.compile("level=fatal"));
    }

    private Signatures() {
    }

    /** The signal names, in matching order. */
    public static List<String> names() {
        return List.copyOf(PATTERNS.keySet());
    }

    /**
     * The signals about talking to the server. An agent that is not restarted keeps its old complaints in the same
     * journal part, so only the newest of these counts: once a refused connection follows an expired certificate,
     * the certificate is no longer what is wrong.
     */
    private static final java.util.Set<String> CONNECTION = java.util.Set.of(NODE_PASSWORD, TOKEN_401, X509_EXPIRED,
            X509_NOT_YET_VALID, X509_OTHER, REFUSED, TIMEOUT);

    /**
     * The signals of a journal: each signal's last matching line (the newest), in {@link #names()} order; of the
     * signals about the connection to the server, only the newest.
     */
    public static Map<String, String> match(List<String> lines) {
        Map<String, String> last = new LinkedHashMap<>();
        String newestConnection = null;
        for (String line : lines) {
            String s = signal(line);
            if (s != null) {
                last.put(s, line);
                if (CONNECTION.contains(s)) {
                    newestConnection = s;
                }
            }
        }
        Map<String, String> ordered = new LinkedHashMap<>();
        for (String n : PATTERNS.keySet()) {
            if (last.containsKey(n) && (!CONNECTION.contains(n) || n.equals(newestConnection))) {
                ordered.put(n, last.get(n));
            }
        }
        return ordered;
    }

    /** The signal of one line, or null. */
    public static String signal(String line) {
        for (Map.Entry<String, Pattern> e : PATTERNS.entrySet()) {
            if (e.getValue().matcher(line).find()) {
                return e.getKey();
            }
        }
        return null;
    }
}
