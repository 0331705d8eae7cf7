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
    /**
     * A reference to a block of the type the attribute names ({@link AttributeSchema#refersTo()}): {@code server =
     * k3s_server.control}. Node references have their own types: the node is the language's anchor.
     */
    REF("reference to a block of a named type (TYPE.NAME)"),
    /** {@code depends_on}: references to resources or blocks of any type. */
    REF_LIST("list of resource references");

    private final String description;

    AttrType(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }
}
