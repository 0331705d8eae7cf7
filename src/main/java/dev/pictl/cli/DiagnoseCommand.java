package dev.pictl.cli;

import dev.pictl.cli.view.DiagnoseView;
import dev.pictl.cli.view.DiagnosticsView;
import dev.pictl.diagnose.DiagnoseCodec;
import dev.pictl.engine.DiagnoseRunRequest;
import dev.pictl.engine.DiagnoseRunResult;
import dev.pictl.engine.Pictl;
import dev.pictl.engine.PlanRunRequest;
import dev.pictl.engine.Version;
import dev.pictl.plan.PlanMode;
import dev.pictl.plan.PlanRequest;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "diagnose", mixinStandardHelpOptions = true,
        description = {"Say why a node is NotReady (or what else is wrong with it): reads, on every node asked for and on "
                + "the server, in parallel and one SSH round trip each, the Node's conditions and taints, recent events, "
                + "the k3s journal since its last start, the health facts (throttling, temperature, memory, disk, SD "
                + "errors), whether the node reaches the API server, its clock against this machine's and k3s "
                + "check-config; then names the most likely root cause first, with its chain, the evidence and what to "
                + "do. Read-only: no lock, no state read or written; works with the server unreachable. See "
                + "docs/diagnose.md."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:healthy", "1:error (bad description, unknown node, bad usage)", "2:found something"})
final class DiagnoseCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    NodeOptions nodes;

    @Parameters(paramLabel = "NODE", arity = "0..*", description = "The nodes to diagnose (default: every node).")
    List<String> names = List.of();

    @Option(names = "--json", description = "Print the findings as JSON (schema/diagnose.schema.json).")
    boolean json;

    DiagnoseCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        nodes.checkRanges(spec);
        PlanRunRequest run = PlanCommand.request(ctx, common, nodes, new PlanRequest(PlanMode.NORMAL, List.of(),
                List.of()), false, null);
        DiagnoseRunResult r = new Pictl().diagnose(new DiagnoseRunRequest(run, names));
        DiagnosticsView.text(r.diagnostics(), r.sources(), common.color(ctx), ctx.err());
        if (r.report() == null) {
            ctx.err().println();
            ctx.err().println("No diagnosis: " + DiagnosticsView.summary(r.diagnostics()));
            ctx.err().flush();
            return ExitCode.ERROR;
        }
        if (json) {
            ctx.out().print(DiagnoseCodec.write(r.report(), Version.current()));
        } else {
            ctx.out().print(DiagnoseView.render(r.report()));
        }
        ctx.out().flush();
        ctx.err().flush();
        return r.exitCode();
    }
}
