package dev.pictl.resource;

/** The type of an attribute's value, as the validator checks it and the generated schema documents it. */
public enum AttrType {
    STRING("string"),
    NUMBER("number"),
    BOOL("bool"),
    STRING_LIST("list of strings"),
    /** A map of string keys to strings, numbers, bools or lists of strings (k3s config.yaml passthrough). */
    MAP("map"),
    /** Any value (a variable's default). */
    ANY("any value"),
    NODE_REF("reference to a node (node.NAME)"),
    NODE_REF_LIST("list of node references ([node.A, node.B])"),
    SERVER_REF("reference to a k3s_server (k3s_server.NAME)"),
    STORAGE_CLASS_REF("reference to a storage_class (storage_class.NAME)"),
    /** {@code depends_on}: references to resources or blocks of any type. */
    REF_LIST("list of resource references");

    private final String description;

    AttrType(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }

    /** The resource type a reference must point at, or null for non-reference types and REF_LIST. */
    public String refTarget() {
        return switch (this) {
            case NODE_REF, NODE_REF_LIST -> "node";
            case SERVER_REF -> "k3s_server";
            case STORAGE_CLASS_REF -> "storage_class";
            case STRING, NUMBER, BOOL, STRING_LIST, MAP, ANY, REF_LIST -> null;
        };
    }
}
