package dev.pictl.diagnose;

import java.util.List;

/**
 * What {@code pictl diagnose} found: one verdict per node asked about, each with its findings ranked (the most
 * likely root cause first, the advisory ones last). Advisory findings (issue 15: a pending EEPROM update) are worth
 * knowing but never trouble: a node with nothing else is healthy, and they never change the exit code.
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
     * @param advisory  a standing fact worth knowing (an EEPROM update available), never trouble: it never counts
     *                  for the exit code and is never the root cause
     */
    public record Finding(String node, String code, String summary, List<String> chain, List<String> evidence,
                          String remedy, String causedBy, boolean advisory) {
        public Finding {
            chain = List.copyOf(chain);
            evidence = List.copyOf(evidence);
        }

        /** A finding that is trouble (not advisory). */
        public Finding(String node, String code, String summary, List<String> chain, List<String> evidence,
                       String remedy, String causedBy) {
            this(node, code, summary, chain, evidence, remedy, causedBy, false);
        }
    }

    /**
     * The verdict on one node.
     *
     * @param node     its name
     * @param status   {@code Ready}, {@code NotReady}, {@code Unknown} (the API could not be read) or
     *                 {@code NotRegistered} (no Node object of that name)
     * @param reached  whether its diagnose script ran
     * @param findings ranked, the root cause first, the advisory ones after every other (kept so whatever order
     *                 they come in); empty or only advisory when healthy
     */
    public record NodeVerdict(String node, String status, boolean reached, List<Finding> findings) {
        public NodeVerdict {
            List<Finding> ranked = new java.util.ArrayList<>(findings);
            ranked.sort(java.util.Comparator.comparing(Finding::advisory)); // stable: each group keeps its order
            findings = List.copyOf(ranked);
        }

        /** No finding other than advisory ones. */
        public boolean healthy() {
            return trouble().isEmpty();
        }

        /** The findings that are not advisory, ranked. */
        public List<Finding> trouble() {
            return findings.stream().filter(f -> !f.advisory()).toList();
        }

        /** The advisory findings. */
        public List<Finding> advisories() {
            return findings.stream().filter(Finding::advisory).toList();
        }
    }

    /** The same report with every text passed through {@code redact} (the description's secrets taken out). */
    public DiagnoseReport redacted(java.util.function.UnaryOperator<String> redact) {
        List<NodeVerdict> vs = new java.util.ArrayList<>();
        for (NodeVerdict v : nodes) {
            List<Finding> fs = new java.util.ArrayList<>();
            for (Finding f : v.findings()) {
                fs.add(new Finding(f.node(), f.code(), redact.apply(f.summary()), f.chain().stream().map(redact).toList(),
                        f.evidence().stream().map(redact).toList(), redact.apply(f.remedy()), f.causedBy(), f.advisory()));
            }
            vs.add(new NodeVerdict(v.node(), v.status(), v.reached(), fs));
        }
        return new DiagnoseReport(cluster, server, endpoint, apiError == null ? null : redact.apply(apiError), vs);
    }

    public int exitCode() {
        return nodes.stream().allMatch(NodeVerdict::healthy) ? HEALTHY : FOUND;
    }

    /** The nodes with a finding that is not advisory. */
    public long withFindings() {
        return nodes.stream().filter(n -> !n.healthy()).count();
    }

    /** The advisory findings of every node. */
    public long advisories() {
        return nodes.stream().mapToLong(n -> n.advisories().size()).sum();
    }
}
