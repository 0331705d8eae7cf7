package dev.pictl.addr;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A rule that tells {@code pictl drift} to leave known noise out: by resource address and attribute, or a node's
 * health finding by its code. Written in a description's {@code drift { ignore = [...] }} or with
 * {@code --ignore RULE}:
 *
 * <pre>
 *   k3s_agent.workers.version                 the version attribute of every k3s_agent.workers instance
 *   k3s_agent.workers["pi-worker-2"].version  that attribute of one instance ([pi-worker-2] also works)
 *   k3s_agent.workers["pi-worker-2"]          every drift of that instance, its deletion included
 *   node.*.hosts_entry                        that attribute of every node
 *   health.pi-worker-1.sd_card_boot           one health finding of one node
 *   health.*.sd_card_boot                     that finding on every node
 * </pre>
 *
 * A rule without an attribute covers the whole resource; a rule with one covers only that attribute, so a
 * resource that vanished is still reported unless a rule names the resource itself.
 *
 * @param text      the rule as written
 * @param type      the resource type, or {@link #HEALTH}
 * @param name      the block name (for health: the node), or {@code *} for any
 * @param key       the instance key, or null for every instance of the block
 * @param attribute the attribute (for health: the finding's code), or null for all of them
 */
public record IgnoreRule(String text, String type, String name, String key, String attribute) {
    /** The pseudo-type of health findings. */
    public static final String HEALTH = "health";
    /** Any name. */
    public static final String ANY = "*";

    private static final Pattern FORM = Pattern.compile(
            "([a-z_][a-z0-9_]*)\\.(\\*|[A-Za-z_][A-Za-z0-9_-]*)(?:\\[(?:\"([^\"]*)\"|([^\\]\"]*))\\])?"
                    + "(?:\\.([A-Za-z_][A-Za-z0-9_-]*))?");

    public IgnoreRule {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(name, "name");
    }

    /**
     * Parses a rule.
     *
     * @throws IllegalArgumentException with a message fit for a user when the text is not a rule
     */
    public static IgnoreRule parse(String text) {
        Matcher m = FORM.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("\"" + text + "\" is not an ignore rule: write ADDRESS or "
                    + "ADDRESS.ATTRIBUTE (k3s_agent.workers.version, node.*.hostname, "
                    + "k3s_agent.workers[\"pi-worker-2\"]) or health.NODE.CODE (health.*.sd_card_boot)");
        }
        String key = m.group(3) != null ? m.group(3) : m.group(4);
        if (key != null && key.isEmpty()) {
            throw new IllegalArgumentException("\"" + text + "\" has an empty [ ] key: leave the brackets out to "
                    + "cover every instance");
        }
        if (m.group(1).equals(HEALTH) && key != null) {
            throw new IllegalArgumentException("\"" + text + "\": a health rule is health.NODE or health.NODE.CODE, "
                    + "without brackets");
        }
        return new IgnoreRule(text.trim(), m.group(1), m.group(2), key, m.group(5));
    }

    public boolean isHealth() {
        return type.equals(HEALTH);
    }

    /** Whether the rule covers this resource's drift in {@code attribute} (null: the resource as a whole). */
    public boolean covers(ResourceAddress address, String attribute) {
        if (isHealth() || !type.equals(address.type()) || !(name.equals(ANY) || name.equals(address.name()))) {
            return false;
        }
        if (key != null && !key.equals(address.key())) {
            return false;
        }
        return this.attribute == null || this.attribute.equals(attribute);
    }

    /** Whether the rule covers a node's health finding. */
    public boolean coversHealth(String node, String code) {
        return isHealth() && (name.equals(ANY) || name.equals(node)) && (attribute == null || attribute.equals(code));
    }

    @Override
    public String toString() {
        return text;
    }
}
