package dev.pictl.cli;

import dev.pictl.addr.ResourceAddress;
import dev.pictl.cli.view.DiagnosticsView;
import dev.pictl.engine.ImportRunRequest;
import dev.pictl.engine.ImportRunResult;
import dev.pictl.engine.Pictl;
import dev.pictl.plan.PlanMode;
import dev.pictl.plan.PlanRequest;
import dev.pictl.state.ResourceState;
import dev.pictl.types.ResourceTypes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code pictl import ADDR...}: Terraform's import for pictl. Records resources the description declares and their
 * nodes already have, without changing a node; the deliberate way to manage again what {@code state rm} forgot.
 */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Record resources that already exist on their nodes in the state, so pictl manages them: "
                + "probes the nodes, records what it finds, changes no node. Each address must be in the description "
                + "and not in the state (a block address imports all its instances).",
                "A resource that matches the description is recorded as apply would; one that differs is recorded "
                        + "as found, and the next plan shows the difference. Takes the state lock."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:imported", "1:error (nothing recorded)"})
final class ImportCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    NodeOptions nodes;

    @Parameters(paramLabel = "ADDR", arity = "1..*",
            description = "Instances (or blocks) to import, e.g. 'kernel_params.cgroups[\"pi-1\"]' (quote it for the shell).")
    List<String> addresses;

    @Option(names = "--lock-timeout", paramLabel = "DURATION", defaultValue = "0s",
            description = "Wait this long for another run's lock (e.g. 30s, 2m; default: ${DEFAULT-VALUE}).")
    String lockTimeout;

    ImportCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        nodes.checkRanges(spec);
        List<ResourceAddress> given = new ArrayList<>();
        for (String a : addresses) {
            given.add(StateCommand.parseAddress(a, spec));
        }
        ImportRunRequest request = new ImportRunRequest(PlanCommand.request(ctx, common, nodes,
                new PlanRequest(PlanMode.NORMAL, List.of(), List.of()), true, null), given,
                ResourceTypes.standard().executors(), StateCommand.duration(lockTimeout, spec));
        ImportRunResult r = new Pictl().importResources(request);
        boolean color = common.color(ctx);
        DiagnosticsView.text(r.diagnostics(), r.sources(), color, ctx.err());
        if (!r.ok()) {
            ctx.err().println();
            ctx.err().println("Nothing was imported: " + DiagnosticsView.summary(r.diagnostics()));
            ctx.err().flush();
            return ExitCode.ERROR;
        }
        for (ResourceState s : r.imported()) {
            ctx.out().print(StateCommand.render(s));
            ctx.out().println();
        }
        if (r.imported().stream().anyMatch(s -> !s.sensitiveHashes().isEmpty())) {
            ctx.out().println("(sensitive value): a secret; the state holds only its keyed hash, never the value.");
        }
        ctx.out().println("Import successful! " + r.imported().size() + " resource instance(s) recorded; no node was "
                + "changed. Run pictl plan" + PlanCommand.again(ctx, common, nodes) + " to see how they compare with the"
                + " description.");
        ctx.out().flush();
        ctx.err().flush();
        return ExitCode.OK;
    }
}
