package dev.pictl.types.k3s;

import static dev.pictl.resource.AttributeSchema.attr;

import dev.pictl.config.Config;
import dev.pictl.config.NodeText;
import dev.pictl.diag.Diagnostics;
import dev.pictl.diag.SourceRange;
import dev.pictl.nodetext.SimpleYaml;
import dev.pictl.resource.AttrType;
import dev.pictl.resource.AttributeSchema;
import dev.pictl.resource.ResourceInstance;
import dev.pictl.resource.Value;
import dev.pictl.state.ResourceState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Registry mirrors of a k3s block: {@code registry_mirrors} (registry → endpoint URLs) and {@code registry_auth}
 * (endpoint host → {@code [username, password]}, sensitive), written by structure as
 * {@code /etc/rancher/k3s/registries.yaml} on each of the block's nodes:
 *
 * <pre>
 *   "configs":                            ← from registry_auth (only when it has entries)
 *     "192.168.1.5:5000":
 *       "auth":
 *         "password": "…"
 *         "username": "pi"
 *   "mirrors":
 *     "docker.io":
 *       "endpoint":
 *         - "http://192.168.1.5:5000"
 * </pre>
 *
 * <p>k3s reads the file only when it starts, so a change restarts k3s, one node at a time like any settings change.
 * pictl manages the file once the block declares either attribute, and keeps managing it while the state records
 * that it did: a block that drops both removes the file (an empty description is "no file"). A file nobody declared
 * is left alone. The password travels on stdin, lives in the 0600 file and nowhere else: the plan and the state hold
 * the keyed hash of {@code registry_auth}.
 */
final class Registries {
    static final String PATH = "/etc/rancher/k3s/registries.yaml";
    static final String MIRRORS = "registry_mirrors";
    static final String AUTH = "registry_auth";

    /** A registry name as containerd matches it: a host with an optional port, or {@code *} for every registry. */
    private static final Pattern REGISTRY = Pattern.compile("\\*|[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:\\d{1,5})?");
    private static final Pattern ENDPOINT = Pattern.compile("https?://[^\\s/?#]+(/[^\\s?#]*)?");

    static final AttributeSchema MIRRORS_ATTR = attr(MIRRORS, AttrType.MAP)
            .doc("Registry mirrors: each registry (`docker.io`, `ghcr.io`, `*` for all) to the endpoint URLs "
                    + "containerd tries first, e.g. `{ \"docker.io\" = [\"http://192.168.1.5:5000\"] }`. Written as "
                    + "`/etc/rancher/k3s/registries.yaml` on each node of the block; k3s reads it only at start, so a "
                    + "change restarts k3s, one node at a time. Removing it (and `registry_auth`) removes the file.");
    static final AttributeSchema AUTH_ATTR = attr(AUTH, AttrType.MAP).sensitive()
            .doc("Credentials per endpoint host: `{ \"192.168.1.5:5000\" = [\"pi\", var.registry_password] }` "
                    + "(username, password), written under `configs` in registries.yaml (mode 0600). Sensitive: plan, "
                    + "state and output hold only its keyed hash.");

    private Registries() {
    }

    /** Whether pictl manages registries.yaml for this resource: declared, or recorded by an earlier apply. */
    static boolean managed(ResourceInstance i, ResourceState prior) {
        return i != null && (i.attributes().containsKey(MIRRORS) || i.attributes().containsKey(AUTH))
                || prior != null && prior.attributes().containsKey(MIRRORS);
    }

    /** The declared mirrors, registry → endpoints, sorted (a single string is one endpoint). */
    static Map<String, Object> mirrors(ResourceInstance i) {
        Map<String, Object> out = new TreeMap<>();
        if (i != null && i.attributes().get(MIRRORS) instanceof Value.MapVal m) {
            m.entries().forEach((k, v) -> out.put(k, strings(v)));
        }
        return out;
    }

    /** The declared credentials in clear, host → [username, password], sorted. */
    static Map<String, Object> auth(ResourceInstance i) {
        Map<String, Object> out = new TreeMap<>();
        if (i != null && i.attributes().get(AUTH) instanceof Value.MapVal m) {
            m.entries().forEach((k, v) -> out.put(k, strings(v)));
        }
        return out;
    }

    private static List<String> strings(Value v) {
        List<String> out = new ArrayList<>();
        if (v instanceof Value.Str s) {
            out.add(s.value());
        } else if (v instanceof Value.ListVal l) {
            l.items().forEach(x -> {
                if (x instanceof Value.Str s) {
                    out.add(s.value());
                }
            });
        }
        return out;
    }

    /** registries.yaml for these mirrors and credentials (clear); empty text when there is nothing to write. */
    static String file(Map<String, Object> mirrors, Map<String, Object> auth) {
        Map<String, Object> tree = new TreeMap<>();
        Map<String, Object> m = new TreeMap<>();
        (mirrors == null ? Map.<String, Object>of() : mirrors).forEach((k, v) -> m.put(k, Map.of("endpoint", v)));
        if (!m.isEmpty()) {
            tree.put("mirrors", m);
        }
        Map<String, Object> c = new TreeMap<>();
        (auth == null ? Map.<String, Object>of() : auth).forEach((host, v) -> {
            List<?> pair = v instanceof List<?> l ? l : List.of();
            Map<String, Object> a = new TreeMap<>();
            a.put("username", pair.isEmpty() ? "" : String.valueOf(pair.get(0)));
            a.put("password", pair.size() < 2 ? "" : String.valueOf(pair.get(1)));
            c.put(host, Map.of("auth", a));
        });
        if (!c.isEmpty()) {
            tree.put("configs", c);
        }
        return tree.isEmpty() ? "" : SimpleYaml.writeTree(tree);
    }

