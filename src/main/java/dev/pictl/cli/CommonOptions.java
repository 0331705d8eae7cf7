package dev.pictl.cli;

import dev.pictl.config.VariableInputs;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Help.Ansi;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Options shared by commands that read a configuration. */
public final class CommonOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = {"-c", "--config"}, paramLabel = "PATH",
            description = "Configuration: a .hcl file or a directory of them (default: the current directory).")
    Path config;

    @Option(names = "--var", paramLabel = "NAME=VALUE",
            description = "Set a variable (repeatable). Also PICTL_VAR_NAME and a .pivars file.")
    List<String> vars = List.of();

    @Option(names = "--no-color", description = "No colour in output (also when NO_COLOR is set).")
    boolean noColor;

    Path configPath(CliContext ctx) {
        return config == null ? ctx.workDir() : ctx.workDir().resolve(config);
    }

    VariableInputs variables(CliContext ctx, boolean requireValues) {
        Map<String, String> cli = new LinkedHashMap<>();
        for (String v : vars) {
            int eq = v.indexOf('=');
            if (eq <= 0) {
                throw new ParameterException(spec.commandLine(),
                        "Invalid --var '" + v + "': expected NAME=VALUE, e.g. --var k3s_token=secret");
            }
            cli.put(v.substring(0, eq), v.substring(eq + 1));
        }
        return new VariableInputs(cli, ctx.env(), requireValues);
    }

    /** Colour only on a terminal, never with --no-color or NO_COLOR (picocli's AUTO honours NO_COLOR). */
    boolean color(CliContext ctx) {
        return !noColor && !ctx.env().containsKey("NO_COLOR") && Ansi.AUTO.enabled();
    }
}
