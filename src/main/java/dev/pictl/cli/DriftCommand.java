package dev.pictl.cli;

import dev.pictl.addr.IgnoreRule;
import dev.pictl.cli.view.DiagnosticsView;
import dev.pictl.cli.view.DriftView;
import dev.pictl.drift.DriftCodec;
import dev.pictl.drift.DriftReport;
import dev.pictl.engine.DriftRunRequest;
import dev.pictl.engine.DriftRunResult;
import dev.pictl.engine.Pictl;
import dev.pictl.engine.PlanRunRequest;
import dev.pictl.plan.PlanMode;
import dev.pictl.plan.PlanRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "drift", mixinStandardHelpOptions = true,
        description = {"Check for drift, for cron: probes every node (one SSH round trip each) and reports what changed "
                + "outside pictl since the last apply, nodes that cannot be reached, and health findings (under-voltage, "
                + "throttling, NotReady, ...). Description edits not applied yet are listed apart. Read-only: never takes "
                + "the state lock, never changes a node or the state."},
        exitCodeListHeading = "%nExit codes (precedence 1 > 3 > 2 > 0):%n",
        exitCodeList = {"0:clean", "1:error (bad description or state, bad usage)",
                "2:drift (with --include-unapplied also unapplied edits; with --fail-on-health also health findings)",
                "3:a node could not be reached (the others were still checked)"})
final class DriftCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    NodeOptions nodes;

    @Option(names = "--json", description = "Print the report as JSON (schema/drift.schema.json).")
    boolean json;

    @Option(names = "--include-unapplied", description = "Count description edits not applied yet as drift.")
    boolean includeUnapplied;

    @Option(names = "--fail-on-health", description = "Count health findings as drift (exit 2); advisory ones never "
            + "count. Also drift { fail_on_health = true }.")
    boolean failOnHealth;

    @Option(names = "--ignore", paramLabel = "RULE", description = "Leave out known noise (repeatable): ADDRESS, "
            + "ADDRESS.ATTRIBUTE (k3s_agent.workers.version, node.*.hostname) or health.NODE.CODE (health.*.sd_card_boot). "
            + "Added to the description's drift { ignore = [...] }.")
    List<String> ignore = List.of();

    @Option(names = {"-q", "--quiet"}, description = "Print nothing when clean (exit 0): cron mails only when there is "
            + "something to read.")
    boolean quiet;

    DriftCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        nodes.checkRanges(spec);
        List<IgnoreRule> rules = new ArrayList<>();
        for (String text : ignore) {
            try {
                rules.add(IgnoreRule.parse(text));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "Invalid --ignore: " + e.getMessage());
            }
        }
        // Variables need no values: a cron job should not need the token (docs/drift.md).
        PlanRunRequest run = PlanCommand.request(ctx, common, nodes, new PlanRequest(PlanMode.NORMAL, List.of(),
                List.of()), false, null);
        DriftRunResult r = new Pictl().drift(new DriftRunRequest(run, rules, includeUnapplied, failOnHealth));
        int exit = r.exitCode();
        boolean color = common.color(ctx);
        if (exit != ExitCode.OK || !quiet) {
            DiagnosticsView.text(r.diagnostics(), r.sources(), color, ctx.err());
        }
        if (r.report() == null) {
            ctx.err().println();
            ctx.err().println("No drift check: " + DiagnosticsView.summary(r.diagnostics()));
            ctx.err().flush();
            return ExitCode.ERROR;
        }
        DriftReport report = r.report();
        if (json) {
            ctx.out().print(DriftCodec.write(report));
        } else if (exit != ExitCode.OK || !quiet) {
            ctx.out().print(DriftView.render(report, PlanCommand.again(ctx, common, nodes)));
        }
        ctx.out().flush();
        ctx.err().flush();
        return exit;
    }
}
