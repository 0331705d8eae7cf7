package dev.pictl.config;

import java.util.Map;

/**
 * Values for variables from outside the configuration.
 *
 * @param cli           {@code --var name=value} pairs (win over everything)
 * @param environment   the process environment; {@code PICTL_VAR_name} entries are used
 * @param requireValues whether a variable with no value is an error ({@code plan}, {@code apply}) or an
 *                      unknown value that passes type checks ({@code validate}, {@code graph})
 */
public record VariableInputs(Map<String, String> cli, Map<String, String> environment, boolean requireValues) {
    public VariableInputs {
        cli = Map.copyOf(cli);
        environment = Map.copyOf(environment);
    }

    public static VariableInputs none() {
        return new VariableInputs(Map.of(), Map.of(), false);
    }
}
