package dev.pictl.plan;

import java.util.List;

/** What a plan does to one resource. */
public enum Action {
    NO_OP("no-op", " "),
    CREATE("create", "+"),
    UPDATE("update", "~"),
    REPLACE("replace", "-/+"),
    DELETE("delete", "-");

    private final String jsonName;
    private final String symbol;

    Action(String jsonName, String symbol) {
        this.jsonName = jsonName;
        this.symbol = symbol;
    }

    public String jsonName() {
        return jsonName;
    }

    /** The symbol of the human plan: {@code +}, {@code ~}, {@code -/+}, {@code -}. */
    public String symbol() {
        return symbol;
    }

    /** Terraform's {@code change.actions} list: a replacement is delete then create. */
    public List<String> terraformActions() {
        return switch (this) {
            case NO_OP -> List.of("no-op");
            case CREATE -> List.of("create");
            case UPDATE -> List.of("update");
            case REPLACE -> List.of("delete", "create");
            case DELETE -> List.of("delete");
        };
    }
}
