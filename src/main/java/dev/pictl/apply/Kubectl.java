package dev.pictl.apply;

import dev.pictl.transport.ExecResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * {@code k3s kubectl} on the server node, as root (the kubeconfig is 0600). One place for how pictl talks to
 * the cluster, so executors only say what they want.
 *
 * <p>With several servers (quorum members) every server serves the same API: when the first does not answer (its
 * board reboots, its k3s restarts, while an agent waits for Ready), kubectl runs on the next member that does.
 */
public final class Kubectl {
    private Kubectl() {
    }

    /** The server node, or an error naming the resource's need for one. */
    public static String serverNode(ApplyContext ctx, String step) throws ApplyException {
        return ctx.serverNode().orElseThrow(() -> new ApplyException(null, step,
                "the description has no k3s_server to reach the cluster through", "declare a k3s_server"));
    }

    /** Runs {@code k3s kubectl ARGS} (arguments already shell-quoted as needed); a non-zero exit is returned. */
    public static ExecResult run(ApplyContext ctx, String step, String args) throws ApplyException {
        return onAnyServer(ctx, step, "k3s kubectl " + args).result();
    }

    /** Like {@link #run} but fails with kubectl's stderr unless it exits 0. */
    public static ExecResult check(ApplyContext ctx, String step, String args) throws ApplyException {
        Ran ran = onAnyServer(ctx, step, "k3s kubectl " + args);
        ExecResult r = ran.result();
        if (r.exitCode() != 0) {
            throw new ApplyException(ran.node(), step, "kubectl " + first(args) + " exited " + r.exitCode() + ": "
                    + r.outputTail(5), null);
        }
        return r;
    }

    /** What ran where. */
    private record Ran(String node, ExecResult result) {
    }

    /**
     * Runs {@code script} on the server node; when that board does not answer, or its API server refuses the
     * connection, on the next quorum member in turn. The first server's answer (or failure) is what is reported when
     * none answers.
     */
    private static Ran onAnyServer(ApplyContext ctx, String step, String script) throws ApplyException {
        String first = serverNode(ctx, step);
        java.util.List<String> candidates = new java.util.ArrayList<>(java.util.List.of(first));
        ctx.quorumMembers().stream().filter(n -> !n.equals(first)).forEach(candidates::add);
        Ran firstAnswer = null;
        ApplyException firstFailure = null;
        for (String node : candidates) {
            try {
                ExecResult r = ctx.run(node, step, script, true);
                if (!apiDown(r) || candidates.size() == 1) {
                    return new Ran(node, r);
                }
                firstAnswer = firstAnswer != null ? firstAnswer : new Ran(node, r);
            } catch (ApplyException e) {
                if (candidates.size() == 1 || !(e.getCause() instanceof dev.pictl.transport.TransportException)) {
                    throw e;
                }
                firstFailure = firstFailure != null ? firstFailure : e;
            }
        }
        if (firstAnswer != null) {
            return firstAnswer;
        }
        throw firstFailure;
    }

    /** kubectl's own words when the local API server is not there (k3s stopped or starting). */
    private static boolean apiDown(ExecResult r) {
        return r.exitCode() != 0 && (r.stderr().contains("The connection to the server")
                || r.stderr().contains("connect: connection refused"));
    }

    /** {@code kubectl apply -f -} with a manifest (JSON or YAML) on stdin. */
    public static ExecResult apply(ApplyContext ctx, String step, String manifest) throws ApplyException {
        return withManifest(ctx, step, "apply", manifest);
    }

    /**
     * {@code kubectl replace -f -}: the object becomes exactly the manifest (what apply's three-way merge keeps,
     * fields someone else added, goes). The object must exist.
     */
    public static ExecResult replace(ApplyContext ctx, String step, String manifest) throws ApplyException {
        return withManifest(ctx, step, "replace", manifest);
    }

    private static ExecResult withManifest(ApplyContext ctx, String step, String verb, String manifest)
            throws ApplyException {
        String node = serverNode(ctx, step); // cluster objects come after every server and agent: the first answers
        ExecResult r;
        try {
            r = ctx.session(node, step).exec(dev.pictl.transport.RemoteCommand.of(step, "k3s kubectl " + verb + " -f -")
                    .asRoot().withTimeout(ctx.options().commandTimeout())
                    .withStdin(manifest.getBytes(StandardCharsets.UTF_8)));
        } catch (dev.pictl.transport.TransportException e) {
            throw ApplyContext.wrap(node, step, e);
        }
        if (r.exitCode() != 0) {
            throw new ApplyException(node, step, "kubectl " + verb + " exited " + r.exitCode() + ": " + r.outputTail(5),
                    null);
        }
        return r;
    }

    /** Polls until {@code node} is Ready (true) in the cluster, or the deadline passes. */
    public static boolean awaitReady(ApplyContext ctx, String step, String node, Duration timeout)
            throws ApplyException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            // The STATUS column: Ready, Ready,SchedulingDisabled or NotReady.
            ExecResult r = run(ctx, step, "get node " + node + " --no-headers");
            String[] cols = r.stdout().strip().split("\\s+");
            if (r.exitCode() == 0 && cols.length > 1 && (cols[1].equals("Ready") || cols[1].startsWith("Ready,"))) {
                return true;
            }
            Thread.sleep(1000);
        }
        return false;
    }

    private static String first(String args) {
        int sp = args.indexOf(' ');
        return sp < 0 ? args : args.substring(0, sp);
    }
}
