package dev.pictl.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "pictl", mixinStandardHelpOptions = true, versionProvider = PictlCommand.Version.class,
        description = {"Build and keep a Raspberry Pi k3s cluster from a written description:",
                "plan what would change on which board, apply only that, and catch drift."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:error (including bad usage)",
                "2:changes present (plan --detailed-exitcode), drift found or diagnose found something",
                "3:drift: a node could not be reached; fmt -check: a file is not formatted"})
final class PictlCommand implements Callable<Integer> {
    /**
     * The subcommands, in the order --help lists them. Not in the annotation: Cli adds them, the one a run names
     * alone (picocli inspects each class by reflection; issue 17, start-up).
     */
    static final List<Class<?>> SUBCOMMANDS = List.of(ValidateCommand.class, FmtCommand.class, PlanCommand.class,
            ApplyCommand.class, ShowCommand.class, GraphCommand.class, StateCommand.class, ImportCommand.class,
            DriftCommand.class, DiagnoseCommand.class, KubeconfigCommand.class, BackupCommand.class, RestoreCommand.class,
            SimCommand.class, CompletionCommand.class,
            VersionCommand.class);

    @Spec
    CommandSpec spec;

    private final CliContext ctx;

    PictlCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(ctx.err());
        ctx.err().flush();
        return ExitCode.ERROR;
    }

    static final class Version implements picocli.CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"pictl " + VersionCommand.version()};
        }
    }
}
