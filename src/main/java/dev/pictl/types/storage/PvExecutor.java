package dev.pictl.types.storage;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pictl.apply.ApplyContext;
import dev.pictl.apply.ApplyException;
import dev.pictl.apply.Executor;
import dev.pictl.apply.Kubectl;
import dev.pictl.apply.Recorded;
import dev.pictl.nodetext.Shell;
import dev.pictl.plan.Action;
import dev.pictl.plan.ResourceChange;
import dev.pictl.transport.ExecResult;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code pv}: a local PersistentVolume pinned to its node, and its directory there.
 *
 * <pre>
 *   create / update   on the PV's node:  mkdir -p "${PICTL_ROOT:-}/PATH"    (a local volume; an NFS volume has
 *                                        no node and no directory: spec.nfs {server, path} and mountOptions)
 *                     on the server:     k3s kubectl apply -f -     (local.path, nodeAffinity
 *                                        kubernetes.io/hostname In [NODE], capacity, accessModes,
 *                                        persistentVolumeReclaimPolicy, storageClassName)
 *   replace           the delete below, then the create above
 *   delete            1. k3s kubectl get pv NAME -o json            Bound?      ┐ refused unless data loss
 *                     2. on the old node: ls -A "${PICTL_ROOT:-}/PATH"  data?   ┘ is allowed
 *                     3. k3s kubectl delete pv NAME --wait=false --ignore-not-found
 *                     4. k3s kubectl get pv NAME, every second until NotFound, up to the delete timeout; a PV
 *                        still there (Bound: Terminating until its claim goes) is reported, not waited on
 * </pre>
 *
 * <p>The checks are made live at apply time, not only from the plan's {@code dataLoss}: a claim may have bound the
 * volume, or a pod written to the directory, since the plan was made.
 *
 * <p><b>The directory and its data are never deleted</b>, not even when data loss is allowed: the flag only lifts
 * the refusal. A replacement at the same path finds the old files again (as Kubernetes' {@code Retain} would); a
 * deleted PV leaves its directory for the user to clean up. Deleting files on a board is a decision pictl leaves to
 * people.
 */
public final class PvExecutor implements Executor {
    private static final Logger LOG = LoggerFactory.getLogger(PvExecutor.class);
    private final Duration deleteTimeout;

    public PvExecutor() {
        this(Duration.ofMinutes(2));
    }

    /** @param deleteTimeout how long a deleted PV may take to disappear before it is reported as stuck */
    public PvExecutor(Duration deleteTimeout) {
        this.deleteTimeout = deleteTimeout;
    }

    @Override
    public String type() {
        return PvType.NAME;
    }

    static String manifest(String name, Map<String, Object> after) {
        StorageValues.Pv planned = StorageValues.Pv.of(after);
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("capacity", Map.of("storage", planned.capacity()));
        spec.put("accessModes", planned.accessModesOrEmpty());
        if (planned.reclaimPolicy() != null) {
            spec.put("persistentVolumeReclaimPolicy", planned.reclaimPolicy());
        }
        if (planned.storageClass() != null) {
            spec.put("storageClassName", planned.storageClass());
        }
        if (planned.nfs()) {
            if (planned.mountOptions() != null) {
                spec.put("mountOptions", planned.mountOptions());
            }
            Map<String, Object> nfs = new LinkedHashMap<>();
            nfs.put("server", planned.nfsServer());
            nfs.put("path", planned.nfsPath());
            spec.put("nfs", nfs);
        } else {
            spec.put("local", Map.of("path", planned.path()));
            spec.put("nodeAffinity", Map.of("required", Map.of("nodeSelectorTerms", List.of(Map.of("matchExpressions",
                    List.of(Map.of("key", "kubernetes.io/hostname", "operator", "In",
                            "values", List.of(planned.node()))))))));
        }
        Map<String, Object> pv = new LinkedHashMap<>();
        pv.put("apiVersion", "v1");
        pv.put("kind", "PersistentVolume");
        pv.put("metadata", Map.of("name", name));
        pv.put("spec", spec);
        return StorageClassExecutor.json(pv);
    }

    @Override
    public Recorded apply(ResourceChange change, ApplyContext ctx) throws ApplyException {
        Map<String, Object> after = Objects.requireNonNull(change.after(), "apply needs the desired attributes");
        String name = change.address().name();
        StorageValues.Pv planned = StorageValues.Pv.of(after);
        String node = planned.node();
        String path = planned.path();
        if (change.action() == Action.REPLACE) {
            remove(change, ctx, "replace");
        }
        if (!planned.nfs()) {
            ctx.step(change.address(), "create directory " + path + " on " + node);
            ctx.check(node, "create directory " + path, "mkdir -p " + Shell.nodePath(path));
        }
        ctx.step(change.address(), "kubectl apply PersistentVolume " + name);
        StorageClassExecutor.applyManifest(ctx, "apply PersistentVolume " + name, manifest(name, after));
        return Recorded.of(after);
    }

    @Override
    public void delete(ResourceChange change, ApplyContext ctx) throws ApplyException {
        remove(change, ctx, "delete");
    }

    /** The live checks, then delete and wait until it is gone. */
    private void remove(ResourceChange change, ApplyContext ctx, String verb) throws ApplyException {
        String name = change.address().name();
        String step = verb + " PersistentVolume " + name;
        boolean allow = ctx.options().allowDataLoss();
        ctx.step(change.address(), "check PersistentVolume " + name + " before it is deleted");
        JsonNode live = get(ctx, step, name);
        if (live == null) {
            LOG.debug("{}: not in the cluster; nothing to delete", name);
            return;
        }
        String phase = live.path("status").path("phase").asText("");
        String claim = claim(live);
        if ("Bound".equals(phase) && !allow) {
            throw new ApplyException(null, step, "refused: it is Bound to " + claim + ", and deleting it would lose "
                    + "the claim's volume", "delete the claim (and the pods using it) first, or pass "
                    + "--allow-data-loss to " + verb + " it anyway");
        }
        StorageValues.Pv was = StorageValues.Pv.of(change.before());
        String path = text(live.path("spec").path("local").path("path"), was.path());
        String node = text(live.path("spec").path("nodeAffinity").path("required").path("nodeSelectorTerms").path(0)
                .path("matchExpressions").path(0).path("values").path(0), was.node());
        if (!allow && path != null && node != null) {
            String holds = directoryHoldsData(ctx, node, path, step);
            if (holds != null) {
                throw new ApplyException(node, step, "refused: " + holds, "move the data away, or pass "
                        + "--allow-data-loss to " + verb + " the PersistentVolume anyway (pictl never deletes "
                        + "the directory or its files)");
            }
        }
        ctx.step(change.address(), "delete PersistentVolume " + name);
        Kubectl.check(ctx, step, "delete pv " + Shell.quote(name) + " --wait=false --ignore-not-found");
        long deadline = System.nanoTime() + deleteTimeout.toNanos();
        JsonNode left = live;
        while (true) {
            left = get(ctx, step, name);
            if (left == null) {
                return;
            }
            if (System.nanoTime() >= deadline) {
                break;
            }
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ApplyException(null, step, "interrupted while waiting for it to go", null, e);
            }
        }
        String nowClaim = claim(left);
        String state = left.path("metadata").path("deletionTimestamp").isMissingNode() ? "not deleted" : "Terminating";
        if ("Bound".equals(left.path("status").path("phase").asText())) {
            state += ", Bound to " + nowClaim;
        }
        throw new ApplyException(null, step, "persistentvolume " + name + " is still there after "
                + deleteTimeout.toSeconds() + "s (" + state + ")",
                "Kubernetes keeps a Bound PersistentVolume until its claim is deleted: delete " + nowClaim
                        + " (and the pods using it), then apply again");
    }

    /** The live object, or null when it does not exist. */
    private static JsonNode get(ApplyContext ctx, String step, String name) throws ApplyException {
        ExecResult r = Kubectl.run(ctx, step, "get pv " + Shell.quote(name) + " -o json");
        if (r.exitCode() != 0) {
            if (r.stderr().contains("NotFound") || r.stderr().contains("not found")) {
                return null;
            }
            String node = Kubectl.serverNode(ctx, step);
            throw new ApplyException(node, step, "kubectl get exited " + r.exitCode() + ": " + r.stderrTail(3).strip(),
                    "is k3s active on " + node + "?");
        }
        try {
            return StorageClassExecutor.JSON.readTree(r.stdout());
        } catch (IOException e) {
            throw new ApplyException(Kubectl.serverNode(ctx, step), step, "kubectl printed no JSON: "
                    + e.getMessage(), null, e);
        }
    }

    /** Why the directory may hold data, or null when it is empty or missing. */
    private static String directoryHoldsData(ApplyContext ctx, String node, String path, String step)
            throws ApplyException {
        ExecResult r;
        try {
            r = ctx.run(node, step, "d=" + Shell.nodePath(path) + "\n"
                    + "if [ ! -e \"$d\" ]; then echo missing; elif [ -n \"$(ls -A \"$d\" 2>&1)\" ]; then echo data;"
                    + " else echo empty; fi", true);
        } catch (ApplyException e) {
            return "cannot check whether " + path + " on " + node + " holds data (" + e.getMessage() + ")";
        }
        String out = r.stdout().strip();
        if (r.exitCode() != 0) {
            return "cannot check whether " + path + " on " + node + " holds data (exit " + r.exitCode() + ": "
                    + r.stderrTail(2).strip() + ")";
        }
        return out.equals("data") ? "its directory " + path + " on " + node + " holds data" : null;
    }

    private static String claim(JsonNode pv) {
        JsonNode ref = pv.path("spec").path("claimRef");
        if (ref.isMissingNode() || ref.path("name").asText("").isEmpty()) {
            return "a claim";
        }
        String ns = ref.path("namespace").asText("");
        return (ns.isEmpty() ? "" : ns + "/") + ref.path("name").asText();
    }

    private static String text(JsonNode n, String fallback) {
        return n.isTextual() && !n.asText().isEmpty() ? n.asText() : fallback;
    }
}