    /** What a registries.yaml holds, as the two attributes: {mirrors, auth} (auth in clear). Null file: both empty. */
    @SuppressWarnings("unchecked")
    static Map<String, Object>[] read(String yaml) {
        Map<String, Object> tree = SimpleYaml.readTree(yaml);
        Map<String, Object> mirrors = new TreeMap<>();
        if (tree.get("mirrors") instanceof Map<?, ?> m) {
            m.forEach((k, v) -> {
                Object ep = v instanceof Map<?, ?> e ? e.get("endpoint") : null;
                mirrors.put(String.valueOf(k), ep instanceof List<?> l ? l.stream().map(String::valueOf).toList()
                        : ep == null ? List.of() : List.of(String.valueOf(ep)));
            });
        }
        Map<String, Object> auth = new TreeMap<>();
        if (tree.get("configs") instanceof Map<?, ?> c) {
            c.forEach((k, v) -> {
                if (v instanceof Map<?, ?> cfg && cfg.get("auth") instanceof Map<?, ?> a) {
                    auth.put(String.valueOf(k), List.of(String.valueOf(a.containsKey("username") ? a.get("username") : ""),
                            String.valueOf(a.containsKey("password") ? a.get("password") : "")));
                }
            });
        }
        return new Map[] {mirrors, auth};
    }

    /** Mirrors are registry names with endpoint URLs; credentials are [username, password] per host; all writable. */
    static void check(Config config, List<ResourceInstance> instances, Diagnostics diags) {
        for (ResourceInstance i : instances) {
            if (i.attributes().get(MIRRORS) instanceof Value.MapVal m) {
                for (Map.Entry<String, Value> e : m.entries().entrySet()) {
                    SourceRange keyAt = config.located(m.keyRanges().get(e.getKey()), m.range());
                    if (!REGISTRY.matcher(e.getKey()).matches()) {
                        diags.error(keyAt, NodeText.show(e.getKey()) + " is not a registry name",
                                "A key of registry_mirrors is the registry images name, a host with an optional port "
                                        + "(\"docker.io\", \"registry.local:5000\"), or \"*\" for every registry.");
                    }
                    Value v = e.getValue();
                    List<Value> items = v instanceof Value.ListVal l ? l.items() : List.of(v);
                    if (items.isEmpty()) {
                        diags.error(config.located(v.range(), keyAt), "the mirror of " + NodeText.show(e.getKey())
                                + " has no endpoint", "Give at least one URL, e.g. [\"http://192.168.1.5:5000\"].");
                    }
                    for (Value item : items) {
                        if (item instanceof Value.Unknown) {
                            continue;
                        }
                        if (!(item instanceof Value.Str s) || !ENDPOINT.matcher(s.value()).matches()) {
                            diags.error(config.located(item.range(), keyAt), "a mirror endpoint of "
                                            + NodeText.show(e.getKey()) + " is not an http or https URL",
                                    "Write the endpoint as a URL, e.g. \"http://192.168.1.5:5000\" or "
                                            + "\"https://mirror.local\" (no spaces, no query).");
                        }
                    }
                }
            }
            if (i.attributes().get(AUTH) instanceof Value.MapVal a) {
                for (Map.Entry<String, Value> e : a.entries().entrySet()) {
                    SourceRange keyAt = config.located(a.keyRanges().get(e.getKey()), a.range());
                    if (!REGISTRY.matcher(e.getKey()).matches() || e.getKey().equals("*")) {
                        diags.error(keyAt, "a key of registry_auth is not a registry host",
                                "Name the endpoint's host with its port as it appears in the mirror URL, e.g. "
                                        + "\"192.168.1.5:5000\".");
                    }
                    Value v = e.getValue();
                    if (v instanceof Value.Unknown) {
                        continue;
                    }
                    boolean pair = v instanceof Value.ListVal l && l.items().size() == 2
                            && l.items().stream().allMatch(x -> x instanceof Value.Str || x instanceof Value.Unknown);
                    if (!pair) {
                        diags.error(config.located(v.range(), keyAt), "registry_auth needs [username, password] for "
                                        + "each host",
                                "Write the credentials as a list of two strings, e.g. [\"pi\", var.registry_password] "
                                        + "(the value is not shown: registry_auth is sensitive).");
                        continue;
                    }
                    Value password = ((Value.ListVal) v).items().get(1);
                    if (password instanceof Value.Str && !password.sensitive()) {
                        diags.warning(config.located(password.range(), keyAt), "a registry password written in clear "
                                        + "text in " + i.address().block(),
                                "pictl never shows it in plans, state or output, but it sits in the file for anyone who "
                                        + "reads it. Declare a sensitive variable and write [\"user\", var.NAME].");
                    }
                    for (Value x : ((Value.ListVal) v).items()) {
                        if (x instanceof Value.Str s && NodeText.firstUnwritable(s.value(), true) >= 0) {
                            diags.error(config.located(x.range(), keyAt), "a registry credential holds a control "
                                            + "character",
                                    "registries.yaml is written for containerd, which sends the credentials in an "
                                            + "HTTP header; remove the character (the value is not shown).");
                        }
                    }
                }
            }
        }
    }
}
