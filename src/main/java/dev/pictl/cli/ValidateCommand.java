package dev.pictl.cli;

import dev.pictl.cli.view.DiagnosticsView;
import dev.pictl.engine.Pictl;
import dev.pictl.engine.ValidateRequest;
import dev.pictl.engine.ValidateResult;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Check the cluster description: syntax, attributes, references, cluster rules, dependency "
                + "cycles. Reads no node and needs no variable values.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the description is valid (warnings may be shown)", "1:errors were found, or bad usage"})
final class ValidateCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin
    CommonOptions common;

    @Option(names = "--json", description = "Print the diagnostics as JSON (schema/diagnostics.schema.json).")
    boolean json;

    ValidateCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        ValidateResult r = new Pictl().validate(new ValidateRequest(common.configPath(ctx), common.variables(ctx, false)));
        if (json) {
            ctx.out().print(DiagnosticsView.json(r.diagnostics()));
            ctx.out().flush();
        } else {
            DiagnosticsView.text(r.diagnostics(), r.sources(), common.color(ctx), ctx.err());
            if (r.ok()) {
                long w = r.diagnostics().warningCount();
                int resources = r.graph().topologicalOrder().size();
                ctx.out().println("Success! The configuration is valid" + (w == 0 ? "" : ", with " + w
                        + (w == 1 ? " warning" : " warnings")) + " (" + resources + (resources == 1 ? " resource)." : " resources)."));
            } else {
                ctx.err().println();
                ctx.err().println("Validation failed: " + DiagnosticsView.summary(r.diagnostics()));
            }
            ctx.out().flush();
            ctx.err().flush();
        }
        return r.ok() ? ExitCode.OK : ExitCode.ERROR;
    }
}
