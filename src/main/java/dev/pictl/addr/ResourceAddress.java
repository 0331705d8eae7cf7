package dev.pictl.addr;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The address of one resource instance: {@code type.name}, or {@code type.name["key"]} for an instance of a
 * block expanded over {@code nodes} (the key is the node's name).
 */
public record ResourceAddress(String type, String name, String key) implements Comparable<ResourceAddress> {
    private static final Pattern FORM = Pattern.compile(
            "([A-Za-z_][A-Za-z0-9_]*)\\.([A-Za-z_][A-Za-z0-9_-]*)(?:\\[\"([^\"]*)\"\\])?");

    public ResourceAddress {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(name, "name");
    }

    public static ResourceAddress of(String type, String name) {
        return new ResourceAddress(type, name, null);
    }

    public static ResourceAddress of(String type, String name, String key) {
        return new ResourceAddress(type, name, key);
    }

    /** Parses {@code type.name} or {@code type.name["key"]}; empty when the text is not an address. */
    public static Optional<ResourceAddress> parse(String text) {
        Matcher m = FORM.matcher(text.trim());
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new ResourceAddress(m.group(1), m.group(2), m.group(3)));
    }

    /** The block this instance comes from: the same address without the key. */
    public ResourceAddress block() {
        return key == null ? this : new ResourceAddress(type, name, null);
    }

    public boolean hasKey() {
        return key != null;
    }

    @Override
    public int compareTo(ResourceAddress o) {
        int c = type.compareTo(o.type);
        if (c == 0) {
            c = name.compareTo(o.name);
        }
        if (c == 0) {
            c = key == null ? (o.key == null ? 0 : -1) : (o.key == null ? 1 : key.compareTo(o.key));
        }
        return c;
    }

    @Override
    public String toString() {
        return key == null ? type + "." + name : type + "." + name + "[\"" + key + "\"]";
    }
}
