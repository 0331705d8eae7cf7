package dev.pictl.sim.kube;

import dev.pictl.nodetext.Durations;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code kubectl} against a {@link KubeApi}, with the real command's arguments, output formats, messages and
 * exit codes for what pictl needs: get/apply/create/delete of nodes, storageclasses, persistentvolumes, namespaces
 * and networkpolicies ({@code -n}, {@code -A}), label of nodes and namespaces, drain, cordon, uncordon, version.
 */
public final class Kubectl {

    /** Where output goes; flushed as it is produced so a blocked command has already said what it did. */
    public interface Sink {
        void out(String s);
        void err(String s);
    }

    private final KubeApi api;
    private final Sink sink;
    private final BooleanSupplier cancelled;
    /** The command's namespace ({@code -n}, else "default") and {@code -A}: for namespaced kinds only. */
    private String namespace = "default";
    private boolean namespaceGiven;
    private boolean allNamespaces;

    private Kubectl(KubeApi api, Sink sink, BooleanSupplier cancelled) {
        this.api = api;
        this.sink = sink;
        this.cancelled = cancelled;
    }

    /** Runs one kubectl command line (without the leading "kubectl"); returns its exit status. */
    public static int run(KubeApi api, List<String> args, byte[] stdin, Path cwd, Sink sink, BooleanSupplier cancelled) {
        Integer helm = HelmController.kubectl(api, args, stdin, sink); // HelmCharts, their jobs, pods and logs
        return helm != null ? helm : new Kubectl(api, sink, cancelled).dispatch(new ArrayList<>(args), stdin, cwd);
    }

    // -------------------------------------------------------------- parsing

    private static final Set<String> FLAGS_WITH_VALUE = Set.of("-o", "--output", "-f", "--filename", "-n", "--namespace",
            "--kubeconfig", "--timeout", "--grace-period", "--pod-selector", "-l", "--selector", "--field-selector",
            "--request-timeout", "--context", "--cluster", "--user", "-s", "--server", "--dry-run", "--wait",
            "--cascade", "--sort-by", "--chunk-size", "--field-manager", "--skip-wait-for-delete-timeout");

    private static final class Opts {
        final List<String> positional = new ArrayList<>();
        final Map<String, String> flags = new LinkedHashMap<>();
        boolean has(String... names) { for (String n : names) if (flags.containsKey(n)) return true; return false; }
        String get(String... names) { for (String n : names) if (flags.containsKey(n)) return flags.get(n); return null; }
    }

