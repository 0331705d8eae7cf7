package dev.pictl.diagnose;

import java.util.List;

/**
 * What {@code pictl diagnose} found: one verdict per node asked about, each with its findings ranked (the most
 * likely root cause first).
 *
 * @param cluster   the cluster's name
 * @param server    the node that runs the API server, or null when the description has none
 * @param endpoint  {@code ADDRESS:PORT} of the API server as the nodes reach it, or null
 * @param apiError  why the server's API could not be read (then Node conditions are unknown), or null
 * @param nodes     the verdicts, in the order the nodes were asked for (the description's order by default)
 */
public record DiagnoseReport(String cluster, String server, String endpoint, String apiError, List<NodeVerdict> nodes) {
    public static final int HEALTHY = 0;
    public static final int FOUND = 2;

    public DiagnoseReport {
        nodes = List.copyOf(nodes);
    }

    /**
     * One finding.
     *
     * @param node      the node it is about
     * @param code      stable, for machines (docs/diagnose.md lists every code)
     * @param summary   one line for people, without the node's name
     * @param chain     from what is seen to its cause, e.g. NotReady, k3s-agent crash-looping, memory cgroup missing,
     *                  cmdline.txt lost its flag (the cause last); one element when the finding is its own cause
     * @param evidence  the lines it rests on (journal lines, facts, conditions), newest last
     * @param remedy    what to do
     * @param causedBy  the node where the cause is, when it is another node (the server), else null
     */
    public record Finding(String node, String code, String summary, List<String> chain, List<String> evidence,
                          String remedy, String causedBy) {
        public Finding {
            chain = List.copyOf(chain);
            evidence = List.copyOf(evidence);
        }
    }

    /**
     * The verdict on one node.
     *
     * @param node     its name
     * @param status   {@code Ready}, {@code NotReady}, {@code Unknown} (the API could not be read) or
     *                 {@code NotRegistered} (no Node object of that name)
     * @param reached  whether its diagnose script ran
     * @param findings ranked, the root cause first; empty when healthy
     */
    public record NodeVerdict(String node, String status, boolean reached, List<Finding> findings) {
        public NodeVerdict {
            findings = List.copyOf(findings);
        }

        public boolean healthy() {
            return findings.isEmpty();
        }
    }

    /** The same report with every text passed through {@code redact} (the description's secrets taken out). */
    public DiagnoseReport redacted(java.util.function.UnaryOperator<String> redact) {
        List<NodeVerdict> vs = new java.util.ArrayList<>();
        for (NodeVerdict v : nodes) {
            List<Finding> fs = new java.util.ArrayList<>();
            for (Finding f : v.findings()) {
                fs.add(new Finding(f.node(), f.code(), redact.apply(f.summary()), f.chain().stream().map(redact).toList(),
                        f.evidence().stream().map(redact).toList(), redact.apply(f.remedy()), f.causedBy()));
            }
            vs.add(new NodeVerdict(v.node(), v.status(), v.reached(), fs));
        }
        return new DiagnoseReport(cluster, server, endpoint, apiError == null ? null : redact.apply(apiError), vs);
    }

    public int exitCode() {
        return nodes.stream().allMatch(NodeVerdict::healthy) ? HEALTHY : FOUND;
    }

    public long withFindings() {
        return nodes.stream().filter(n -> !n.healthy()).count();
    }
}
