package dev.pictl.resource;

import java.util.List;
import java.util.Objects;

/**
 * One attribute of a block type.
 *
 * @param name              the attribute name as written in HCL (public contract: renaming breaks users)
 * @param type              the value's type
 * @param required          whether the block must set it
 * @param forcesReplacement whether changing it replaces the resource instead of updating it in place
 * @param sensitive         whether its value is a secret: never shown, never stored in clear
 * @param defaultValue      the value when not set (shown in docs), or null
 * @param check             a value rule beyond the type
 * @param allowed           for enumerations, the allowed string values (case-sensitive); empty otherwise
 * @param doc               one or two sentences for {@code docs/resources.md}
 * @param refersTo          for {@link AttrType#REF}, the type of block it refers to; null otherwise
 */
public record AttributeSchema(String name, AttrType type, boolean required, boolean forcesReplacement,
                              boolean sensitive, Object defaultValue, Check check, List<String> allowed, String doc,
                              String refersTo) {
    public AttributeSchema {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(check, "check");
        allowed = List.copyOf(allowed);
        Objects.requireNonNull(doc, "doc");
        if ((type == AttrType.REF) != (refersTo != null)) {
            throw new IllegalArgumentException(name + ": a REF attribute names the type it refers to, no other does");
        }
    }

    /** The type of block a reference must point at ({@code node} for node references), or null. */
    public String refTarget() {
        return switch (type) {
            case NODE_REF, NODE_REF_LIST -> Schemas.NODE_TYPE;
            case REF -> refersTo;
            case STRING, NUMBER, BOOL, STRING_LIST, MAP, ANY, REF_LIST -> null;
        };
    }

    /** The value's type in words, for messages and docs: "reference to a k3s_server (k3s_server.NAME)". */
    public String typeDescription() {
        return type == AttrType.REF ? "reference to a " + refersTo + " (" + refersTo + ".NAME)" : type.description();
    }

    /** Starts a builder for an optional, in-place, non-sensitive attribute. */
    public static Builder attr(String name, AttrType type) {
        return new Builder(name, type);
    }

    /** Fluent builder; the schema table in {@link Schemas} reads better with it. */
    public static final class Builder {
        private final String name;
        private final AttrType type;
        private boolean required;
        private boolean forcesReplacement;
        private boolean sensitive;
        private Object defaultValue;
        private Check check = Check.NONE;
        private List<String> allowed = List.of();
        private String refersTo;

        private Builder(String name, AttrType type) {
            this.name = name;
            this.type = type;
        }

        public Builder required() {
            required = true;
            return this;
        }

        public Builder forcesReplacement() {
            forcesReplacement = true;
            return this;
        }

        public Builder sensitive() {
            sensitive = true;
            return this;
        }

        public Builder defaultValue(Object v) {
            defaultValue = v;
            return this;
        }

        public Builder check(Check c) {
            check = c;
            return this;
        }

        /** For a {@link AttrType#REF}: the type of block the attribute refers to. */
        public Builder refersTo(String type) {
            refersTo = type;
            return this;
        }

        public Builder oneOf(String... values) {
            allowed = List.of(values);
            return this;
        }

        public AttributeSchema doc(String doc) {
            return new AttributeSchema(name, type, required, forcesReplacement, sensitive, defaultValue, check, allowed, doc,
                    refersTo);
        }
    }
}
