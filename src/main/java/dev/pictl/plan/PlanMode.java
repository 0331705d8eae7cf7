package dev.pictl.plan;

/** What kind of plan. */
public enum PlanMode {
    /** Make the nodes match the description. */
    NORMAL("normal"),
    /** Remove everything in the state. */
    DESTROY("destroy"),
    /** Change nothing on nodes; record what changed outside pictl into the state. */
    REFRESH_ONLY("refresh-only");

    private final String jsonName;

    PlanMode(String jsonName) {
        this.jsonName = jsonName;
    }

    public String jsonName() {
        return jsonName;
    }
}
