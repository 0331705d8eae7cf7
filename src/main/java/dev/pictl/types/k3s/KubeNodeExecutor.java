package dev.pictl.types.k3s;

import dev.pictl.apply.ApplyContext;
import dev.pictl.apply.ApplyException;
import dev.pictl.apply.Executor;
import dev.pictl.apply.Kubectl;
import dev.pictl.apply.Recorded;
import dev.pictl.nodetext.Shell;
import dev.pictl.plan.ResourceChange;
import dev.pictl.transport.ExecResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code kube_node}: labels and taints changed live through the server's {@code k3s kubectl} (as root), never a
 * restart. From the plan's before (what pictl manages, as observed) to its after (as described):
 *
 * <pre>
 *   labels   kubectl label node NAME --overwrite KEY=VALUE... KEY-...     (one command; only what differs)
 *   taints   kubectl taint node NAME KEY:EFFECT-...                      (gone, or its value changed)
 *            kubectl taint node NAME --overwrite KEY[=VALUE]:EFFECT...   (new, or its value changed)
 *   delete   the same, to nothing: only the labels and taints pictl set; a Node already gone is fine
 * </pre>
 *
 * Every word is quoted ({@code Shell.quote}); the validator has refused anything that is not Kubernetes' syntax.
 * Labels and taints of k3s or other tools never reach these commands: they are not in the plan's before.
 */
public final class KubeNodeExecutor implements Executor {
    @Override
    public String type() {
        return KubeNodeType.NAME;
    }

    @Override
    public Recorded apply(ResourceChange change, ApplyContext ctx) throws ApplyException {
        K3sValues.KubeNode before = K3sValues.KubeNode.of(change.before());
        K3sValues.KubeNode after = K3sValues.KubeNode.of(change.after());
        converge(ctx, change, before, after, false);
        return Executor.described(change);
    }

    @Override
    public void delete(ResourceChange change, ApplyContext ctx) throws ApplyException {
        converge(ctx, change, K3sValues.KubeNode.of(change.before()), new K3sValues.KubeNode(Map.of(), List.of()), true);
    }

    /** The commands that take the Node's managed labels and taints from {@code before} to {@code after}. */
    static List<String> commands(String node, K3sValues.KubeNode before, K3sValues.KubeNode after) {
        List<String> out = new ArrayList<>();
        List<String> labelArgs = new ArrayList<>();
        after.labels().forEach((k, v) -> {
            if (!String.valueOf(v).equals(before.labels().get(k) == null ? null : String.valueOf(before.labels().get(k)))) {
                labelArgs.add(Shell.quote(k + "=" + v));
            }
        });
        before.labels().keySet().stream().filter(k -> !after.labels().containsKey(k))
                .forEach(k -> labelArgs.add(Shell.quote(k + "-")));
        if (!labelArgs.isEmpty()) {
            out.add("label node " + Shell.quote(node) + " --overwrite " + String.join(" ", labelArgs));
        }
        Map<String, NodeLabels.Taint> was = new HashMap<>();
        NodeLabels.taints(before.taints()).forEach(t -> was.put(t.identity(), t));
        Map<String, NodeLabels.Taint> want = new HashMap<>();
        NodeLabels.taints(after.taints()).forEach(t -> want.put(t.identity(), t));
        List<String> removals = new ArrayList<>();
        List<String> additions = new ArrayList<>();
        for (NodeLabels.Taint t : NodeLabels.taints(before.taints())) {
            if (!want.containsKey(t.identity())) {
                removals.add(Shell.quote(t.removal()));
            }
        }
        for (NodeLabels.Taint t : NodeLabels.taints(after.taints())) {
            if (!t.equals(was.get(t.identity()))) {
                additions.add(Shell.quote(t.text()));
            }
        }
        if (!removals.isEmpty()) {
            out.add("taint node " + Shell.quote(node) + " " + String.join(" ", removals));
        }
        if (!additions.isEmpty()) {
            out.add("taint node " + Shell.quote(node) + " --overwrite " + String.join(" ", additions));
        }
        return out;
    }

    private static void converge(ApplyContext ctx, ResourceChange change, K3sValues.KubeNode before,
                                 K3sValues.KubeNode after, boolean deleting) throws ApplyException {
        String node = change.address().name();
        for (String args : commands(node, before, after)) {
            String step = (args.startsWith("label") ? "label " : "taint ") + node;
            ctx.step(change.address(), "kubectl " + args);
            ExecResult r = Kubectl.run(ctx, step, args);
            if (r.exitCode() != 0) {
                String out = r.outputTail(5);
                if (deleting && out.contains("NotFound")) {
                    return; // the Node is gone, and its labels and taints with it
                }
                throw new ApplyException(Kubectl.serverNode(ctx, step), step, "kubectl " + args.substring(0,
                        args.indexOf(' ')) + " exited " + r.exitCode() + ": " + out,
                        out.contains("NotFound") ? "node " + node + " is not registered: is k3s running on it?" : null);
            }
        }
    }
}
