package dev.pictl.types.k3s;

import dev.pictl.config.Config;
import dev.pictl.config.NodeText;
import dev.pictl.diag.Diagnostics;
import dev.pictl.diag.SourceRange;
import dev.pictl.resource.ResourceInstance;
import dev.pictl.resource.Value;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The {@code config} passthrough of k3s_server and k3s_agent: keys have k3s's flag-name shape and are none of the
 * keys pictl manages itself (compared after normalising case, white space, {@code _}, a trailing {@code +} and
 * k3s's aliases), and no value holds a character no node file can (NUL, an unpaired surrogate).
 */
final class K3sConfigKeys {
    /** config.yaml keys pictl writes itself; the passthrough may not override them. */
    private static final Map<String, String> MANAGED_KEYS = Map.of(
            "node-name", "pictl sets it to the node's name",
            "token", "use the token attribute of k3s_server",
            "server", "pictl points agents at their k3s_server",
            "docker", "use a runtime block with engine = \"docker\"",
            "disable", "use the disable attribute of k3s_server");
    /** Other spellings k3s reads as a managed flag: its short aliases and the file form of the token. */
    private static final Map<String, String> ALIASES = Map.of("t", "token", "token-file", "token",
            "cluster-secret", "token", "s", "server");
    /** A k3s flag name without its "--": k3s reads each config.yaml key as --KEY (one letter: -K, an alias). */
    private static final Pattern FLAG_KEY = Pattern.compile("[a-z0-9][a-z0-9-]*[a-z0-9]\\+?");
    private final Config config;
    private final Diagnostics diags;

    K3sConfigKeys(Config config, Diagnostics diags) {
        this.config = config;
        this.diags = diags;
    }

    /**
     * The config passthrough: every key a k3s flag name that pictl does not manage, every value writable. k3s reads
     * config.yaml keys as {@code --KEY} (urfave/cli; a one-letter key as the short alias {@code -K}, a trailing
     * {@code +} appends to the same flag), so a managed key is matched in every spelling that could reach it.
     */
    void check(List<ResourceInstance> instances) {
        for (ResourceInstance i : instances) {
            if (!(i.attributes().get("config") instanceof Value.MapVal m)) {
                continue;
            }
            for (Map.Entry<String, Value> e : m.entries().entrySet()) {
                String key = e.getKey();
                SourceRange at = located(m.keyRanges().get(key), m.range());
                String canonical = normalisedKey(key);
                String why = MANAGED_KEYS.get(canonical);
                // A key made from a secret makes its entry sensitive: then the messages never quote it.
                boolean secret = e.getValue().holdsSensitive();
                String shown = secret ? "(sensitive value)" : NodeText.show(key);
                if (why != null) {
                    diags.error(at, "config key " + shown + " is managed by pictl",
                            (key.equals(canonical) || secret ? "" : "k3s would take it for its \"" + canonical
                                    + "\" flag. ") + "Remove it from config of " + i.address().block() + ": " + why + ".");
                    continue;
                }
                if (!FLAG_KEY.matcher(key).matches()) {
                    String hint = FLAG_KEY.matcher(canonical).matches() && !secret ? " Did you mean \"" + canonical
                            + "\"?" : "";
                    diags.error(at, "config key " + shown + " is not a k3s flag name",
                            "k3s reads each key of config.yaml as the command-line flag --KEY, so a key is a flag's "
                                    + "name without \"--\": lower-case letters, digits and \"-\", at least two "
                                    + "characters, optionally ending in \"+\" (append), e.g. \"node-label\" or "
                                    + "\"kubelet-arg\"." + hint);
                    continue;
                }
                configValue(key, e.getValue(), at);
            }
        }
    }

    /** A managed key's name however it is spelled: trimmed, lower case, "_" as "-", no "+", aliases resolved. */
    static String normalisedKey(String key) {
        String k = key.strip().toLowerCase(Locale.ROOT).replace('_', '-');
        while (k.endsWith("+")) {
            k = k.substring(0, k.length() - 1).strip();
        }
        return ALIASES.getOrDefault(k, k);
    }

    private void configValue(String key, Value v, SourceRange fallback) {
        SourceRange at = located(v.range(), fallback);
        if (v instanceof Value.ListVal l) {
            l.items().forEach(item -> configValue(key, item, at));
        } else if (v instanceof Value.Str s) {
            int bad = NodeText.firstUnwritable(s.value(), false);
            if (bad >= 0) {
                diags.error(at, "the value of config key " + (v.holdsSensitive() ? "(sensitive value)" : "\"" + key + "\"")
                        + " holds " + (v.holdsSensitive() ? "a character a node file cannot hold" : NodeText.describe(s.value(), bad)),
                        "k3s hands every config.yaml value to its components as a command-line argument, a C "
                                + "string that a NUL would cut short, and UTF-8 has no form for an unpaired "
                                + "surrogate. Remove the character"
                                + (v.sensitive() ? " (the value comes from a sensitive variable and is not shown)." : "."));
            }
        }
    }

    /** A value's own range when it is in a file of the description, else where it is used (a --var's map). */
    private SourceRange located(SourceRange r, SourceRange fallback) {
        return config.located(r, fallback);
    }
}
