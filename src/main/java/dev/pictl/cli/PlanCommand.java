package dev.pictl.cli;

import dev.pictl.addr.ResourceAddress;
import dev.pictl.cli.view.DiagnosticsView;
import dev.pictl.cli.view.PlanView;
import dev.pictl.diag.Diagnostics;
import dev.pictl.engine.Pictl;
import dev.pictl.engine.PlanRunRequest;
import dev.pictl.engine.PlanRunResult;
import dev.pictl.plan.Plan;
import dev.pictl.plan.PlanCodec;
import dev.pictl.plan.PlanMode;
import dev.pictl.plan.PlanRequest;
import dev.pictl.state.StateException;
import dev.pictl.transport.TransportSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "plan", mixinStandardHelpOptions = true,
        description = {"Show what would change on which node: probes every node (one SSH round trip each), compares "
                + "with the description and the state, and prints the plan. Never changes a node or the state."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success (with --detailed-exitcode: no changes)", "1:error, an unreachable node, or bad usage",
                "2:with --detailed-exitcode: changes present"})
final class PlanCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    NodeOptions nodes;

    @Option(names = "--json", description = "Print the plan as JSON (schema/plan.schema.json).")
    boolean json;

    @Option(names = "--out", paramLabel = "FILE", description = "Save the plan for 'pictl apply FILE' (no secrets in it).")
    Path out;

    @Option(names = "--detailed-exitcode", description = "Exit 2 when there are changes, 0 when there are none.")
    boolean detailedExitCode;

    @Option(names = "--target", paramLabel = "ADDR", description = "Only this resource (and what it depends on); repeatable.")
    List<String> targets = List.of();

    @Option(names = "--replace", paramLabel = "ADDR", description = "Replace this resource even if unchanged; repeatable.")
    List<String> replace = List.of();

    @Option(names = "--upgrade-os", description = "Plan to install the pending OS updates of the nodes with an "
            + "os_updates block (without it they are only listed; docs/os-updates.md).")
    boolean upgradeOs;

    @Option(names = "--destroy", description = "Plan to destroy everything in the state.")
    boolean destroy;

    @Option(names = "--refresh-only", description = "Only show what changed outside pictl since the last apply.")
    boolean refreshOnly;

    @Option(names = "--reboot-timeout", paramLabel = "SECONDS", defaultValue = "600",
            description = "How long to wait for a node found rebooting or shutting down (default: ${DEFAULT-VALUE}).")
    long rebootTimeoutSeconds;

    PlanCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        nodes.checkRanges(spec);
        OptionRanges.seconds(spec, "--reboot-timeout", rebootTimeoutSeconds);
        if (destroy && refreshOnly) {
            throw new ParameterException(spec.commandLine(), "--destroy and --refresh-only cannot be used together");
        }
        if (upgradeOs && (destroy || refreshOnly)) {
            throw new ParameterException(spec.commandLine(), "--upgrade-os cannot be used with "
                    + (destroy ? "--destroy" : "--refresh-only"));
        }
        PlanMode mode = destroy ? PlanMode.DESTROY : refreshOnly ? PlanMode.REFRESH_ONLY : PlanMode.NORMAL;
        PlanRequest planRequest = new PlanRequest(mode, addresses(spec, targets, "--target"), addresses(spec, replace, "--replace"),
                upgradeOs);
        PlanRunRequest runRequest = request(ctx, common, nodes, planRequest, true, Duration.ofSeconds(rebootTimeoutSeconds));
        PlanRunResult r = new Pictl().plan(runRequest);
        boolean color = common.color(ctx);
        DiagnosticsView.text(r.diagnostics(), r.sources(), color, ctx.err());
        if (r.plan() == null) {
            ctx.err().println();
            ctx.err().println("No plan: " + DiagnosticsView.summary(r.diagnostics()));
            ctx.err().flush();
            return ExitCode.ERROR;
        }
        Plan plan = r.plan();
        printPlanDiagnostics(plan, r, color);
        if (json) {
            ctx.out().print(PlanCodec.write(plan));
        } else {
            ctx.out().print(new PlanView(color, again(ctx, common, nodes)).render(plan));
        }
        if (out != null) {
            if (plan.hasErrors()) {
                ctx.err().println("Error: the plan has errors; not saved to " + out);
                ctx.err().flush();
                return ExitCode.ERROR;
            }
            try {
                save(new Pictl().savedPlanText(plan, Pictl.stateBackend(r.config(), runRequest)), ctx.workDir().resolve(out));
            } catch (IOException e) {
                ctx.err().println("Error: cannot save the plan to " + out + ": " + e.getMessage());
                ctx.err().flush();
                return ExitCode.ERROR;
            } catch (StateException e) {
                Diagnostics d = new Diagnostics();
                d.add(e.diagnostic());
                DiagnosticsView.text(d, r.sources(), color, ctx.err());
                ctx.err().println("The plan was not saved to " + out + ".");
                ctx.err().flush();
                return ExitCode.ERROR;
            }
            if (!json) {
                ctx.out().println();
                ctx.out().println("Saved the plan to: " + out);
                ctx.out().println();
                ctx.out().println("To perform exactly these actions, run:");
                ctx.out().println("    pictl apply" + again(ctx, common, nodes) + " "
                        + KubeconfigCommand.shellWord(out.toString()));
            }
        } else if (!json && plan.hasChanges() && !plan.hasErrors() && mode != PlanMode.REFRESH_ONLY) {
            ctx.out().println();
            ctx.out().println("Note: You didn't use the --out option to save this plan, so pictl can't guarantee to "
                    + "take exactly these actions if you run \"pictl apply" + again(ctx, common, nodes) + "\" now.");
        }
        ctx.out().flush();
        ctx.err().flush();
        if (plan.hasErrors()) {
            return ExitCode.ERROR;
        }
        return detailedExitCode && plan.hasWork() ? ExitCode.CHANGES : ExitCode.OK;
    }

    private void printPlanDiagnostics(Plan plan, PlanRunResult r, boolean color) {
        Diagnostics d = new Diagnostics();
        d.addAll(plan.diagnostics());
        DiagnosticsView.text(d, r.sources(), color, ctx.err());
        if (!d.isEmpty()) {
            ctx.err().println();
        }
    }

    /** Runs the engine's plan with the options every plan-like command shares. */
    static PlanRunResult run(CliContext ctx, CommonOptions common, NodeOptions nodes, PlanRequest planRequest,
                             Duration rebootTimeout) {
        return new Pictl().plan(request(ctx, common, nodes, planRequest, true, rebootTimeout));
    }

    /**
     * The engine request of a plan-like command (plan, apply, drift): configuration, variables (their values
     * required or not), state, nodes, SSH; how long to wait for a board found rebooting (null: never), with the
     * line saying so on stderr.
     */
    static PlanRunRequest request(CliContext ctx, CommonOptions common, NodeOptions nodes, PlanRequest planRequest,
                                  boolean requireValues, Duration rebootTimeout) {
        TransportSettings settings = TransportSettings.fromEnvironment(ctx.env(),
                Path.of(ctx.env().getOrDefault("HOME", System.getProperty("user.home"))),
                ctx.env().getOrDefault("USER", System.getProperty("user.name", "pi")), null);
        return new PlanRunRequest(common.configPath(ctx), common.variables(ctx, requireValues),
                nodes.statePath(ctx), nodes.targets(ctx, common.configPath(ctx)), planRequest, nodes.parallelism, settings,
                Duration.ofSeconds(nodes.probeTimeoutSeconds), rebootTimeout, line -> {
                    ctx.err().println(line);
                    ctx.err().flush();
                }, ctx.env());
    }

    /**
     * The options a command pictl suggests needs to reach the same nodes, with a leading space: {@code -c} as given,
     * and under a simulator {@code --sim} or {@code --sim=DIR}, so that no suggestion leaves the simulator for the
     * description's real addresses.
     */
    static String again(CliContext ctx, CommonOptions common, NodeOptions nodes) {
        return again(ctx, common, nodes.sim);
    }

    static String again(CliContext ctx, CommonOptions common, SimOptions sim) {
        return (common.config == null ? "" : " -c " + KubeconfigCommand.shellWord(common.config.toString()))
                + sim.flag(ctx, common.configPath(ctx));
    }

    /** --target/--replace values: {@code x.y["k"]}, or {@code x.y[k]} when the shell ate the quotes. */
    static List<ResourceAddress> addresses(CommandSpec spec, List<String> texts, String option) {
        List<ResourceAddress> out = new ArrayList<>();
        for (String t : texts) {
            String fixed = t.replaceAll("\\[([^\"\\]]+)\\]", "[\"$1\"]");
            out.add(ResourceAddress.parse(fixed).orElseThrow(() -> new ParameterException(spec.commandLine(),
                    "Invalid " + option + " '" + t + "': expected an address such as node.pi-1 or "
                            + "kernel_params.cgroups[\"pi-1\"]")));
        }
        return out;
    }

    /** Written whole to a temporary file, then moved into place: never a half-written plan. */
    static void save(String text, Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".pictl-plan", ".tmp");
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
