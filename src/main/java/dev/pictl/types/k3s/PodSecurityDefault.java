package dev.pictl.types.k3s;

import static dev.pictl.resource.AttributeSchema.attr;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pictl.nodetext.Shell;
import dev.pictl.resource.AttrType;
import dev.pictl.resource.AttributeSchema;
import dev.pictl.resource.ResourceInstance;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code k3s_server}'s {@code pod_security_default} (issue 13, point 3): the cluster-wide Pod Security level, through
 * k3s's admission configuration (day2-facts §7.6).
 *
 * <pre>
 *   plan    config.yaml gains  kube-apiserver-arg: [..., admission-control-config-file=/var/lib/rancher/k3s/server/
 *           pictl-psa-LEVEL.yaml]  (after the passthrough's own arguments): a config change, so the plan announces
 *           k3s's restart like any other; the level is in the file's name, so a new level is a new argument
 *   apply   before config.yaml is written, the file that argument names: an AdmissionConfiguration whose
 *           PodSecurity defaults are LEVEL for enforce, audit and warn ("latest"), kube-system exempt (k3s's own
 *           pods); JSON, which the API server reads as YAML
 * </pre>
 *
 * A namespace's own labels (the {@code namespace} type's {@code pod_security}) still win over the default.
 */
public final class PodSecurityDefault {
    static final String ATTR = "pod_security_default";
    static final String API_SERVER_ARG = "kube-apiserver-arg";
    private static final String DIR = "/var/lib/rancher/k3s/server/";
    private static final String FLAG = "admission-control-config-file=";
    private static final Pattern OURS = Pattern.compile(Pattern.quote(FLAG + DIR) + "pictl-psa-([a-z]+)\\.yaml");

    static final AttributeSchema SCHEMA = attr(ATTR, AttrType.STRING).oneOf("privileged", "baseline", "restricted")
            .doc("The Pod Security Standard every namespace gets unless its own labels say otherwise (a `namespace` "
                    + "block's `pod_security`), for enforce, audit and warn; `kube-system` is exempt. pictl writes "
                    + "k3s's admission configuration file (`/var/lib/rancher/k3s/server/pictl-psa-LEVEL.yaml`) and "
                    + "adds `admission-control-config-file=` to `kube-apiserver-arg` in config.yaml: a config change, "
                    + "so k3s restarts (the plan says so). Unset: Kubernetes' default, `privileged`.");

    private PodSecurityDefault() {
    }

    /** The file the API server reads for {@code level}. */
    static String file(String level) {
        return DIR + "pictl-psa-" + level + ".yaml";
    }

    /** Adds pictl's argument to the server's config (after the passthrough's own {@code kube-apiserver-arg}). */
    static void addTo(Map<String, Object> config, ResourceInstance i) {
        String level = i.string(ATTR);
        if (level == null) {
            return;
        }
        List<String> all = new ArrayList<>();
        Object theirs = config.get(API_SERVER_ARG);
        if (theirs instanceof List<?> l) {
            l.forEach(x -> all.add(String.valueOf(x)));
        } else if (theirs != null) {
            all.add(String.valueOf(theirs));
        }
        all.add(FLAG + file(level));
        config.put(API_SERVER_ARG, all);
    }

    /** The level a planned config asks for (from pictl's argument), or null. */
    static String level(Map<String, Object> config) {
        Object args = config == null ? null : config.get(API_SERVER_ARG);
        List<String> list = new ArrayList<>();
        if (args instanceof List<?> l) {
            l.forEach(x -> list.add(String.valueOf(x)));
        } else if (args != null) {
            list.add(String.valueOf(args));
        }
        for (String a : list) {
            Matcher m = OURS.matcher(a);
            if (m.matches() && List.of("privileged", "baseline", "restricted").contains(m.group(1))) {
                return m.group(1);
            }
        }
        return null;
    }

    /** The admission configuration for {@code level} (facts §7.6), as JSON. */
    static String admissionConfig(String level) {
        Map<String, Object> defaults = new LinkedHashMap<>();
        defaults.put("enforce", level);
        defaults.put("enforce-version", "latest");
        defaults.put("audit", level);
        defaults.put("audit-version", "latest");
        defaults.put("warn", level);
        defaults.put("warn-version", "latest");
        Map<String, Object> psc = new LinkedHashMap<>();
        psc.put("apiVersion", "pod-security.admission.config.k8s.io/v1beta1");
        psc.put("kind", "PodSecurityConfiguration");
        psc.put("defaults", defaults);
        psc.put("exemptions", Map.of("namespaces", List.of("kube-system")));
        Map<String, Object> plugin = new LinkedHashMap<>();
        plugin.put("name", "PodSecurity");
        plugin.put("configuration", psc);
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("apiVersion", "apiserver.config.k8s.io/v1");
        root.put("kind", "AdmissionConfiguration");
        root.put("plugins", List.of(plugin));
        try {
            return new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The node-side script that writes the file for {@code level} (0644, atomically, its directory made). */
    static String writeScript(String level) {
        String path = Shell.nodePath(file(level));
        return "mkdir -p " + Shell.nodePath(DIR) + " && printf '%s' " + Shell.quote(admissionConfig(level)) + " > "
                + path + ".tmp && chmod 0644 " + path + ".tmp && mv -f " + path + ".tmp " + path;
    }
}
