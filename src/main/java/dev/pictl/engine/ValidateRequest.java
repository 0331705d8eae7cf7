package dev.pictl.engine;

import dev.pictl.config.VariableInputs;
import java.nio.file.Path;
import java.util.Objects;

/** What {@code pictl validate} and {@code pictl graph} need: the configuration location and variable inputs. */
public record ValidateRequest(Path config, VariableInputs variables) {
    public ValidateRequest {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(variables, "variables");
    }
}
