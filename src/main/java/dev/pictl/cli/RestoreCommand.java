package dev.pictl.cli;

import dev.pictl.cli.view.DiagnosticsView;
import dev.pictl.cli.view.PlanView;
import dev.pictl.engine.Pictl;
import dev.pictl.engine.PlanRunResult;
import dev.pictl.engine.RestoreRequest;
import dev.pictl.engine.RestoreResult;
import dev.pictl.plan.PlanMode;
import dev.pictl.plan.PlanRequest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "restore", mixinStandardHelpOptions = true,
        description = {"Restore the cluster's datastore from a snapshot pictl backup wrote, with k3s's own procedure: "
                + "SQLite: stop k3s, put server/db, the token, cred/ and tls/ back, start k3s; embedded etcd: stop k3s "
                + "on every server, k3s server --cluster-reset --cluster-reset-restore-path on the first, the others "
                + "wipe server/db and rejoin one at a time. A snapshot whose token is not the cluster's is refused "
                + "before anything is changed. Shows the steps node by node and asks, like apply; then waits for every "
                + "Node to be Ready and shows a plan. See docs/backup.md."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:restored, every Node Ready (or not approved: nothing changed)",
                "1:error: the snapshot refused (nothing changed), a step failed, Nodes not Ready in time, bad usage"})
final class RestoreCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    NodeOptions nodes;

    @Parameters(index = "0", paramLabel = "SNAPSHOT",
            description = "The snapshot: its NAME.tar.gz (NAME.tar.gz.sha256 and NAME.json beside it).")
    Path snapshot;

    @Option(names = {"--auto-approve", "-auto-approve"}, description = "Do not ask for confirmation.")
    boolean autoApprove;

    @Option(names = "--ready-timeout", paramLabel = "SECONDS", defaultValue = "600",
            description = "How long to wait for every Node to be Ready after the restore (default: ${DEFAULT-VALUE}).")
    long readyTimeoutSeconds;

    RestoreCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        nodes.checkRanges(spec);
        OptionRanges.seconds(spec, "--ready-timeout", readyTimeoutSeconds);
        boolean color = common.color(ctx);
        var planLike = PlanCommand.request(ctx, common, nodes, new PlanRequest(PlanMode.NORMAL, List.of(), List.of()),
                true, Duration.ofSeconds(600));
        RestoreResult r = new Pictl().restore(new RestoreRequest(planLike.config(), planLike.variables(),
                planLike.targets(), planLike.transport(), ctx.workDir().resolve(snapshot), this::approve, line -> {
                    ctx.out().println(line);
                    ctx.out().flush();
                }, Duration.ofSeconds(readyTimeoutSeconds)));
        DiagnosticsView.text(r.diagnostics(), r.sources(), color, ctx.err());
        if (r.diagnostics().hasErrors()) {
            ctx.err().println();
            ctx.err().println((r.changed() ? "Restore failed: " : "Nothing was changed: ")
                    + DiagnosticsView.summary(r.diagnostics()));
            ctx.err().flush();
            return ExitCode.ERROR;
        }
        if (!r.approved()) {
            ctx.out().println("Restore cancelled. Nothing was changed.");
            ctx.out().flush();
            return ExitCode.OK;
        }
        ctx.out().println();
        ctx.out().println("Restore complete: every Node is Ready (" + String.join(", ", r.nodes()) + ").");
        ctx.out().println();
        ctx.out().println("The description against the restored cluster:");
        ctx.out().flush();
        PlanRunResult p = PlanCommand.run(ctx, common, nodes, new PlanRequest(PlanMode.NORMAL, List.of(), List.of()),
                Duration.ofSeconds(600));
        DiagnosticsView.text(p.diagnostics(), p.sources(), color, ctx.err());
        if (p.plan() != null) {
            ctx.out().print(new PlanView(color, PlanCommand.again(ctx, common, nodes)).render(p.plan()));
        }
        ctx.out().flush();
        ctx.err().flush();
        return ExitCode.OK;
    }

    private boolean approve(List<String> steps) {
        for (String s : steps) {
            ctx.out().println(s);
        }
        if (autoApprove) {
            ctx.out().println();
            ctx.out().flush();
            return true;
        }
        ctx.out().println();
        ctx.out().println("Do you want to restore this snapshot?");
        ctx.out().println("  pictl will perform the actions described above.");
        ctx.out().println("  Only 'yes' will be accepted to approve.");
        ctx.out().print("\n  Enter a value: ");
        ctx.out().flush();
        String answer;
        try {
            answer = new BufferedReader(new InputStreamReader(ctx.in(), StandardCharsets.UTF_8)).readLine();
        } catch (IOException e) {
            answer = null;
        }
        ctx.out().println();
        return "yes".equals(answer == null ? null : answer.trim());
    }
}