    private Opts parse(List<String> args) {
        Opts o = new Opts();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--")) { o.positional.addAll(args.subList(i + 1, args.size())); break; }
            if (a.startsWith("--") && a.contains("=")) {
                o.flags.put(a.substring(0, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
            } else if (a.startsWith("-") && a.length() > 1) {
                if (a.length() > 2 && !a.startsWith("--") && FLAGS_WITH_VALUE.contains(a.substring(0, 2))) {
                    String v = a.substring(2);
                    o.flags.put(a.substring(0, 2), v.startsWith("=") ? v.substring(1) : v);
                } else if (FLAGS_WITH_VALUE.contains(a) && !a.equals("--wait") && !a.equals("--dry-run") && i + 1 < args.size()) {
                    o.flags.put(a, args.get(++i));
                } else {
                    o.flags.put(a, "true");
                }
            } else {
                o.positional.add(a);
            }
        }
        return o;
    }

    private int dispatch(List<String> args, byte[] stdin, Path cwd) {
        Opts o = parse(args);
        namespaceGiven = o.get("-n", "--namespace") != null;
        namespace = namespaceGiven ? o.get("-n", "--namespace") : "default";
        allNamespaces = o.has("-A", "--all-namespaces") && !"false".equals(o.get("-A", "--all-namespaces"));
        if (o.positional.isEmpty()) {
            sink.out("kubectl controls the Kubernetes cluster manager.\n\n Find more information at: https://kubernetes.io/docs/reference/kubectl/\n");
            return 0;
        }
        String verb = o.positional.remove(0);
        Integer other = AnyObjects.run(api, verb, o.positional, o.flags, stdin, cwd, t -> Kind.of(t) != null, k -> Kind.ofManifest(k) != null, sink);
        if (other != null) return other;
        return switch (verb) {
            case "get" -> get(o);
            case "apply" -> apply(o, stdin, cwd, false);
            case "create" -> apply(o, stdin, cwd, true);
            case "replace" -> replace(o, stdin, cwd);
            case "delete" -> delete(o, stdin, cwd);
            case "cordon" -> cordon(o, true);
            case "annotate" -> annotate(o);
            case "label" -> label(o);
            case "taint" -> taint(o);
            case "uncordon" -> cordon(o, false);
            case "drain" -> drain(o);
            case "version" -> version(o);
            default -> {
                sink.err("error: unknown command \"" + verb + "\" for \"kubectl\"\n\nDid you mean this?\n\tget\n");
                yield 1;
            }
        };
    }

    // ---------------------------------------------------------------- types

    private enum Kind {
        NODE("nodes", "node", "Node", "v1", ""),
        STORAGECLASS("storageclasses", "storageclass", "StorageClass", "storage.k8s.io/v1", "storage.k8s.io"),
        PV("persistentvolumes", "persistentvolume", "PersistentVolume", "v1", ""),
        NAMESPACE("namespaces", "namespace", "Namespace", "v1", ""),
        NETPOL("networkpolicies", "networkpolicy", "NetworkPolicy", "networking.k8s.io/v1", "networking.k8s.io");

        final String plural, singular, kind, apiVersion, group;

        Kind(String plural, String singular, String kind, String apiVersion, String group) {
            this.plural = plural; this.singular = singular; this.kind = kind; this.apiVersion = apiVersion; this.group = group;
        }

        String qualified() { return group.isEmpty() ? plural : plural + "." + group; }
        String nameRef() { return group.isEmpty() ? singular : singular + "." + group; }

        static Kind of(String s) {
            return switch (s.toLowerCase()) {
                case "node", "nodes", "no" -> NODE;
                case "storageclass", "storageclasses", "sc", "storageclass.storage.k8s.io", "storageclasses.storage.k8s.io" -> STORAGECLASS;
                case "persistentvolume", "persistentvolumes", "pv" -> PV;
                case "namespace", "namespaces", "ns" -> NAMESPACE;
                case "networkpolicy", "networkpolicies", "netpol", "networkpolicy.networking.k8s.io",
                     "networkpolicies.networking.k8s.io" -> NETPOL;
                default -> null;
            };
        }

        static Kind ofManifest(String kind) {
            for (Kind k : values()) if (k.kind.equals(kind)) return k;
            return null;
        }
    }

    private record Target(Kind kind, List<String> names) {}

    /** "TYPE [NAME...]" or "TYPE/NAME ..." */
    private Target target(List<String> pos) {
        if (pos.isEmpty()) return null;
        String first = pos.get(0);
        if (first.contains("/")) {
            Kind k = null;
            List<String> names = new ArrayList<>();
            for (String p : pos) {
                int i = p.indexOf('/');
                Kind pk = i < 0 ? null : Kind.of(p.substring(0, i));
                if (pk == null) { unknownType(i < 0 ? p : p.substring(0, i)); return null; }
                if (k != null && k != pk) { sink.err("error: the pictl simulator lists one resource type at a time\n"); return null; }
                k = pk;
                names.add(p.substring(i + 1));
            }
            return new Target(k, names);
        }
        Kind k = Kind.of(first.split(",")[0]);
        if (k == null) { unknownType(first); return null; }
        return new Target(k, pos.subList(1, pos.size()));
    }

    private void unknownType(String t) {
        sink.err("error: the server doesn't have a resource type \"" + t + "\"\n");
    }

    // ------------------------------------------------------------------ get

    private int get(Opts o) {
        if (o.positional.isEmpty()) {
            sink.err("You must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of supported resources.\n\n"
                    + "error: Required resource not specified.\nUse \"kubectl explain <resource>\" for a detailed description of that resource (e.g. kubectl explain pods).\n"
                    + "See 'kubectl get -h' for help and examples\n");
            return 1;
        }
        if (Set.of("events", "event", "ev").contains(o.positional.get(0).toLowerCase())) return getEvents(o);
        // "get a,b,c [NAME...]" reads every type, in that order (one List for -o json/yaml, a table per type).
        List<Target> targets = new ArrayList<>();
        String first = o.positional.get(0);
        if (first.contains(",") && !first.contains("/")) {
            for (String type : first.split(",")) {
                Kind k = Kind.of(type);
                if (k == null) { unknownType(type); return 1; }
                targets.add(new Target(k, o.positional.subList(1, o.positional.size())));
            }
        } else {
            Target t = target(o.positional);
            if (t == null) return 1;
            targets.add(t);
        }
        boolean several = targets.size() > 1;
        Target t = targets.get(0);
        String output = o.get("-o", "--output");
        List<Map<String, Object>> found = new ArrayList<>();
        List<List<Map<String, Object>>> foundByType = new ArrayList<>();
        int rc = 0;
        StringBuilder notFound = new StringBuilder();
        for (Target each : targets) {
            List<Map<String, Object>> these = new ArrayList<>();
            if (each.names().isEmpty()) {
                these.addAll(all(each.kind()));
            } else {
                for (String n : each.names()) {
                    Map<String, Object> obj = one(each.kind(), n);
                    if (obj == null) {
                        notFound.append("Error from server (NotFound): ").append(each.kind().qualified()).append(" \"").append(n).append("\" not found\n");
                        rc = 1;
                    } else these.add(obj);
                }
            }
            foundByType.add(these);
            found.addAll(these);
        }
        boolean single = t.names().size() == 1 && !o.positional.get(0).contains(",");
        if (output == null || output.equals("wide")) {
            if (found.isEmpty() && t.names().isEmpty()) sink.err("No resources found\n");
            else if (!several && !found.isEmpty()) sink.out(table(t.kind(), found, "wide".equals(output), o.has("--no-headers"), false));
            else if (several) {
                // kubectl prints one table per type that has objects, names as TYPE/NAME, a blank line between
                StringBuilder b = new StringBuilder();
                for (int i = 0; i < targets.size(); i++) {
                    if (foundByType.get(i).isEmpty()) continue;
                    if (b.length() > 0) b.append('\n');
                    b.append(table(targets.get(i).kind(), foundByType.get(i), "wide".equals(output), o.has("--no-headers"), true));
                }
                sink.out(b.toString());
            }
        } else if (output.equals("json") || output.equals("yaml")) {
            Object doc;
            if (single && found.size() == 1) doc = found.get(0);
            else if (single) doc = null;
            else {
                Map<String, Object> list = new LinkedHashMap<>();
                list.put("apiVersion", "v1");
                list.put("items", found);
                list.put("kind", "List");
                list.put("metadata", Map.of("resourceVersion", ""));
                doc = list;
            }
            if (doc != null) sink.out(output.equals("json") ? Json.pretty(doc) : Yaml.dump(doc));
        } else if (output.equals("name")) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < targets.size(); i++) {
                for (Map<String, Object> f : foundByType.get(i)) b.append(targets.get(i).kind().nameRef()).append('/').append(name(f)).append('\n');
            }
            sink.out(b.toString());
        } else if (output.startsWith("jsonpath=") || output.startsWith("jsonpath:")) {
            Object doc;
            if (single && found.size() == 1) doc = found.get(0);
            else {
                Map<String, Object> list = new LinkedHashMap<>();
                list.put("apiVersion", "v1");
                list.put("items", found);
                list.put("kind", "List");
                doc = list;
            }
            if (!(single && found.isEmpty())) {
                try {
                    sink.out(jsonPath(output.substring(9), doc));
                } catch (IllegalArgumentException e) {
                    sink.err("error: error executing jsonpath \"" + output.substring(9) + "\": " + e.getMessage() + "\n");
                    return 1;
                }
            }
        } else {
            sink.err("error: unable to match a printer suitable for the output format \"" + output
                    + "\", allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml\n");
            return 1;
        }
        if (!notFound.isEmpty()) sink.err(notFound.toString());
        return rc;
    }

    private List<Map<String, Object>> all(Kind k) {
        List<Map<String, Object>> out = new ArrayList<>();
        switch (k) {
            case NODE -> { for (KubeApi.NodeRec n : api.nodes()) out.add(nodeObject(n)); }
            case STORAGECLASS -> out.addAll(api.storageClasses().values());
            case PV -> out.addAll(api.pvs().values());
            case NAMESPACE -> out.addAll(api.namespaces().values());
            case NETPOL -> api.networkPolicies().forEach((key, np) -> {
                if (allNamespaces || key.startsWith(namespace + "/")) out.add(np);
            });
        }
        return out;
    }

    private Map<String, Object> one(Kind k, String name) {
        return switch (k) {
            case NODE -> { KubeApi.NodeRec n = api.node(name); yield n == null ? null : nodeObject(n); }
            case STORAGECLASS -> api.storageClasses().get(name);
            case PV -> api.pvs().get(name);
            case NAMESPACE -> api.namespaces().get(name);
            case NETPOL -> api.networkPolicies().get(namespace + "/" + name);
        };
    }

    @SuppressWarnings("unchecked")
    static String name(Map<String, Object> o) {
        Object md = o.get("metadata");
        return md instanceof Map<?, ?> m ? String.valueOf(((Map<String, Object>) m).get("name")) : null;
    }

    // --------------------------------------------------------------- events

    /**
     * {@code get events [-A|-n NS] [--field-selector involvedObject.kind=Node,involvedObject.name=N,type=T,reason=R]
     * [-o json|yaml]}: the Node events (in {@code default}, as the kubelet and node controller write them), oldest
     * first; the simulated API records no other events.
     */
    private int getEvents(Map<String, String> sel, Opts o) {
        for (KubeApi.NodeRec n : api.nodes()) nodeObject(n); // works out each Node's status, which records its transitions
        List<Map<String, Object>> items = new ArrayList<>();
        List<KubeApi.NodeEvent> shown = new ArrayList<>();
        for (KubeApi.NodeEvent e : api.events()) {
            if (!allNamespaces && !namespace.equals("default")) continue;
            Map<String, String> f = Map.of("involvedObject.kind", "Node", "involvedObject.name", e.node, "type", e.type,
                    "reason", e.reason, "metadata.namespace", "default", "metadata.name", e.name, "source", e.component);
            if (sel.entrySet().stream().anyMatch(x -> !x.getValue().equals(f.get(x.getKey())))) continue;
            shown.add(e);
            Map<String, Object> ev = new LinkedHashMap<>();
            ev.put("apiVersion", "v1");
            ev.put("count", e.count);
            ev.put("eventTime", null);
            ev.put("firstTimestamp", e.first.toString());
            Map<String, Object> inv = new LinkedHashMap<>();
            inv.put("kind", "Node");
            inv.put("name", e.node);
            inv.put("uid", e.node); // the kubelet refers to its Node by name (nodeRef)
            ev.put("involvedObject", inv);
            ev.put("kind", "Event");
            ev.put("lastTimestamp", e.last.toString());
            ev.put("message", e.message);
            Map<String, Object> md = new LinkedHashMap<>();
            md.put("creationTimestamp", e.first.toString());
            md.put("name", e.name);
            md.put("namespace", "default");
            md.put("resourceVersion", String.valueOf(1000 + items.size()));
            md.put("uid", e.uid);
            ev.put("metadata", md);
            ev.put("reason", e.reason);
            ev.put("reportingComponent", e.component);
            ev.put("reportingInstance", e.component.equals("kubelet") ? e.node : "");
            Map<String, Object> src = new LinkedHashMap<>();
            src.put("component", e.component);
            if (e.component.equals("kubelet")) src.put("host", e.node);
            ev.put("source", src);
            ev.put("type", e.type);
            items.add(ev);
        }
        String output = o.get("-o", "--output");
        if (output != null && (output.equals("json") || output.equals("yaml"))) {
            Map<String, Object> list = new LinkedHashMap<>();
            list.put("apiVersion", "v1");
            list.put("items", items);
            list.put("kind", "List");
            list.put("metadata", Map.of("resourceVersion", ""));
            sink.out(output.equals("json") ? Json.pretty(list) : Yaml.dump(list));
            return 0;
        }
        if (output != null && !output.equals("wide")) {
            sink.err("error: the pictl simulator prints events as a table, json or yaml\n");
            return 1;
        }
        if (shown.isEmpty()) {
            sink.err(allNamespaces ? "No resources found\n" : "No resources found in " + namespace + " namespace.\n");
            return 0;
        }
        List<List<String>> rows = new ArrayList<>();
        List<String> head = new ArrayList<>(List.of("LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"));
        if (allNamespaces) head.add(0, "NAMESPACE");
        if (!o.has("--no-headers")) rows.add(head);
        for (KubeApi.NodeEvent e : shown) {
            List<String> r = new ArrayList<>(List.of(age(e.last), e.type, e.reason, "node/" + e.node, e.message));
            if (allNamespaces) r.add(0, "default");
            rows.add(r);
        }
        int[] w = new int[head.size()];
        for (List<String> r : rows) for (int i = 0; i < w.length - 1; i++) w[i] = Math.max(w[i], r.get(i).length());
        StringBuilder b = new StringBuilder();
        for (List<String> r : rows) {
            StringBuilder l = new StringBuilder();
            for (int i = 0; i < w.length; i++) l.append(i < w.length - 1 ? String.format("%-" + (w[i] + 3) + "s", r.get(i)) : r.get(i));
            b.append(l.toString().stripTrailing()).append('\n');
        }
        sink.out(b.toString());
        return 0;
    }

    private int getEvents(Opts o) {
        Map<String, String> sel = new LinkedHashMap<>();
        String fs = o.get("--field-selector");
        if (fs != null && !fs.isBlank()) {
            for (String part : fs.split(",")) {
                String[] kv = part.split("==?", 2);
                Set<String> known = Set.of("involvedObject.kind", "involvedObject.name", "type", "reason", "metadata.namespace",
                        "metadata.name", "source");
                if (kv.length != 2 || part.contains("!=") || !known.contains(kv[0].strip())) {
                    sink.err("Error from server (BadRequest): Unable to find \"/v1, Resource=events\" that match label selector \"\", "
                            + "field selector \"" + fs + "\": field label not supported: " + kv[0].strip() + "\n");
                    return 1;
                }
                sel.put(kv[0].strip(), kv[1].strip());
            }
        }
        return getEvents(sel, o);
    }

    private Map<String, Object> nodeObject(KubeApi.NodeRec n) {
        boolean ready = api.ready(n);
        String arch = n.arch == null ? "arm64" : n.arch;
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("apiVersion", "v1");
        o.put("kind", "Node");
        Map<String, Object> md = new LinkedHashMap<>();
        Map<String, Object> ann = new LinkedHashMap<>();
        ann.put("flannel.alpha.coreos.com/backend-type", "vxlan");
        ann.put("flannel.alpha.coreos.com/public-ip", n.address);
        ann.put("k3s.io/hostname", n.name);
        ann.put("k3s.io/internal-ip", n.address);
        ann.put("node.alpha.kubernetes.io/ttl", "0");
        ann.put("volumes.kubernetes.io/controller-managed-attach-detach", "true");
        ann.putAll(n.annotations);
        md.put("annotations", ann);
        md.put("creationTimestamp", n.created.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
        Map<String, Object> labels = new LinkedHashMap<>();
        labels.put("beta.kubernetes.io/arch", arch);
        labels.put("beta.kubernetes.io/instance-type", "k3s");
        labels.put("beta.kubernetes.io/os", "linux");
        labels.put("kubernetes.io/arch", arch);
        labels.put("kubernetes.io/hostname", n.name);
        labels.put("kubernetes.io/os", "linux");
        labels.put("node.kubernetes.io/instance-type", "k3s");
        if (n.server) {
            labels.put("node-role.kubernetes.io/control-plane", "true");
            labels.put("node-role.kubernetes.io/master", "true");
        }
        for (String l : n.labels) {
            int i = l.indexOf('=');
            labels.put(i < 0 ? l : l.substring(0, i), i < 0 ? "" : l.substring(i + 1));
        }
        md.put("labels", labels);
        md.put("name", n.name);
        md.put("resourceVersion", String.valueOf(1000 + Math.abs(n.name.hashCode() % 1000)));
        md.put("uid", n.uid);
        o.put("metadata", md);
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("podCIDR", "10.42." + (Math.abs(n.name.hashCode()) % 250) + ".0/24");
        spec.put("podCIDRs", List.of("10.42." + (Math.abs(n.name.hashCode()) % 250) + ".0/24"));
        spec.put("providerID", "k3s://" + n.name);
        List<Object> taints = new ArrayList<>(n.taints);
        if (n.unschedulable) {
            spec.put("unschedulable", true);
            taints.add(taint("node.kubernetes.io/unschedulable", "NoSchedule", n.unschedulableSince));
        }
        boolean diskPressure = ready && api.diskPressure(n);
        if (diskPressure) taints.add(taint("node.kubernetes.io/disk-pressure", "NoSchedule", null));
        boolean memoryPressure = ready && api.memoryPressure(n);
        if (memoryPressure) taints.add(taint("node.kubernetes.io/memory-pressure", "NoSchedule", null));
        api.observe(n, ready, diskPressure, memoryPressure);
        if (!ready) {
            taints.add(taint("node.kubernetes.io/unreachable", "NoSchedule", null));
            taints.add(taint("node.kubernetes.io/unreachable", "NoExecute", null));
        }
        if (!taints.isEmpty()) spec.put("taints", taints);
        o.put("spec", spec);
        Map<String, Object> st = new LinkedHashMap<>();
        st.put("addresses", List.of(Map.of("address", n.address, "type", "InternalIP"), Map.of("address", n.name, "type", "Hostname")));
        Map<String, Object> cap = new LinkedHashMap<>();
        cap.put("cpu", "4");
        cap.put("ephemeral-storage", "30358348Ki");
        cap.put("memory", n.memoryKb + "Ki");
        cap.put("pods", "110");
        st.put("allocatable", cap);
        st.put("capacity", cap);
        List<Object> conds = new ArrayList<>();
        for (String[] c : new String[][] {{"MemoryPressure", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"},
                {"DiskPressure", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"},
                {"PIDPressure", "KubeletHasSufficientPID", "kubelet has sufficient PID available"},
                {"Ready", "KubeletReady", "kubelet is posting ready status"}}) {
            Map<String, Object> cond = new LinkedHashMap<>();
            cond.put("lastHeartbeatTime", Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
            cond.put("lastTransitionTime", n.created.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
            boolean pressure = diskPressure && c[0].equals("DiskPressure") || memoryPressure && c[0].equals("MemoryPressure");
            String[] p = c[0].equals("DiskPressure") ? new String[] {"KubeletHasDiskPressure", "kubelet has disk pressure"}
                    : new String[] {"KubeletHasInsufficientMemory", "kubelet has insufficient memory available"};
            cond.put("message", !ready ? "Kubelet stopped posting node status." : pressure ? p[1] : c[2]);
            cond.put("reason", !ready ? "NodeStatusUnknown" : pressure ? p[0] : c[1]);
            cond.put("status", ready ? (c[0].equals("Ready") || pressure ? "True" : "False") : "Unknown");
            cond.put("type", c[0]);
            conds.add(cond);
        }
        st.put("conditions", conds);
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("architecture", arch);
        info.put("bootID", "");
        info.put("containerRuntimeVersion", n.runtime);
        info.put("kernelVersion", n.kernel);
        info.put("kubeProxyVersion", n.version);
        info.put("kubeletVersion", n.version);
        info.put("machineID", "");
        info.put("operatingSystem", "linux");
        info.put("osImage", n.osImage);
        info.put("systemUUID", "");
        st.put("nodeInfo", info);
        o.put("status", st);
        return o;
    }

    private static Map<String, Object> taint(String key, String effect, Instant since) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("effect", effect);
        t.put("key", key);
        if (since != null) t.put("timeAdded", since.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
        return t;
    }

    @SuppressWarnings("unchecked")
    private String table(Kind k, List<Map<String, Object>> objs, boolean wide, boolean noHeaders, boolean typedNames) {
        List<List<String>> rows = new ArrayList<>();
        switch (k) {
            case NODE -> {
                rows.add(wide ? List.of("NAME", "STATUS", "ROLES", "AGE", "VERSION", "INTERNAL-IP", "EXTERNAL-IP", "OS-IMAGE", "KERNEL-VERSION", "CONTAINER-RUNTIME")
                        : List.of("NAME", "STATUS", "ROLES", "AGE", "VERSION"));
                for (Map<String, Object> o : objs) {
                    KubeApi.NodeRec n = api.node(name(o));
                    if (n == null) continue;
                    String status = api.ready(n) ? "Ready" : "NotReady";
                    if (n.unschedulable) status += ",SchedulingDisabled";
                    List<String> r = new ArrayList<>(List.of(n.name, status, n.server ? "control-plane,master" : "<none>", age(n.created), n.version));
                    if (wide) r.addAll(List.of(n.address, "<none>", n.osImage, n.kernel, n.runtime));
                    rows.add(r);
                }
            }
            case STORAGECLASS -> {
                rows.add(List.of("NAME", "PROVISIONER", "RECLAIMPOLICY", "VOLUMEBINDINGMODE", "ALLOWVOLUMEEXPANSION", "AGE"));
                for (Map<String, Object> o : objs) {
                    Map<String, Object> md = (Map<String, Object>) o.get("metadata");
                    Map<String, Object> ann = (Map<String, Object>) md.getOrDefault("annotations", Map.of());
                    String n = name(o);
                    if ("true".equals(ann.get("storageclass.kubernetes.io/is-default-class"))) n += " (default)";
                    rows.add(List.of(n, str(o.get("provisioner")), str(o.getOrDefault("reclaimPolicy", "Delete")),
                            str(o.getOrDefault("volumeBindingMode", "Immediate")), str(o.getOrDefault("allowVolumeExpansion", false)),
                            age(Instant.parse((String) md.get("creationTimestamp")))));
                }
            }
            case PV -> {
                rows.add(List.of("NAME", "CAPACITY", "ACCESS MODES", "RECLAIM POLICY", "STATUS", "CLAIM", "STORAGECLASS", "VOLUMEATTRIBUTESCLASS", "REASON", "AGE"));
                for (Map<String, Object> o : objs) {
                    Map<String, Object> md = (Map<String, Object>) o.get("metadata");
                    Map<String, Object> spec = (Map<String, Object>) o.getOrDefault("spec", Map.of());
                    Map<String, Object> st = (Map<String, Object>) o.getOrDefault("status", Map.of());
                    String phase = md.get("deletionTimestamp") != null ? "Terminating" : str(st.getOrDefault("phase", "Available"));
                    Map<String, Object> ref = (Map<String, Object>) spec.get("claimRef");
                    String claim = ref == null ? "" : ref.get("namespace") + "/" + ref.get("name");
                    List<String> modes = new ArrayList<>();
                    for (Object m : (List<Object>) spec.getOrDefault("accessModes", List.of())) {
                        modes.add(switch (String.valueOf(m)) {
                            case "ReadWriteOnce" -> "RWO";
                            case "ReadOnlyMany" -> "ROX";
                            case "ReadWriteMany" -> "RWX";
                            case "ReadWriteOncePod" -> "RWOP";
                            default -> String.valueOf(m);
                        });
                    }
                    Map<String, Object> cap = (Map<String, Object>) spec.getOrDefault("capacity", Map.of());
                    rows.add(List.of(name(o), str(cap.getOrDefault("storage", "")), String.join(",", modes),
                            str(spec.getOrDefault("persistentVolumeReclaimPolicy", "Retain")), phase, claim,
                            str(spec.getOrDefault("storageClassName", "")), "<unset>", str(st.getOrDefault("reason", "")),
                            age(Instant.parse((String) md.get("creationTimestamp")))));
                }
            }
            case NAMESPACE -> {
                rows.add(List.of("NAME", "STATUS", "AGE"));
                for (Map<String, Object> o : objs) {
                    Map<String, Object> md = (Map<String, Object>) o.get("metadata");
                    Map<String, Object> st = (Map<String, Object>) o.getOrDefault("status", Map.of());
                    rows.add(List.of(name(o), str(st.getOrDefault("phase", "Active")),
                            age(Instant.parse((String) md.get("creationTimestamp")))));
                }
            }
            case NETPOL -> {
                rows.add(allNamespaces ? List.of("NAMESPACE", "NAME", "POD-SELECTOR", "AGE") : List.of("NAME", "POD-SELECTOR", "AGE"));
                for (Map<String, Object> o : objs) {
                    Map<String, Object> md = (Map<String, Object>) o.get("metadata");
                    Map<String, Object> spec = (Map<String, Object>) o.getOrDefault("spec", Map.of());
                    Object sel = spec.get("podSelector") instanceof Map<?, ?> ps ? ps.get("matchLabels") : null;
                    String selector = sel instanceof Map<?, ?> ml && !ml.isEmpty() ? String.join(",", ml.entrySet().stream()
                            .map(e -> e.getKey() + "=" + e.getValue()).toList()) : "<none>";
                    String n = typedNames ? k.nameRef() + "/" + name(o) : name(o);
                    String age = age(Instant.parse((String) md.get("creationTimestamp")));
                    rows.add(allNamespaces ? List.of(str(md.get("namespace")), n, selector, age) : List.of(n, selector, age));
                }
            }
        }
        if (typedNames) {
            for (int i = 1; i < rows.size() && k != Kind.NETPOL; i++) {
                List<String> r = new ArrayList<>(rows.get(i));
                r.set(0, k.nameRef() + "/" + r.get(0));
                rows.set(i, r);
            }
        }
        if (noHeaders) rows.remove(0);
        return tabular(rows);
    }

    private static String str(Object o) { return o == null ? "" : String.valueOf(o); }

    /** kubectl's tabwriter: padding 3, the last column unpadded. */
    static String tabular(List<List<String>> rows) {
        if (rows.isEmpty()) return "";
        int cols = rows.get(0).size();
        int[] w = new int[cols];
        for (List<String> r : rows) for (int i = 0; i < cols; i++) w[i] = Math.max(w[i], r.get(i).length());
        StringBuilder b = new StringBuilder();
        for (List<String> r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < cols; i++) {
                line.append(r.get(i));
                if (i < cols - 1) line.append(" ".repeat(w[i] - r.get(i).length() + 3));
            }
            b.append(line.toString().stripTrailing()).append('\n');
        }
        return b.toString();
    }

    /** k8s.io/apimachinery's HumanDuration, as the AGE column prints it. */
    static String age(Instant since) {
        Duration d = Duration.between(since, Instant.now());
        long s = d.getSeconds();
        if (s < 0) return "0s";
        if (s < 120) return s + "s";
        long m = s / 60;
        if (m < 10) return (s % 60 == 0) ? m + "m" : m + "m" + (s % 60) + "s";
        if (m < 180) return m + "m";
        long h = m / 60;
        if (h < 8) return (m % 60 == 0) ? h + "h" : h + "h" + (m % 60) + "m";
        if (h < 48) return h + "h";
        if (h < 24 * 8) return (h % 24 == 0) ? (h / 24) + "d" : (h / 24) + "d" + (h % 24) + "h";
        if (h < 24 * 365 * 2) return (h / 24) + "d";
        return (h / 24 / 365) + "y" + ((h / 24) % 365) + "d";
    }

    private static final Pattern JP = Pattern.compile("\\{([^}]*)}");

    /** The jsonpath subset pictl needs: {.a.b}, {.items[*].x}, {.list[0].y}, literal text between. */
    static String jsonPath(String template, Object doc) {
        if (template.length() >= 2 && (template.startsWith("'") && template.endsWith("'"))) template = template.substring(1, template.length() - 1);
        Matcher m = JP.matcher(template);
        StringBuilder b = new StringBuilder();
        int last = 0;
        while (m.find()) {
            b.append(unescape(template.substring(last, m.start())));
            String expr = m.group(1).trim();
            if (expr.startsWith("range") || expr.equals("end")) throw new IllegalArgumentException("range is not supported by the pictl simulator");
            List<Object> results = new ArrayList<>();
            eval(doc, expr.startsWith("$") ? expr.substring(1) : expr, results);
            List<String> parts = new ArrayList<>();
            for (Object r : results) parts.add(r instanceof Map || r instanceof List ? Json.compact(r) : String.valueOf(r));
            b.append(String.join(" ", parts));
            last = m.end();
        }
        b.append(unescape(template.substring(last)));
        return b.toString();
    }

    private static String unescape(String s) { return s.replace("\\n", "\n").replace("\\t", "\t"); }

    @SuppressWarnings("unchecked")
    private static void eval(Object cur, String path, List<Object> out) {
        if (path.isEmpty()) { if (cur != null) out.add(cur); return; }
        if (path.startsWith(".")) {
            String rest = path.substring(1);
            int end = 0;
            while (end < rest.length() && rest.charAt(end) != '.' && rest.charAt(end) != '[') {
                if (rest.charAt(end) == '\\' && end + 1 < rest.length()) end++;
                end++;
            }
            String key = rest.substring(0, end).replace("\\.", ".");
            if (key.isEmpty()) { eval(cur, rest.substring(end), out); return; }
            if (cur instanceof Map<?, ?> mm) {
                Object v = ((Map<String, Object>) mm).get(key);
                if (v != null) eval(v, rest.substring(end), out);
            }
            return;
        }
        if (path.startsWith("[")) {
            int close = path.indexOf(']');
            if (close < 0) throw new IllegalArgumentException("unterminated array");
            String idx = path.substring(1, close);
            String rest = path.substring(close + 1);
            if (!(cur instanceof List<?> l)) return;
            if (idx.equals("*")) { for (Object x : l) eval(x, rest, out); return; }
            int i = Integer.parseInt(idx.trim());
            if (i < 0) i += l.size();
            if (i < 0 || i >= l.size()) throw new IllegalArgumentException("array index out of bounds: index " + idx + ", length " + l.size());
            eval(l.get(i), rest, out);
            return;
        }
        throw new IllegalArgumentException("unrecognized character in action: " + path.charAt(0));
    }

    // ---------------------------------------------------------------- apply

    private List<Map<String, Object>> readManifests(Opts o, byte[] stdin, Path cwd, String[] sourceOut) throws IOException {
        String f = o.get("-f", "--filename");
        String text;
        if ("-".equals(f)) {
            text = new String(stdin == null ? new byte[0] : stdin, StandardCharsets.UTF_8);
            sourceOut[0] = "STDIN";
        } else {
            Path p = cwd == null ? Path.of(f) : cwd.resolve(f);
            if (!Files.exists(p)) throw new IOException("the path \"" + f + "\" does not exist");
            text = Files.readString(p);
            sourceOut[0] = f;
        }
        List<Map<String, Object>> out = new ArrayList<>();
        List<Object> docs;
        String t = text.strip();
        if (t.startsWith("{") || t.startsWith("[")) {
            docs = new ArrayList<>();
            Object d = Json.parse(t);
            docs.add(d);
        } else {
            docs = Yaml.parseAll(text);
        }
        for (Object d : docs) flatten(d, out);
        return out;
    }

    @SuppressWarnings("unchecked")
    private static void flatten(Object d, List<Map<String, Object>> out) {
        if (d instanceof Map<?, ?> m) {
            Map<String, Object> mm = (Map<String, Object>) m;
            if ("List".equals(mm.get("kind")) || String.valueOf(mm.get("kind")).endsWith("List") && mm.get("items") instanceof List) {
                for (Object i : (List<Object>) mm.getOrDefault("items", List.of())) flatten(i, out);
            } else out.add(mm);
        } else if (d instanceof List<?> l) {
            for (Object i : l) flatten(i, out);
        }
    }

    private int apply(Opts o, byte[] stdin, Path cwd, boolean create) {
        if (o.get("-f", "--filename") == null) {
            sink.err("error: must specify one of -f and -k\n\n");
            return 1;
        }
        List<Map<String, Object>> objs;
        String[] source = new String[1];
        try {
            objs = readManifests(o, stdin, cwd, source);
        } catch (Yaml.YamlException e) {
            sink.err("error: error parsing " + (source[0] == null ? "STDIN" : source[0]) + ": error converting YAML to JSON: " + e.getMessage() + "\n");
            return 1;
        } catch (IOException e) {
            sink.err("error: " + e.getMessage() + "\n");
            return 1;
        }
        if (objs.isEmpty()) {
            sink.err("error: no objects passed to " + (create ? "create" : "apply") + "\n");
            return 1;
        }
        boolean dryRun = o.has("--dry-run") && !"none".equals(o.get("--dry-run")) && !"false".equals(o.get("--dry-run"));
        int rc = 0;
        for (Map<String, Object> obj : objs) {
            Kind k = Kind.ofManifest(String.valueOf(obj.get("kind")));
            String n = name(obj);
            if (obj.get("kind") == null || obj.get("apiVersion") == null) {
                sink.err("error: error validating \"" + source[0] + "\": error validating data: [apiVersion not set, kind not set]; if you choose to ignore these errors, turn validation off with --validate=false\n");
                rc = 1;
                continue;
            }
            if (k == null || !k.apiVersion.equals(obj.get("apiVersion"))) {
                sink.err("error: resource mapping not found for name: \"" + n + "\" namespace: \"\" from \"" + source[0] + "\": no matches for kind \""
                        + obj.get("kind") + "\" in version \"" + obj.get("apiVersion") + "\"\nensure CRDs are installed first\n");
                rc = 1;
                continue;
            }
            if (k == Kind.NODE) {
                sink.err("error: the pictl simulator does not apply Node manifests; nodes register when k3s starts\n");
                rc = 1;
                continue;
            }
            if (n == null || n.equals("null") || n.isEmpty()) {
                sink.err("error: error when retrieving current configuration of:\nResource: \"" + k.qualified() + "\", GroupVersionKind: \""
                        + k.apiVersion + ", Kind=" + k.kind + "\"\nName: \"\", Namespace: \"\"\nfrom server for: \"" + source[0]
                        + "\": resource name may not be empty\n");
                rc = 1;
                continue;
            }
            rc |= applyOne(k, n, obj, create, dryRun, source[0]);
        }
        return rc;
    }

    @SuppressWarnings("unchecked")
    private int applyOne(Kind k, String n, Map<String, Object> manifest, boolean create, boolean dryRun, String source) {
        if (k == Kind.NAMESPACE || k == Kind.NETPOL) return applyLabelled(k, n, manifest, create, dryRun, source);
        synchronized (api) {
            Map<String, Object> existing = k == Kind.STORAGECLASS ? api.storageClasses().get(n) : api.pvs().get(n);
            Map<String, Object> desired = deepCopy(manifest);
            List<String> errs = k == Kind.STORAGECLASS ? validateStorageClass(desired) : validatePv(desired);
            if (!errs.isEmpty()) {
                sink.err(invalid(k, n, errs));
                return 1;
            }
            String suffix = dryRun ? " (dry run)" : "";
            if (existing == null) {
                Map<String, Object> stored = deepCopy(desired);
                Map<String, Object> md = (Map<String, Object>) stored.computeIfAbsent("metadata", x -> new LinkedHashMap<>());
                if (!create) {
                    Map<String, Object> ann = new LinkedHashMap<>((Map<String, Object>) md.getOrDefault("annotations", Map.of()));
                    ann.put("kubectl.kubernetes.io/last-applied-configuration", Json.compact(manifest) + "\n");
                    md.put("annotations", ann);
                }
                if (k == Kind.PV) {
                    md.put("finalizers", List.of("kubernetes.io/pv-protection"));
                    Map<String, Object> st = new LinkedHashMap<>();
                    st.put("lastPhaseTransitionTime", Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
                    st.put("phase", "Available");
                    stored.put("status", st);
                }
                if (!dryRun) {
                    api.stamp(stored);
                    if (k == Kind.STORAGECLASS) api.putStorageClass(n, stored); else api.putPv(n, stored);
                }
                sink.out(k.nameRef() + "/" + n + " created" + suffix + "\n");
                return 0;
            }
            if (create) {
                sink.err("Error from server (AlreadyExists): error when creating \"" + source + "\": " + k.qualified() + " \"" + n + "\" already exists\n");
                return 1;
            }
            List<String> imm = k == Kind.STORAGECLASS ? immutableStorageClass(existing, desired) : immutablePv(existing, desired);
            if (!imm.isEmpty()) {
                sink.err(invalid(k, n, imm));
                return 1;
            }
            Map<String, Object> oldMd = (Map<String, Object>) existing.get("metadata");
            Map<String, Object> oldAnn = (Map<String, Object>) oldMd.getOrDefault("annotations", Map.of());
            String lastApplied = (String) oldAnn.get("kubectl.kubernetes.io/last-applied-configuration");
            String now = Json.compact(manifest) + "\n";
            if (now.equals(lastApplied)) {
                sink.out(k.nameRef() + "/" + n + " unchanged" + suffix + "\n");
                return 0;
            }
            Map<String, Object> updated = deepCopy(existing);
            Map<String, Object> md = (Map<String, Object>) updated.get("metadata");
            Map<String, Object> newMd = (Map<String, Object>) desired.getOrDefault("metadata", Map.of());
            if (newMd.containsKey("labels")) md.put("labels", newMd.get("labels")); else md.remove("labels");
            Map<String, Object> ann = new LinkedHashMap<>((Map<String, Object>) newMd.getOrDefault("annotations", Map.of()));
            ann.put("kubectl.kubernetes.io/last-applied-configuration", now);
            md.put("annotations", ann);
            if (k == Kind.STORAGECLASS) {
                for (String f : List.of("allowVolumeExpansion", "mountOptions", "allowedTopologies")) {
                    if (desired.containsKey(f)) updated.put(f, desired.get(f)); else updated.remove(f);
                }
            } else {
                Map<String, Object> spec = (Map<String, Object>) updated.get("spec");
                Map<String, Object> dspec = (Map<String, Object>) desired.get("spec");
                for (String f : List.of("capacity", "accessModes", "persistentVolumeReclaimPolicy", "storageClassName", "mountOptions", "nodeAffinity")) {
                    if (dspec.containsKey(f)) spec.put(f, dspec.get(f));
                }
            }
            if (!dryRun) {
                api.stamp(updated);
                if (k == Kind.STORAGECLASS) api.putStorageClass(n, updated); else api.putPv(n, updated);
            }
            sink.out(k.nameRef() + "/" + n + " configured" + suffix + "\n");
            return 0;
        }
    }

    /**
     * Client-side apply of a Namespace or a NetworkPolicy: created with the last-applied annotation; updated by the
     * three-way merge of labels kubectl makes (a label in the last applied configuration but not in the new one is
     * removed, a label set by someone else is kept) and the spec replaced. A NetworkPolicy's namespace must exist.
     */
    @SuppressWarnings("unchecked")
    private int applyLabelled(Kind k, String n, Map<String, Object> manifest, boolean create, boolean dryRun, String source) {
        synchronized (api) {
            Map<String, Object> desired = deepCopy(manifest);
            Map<String, Object> dmd = (Map<String, Object>) desired.computeIfAbsent("metadata", x -> new LinkedHashMap<>());
            String ns = null;
            if (k == Kind.NETPOL) {
                Object own = dmd.get("namespace");
                if (own != null && namespaceGiven && !own.equals(namespace)) {
                    sink.err("error: the namespace from the provided object \"" + own + "\" does not match the namespace \""
                            + namespace + "\". You must pass '--namespace=" + own + "' to perform this operation.\n");
                    return 1;
                }
                ns = own == null ? namespace : String.valueOf(own);
                if (!api.namespaces().containsKey(ns)) {
                    sink.err("Error from server (NotFound): error when creating \"" + source + "\": namespaces \"" + ns + "\" not found\n");
                    return 1;
                }
                dmd.put("namespace", ns);
            }
            Map<String, Object> existing = k == Kind.NAMESPACE ? api.namespaces().get(n) : api.networkPolicies().get(ns + "/" + n);
            String suffix = dryRun ? " (dry run)" : "";
            String now = Json.compact(manifest) + "\n";
            Map<String, Object> newLabels = (Map<String, Object>) dmd.getOrDefault("labels", Map.of());
            if (existing == null) {
                Map<String, Object> stored;
                if (k == Kind.NAMESPACE) {
                    stored = api.namespaceObject(n);
                    ((Map<String, Object>) ((Map<String, Object>) stored.get("metadata")).get("labels")).putAll(newLabels);
                } else {
                    stored = desired;
                    dmd.put("generation", 1);
                    if (newLabels.isEmpty()) dmd.remove("labels");
                }
                Map<String, Object> md = (Map<String, Object>) stored.get("metadata");
                Map<String, Object> ann = new LinkedHashMap<>((Map<String, Object>) dmd.getOrDefault("annotations", Map.of()));
                if (!create) ann.put("kubectl.kubernetes.io/last-applied-configuration", now);
                if (!ann.isEmpty()) md.put("annotations", ann);
                if (!dryRun) {
                    api.stamp(stored);
                    if (k == Kind.NAMESPACE) api.putNamespace(n, stored); else api.putNetworkPolicy(ns, n, stored);
                }
                sink.out(k.nameRef() + "/" + n + " created" + suffix + "\n");
                return 0;
            }
            if (create) {
                sink.err("Error from server (AlreadyExists): error when creating \"" + source + "\": " + k.qualified() + " \"" + n + "\" already exists\n");
                return 1;
            }
            Map<String, Object> oldMd = (Map<String, Object>) existing.get("metadata");
            Map<String, Object> oldAnn = (Map<String, Object>) oldMd.getOrDefault("annotations", Map.of());
            String lastApplied = (String) oldAnn.get("kubectl.kubernetes.io/last-applied-configuration");
            if (now.equals(lastApplied)) {
                sink.out(k.nameRef() + "/" + n + " unchanged" + suffix + "\n");
                return 0;
            }
            Map<String, Object> lastLabels = Map.of();
            Map<String, Object> lastSpec = Map.of();
            try {
                if (lastApplied != null && Json.parse(lastApplied) instanceof Map<?, ?> last) {
                    if (last.get("metadata") instanceof Map<?, ?> lmd && lmd.get("labels") instanceof Map<?, ?> ll) {
                        lastLabels = (Map<String, Object>) ll;
                    }
                    if (last.get("spec") instanceof Map<?, ?> ls) {
                        lastSpec = (Map<String, Object>) ls;
                    }
                }
            } catch (IOException e) {
                lastLabels = Map.of(); // an unreadable annotation: kubectl would treat it as absent
            }
            Map<String, Object> updated = deepCopy(existing);
            Map<String, Object> md = (Map<String, Object>) updated.get("metadata");
            Map<String, Object> labels = new TreeMap<>((Map<String, Object>) md.getOrDefault("labels", Map.of()));
            for (String gone : lastLabels.keySet()) if (!newLabels.containsKey(gone)) labels.remove(gone);
            labels.putAll(newLabels);
            if (k == Kind.NAMESPACE) labels.put("kubernetes.io/metadata.name", n);
            if (labels.isEmpty()) md.remove("labels"); else md.put("labels", labels);
            Map<String, Object> ann = new LinkedHashMap<>(oldAnn);
            ann.put("kubectl.kubernetes.io/last-applied-configuration", now);
            md.put("annotations", ann);
            if (k == Kind.NETPOL) {
                // The three-way merge, one level deep: a field of the last applied spec the new one drops is removed,
                // the new one's fields are set, a field someone else added (an ingress rule) is kept.
                Map<String, Object> spec = new LinkedHashMap<>((Map<String, Object>) updated.getOrDefault("spec", Map.of()));
                Map<String, Object> newSpec = (Map<String, Object>) desired.getOrDefault("spec", Map.of());
                for (String gone : lastSpec.keySet()) if (!newSpec.containsKey(gone)) spec.remove(gone);
                spec.putAll(newSpec);
                updated.put("spec", spec);
                md.put("generation", ((Number) md.getOrDefault("generation", 1)).intValue() + 1);
            }
            if (!dryRun) {
                api.stamp(updated);
                if (k == Kind.NAMESPACE) api.putNamespace(n, updated); else api.putNetworkPolicy(ns, n, updated);
            }
            sink.out(k.nameRef() + "/" + n + " configured" + suffix + "\n");
            return 0;
        }
    }

    /**
     * {@code kubectl replace -f -} of namespaces and network policies: the object becomes the manifest (labels,
     * annotations and spec as given; name, namespace, uid and creation time kept); it must exist.
     */
    @SuppressWarnings("unchecked")
    private int replace(Opts o, byte[] stdin, Path cwd) {
        List<Map<String, Object>> objs;
        String[] source = new String[1];
        try {
            objs = readManifests(o, stdin, cwd, source);
        } catch (IOException | RuntimeException e) {
            sink.err("error: " + e.getMessage() + "\n");
            return 1;
        }
        int rc = 0;
        for (Map<String, Object> obj : objs) {
            Kind k = Kind.ofManifest(String.valueOf(obj.get("kind")));
            String n = name(obj);
            if (k != Kind.NAMESPACE && k != Kind.NETPOL) {
                sink.err("error: the pictl simulator replaces namespaces and network policies only\n");
                rc = 1;
                continue;
            }
            synchronized (api) {
                Map<String, Object> md0 = (Map<String, Object>) obj.getOrDefault("metadata", Map.of());
                String ns = k == Kind.NETPOL ? String.valueOf(md0.getOrDefault("namespace", namespace)) : null;
                Map<String, Object> existing = k == Kind.NAMESPACE ? api.namespaces().get(n) : api.networkPolicies().get(ns + "/" + n);
                if (existing == null) {
                    sink.err("Error from server (NotFound): error when replacing \"" + source[0] + "\": " + k.qualified() + " \"" + n + "\" not found\n");
                    rc = 1;
                    continue;
                }
                Map<String, Object> replaced = deepCopy(obj);
                Map<String, Object> md = (Map<String, Object>) replaced.computeIfAbsent("metadata", x -> new LinkedHashMap<>());
                Map<String, Object> old = (Map<String, Object>) existing.get("metadata");
                for (String keep : List.of("uid", "creationTimestamp")) if (old.get(keep) != null) md.put(keep, old.get(keep));
                Map<String, Object> labels = new TreeMap<>((Map<String, Object>) md.getOrDefault("labels", Map.of()));
                if (k == Kind.NAMESPACE) {
                    labels.put("kubernetes.io/metadata.name", n);
                    replaced.putIfAbsent("spec", existing.get("spec"));
                    replaced.put("status", existing.get("status"));
                } else {
                    md.put("namespace", ns);
                    md.put("generation", ((Number) old.getOrDefault("generation", 1)).intValue() + 1);
                }
                if (labels.isEmpty()) md.remove("labels"); else md.put("labels", labels);
                api.stamp(replaced);
                if (k == Kind.NAMESPACE) api.putNamespace(n, replaced); else api.putNetworkPolicy(ns, n, replaced);
                sink.out(k.nameRef() + "/" + n + " replaced\n");
            }
        }
        return rc;
    }

    private static String invalid(Kind k, String n, List<String> errs) {
        if (errs.size() == 1) return "The " + k.kind + " \"" + n + "\" is invalid: " + errs.get(0) + "\n";
        StringBuilder b = new StringBuilder("The " + k.kind + " \"" + n + "\" is invalid: \n");
        for (String e : errs) b.append("* ").append(e).append('\n');
        return b.toString();
    }

    @SuppressWarnings("unchecked")
    private static List<String> validateStorageClass(Map<String, Object> sc) {
        List<String> errs = new ArrayList<>();
        Object prov = sc.get("provisioner");
        if (prov == null || String.valueOf(prov).isEmpty()) errs.add("provisioner: Required value");
        sc.putIfAbsent("reclaimPolicy", "Delete");
        sc.putIfAbsent("volumeBindingMode", "Immediate");
        String rp = String.valueOf(sc.get("reclaimPolicy"));
        if (!rp.equals("Delete") && !rp.equals("Retain")) errs.add("reclaimPolicy: Unsupported value: \"" + rp + "\": supported values: \"Delete\", \"Retain\"");
        String vb = String.valueOf(sc.get("volumeBindingMode"));
        if (!vb.equals("Immediate") && !vb.equals("WaitForFirstConsumer")) errs.add("volumeBindingMode: Unsupported value: \"" + vb + "\": supported values: \"Immediate\", \"WaitForFirstConsumer\"");
        Object params = sc.get("parameters");
        if (params != null && !(params instanceof Map)) errs.add("parameters: Invalid value: must be a map of strings");
        if (params instanceof Map<?, ?> pm) {
            Map<String, Object> fixed = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : pm.entrySet()) fixed.put(String.valueOf(e.getKey()), String.valueOf(e.getValue()));
            sc.put("parameters", fixed);
        }
        return errs;
    }

    private static final Set<String> PV_NON_SOURCE = Set.of("capacity", "accessModes", "persistentVolumeReclaimPolicy",
            "storageClassName", "mountOptions", "volumeMode", "nodeAffinity", "claimRef", "volumeAttributesClassName");

    @SuppressWarnings("unchecked")
    private static List<String> validatePv(Map<String, Object> pv) {
        List<String> errs = new ArrayList<>();
        Object s = pv.get("spec");
        if (!(s instanceof Map)) {
            errs.add("spec: Required value: must specify a volume type");
            return errs;
        }
        Map<String, Object> spec = (Map<String, Object>) s;
        spec.putIfAbsent("persistentVolumeReclaimPolicy", "Retain");
        spec.putIfAbsent("volumeMode", "Filesystem");
        Object cap = spec.get("capacity");
        if (!(cap instanceof Map<?, ?> cm) || cm.get("storage") == null) errs.add("spec.capacity: Required value");
        else if (!String.valueOf(cm.get("storage")).matches("[0-9]+(\\.[0-9]+)?([KMGTPE]i?|[kmMGTPE]|e[0-9]+)?")) {
            errs.add("spec.capacity[storage]: Invalid value: \"" + cm.get("storage") + "\": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
        } else spec.put("capacity", Map.of("storage", String.valueOf(cm.get("storage"))));
        Object modes = spec.get("accessModes");
        if (!(modes instanceof List<?> ml) || ml.isEmpty()) errs.add("spec.accessModes: Required value");
        else for (Object m : ml) {
            if (!Set.of("ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod").contains(String.valueOf(m))) {
                errs.add("spec.accessModes: Unsupported value: \"" + m + "\": supported values: \"ReadOnlyMany\", \"ReadWriteMany\", \"ReadWriteOnce\", \"ReadWriteOncePod\"");
            }
        }
        List<String> sources = new ArrayList<>();
        for (String key : spec.keySet()) if (!PV_NON_SOURCE.contains(key)) sources.add(key);
        if (sources.isEmpty()) errs.add("spec: Required value: must specify a volume type");
        else if (sources.size() > 1) errs.add("spec." + sources.get(1) + ": Forbidden: may not specify more than 1 volume type");
        if (sources.contains("local")) {
            Object local = spec.get("local");
            if (!(local instanceof Map<?, ?> lm) || lm.get("path") == null || String.valueOf(lm.get("path")).isEmpty()) errs.add("spec.local.path: Required value");
            if (spec.get("nodeAffinity") == null) errs.add("spec.nodeAffinity: Required value: Local volume requires node affinity");
        }
        if (sources.contains("hostPath")) {
            Object hp = spec.get("hostPath");
            if (!(hp instanceof Map<?, ?> hm) || hm.get("path") == null) errs.add("spec.hostPath.path: Required value");
        }
        String rp = String.valueOf(spec.get("persistentVolumeReclaimPolicy"));
        if (!Set.of("Retain", "Delete", "Recycle").contains(rp)) {
            errs.add("spec.persistentVolumeReclaimPolicy: Unsupported value: \"" + rp + "\": supported values: \"Delete\", \"Recycle\", \"Retain\"");
        }
        return errs;
    }

    private static List<String> immutableStorageClass(Map<String, Object> old, Map<String, Object> now) {
        List<String> errs = new ArrayList<>();
        Object op = old.get("parameters"), np = now.get("parameters");
        boolean oEmpty = op == null || (op instanceof Map<?, ?> m && m.isEmpty());
        boolean nEmpty = np == null || (np instanceof Map<?, ?> m && m.isEmpty());
        if (!(oEmpty && nEmpty) && !Objects.equals(op, np)) errs.add("parameters: Forbidden: updates to parameters are forbidden.");
        if (!Objects.equals(old.get("provisioner"), now.get("provisioner"))) errs.add("provisioner: Forbidden: updates to provisioner are forbidden.");
        if (!Objects.equals(old.get("reclaimPolicy"), now.get("reclaimPolicy"))) errs.add("reclaimPolicy: Forbidden: updates to reclaimPolicy are forbidden.");
        if (!Objects.equals(old.get("volumeBindingMode"), now.get("volumeBindingMode"))) {
            errs.add("volumeBindingMode: Invalid value: \"" + now.get("volumeBindingMode") + "\": field is immutable");
        }
        return errs;
    }

    @SuppressWarnings("unchecked")
    private static List<String> immutablePv(Map<String, Object> old, Map<String, Object> now) {
        List<String> errs = new ArrayList<>();
        Map<String, Object> os = (Map<String, Object>) old.get("spec"), ns = (Map<String, Object>) now.get("spec");
        Map<String, Object> oSrc = new LinkedHashMap<>(), nSrc = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : os.entrySet()) if (!PV_NON_SOURCE.contains(e.getKey())) oSrc.put(e.getKey(), e.getValue());
        for (Map.Entry<String, Object> e : ns.entrySet()) if (!PV_NON_SOURCE.contains(e.getKey())) nSrc.put(e.getKey(), e.getValue());
        if (!oSrc.equals(nSrc)) {
            errs.add("spec.persistentvolumesource: Forbidden: spec.persistentvolumesource is immutable after creation\n" + sourceDiff(oSrc, nSrc));
        }
        if (!Objects.equals(os.get("volumeMode"), ns.get("volumeMode"))) {
            errs.add("volumeMode: Invalid value: \"" + ns.get("volumeMode") + "\": field is immutable");
        }
        if (os.get("nodeAffinity") != null && !Objects.equals(os.get("nodeAffinity"), ns.get("nodeAffinity"))) {
            errs.add("nodeAffinity: Invalid value: " + goValue(ns.get("nodeAffinity")) + ": field is immutable");
        }
        return errs;
    }

    /** An approximation of the go-cmp diff the API server appends (one "-"/"+" pair per changed source field). */
    @SuppressWarnings("unchecked")
    private static String sourceDiff(Map<String, Object> oSrc, Map<String, Object> nSrc) {
        StringBuilder b = new StringBuilder("  core.PersistentVolumeSource{\n");
        Set<String> keys = new java.util.TreeSet<>(oSrc.keySet());
        keys.addAll(nSrc.keySet());
        for (String key : keys) {
            Object o = oSrc.get(key), n = nSrc.get(key);
            String field = Character.toUpperCase(key.charAt(0)) + key.substring(1);
            String type = "core." + field + "VolumeSource";
            if (o instanceof Map<?, ?> om && n instanceof Map<?, ?> nm) {
                b.append("  \t").append(field).append(": &").append(type).append("{\n");
                Set<String> fk = new java.util.TreeSet<>((Set<String>) om.keySet());
                fk.addAll((Set<String>) nm.keySet());
                for (String f : fk) {
                    String F = Character.toUpperCase(f.charAt(0)) + f.substring(1);
                    Object ov = om.get(f), nv = nm.get(f);
                    if (Objects.equals(ov, nv)) b.append("  \t\t").append(F).append(": ").append(goValue(ov)).append(",\n");
                    else {
                        b.append("- \t\t").append(F).append(": ").append(goValue(ov)).append(",\n");
                        b.append("+ \t\t").append(F).append(": ").append(goValue(nv)).append(",\n");
                    }
                }
                b.append("  \t},\n");
            } else {
                b.append("- \t").append(field).append(": ").append(o == null ? "nil" : "&" + type + "{...}").append(",\n");
                b.append("+ \t").append(field).append(": ").append(n == null ? "nil" : "&" + type + "{...}").append(",\n");
            }
        }
        return b.append("  }").toString();
    }

    private static String goValue(Object v) {
        if (v == null) return "nil";
        if (v instanceof String s) return "\"" + s + "\"";
        if (v instanceof Map || v instanceof List) return Json.compact(v);
        return String.valueOf(v);
    }

    @SuppressWarnings("unchecked")
    static <T> T deepCopy(T o) {
        if (o instanceof Map<?, ?> m) {
            Map<String, Object> c = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) c.put(String.valueOf(e.getKey()), deepCopy(e.getValue()));
            return (T) c;
        }
        if (o instanceof List<?> l) {
            List<Object> c = new ArrayList<>();
            for (Object x : l) c.add(deepCopy(x));
            return (T) c;
        }
        return o;
    }

    // --------------------------------------------------------------- delete

    @SuppressWarnings("unchecked")
    private int delete(Opts o, byte[] stdin, Path cwd) {
        List<Target> targets = new ArrayList<>();
        if (o.get("-f", "--filename") != null) {
            try {
                Map<Kind, List<String>> byKind = new LinkedHashMap<>();
                for (Map<String, Object> m : readManifests(o, stdin, cwd, new String[1])) {
                    Kind k = Kind.ofManifest(String.valueOf(m.get("kind")));
                    if (k == null) {
                        sink.err("error: resource mapping not found for name: \"" + name(m) + "\" namespace: \"\" from \"STDIN\": no matches for kind \"" + m.get("kind") + "\" in version \"" + m.get("apiVersion") + "\"\nensure CRDs are installed first\n");
                        return 1;
                    }
                    byKind.computeIfAbsent(k, x -> new ArrayList<>()).add(name(m));
                }
                byKind.forEach((k, v) -> targets.add(new Target(k, v)));
            } catch (IOException | RuntimeException e) {
                sink.err("error: " + e.getMessage() + "\n");
                return 1;
            }
        } else {
            Target t = target(o.positional);
            if (t == null) {
                if (o.positional.isEmpty()) sink.err("error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'\n");
                return 1;
            }
            if (t.names().isEmpty() && !o.has("--all")) {
                sink.err("error: resource(s) were provided, but no name was specified\n");
                return 1;
            }
            targets.add(t.names().isEmpty() ? new Target(t.kind(), all(t.kind()).stream().map(Kubectl::name).toList()) : t);
        }
        boolean ignoreNotFound = "true".equals(o.get("--ignore-not-found"));
        boolean wait = !"false".equals(o.get("--wait"));
        Duration timeout = Durations.parseCompound(o.get("--timeout"));
        int rc = 0;
        List<String> waitFor = new ArrayList<>();
        for (Target t : targets) {
            for (String n : t.names()) {
                boolean found;
                switch (t.kind()) {
                    case NODE -> found = api.deleteNode(n);
                    case STORAGECLASS -> found = api.removeStorageClass(n);
                    case PV -> {
                        synchronized (api) {
                            Map<String, Object> pv = api.pvs().get(n);
                            found = pv != null;
                            if (found) {
                                Map<String, Object> spec = (Map<String, Object>) pv.getOrDefault("spec", Map.of());
                                Map<String, Object> md = (Map<String, Object>) pv.get("metadata");
                                if (spec.get("claimRef") != null && "Bound".equals(KubeApi.status(pv).get("phase"))) {
                                    // Storage Object in Use Protection: the pv-protection finalizer holds it.
                                    md.putIfAbsent("deletionTimestamp", Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
                                    md.put("deletionGracePeriodSeconds", 0);
                                    api.stamp(pv);
                                    api.putPv(n, pv);
                                    waitFor.add(n);
                                } else {
                                    api.removePv(n);
                                }
                            }
                        }
                    }
                    case NAMESPACE -> {
                        if (List.of("default", "kube-system", "kube-public").contains(n) && api.namespaces().containsKey(n)) {
                            sink.err("Error from server (Forbidden): namespaces \"" + n + "\" is forbidden: this namespace may not be deleted\n");
                            rc = 1;
                            continue;
                        }
                        found = api.removeNamespace(n);
                    }
                    case NETPOL -> found = api.removeNetworkPolicy(namespace, n);
                    default -> found = false;
                }
                if (found) sink.out(t.kind().singular + (t.kind().group.isEmpty() ? "" : "." + t.kind().group) + " \"" + n + "\" deleted\n");
                else if (!ignoreNotFound) {
                    sink.err("Error from server (NotFound): " + t.kind().qualified() + " \"" + n + "\" not found\n");
                    rc = 1;
                }
            }
        }
        if (wait && !waitFor.isEmpty()) {
            long deadline = timeout == null || timeout.isZero() ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
            for (String n : waitFor) {
                while (api.pvs().containsKey(n)) {
                    if (cancelled.getAsBoolean()) return 130;
                    if (System.nanoTime() > deadline) {
                        sink.err("error: timed out waiting for the condition on persistentvolumes/" + n + "\n");
                        return 1;
                    }
                    try { api.await(200); } catch (InterruptedException e) { Thread.currentThread().interrupt(); return 130; }
                }
            }
        }
        return rc;
    }

    // ---------------------------------------------------- cordon and drain

    private int cordon(Opts o, boolean on) {
        if (o.positional.isEmpty()) {
            sink.err("error: USAGE: " + (on ? "cordon" : "uncordon") + " NODE [flags]\nSee 'kubectl " + (on ? "cordon" : "uncordon") + " -h' for help and examples\n");
            return 1;
        }
        int rc = 0;
        for (String n : o.positional) {
            String nn = n.startsWith("node/") ? n.substring(5) : n;
            KubeApi.NodeRec rec = api.node(nn);
            if (rec == null) {
                sink.err("Error from server (NotFound): nodes \"" + nn + "\" not found\n");
                rc = 1;
                continue;
            }
            if (rec.unschedulable == on) sink.out("node/" + nn + " already " + (on ? "cordoned" : "uncordoned") + "\n");
            else {
                api.setUnschedulable(rec, on);
                sink.out("node/" + nn + " " + (on ? "cordoned" : "uncordoned") + "\n");
            }
        }
        return rc;
    }

    /**
     * {@code kubectl annotate node NAME KEY=VALUE... KEY-... [--overwrite]} (also {@code node/NAME}), as kubectl
     * words it; nodes only (pictl annotates nothing else).
     */
    private int annotate(Opts o) {
        List<String> p = new ArrayList<>(o.positional);
        if (p.isEmpty()) {
            sink.err("error: one or more resources must be specified as <resource> <name> or <resource>/<name>\n");
            return 1;
        }
        String name;
        String type = p.remove(0);
        if (type.contains("/")) {
            name = type.substring(type.indexOf('/') + 1);
            type = type.substring(0, type.indexOf('/'));
        } else if (!p.isEmpty()) {
            name = p.remove(0);
        } else {
            sink.err("error: one or more resources must be specified as <resource> <name> or <resource>/<name>\n");
            return 1;
        }
        if (!List.of("node", "nodes", "no").contains(type)) {
            sink.err("error: the simulator annotates nodes only, not " + type + "\n");
            return 1;
        }
        if (p.isEmpty()) {
            sink.err("error: at least one annotation update is required\n");
            return 1;
        }
        KubeApi.NodeRec rec = api.node(name);
        if (rec == null) {
            sink.err("Error from server (NotFound): nodes \"" + name + "\" not found\n");
            return 1;
        }
        boolean overwrite = o.has("--overwrite") && !"false".equals(o.get("--overwrite"));
        for (String a : p) {
            int eq = a.indexOf('=');
            if (eq < 0 && !a.endsWith("-")) {
                sink.err("error: invalid annotation format: " + a + "\n");
                return 1;
            }
            if (eq > 0 && !overwrite && rec.annotations.containsKey(a.substring(0, eq))) {
                String k = a.substring(0, eq);
                sink.err("error: --overwrite is false but found the following declared annotation(s): '" + k
                        + "' already has a value (" + rec.annotations.get(k) + ")\n");
                return 1;
            }
        }
        for (String a : p) {
            int eq = a.indexOf('=');
            if (eq > 0) api.setAnnotation(rec, a.substring(0, eq), a.substring(eq + 1));
            else api.setAnnotation(rec, a.substring(0, a.length() - 1), null);
        }
        sink.out("node/" + name + " annotated\n");
        return 0;
    }

    /** The node a {@code label}/{@code taint} command names ({@code node NAME} or {@code node/NAME}), or null. */
    private KubeApi.NodeRec nodeArg(List<String> p, String verb) {
        if (p.isEmpty()) {
            sink.err("error: one or more resources must be specified as <resource> <name> or <resource>/<name>\n");
            return null;
        }
        String name;
        String type = p.remove(0);
        if (type.contains("/")) {
            name = type.substring(type.indexOf('/') + 1);
            type = type.substring(0, type.indexOf('/'));
        } else if (!p.isEmpty()) {
            name = p.remove(0);
        } else {
            sink.err("error: one or more resources must be specified as <resource> <name> or <resource>/<name>\n");
            return null;
        }
        if (!List.of("node", "nodes", "no").contains(type)) {
            sink.err("error: the simulator " + verb + "s nodes only, not " + type + "\n");
            return null;
        }
        KubeApi.NodeRec rec = api.node(name);
        if (rec == null) {
            sink.err("Error from server (NotFound): nodes \"" + name + "\" not found\n");
        }
        return rec;
    }

    /**
     * {@code kubectl label node NAME KEY=VALUE... KEY-... [--overwrite]}, worded as kubectl words it ("node/NAME
     * labeled", "unlabeled", "not labeled"; a changed value without --overwrite is refused).
     */
    private int label(Opts o) {
        List<String> p = new ArrayList<>(o.positional);
        if (!p.isEmpty() && Kind.of(p.get(0).contains("/") ? p.get(0).substring(0, p.get(0).indexOf('/')) : p.get(0)) == Kind.NAMESPACE) {
            return labelNamespace(o, p);
        }
        KubeApi.NodeRec rec = nodeArg(p, "label");
        if (rec == null) return 1;
        if (p.isEmpty()) {
            sink.err("error: at least one label update is required\n");
            return 1;
        }
        boolean overwrite = o.has("--overwrite") && !"false".equals(o.get("--overwrite"));
        Map<String, String> current = new LinkedHashMap<>();
        for (String l : rec.labels) current.put(l.contains("=") ? l.substring(0, l.indexOf('=')) : l, l.contains("=") ? l.substring(l.indexOf('=') + 1) : "");
        for (String a : p) {
            int eq = a.indexOf('=');
            if (eq < 0 && !a.endsWith("-")) {
                sink.err("error: invalid label spec: " + a + "\n");
                return 1;
            }
            if (eq > 0 && !overwrite && current.containsKey(a.substring(0, eq)) && !current.get(a.substring(0, eq)).equals(a.substring(eq + 1))) {
                sink.err("error: '" + a.substring(0, eq) + "' already has a value (" + current.get(a.substring(0, eq)) + "), and --overwrite is false\n");
                return 1;
            }
        }
        boolean added = false, removed = false;
        for (String a : p) {
            int eq = a.indexOf('=');
            if (eq > 0) { api.setLabel(rec, a.substring(0, eq), a.substring(eq + 1)); added = true; }
            else if (current.containsKey(a.substring(0, a.length() - 1))) { api.setLabel(rec, a.substring(0, a.length() - 1), null); removed = true; }
        }
        sink.out("node/" + rec.name + " " + (added ? "labeled" : removed ? "unlabeled" : "not labeled") + "\n");
        return 0;
    }

    /** {@code kubectl label namespace NAME KEY=VALUE... KEY-... [--overwrite]}, worded as for nodes. */
    @SuppressWarnings("unchecked")
    private int labelNamespace(Opts o, List<String> p) {
        String type = p.remove(0);
        String name;
        if (type.contains("/")) name = type.substring(type.indexOf('/') + 1);
        else if (!p.isEmpty()) name = p.remove(0);
        else {
            sink.err("error: one or more resources must be specified as <resource> <name> or <resource>/<name>\n");
            return 1;
        }
        if (p.isEmpty()) {
            sink.err("error: at least one label update is required\n");
            return 1;
        }
        synchronized (api) {
            Map<String, Object> ns = api.namespaces().get(name);
            if (ns == null) {
                sink.err("Error from server (NotFound): namespaces \"" + name + "\" not found\n");
                return 1;
            }
            Map<String, Object> updated = deepCopy(ns);
            Map<String, Object> md = (Map<String, Object>) updated.get("metadata");
            Map<String, Object> labels = new TreeMap<>((Map<String, Object>) md.getOrDefault("labels", Map.of()));
            boolean overwrite = o.has("--overwrite") && !"false".equals(o.get("--overwrite"));
            for (String a : p) {
                int eq = a.indexOf('=');
                if (eq < 0 && !a.endsWith("-")) {
                    sink.err("error: invalid label spec: " + a + "\n");
                    return 1;
                }
                if (eq > 0 && !overwrite && labels.containsKey(a.substring(0, eq)) && !String.valueOf(labels.get(a.substring(0, eq))).equals(a.substring(eq + 1))) {
                    sink.err("error: '" + a.substring(0, eq) + "' already has a value (" + labels.get(a.substring(0, eq)) + "), and --overwrite is false\n");
                    return 1;
                }
            }
            boolean added = false, removed = false;
            for (String a : p) {
                int eq = a.indexOf('=');
                if (eq > 0) { labels.put(a.substring(0, eq), a.substring(eq + 1)); added = true; }
                else if (labels.remove(a.substring(0, a.length() - 1)) != null) removed = true;
            }
            md.put("labels", labels);
            api.stamp(updated);
            api.putNamespace(name, updated);
            sink.out("namespace/" + name + " " + (added ? "labeled" : removed ? "unlabeled" : "not labeled") + "\n");
        }
        return 0;
    }

    /**
     * {@code kubectl taint node NAME KEY[=VALUE]:EFFECT... KEY[:EFFECT]-... [--overwrite]}, worded as kubectl words it
     * ("node/NAME tainted", "untainted"; an existing key and effect without --overwrite, or removing a taint the node
     * does not have, is refused).
     */
    private int taint(Opts o) {
        List<String> p = new ArrayList<>(o.positional);
        KubeApi.NodeRec rec = nodeArg(p, "taint");
        if (rec == null) return 1;
        if (p.isEmpty()) {
            sink.err("error: at least one taint update is required\n");
            return 1;
        }
        boolean overwrite = o.has("--overwrite") && !"false".equals(o.get("--overwrite"));
        List<String[]> adds = new ArrayList<>();
        List<String[]> removes = new ArrayList<>();
        for (String a : p) {
            boolean remove = a.endsWith("-");
            String spec = remove ? a.substring(0, a.length() - 1) : a;
            int colon = spec.lastIndexOf(':');
            String kv = colon < 0 ? spec : spec.substring(0, colon);
            String effect = colon < 0 ? null : spec.substring(colon + 1);
            if (!remove && (effect == null || !List.of("NoSchedule", "PreferNoSchedule", "NoExecute").contains(effect))) {
                sink.err("error: invalid taint spec: " + a + ", unsupported taint effect\n");
                return 1;
            }
            int eq = kv.indexOf('=');
            String key = eq < 0 ? kv : kv.substring(0, eq);
            String value = eq < 0 ? "" : kv.substring(eq + 1);
            (remove ? removes : adds).add(new String[] {key, value, effect});
        }
        for (String[] r : removes) {
            boolean has = rec.taints.stream().anyMatch(t -> t.get("key").equals(r[0]) && (r[2] == null || t.get("effect").equals(r[2])));
            if (!has) {
                sink.err("error: taint \"" + r[0] + (r[2] == null ? "" : ":" + r[2]) + "\" not found\n");
                return 1;
            }
        }
        for (String[] t : adds) {
            boolean exists = rec.taints.stream().anyMatch(x -> x.get("key").equals(t[0]) && x.get("effect").equals(t[2]));
            if (exists && !overwrite) {
                sink.err("error: node " + rec.name + " already has " + t[0] + " taint(s) with same effect(s) and --overwrite is false\n");
                return 1;
            }
        }
        removes.forEach(r -> api.setTaint(rec, r[0], null, r[2], false));
        adds.forEach(t -> api.setTaint(rec, t[0], t[1], t[2], true));
        sink.out("node/" + rec.name + " " + (adds.isEmpty() ? "untainted" : "tainted") + "\n");
        return 0;
    }

    private int drain(Opts o) {
        if (o.positional.size() != 1) {
            sink.err("error: USAGE: drain NODE [flags]\nSee 'kubectl drain -h' for help and examples\n");
            return 1;
        }
        String n = o.positional.get(0);
        if (n.startsWith("node/")) n = n.substring(5);
        KubeApi.NodeRec rec = api.node(n);
        if (rec == null) {
            sink.err("Error from server (NotFound): nodes \"" + n + "\" not found\n");
            return 1;
        }
        if (o.has("--dry-run") && !"none".equals(o.get("--dry-run"))) {
            sink.out("node/" + n + " cordoned (" + ("server".equals(o.get("--dry-run")) ? "server" : "client") + " dry run)\n");
            sink.out("node/" + n + " drained (" + ("server".equals(o.get("--dry-run")) ? "server" : "client") + " dry run)\n");
            return 0;
        }
        if (rec.unschedulable) sink.out("node/" + n + " already cordoned\n");
        else {
            api.setUnschedulable(rec, true);
            sink.out("node/" + n + " cordoned\n");
        }
        Set<String> disabled = api.disabled();
        boolean svclb = !disabled.contains("traefik") && !disabled.contains("servicelb");
        if (svclb) {
            String pod = "kube-system/svclb-traefik-" + Integer.toHexString(Math.abs(("traefik" + n).hashCode())).substring(0, 8) + "-" + shortId(n);
            if (!"true".equals(o.get("--ignore-daemonsets"))) {
                sink.err("error: unable to drain node \"" + n + "\" due to error: cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): "
                        + pod + ", continuing command...\nThere are pending nodes to be drained:\n " + n
                        + "\ncannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): " + pod + "\n");
                return 1;
            }
            sink.err("Warning: ignoring DaemonSet-managed Pods: " + pod + "\n");
        }
        sink.out("node/" + n + " drained\n");
        return 0;
    }

    private static String shortId(String n) {
        String chars = "bcdfghjklmnpqrstvwxz2456789";
        StringBuilder b = new StringBuilder();
        int h = Math.abs(n.hashCode());
        for (int i = 0; i < 5; i++) { b.append(chars.charAt(h % chars.length())); h /= chars.length(); h += 7; }
        return b.toString();
    }

    private int version(Opts o) {
        String v = api.serverVersion();
        sink.out("Client Version: " + v + "\nKustomize Version: v5.4.2\nServer Version: " + v + "\n");
        return 0;
    }
}
