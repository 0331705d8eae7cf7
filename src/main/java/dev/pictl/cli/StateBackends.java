package dev.pictl.cli;

import dev.pictl.config.Config;
import dev.pictl.config.ConfigLoader;
import dev.pictl.config.LoadResult;
import dev.pictl.config.VariableInputs;
import dev.pictl.engine.Pictl;
import dev.pictl.state.StateBackend;
import dev.pictl.state.StateException;
import dev.pictl.types.ResourceTypes;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the state is for a command that does not plan ({@code state ...}, {@code show}): the description's
 * {@code state} block if there is a description and it has one, else the local file. Only the block matters here:
 * other mistakes in the description do not stop a look at the state.
 */
final class StateBackends {
    private StateBackends() {
    }

    static StateBackend of(CliContext ctx, Path configPath, Path statePath) throws StateException {
        Config config = null;
        if (Files.exists(configPath)) {
            LoadResult load = ConfigLoader.load(configPath, VariableInputs.none(), ResourceTypes.standard().catalog());
            config = load.config();
        }
        return Pictl.stateBackend(config, configPath, statePath, ctx.env());
    }
}
