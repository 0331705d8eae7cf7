package dev.pictl.cli;

import dev.pictl.cli.view.DiagnosticsView;
import dev.pictl.cli.view.PlanView;
import dev.pictl.engine.Pictl;
import dev.pictl.engine.PlanRunResult;
import dev.pictl.engine.RefreshResult;
import dev.pictl.plan.Plan;
import dev.pictl.plan.PlanMode;
import dev.pictl.plan.PlanRequest;
import dev.pictl.state.StateException;
import dev.pictl.state.StateStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code pictl apply}. In this version only {@code --refresh-only} is available: it records what changed outside
 * pictl into the state without touching a node. Applying changes to nodes is not built yet and says so.
 */
@Command(name = "apply", mixinStandardHelpOptions = true,
        description = {"Make the nodes match the description. In this version only --refresh-only is available: it "
                + "records changes made outside pictl into the state without touching any node."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:applied (or nothing to do)", "1:error, not approved, or bad usage"})
final class ApplyCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin
    CommonOptions common;

    @Mixin
    NodeOptions nodes;

    @Option(names = "--refresh-only", description = "Record what changed outside pictl into the state; change no node.")
    boolean refreshOnly;

    @Option(names = "--auto-approve", description = "Do not ask for confirmation.")
    boolean autoApprove;

    ApplyCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        if (!refreshOnly) {
            ctx.err().println("Error: applying changes to nodes is not available in this version of pictl.");
            ctx.err().println("Use 'pictl plan' to see what would change, or 'pictl apply --refresh-only' to record "
                    + "changes made outside pictl into the state.");
            ctx.err().flush();
            return ExitCode.ERROR;
        }
        boolean color = common.color(ctx);
        PlanRunResult r = PlanCommand.run(ctx, common, nodes, new PlanRequest(PlanMode.REFRESH_ONLY, List.of(), List.of()));
        DiagnosticsView.text(r.diagnostics(), r.sources(), color, ctx.err());
        if (r.plan() == null || r.plan().hasErrors()) {
            if (r.plan() != null) {
                ctx.out().print(new PlanView(color).render(r.plan()));
            }
            ctx.err().println();
            ctx.err().println("Nothing recorded: the refresh has errors.");
            ctx.err().flush();
            return ExitCode.ERROR;
        }
        Plan plan = r.plan();
        ctx.out().print(new PlanView(color).render(plan));
        if (!plan.hasChanges()) {
            ctx.out().flush();
            return ExitCode.OK;
        }
        if (!autoApprove && !confirm()) {
            ctx.err().println("Error: apply cancelled; nothing was recorded.");
            ctx.err().flush();
            return ExitCode.ERROR;
        }
        Path statePath = nodes.statePath(ctx) != null ? nodes.statePath(ctx) : StateStore.defaultPath(common.configPath(ctx));
        try {
            RefreshResult done = new Pictl().recordDrift(plan, statePath, "pictl apply --refresh-only");
            ctx.out().println();
            ctx.out().println("Apply complete! Recorded " + done.updated().size() + " changed and " + done.removed().size()
                    + " deleted resource(s) into the state (serial " + done.serial() + "). No node was changed.");
            ctx.out().flush();
            return ExitCode.OK;
        } catch (StateException e) {
            return StateCommand.fail(ctx, color, e.diagnostic());
        }
    }

    private boolean confirm() {
        ctx.out().println();
        ctx.out().println("Do you want to record these changes in the state?");
        ctx.out().println("  Only 'yes' will be accepted to approve.");
        ctx.out().print("\n  Enter a value: ");
        ctx.out().flush();
        try {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line = in.readLine();
            return "yes".equals(line == null ? null : line.trim());
        } catch (IOException e) {
            return false;
        }
    }
}
