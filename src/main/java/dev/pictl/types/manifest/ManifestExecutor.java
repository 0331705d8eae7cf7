package dev.pictl.types.manifest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pictl.apply.ApplyContext;
import dev.pictl.apply.ApplyException;
import dev.pictl.apply.Executor;
import dev.pictl.apply.Kubectl;
import dev.pictl.apply.Recorded;
import dev.pictl.nodetext.Shell;
import dev.pictl.plan.ResourceChange;
import dev.pictl.transport.ExecResult;
import dev.pictl.transport.RemoteCommand;
import dev.pictl.transport.TransportException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code manifest}: the objects through the server's {@code k3s kubectl} (as root).
 *
 * <pre>
 *   apply    k3s kubectl apply --server-side --field-manager=pictl --force-conflicts -f -
 *              stdin: one JSON List of every object of the plan's after, built back from its fields (never
 *              spliced into the command line); one call, in the manifest's order (a Namespace first, say)
 *   prune    for each object the plan's after drops (null) that the plan saw as pictl's:
 *              k3s kubectl get TYPE NAME [-n NS] -o json --ignore-not-found   the marks again, now (a saved plan
 *                                                                           may be old): without both, left alone
 *              k3s kubectl delete TYPE NAME [-n NS] --ignore-not-found --timeout=120s
 *   delete   the prune of every object, last first
 * </pre>
 *
 * Why {@code --force-conflicts}: the plan shows every field pictl will set, and approving it is the decision a
 * conflict asks for. A field someone changed by hand in an object pictl owns goes back (the plan showed it as
 * drift); a field the manifest does not set is never touched, whoever owns it.
 */
public final class ManifestExecutor implements Executor {
    static final String FIELD_MANAGER = "pictl";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String type() {
        return ManifestType.NAME;
    }

    /** The kubectl arguments of the server-side apply (the objects come on stdin). */
    static String applyArgs() {
        return "apply --server-side --field-manager=" + FIELD_MANAGER + " --force-conflicts -f -";
    }

    /** The JSON List of the objects to apply: each built back from its fields, in the after's order. */
    static String applyList(Map<String, Object> after) {
        List<Object> items = new ArrayList<>();
        after.forEach((k, v) -> {
            if (v instanceof Map<?, ?> m && !m.isEmpty()) {
                items.add(Fields.unflatten(fields(m)));
            }
        });
        if (items.isEmpty()) {
            return null;
        }
        Map<String, Object> list = new LinkedHashMap<>();
        list.put("apiVersion", "v1");
        list.put("kind", "List");
        list.put("items", items);
        try {
            return JSON.writeValueAsString(list);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The objects to prune: those {@code before} shows as pictl's whose after is gone (the plan's order). */
    static List<ManifestObject> pruned(Map<String, Object> before, Map<String, Object> after) {
        List<ManifestObject> out = new ArrayList<>();
        if (before == null) {
            return out;
        }
        before.forEach((k, v) -> {
            if (v instanceof Map<?, ?> m && !m.isEmpty() && (after == null || after.get(k) == null)) {
                out.add(ManifestObject.fromFields(fields(m)));
            }
        });
        return out;
    }

    private static Map<String, Object> fields(Map<?, ?> m) {
        Map<String, Object> out = new java.util.TreeMap<>();
        m.forEach((p, x) -> out.put(String.valueOf(p), x));
        return out;
    }

    /** {@code TYPE NAME [-n NS]}, each word quoted. */
    static String target(ManifestObject o) {
        return Shell.quote(o.typeArg()) + " " + Shell.quote(o.name())
                + (o.namespace().isEmpty() ? "" : " -n " + Shell.quote(o.namespace()));
    }

    @Override
    public Recorded apply(ResourceChange change, ApplyContext ctx) throws ApplyException {
        Map<String, Object> after = Objects.requireNonNull(change.after(), "apply needs the desired attributes");
        String name = change.address().name();
        String list = applyList(after);
        if (list != null) {
            long n = after.values().stream().filter(Objects::nonNull).count();
            String step = "server-side apply " + n + " object" + (n == 1 ? "" : "s") + " of manifest " + name;
            ctx.step(change.address(), "kubectl " + applyArgs() + " (" + n + " object" + (n == 1 ? "" : "s") + ")");
            serverSideApply(ctx, step, list);
        }
        for (ManifestObject o : pruned(change.before(), after)) {
            prune(change, ctx, name, o);
        }
        Map<String, Object> recorded = new LinkedHashMap<>();
        after.forEach((k, v) -> {
            if (v != null) {
                recorded.put(k, v);
            }
        });
        return Recorded.of(recorded);
    }

    @Override
    public void delete(ResourceChange change, ApplyContext ctx) throws ApplyException {
        List<ManifestObject> all = pruned(change.before(), null);
        Collections.reverse(all);
        for (ManifestObject o : all) {
            prune(change, ctx, change.address().name(), o);
        }
    }

    private static void prune(ResourceChange change, ApplyContext ctx, String manifest, ManifestObject o)
            throws ApplyException {
        String step = "prune " + o.key();
        ExecResult r = Kubectl.check(ctx, step, "get " + target(o) + " -o json --ignore-not-found");
        if (r.stdout().isBlank()) {
            return; // gone already
        }
        if (!isMarked(r.stdout(), manifest)) {
            ctx.step(change.address(), "left alone: " + o.key() + " no longer carries pictl's marks");
            return;
        }
        ctx.step(change.address(), "kubectl delete " + o.key());
        Kubectl.check(ctx, step, "delete " + target(o) + " --ignore-not-found --timeout=120s");
    }

    /** Whether a live object (kubectl's JSON) carries both of pictl's marks for {@code manifest}. */
    static boolean isMarked(String json, String manifest) {
        JsonNode md;
        try {
            md = JSON.readTree(json).path("metadata");
        } catch (IOException e) {
            return false;
        }
        return ManifestDocs.PICTL.equals(md.path("labels").path(ManifestDocs.MANAGED_BY).asText(null))
                && manifest.equals(md.path("annotations").path(ManifestDocs.MANIFEST).asText(null));
    }

    private static void serverSideApply(ApplyContext ctx, String step, String list) throws ApplyException {
        String node = Kubectl.serverNode(ctx, step);
        ExecResult r;
        try {
            r = ctx.session(node, step).exec(RemoteCommand.of(step, "k3s kubectl " + applyArgs()).asRoot()
                    .withTimeout(ctx.options().commandTimeout()).withStdin(list.getBytes(StandardCharsets.UTF_8)));
        } catch (TransportException e) {
            throw ApplyContext.wrap(node, step, e);
        }
        if (r.exitCode() != 0) {
            throw new ApplyException(node, step, "kubectl apply exited " + r.exitCode() + ": " + r.outputTail(12),
                    null);
        }
    }
}
