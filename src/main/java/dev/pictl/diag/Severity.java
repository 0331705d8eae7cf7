package dev.pictl.diag;

/** How bad a diagnostic is. Errors stop the command; warnings are shown and the command goes on. */
public enum Severity {
    ERROR("error", "Error"),
    WARNING("warning", "Warning");

    private final String jsonName;
    private final String title;

    Severity(String jsonName, String title) {
        this.jsonName = jsonName;
        this.title = title;
    }

    /** The name used in JSON output ({@code "error"}, {@code "warning"}). */
    public String jsonName() {
        return jsonName;
    }

    /** The word that heads the human rendering ({@code Error:}). */
    public String title() {
        return title;
    }
}
