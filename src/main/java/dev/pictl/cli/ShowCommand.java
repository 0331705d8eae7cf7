package dev.pictl.cli;

import dev.pictl.cli.view.PlanView;
import dev.pictl.engine.Version;
import dev.pictl.io.BoundedFiles;
import dev.pictl.plan.Plan;
import dev.pictl.plan.PlanCodec;
import dev.pictl.state.ResourceState;
import dev.pictl.state.State;
import dev.pictl.state.StateException;
import dev.pictl.state.StateBackend;
import dev.pictl.state.StateStore;
import dev.pictl.state.pg.PgBackend;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "show", mixinStandardHelpOptions = true,
        description = "Show a saved plan (pictl plan --out FILE), or without one the state.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:shown", "1:the plan or state file cannot be read, or bad usage"})
final class ShowCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin
    CommonOptions common;

    @Option(names = "--state", paramLabel = "PATH",
            description = "The state file (default: pictl.state.json beside the configuration).")
    Path state;

    /**
     * What {@code show --json} prints when there is no state yet: a document of the state's format with serial 0, no
     * lineage and no resources (schema/state.schema.json's "no state" form; never a file), rather than a bare
     * {@code {}} that a reader of the schema cannot take.
     */
    static final String NO_STATE = "{\n  \"format_version\": 1,\n  \"pictl_version\": \"" + Version.current()
            + "\",\n  \"serial\": 0,\n  \"lineage\": null,\n  \"resources\": []\n}\n";

    @Option(names = "--json", description = "JSON: a plan as schema/plan.schema.json, the state as schema/state.schema.json.")
    boolean json;

    @Parameters(arity = "0..1", paramLabel = "PLANFILE", description = "A plan saved with pictl plan --out.")
    Path planFile;

    ShowCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        if (planFile != null) {
            Path file = ctx.workDir().resolve(planFile);
            Plan plan;
            try {
                plan = PlanCodec.read(BoundedFiles.readString(file, BoundedFiles.Kind.PLAN));
            } catch (IOException | RuntimeException e) {
                String why = e instanceof IOException io ? BoundedFiles.reason(io) : e.getMessage();
                ctx.err().println("Error: cannot read the plan " + planFile + ": " + why);
                ctx.err().flush();
                return ExitCode.ERROR;
            }
            ctx.out().print(json ? PlanCodec.write(plan) : new PlanView(common.color(ctx)).render(plan));
            ctx.out().flush();
            return ExitCode.OK;
        }
        Path path = state != null ? ctx.workDir().resolve(state) : StateStore.defaultPath(common.configPath(ctx));
        try {
            StateBackend backend = StateBackends.of(ctx, common.configPath(ctx), state == null ? null : path);
            State read = backend.read(); // refuses a corrupt or newer state before anything is shown
            if (json && backend instanceof PgBackend pg) {
                ctx.out().print(read.exists() ? pg.pull().map(PgBackend.Pulled::text).orElse(NO_STATE) : NO_STATE);
            } else if (json) {
                ctx.out().print(read.exists() ? BoundedFiles.readString(path, BoundedFiles.Kind.STATE) : NO_STATE);
            } else {
                State s = read;
                if (s.resources().isEmpty()) {
                    ctx.out().println("The state is empty: no resources are managed yet.");
                }
                for (ResourceState r : s.resources()) {
                    ctx.out().print(StateCommand.render(r));
                    ctx.out().println();
                }
                if (!s.unmanaged().isEmpty()) {
                    // What state rm took out of management (issue 19): the next plan lists them as not managed.
                    ctx.out().println("# Not managed (pictl state rm; pictl import manages one again):");
                    s.unmanaged().forEach(a -> ctx.out().println("#   " + a));
                }
            }
            ctx.out().flush();
            return ExitCode.OK;
        } catch (StateException e) {
            return StateCommand.fail(ctx, common.color(ctx), e.diagnostic());
        } catch (IOException e) {
            ctx.err().println("Error: cannot read " + path + ": " + e.getMessage());
            ctx.err().flush();
            return ExitCode.ERROR;
        }
    }
}
