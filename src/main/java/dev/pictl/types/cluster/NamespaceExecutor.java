package dev.pictl.types.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code namespace}: a Namespace and its default-deny policy, through the server's {@code k3s kubectl} (as root).
 * Manifests are JSON written by Jackson (never spliced); every other word goes through {@code Shell.quote}.
 *
 * <pre>
 *   create           kubectl apply -f -      Namespace NAME with every declared label and the Pod Security labels
 *                                            (one object: the namespace never exists without its level)
 *   update           kubectl label namespace NAME --overwrite KEY=VALUE... KEY-...   (only what differs; only
 *                                            keys pictl manages: other labels are not in the plan's before)
 *   deny on          kubectl get networkpolicy default-deny-ingress -n NAME -o json: one pictl did not create is
 *                    refused; then kubectl apply -f -  (podSelector {}, policyTypes [Ingress], managed-by=pictl),
 *                    or kubectl replace -f - when pictl's is there but was edited (apply would keep added rules)
 *   deny off         kubectl delete networkpolicy default-deny-ingress -n NAME --ignore-not-found (observed as
 *                    pictl's: the planner saw the label)
 *   delete           kubectl delete namespace NAME --ignore-not-found --timeout=300s  (waits until Kubernetes has
 *                    deleted what it held)
 * </pre>
 */
public final class NamespaceExecutor implements Executor {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String type() {
        return NamespaceType.NAME;
    }

    /** The Namespace object: its name and every label the plan's after asks for. */
    static String namespaceManifest(String name, NamespaceValues after) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", name);
        Map<String, String> labels = after.allLabels();
        if (!labels.isEmpty()) {
            metadata.put("labels", labels);
        }
        Map<String, Object> ns = new LinkedHashMap<>();
        ns.put("apiVersion", "v1");
        ns.put("kind", "Namespace");
        ns.put("metadata", metadata);
        return json(ns);
    }

    /** pictl's default-deny ingress policy in {@code namespace}. */
    static String policyManifest(String namespace) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", NamespaceValues.POLICY);
        metadata.put("namespace", namespace);
        metadata.put("labels", Map.of(NamespaceValues.MANAGED_BY, NamespaceValues.PICTL));
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("podSelector", Map.of());
        spec.put("policyTypes", List.of("Ingress"));
        Map<String, Object> np = new LinkedHashMap<>();
        np.put("apiVersion", "networking.k8s.io/v1");
        np.put("kind", "NetworkPolicy");
        np.put("metadata", metadata);
        np.put("spec", spec);
        return json(np);
    }

    /**
     * The {@code kubectl label} arguments that take the managed labels from {@code before} to {@code after}, or
     * null when none differ: declared labels one by one, the Pod Security labels all three when the level changes.
     */
    static String labelArgs(String name, NamespaceValues before, NamespaceValues after) {
        List<String> args = new ArrayList<>();
        Map<String, String> was = before.labelsOrEmpty();
        Map<String, String> want = after.labelsOrEmpty();
        want.forEach((k, v) -> {
            if (!v.equals(was.get(k))) {
                args.add(Shell.quote(k + "=" + v));
            }
        });
        was.keySet().stream().filter(k -> !want.containsKey(k)).forEach(k -> args.add(Shell.quote(k + "-")));
        if (!Objects.equals(before.podSecurity(), after.podSecurity())) {
            for (String mode : NamespaceValues.MODES) {
                String key = NamespaceValues.PSA + mode;
                args.add(Shell.quote(after.podSecurity() == null ? key + "-" : key + "=" + after.podSecurity()));
            }
        }
        return args.isEmpty() ? null : "label namespace " + Shell.quote(name) + " --overwrite " + String.join(" ", args);
    }

    @Override
    public Recorded apply(ResourceChange change, ApplyContext ctx) throws ApplyException {
        Map<String, Object> afterAttrs = Objects.requireNonNull(change.after(), "apply needs the desired attributes");
        String name = change.address().name();
        NamespaceValues after = NamespaceValues.of(afterAttrs);
        NamespaceValues before = change.before() == null ? null : NamespaceValues.of(change.before());
        if (before == null || change.action() == Action.CREATE) {
            ctx.step(change.address(), "kubectl apply Namespace " + name);
            Kubectl.apply(ctx, "apply Namespace " + name, namespaceManifest(name, after));
        } else {
            String args = labelArgs(name, before, after);
            if (args != null) {
                ctx.step(change.address(), "kubectl " + args);
                Kubectl.check(ctx, "label namespace " + name, args);
            }
        }
        boolean had = before != null && before.defaultDenyIngress();
        if (after.defaultDenyIngress() && !had) {
            String step = "apply NetworkPolicy " + NamespaceValues.POLICY + " in " + name;
            ctx.step(change.address(), "kubectl " + step);
            if (livePolicyIsPictls(ctx, step, name)) {
                // pictl's, edited by hand (else the plan would not ask for it): apply's merge would keep what was
                // added, so the object is replaced with exactly pictl's.
                Kubectl.replace(ctx, step, policyManifest(name));
            } else {
                Kubectl.apply(ctx, step, policyManifest(name));
            }
        } else if (!after.defaultDenyIngress() && had) {
            String step = "delete NetworkPolicy " + NamespaceValues.POLICY + " in " + name;
            ctx.step(change.address(), "kubectl " + step);
            Kubectl.check(ctx, step, deletePolicyArgs(name));
        }
        return Recorded.of(afterAttrs);
    }

    static String deletePolicyArgs(String name) {
        return "delete networkpolicy " + Shell.quote(NamespaceValues.POLICY) + " -n " + Shell.quote(name)
                + " --ignore-not-found";
    }

    static String deleteNamespaceArgs(String name) {
        return "delete namespace " + Shell.quote(name) + " --ignore-not-found --timeout=300s";
    }

    /**
     * Whether pictl's policy is in the namespace (false: there is none); one of pictl's name that pictl did not
     * create is someone else's: refused rather than taken over.
     */
    private static boolean livePolicyIsPictls(ApplyContext ctx, String step, String name) throws ApplyException {
        ExecResult r = Kubectl.run(ctx, step, "get networkpolicy " + Shell.quote(NamespaceValues.POLICY) + " -n "
                + Shell.quote(name) + " -o json");
        if (r.exitCode() != 0) {
            return false; // NotFound (or the apply will say what is wrong)
        }
        JsonNode live;
        try {
            live = JSON.readTree(r.stdout());
        } catch (IOException e) {
            return false;
        }
        if (!NamespaceValues.PICTL.equals(live.path("metadata").path("labels").path(NamespaceValues.MANAGED_BY)
                .asText(null))) {
            throw new ApplyException(Kubectl.serverNode(ctx, step), step, "refused: a NetworkPolicy "
                    + NamespaceValues.POLICY + " that pictl did not create is in namespace " + name,
                    "pictl changes only policies labelled " + NamespaceValues.MANAGED_BY + "=" + NamespaceValues.PICTL
                            + ": delete or rename that policy, or set default_deny_ingress = false");
        }
        return true;
    }

    @Override
    public void delete(ResourceChange change, ApplyContext ctx) throws ApplyException {
        String name = change.address().name();
        ctx.step(change.address(), "delete Namespace " + name + " and everything in it");
        Kubectl.check(ctx, "delete Namespace " + name, deleteNamespaceArgs(name));
    }

    private static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
