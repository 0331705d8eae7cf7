package dev.pictl.cli;

import dev.pictl.apply.ApplyOptions;
import dev.pictl.apply.ApplyResult;
import dev.pictl.types.ResourceTypes;
import dev.pictl.apply.Outcome;
import dev.pictl.cli.view.DiagnosticsView;
import dev.pictl.cli.view.PlanView;
import dev.pictl.cli.view.ProgressView;
import dev.pictl.diag.Diagnostics;
import dev.pictl.diag.TerminalText;
import dev.pictl.engine.ApplyRunRequest;
import dev.pictl.engine.ApplyRunResult;
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
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help.Ansi;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "apply", mixinStandardHelpOptions = true,
        description = {"Make the nodes match the description: plans (or takes a saved plan), asks, then changes only "
                + "what the plan says, in dependency order, saving the state after every resource.",
                "With --refresh-only: records changes made outside pictl into the state and touches no node."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:applied, or nothing to do", "1:error, a failed resource, a stale saved plan, not approved, "
                + "or bad usage"})
final class ApplyCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    NodeOptions nodes;

    @Parameters(arity = "0..1", paramLabel = "PLANFILE", description = "A plan saved with pictl plan --out: applied "
            + "exactly, without asking, unless it is stale.")
    Path planFile;

    @Option(names = "--auto-approve", description = "Do not ask for confirmation.")
    boolean autoApprove;

    @Option(names = "--refresh-only", description = "Record what changed outside pictl into the state; change no node.")
    boolean refreshOnly;

    @Option(names = "--target", paramLabel = "ADDR", description = "Only this resource (and what it depends on); repeatable.")
    List<String> targets = List.of();

    @Option(names = "--replace", paramLabel = "ADDR", description = "Replace this resource even if unchanged; repeatable.")
    List<String> replace = List.of();

    @Option(names = "--upgrade-os", description = "Also install the pending OS updates of the nodes with an os_updates "
            + "block, rolling: servers first, --max-unavailable nodes at a time (docs/os-updates.md).")
    boolean upgradeOs;

    @Option(names = "--destroy", description = "Destroy everything in the state.")
    boolean destroy;

    @Option(names = "--allow-data-loss", description = "Allow deleting or replacing a Bound PV, or one whose directory "
            + "holds data.")
    boolean allowDataLoss;

    @Option(names = "--max-unavailable", paramLabel = "N", defaultValue = "1",
            description = "Nodes already in the cluster rebooted or upgraded at once (default: ${DEFAULT-VALUE}).")
    int maxUnavailable;

    @Option(names = "--reboot-timeout", paramLabel = "SECONDS", defaultValue = "600",
            description = "How long to wait for a rebooted node to come back (default: ${DEFAULT-VALUE}).")
    long rebootTimeoutSeconds;

    @Option(names = "--k3s-start-timeout", paramLabel = "SECONDS", defaultValue = "300",
            description = "How long to wait for a k3s unit to become active (default: ${DEFAULT-VALUE}).")
    long k3sStartTimeoutSeconds;

    @Option(names = "--lock-timeout", paramLabel = "DURATION", defaultValue = "0s",
            description = "Wait this long for another run's state lock (e.g. 30s, 2m; default: ${DEFAULT-VALUE}: fail "
                    + "at once).")
    String lockTimeout;

    /** Whether the plan's warnings were printed before the approval (not to be printed again in the summary). */
    private boolean warningsShown;

    /** Set while the apply runs: the approval prompt marks itself there. */
    private volatile Interrupts interrupts;

    ApplyCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        nodes.checkRanges(spec);
        OptionRanges.require(spec, "--max-unavailable", maxUnavailable, 1, OptionRanges.MAX_UNAVAILABLE, "");
        OptionRanges.seconds(spec, "--reboot-timeout", rebootTimeoutSeconds);
        OptionRanges.seconds(spec, "--k3s-start-timeout", k3sStartTimeoutSeconds);
        if (refreshOnly) {
            return refreshOnly();
        }
        if (destroy && planFile != null) {
            throw new ParameterException(spec.commandLine(), "--destroy cannot be used with a saved plan");
        }
        if (upgradeOs && (destroy || planFile != null)) {
            throw new ParameterException(spec.commandLine(), "--upgrade-os cannot be used with "
                    + (destroy ? "--destroy" : "a saved plan (make it with pictl plan --upgrade-os --out FILE)"));
        }
        boolean color = common.color(ctx);
        PlanMode mode = destroy ? PlanMode.DESTROY : PlanMode.NORMAL;
        PlanRequest planRequest = new PlanRequest(mode, PlanCommand.addresses(spec, targets, "--target"),
                PlanCommand.addresses(spec, replace, "--replace"), upgradeOs);
        AtomicBoolean cancelled = new AtomicBoolean();
        ApplyOptions options = new ApplyOptions(nodes.parallelism, maxUnavailable, Duration.ofSeconds(rebootTimeoutSeconds),
                Duration.ofSeconds(k3sStartTimeoutSeconds), Duration.ofMinutes(10), allowDataLoss,
                StateCommand.duration(lockTimeout, spec));
        ProgressView progress = new ProgressView(ctx.out(), color && Ansi.AUTO.enabled());
        ApplyRunRequest request = new ApplyRunRequest(PlanCommand.request(ctx, common, nodes, planRequest, true,
                Duration.ofSeconds(rebootTimeoutSeconds)),
                planFile == null ? null
                : ctx.workDir().resolve(planFile), options, ResourceTypes.standard().executors(), (plan, sources) -> approve(plan, sources, color),
                progress, cancelled);
        ApplyRunResult r;
        try (Interrupts signals = Interrupts.install(cancelled, text -> progress.notice(ctx.err(), text));
             ProgressView view = progress) {
            interrupts = signals;
            view.start();
            r = new Pictl().apply(request);
        } finally {
            interrupts = null;
        }
        return report(r, color);
    }

    private int report(ApplyRunResult r, boolean color) {
        DiagnosticsView.text(r.diagnostics(), r.sources(), color, ctx.err());
        if (r.plan() == null) {
            ctx.err().println();
            ctx.err().println("Nothing applied: " + DiagnosticsView.summary(r.diagnostics()));
            ctx.err().flush();
            return ExitCode.ERROR;
        }
        Plan plan = r.plan();
        if (plan.hasErrors()) {
            Diagnostics d = new Diagnostics();
            d.addAll(plan.diagnostics());
            DiagnosticsView.text(d, r.sources(), color, ctx.err());
            ctx.out().print(new PlanView(color).render(plan));
            ctx.out().flush();
            ctx.err().println();
            ctx.err().println("Nothing applied: the plan has errors.");
            ctx.out().flush();
            ctx.err().flush();
            return ExitCode.ERROR;
        }
        if (!r.approved()) {
            ctx.err().println("Apply cancelled: nothing was changed.");
            ctx.err().flush();
            return ExitCode.ERROR;
        }
        ApplyResult result = r.result();
        if (result == null) {
            if (!warningsShown) {
                Diagnostics d = new Diagnostics();
                d.addAll(plan.diagnostics());
                DiagnosticsView.text(d, r.sources(), color, ctx.err());
            }
            ctx.out().print(new PlanView(color).render(plan));
            ctx.out().flush();
            return ExitCode.OK;
        }
        ctx.out().println();
        String sim = nodes.sim.flag(ctx, common.configPath(ctx));
        for (Outcome.Failed f : result.failures()) {
            ctx.err().println("Error: " + TerminalText.escapeKeepingLines(SimOptions.suggesting(f.error().getMessage(), sim)));
            if (!f.error().hint().isEmpty()) {
                ctx.err().println("  " + TerminalText.escapeKeepingLines(SimOptions.suggesting(f.error().hint(), sim)));
            }
            ctx.err().println();
        }
        List<Outcome.Skipped> skipped = result.skipped();
        if (!skipped.isEmpty()) {
            ctx.err().println("Skipped " + skipped.size() + (skipped.size() == 1 ? " resource" : " resources") + ":");
            for (Outcome.Skipped s : skipped) {
                ctx.err().println("  " + s.address() + " (" + TerminalText.escape(s.why()) + ")");
            }
            ctx.err().println();
        }
        boolean complete = complete(result);
        (complete ? ctx.out() : ctx.err()).println(closing(result, PlanCommand.again(ctx, common, nodes)));
        ctx.out().flush();
        ctx.err().flush();
        return complete ? ExitCode.OK : ExitCode.ERROR;
    }

    /**
     * Whether everything the plan asked for was done: every change succeeded, or Ctrl-C came only after the last one
     * had started (the walk lets running changes finish), so nothing was failed or skipped.
     */
    static boolean complete(ApplyResult result) {
        return result.ok() || result.interrupted() && result.failures().isEmpty() && result.skipped().isEmpty();
    }

    /** The summary's last line, true to what happened: done, or what failed and was skipped, and what to do. */
    static String closing(ApplyResult result, String again) {
        String counts = "Resources: " + result.added() + " added, " + result.changed() + " changed, "
                + result.destroyed() + " destroyed.";
        if (result.ok()) {
            return "Apply complete! " + counts;
        }
        if (complete(result)) {
            return "Apply complete! " + counts + " (Interrupted after the last change had started; it finished, and "
                    + "nothing was left undone.)";
        }
        return (result.interrupted() ? "Apply interrupted. " : "Apply failed. ") + counts + " "
                + result.failures().size() + " failed, " + result.skipped().size() + " skipped. The state records what "
                + "was done (serial " + result.stateSerial() + "); run pictl apply" + again + " again to finish.";
    }

    /** The plan's warnings, then the plan, then the question: every warning is read before the answer. */
    private boolean approve(Plan plan, Map<String, String> sources, boolean color) {
        warningsShown = true;
        Diagnostics warnings = new Diagnostics();
        warnings.addAll(plan.diagnostics());
        DiagnosticsView.text(warnings, sources, color, ctx.err());
        if (!warnings.isEmpty()) {
            ctx.err().println();
        }
        ctx.err().flush();
        ctx.out().print(new PlanView(color).render(plan));
        if (autoApprove) {
            ctx.out().println();
            ctx.out().flush();
            return true;
        }
        boolean yes = ask("Do you want to perform these actions?\n  pictl will perform the actions described above.");
        ctx.out().println();
        return yes;
    }

    /** Terraform's approval: the question, then only "yes" approves. */
    private boolean ask(String question) {
        // A signal from here on cancels at once (nothing has started); one that came earlier already did.
        Interrupts signals = interrupts;
        if (signals != null) {
            signals.prompting(true);
        }
        try {
            ctx.out().println();
            ctx.out().println(question);
            ctx.out().println("  Only 'yes' will be accepted to approve.");
            ctx.out().print("\n  Enter a value: ");
            ctx.out().flush();
            if (signals != null && signals.received()) {
                return false;
            }
            String answer = readLine();
            return "yes".equals(answer == null ? null : answer.trim());
        } finally {
            if (signals != null) {
                signals.prompting(false);
            }
        }
    }

    private int refreshOnly() {
        boolean color = common.color(ctx);
        PlanRunResult r = PlanCommand.run(ctx, common, nodes, new PlanRequest(PlanMode.REFRESH_ONLY, List.of(), List.of()),
                Duration.ofSeconds(rebootTimeoutSeconds));
        DiagnosticsView.text(r.diagnostics(), r.sources(), color, ctx.err());
        if (r.plan() == null || r.plan().hasErrors()) {
            if (r.plan() != null) {
                ctx.out().print(new PlanView(color, PlanCommand.again(ctx, common, nodes)).render(r.plan()));
            }
            ctx.err().println();
            ctx.err().println("Nothing recorded: the refresh has errors.");
            ctx.err().flush();
            return ExitCode.ERROR;
        }
        Plan plan = r.plan();
        ctx.out().print(new PlanView(color, PlanCommand.again(ctx, common, nodes)).render(plan));
        if (!plan.hasChanges()) {
            ctx.out().flush();
            return ExitCode.OK;
        }
        if (!autoApprove) {
            if (!ask("Do you want to record these changes in the state?")) {
                ctx.err().println("Error: apply cancelled; nothing was recorded.");
                ctx.err().flush();
                return ExitCode.ERROR;
            }
        }
        Path statePath = nodes.statePath(ctx) != null ? nodes.statePath(ctx) : StateStore.defaultPath(common.configPath(ctx));
        try {
            var store = Pictl.stateBackend(r.config(), common.configPath(ctx), nodes.statePath(ctx), ctx.env());
            RefreshResult done = store instanceof StateStore
                    ? new Pictl().recordDrift(plan, statePath, "pictl apply --refresh-only")
                    : new Pictl().recordDrift(plan, store, "pictl apply --refresh-only");
            ctx.out().println();
            ctx.out().println("Apply complete! Recorded " + done.updated().size() + " changed and " + done.removed().size()
                    + " deleted resource(s) into the state (serial " + done.serial() + "). No node was changed.");
            ctx.out().flush();
            return ExitCode.OK;
        } catch (StateException e) {
            return StateCommand.fail(ctx, color, e.diagnostic());
        }
    }

    private static String readLine() {
        try {
            return new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        } catch (IOException e) {
            return null;
        }
    }

}
