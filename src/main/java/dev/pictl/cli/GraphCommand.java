package dev.pictl.cli;

import dev.pictl.cli.view.DiagnosticsView;
import dev.pictl.engine.Pictl;
import dev.pictl.engine.ValidateRequest;
import dev.pictl.engine.ValidateResult;
import dev.pictl.graph.GraphFormat;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "graph", mixinStandardHelpOptions = true,
        description = "Print the resource graph: what must happen before what. DOT by default "
                + "(render with: pictl graph | dot -Tsvg > graph.svg), or Mermaid.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the graph was printed", "1:the description has errors, or bad usage"})
final class GraphCommand implements Callable<Integer> {
    enum Format { dot, mermaid }

    private final CliContext ctx;

    @Mixin
    CommonOptions common;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "dot",
            description = "dot or mermaid (default: ${DEFAULT-VALUE}).")
    Format format;

    GraphCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        ValidateResult r = new Pictl().validate(new ValidateRequest(common.configPath(ctx), common.variables(ctx, false)));
        DiagnosticsView.text(r.diagnostics(), r.sources(), common.color(ctx), ctx.err());
        if (!r.ok()) {
            ctx.err().println();
            ctx.err().println("No graph: " + DiagnosticsView.summary(r.diagnostics()));
            ctx.err().flush();
            return ExitCode.ERROR;
        }
        ctx.out().print(format == Format.dot ? GraphFormat.dot(r.graph()) : GraphFormat.mermaid(r.graph()));
        ctx.out().flush();
        return ExitCode.OK;
    }
}
