package dev.pictl.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "completion", mixinStandardHelpOptions = true,
        description = {"Print a shell completion script for pictl: every command, subcommand and option, and the "
                + "values of options that have a fixed set (made by picocli's AutoComplete from the command tree).",
                "bash: source it, or save it as ~/.local/share/bash-completion/completions/pictl. zsh: the same "
                        + "script, through zsh's bashcompinit (it loads compinit and bashcompinit when they are not "
                        + "loaded yet): source it from ~/.zshrc. install.sh installs both."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:printed", "1:bad usage"})
final class CompletionCommand implements Callable<Integer> {
    /** The shells the script is for. */
    enum Shell { bash, zsh }

    private final CliContext ctx;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "SHELL", description = "bash or zsh.")
    Shell shell;

    CompletionCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        ctx.out().print(script(spec.root().commandLine(), shell));
        ctx.out().flush();
        return ExitCode.OK;
    }

    /** The script for {@code shell}; zsh runs the bash script through bashcompinit, which picocli's script sets up. */
    static String script(picocli.CommandLine root, Shell shell) {
        String bash = AutoComplete.bash("pictl", root);
        if (shell == Shell.bash) {
            return bash;
        }
        // Sourced (not autoloaded from fpath): the script registers itself through bashcompinit when it runs.
        return "# pictl completion for zsh: picocli's script, run through zsh's bashcompinit.\n"
                + "# Source it from ~/.zshrc: source <(pictl completion zsh)\n" + bash.replaceFirst("^#!/usr/bin/env bash\n", "");
    }
}
