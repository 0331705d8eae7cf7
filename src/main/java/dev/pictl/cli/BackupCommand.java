package dev.pictl.cli;

import dev.pictl.cli.view.DiagnosticsView;
import dev.pictl.engine.BackupRequest;
import dev.pictl.engine.BackupResult;
import dev.pictl.engine.Pictl;
import dev.pictl.transport.TransportSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "backup", mixinStandardHelpOptions = true,
        description = {"Take a snapshot of the cluster's datastore now and copy it to this machine: NAME.tar.gz (mode "
                + "0600; the datastore with the token, cred/ and tls/ a restore needs), NAME.tar.gz.sha256 and "
                + "NAME.json (cluster, k3s version, datastore, time, node; no secret). Embedded etcd: k3s etcd-snapshot "
                + "save; SQLite: k3s is stopped for the copy and started again (pods keep running). Never changes the "
                + "state. See docs/backup.md."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the snapshot was written", "1:error: no k3s_server, the server unreachable or without k3s, "
                + "the copy failed, bad usage"})
final class BackupCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin
    CommonOptions common;

    @Mixin
    SimOptions sim;

    @Option(names = "--out", paramLabel = "DIR", description = "Where to write the snapshot (default: the k3s_backup's "
            + "copy_dir, else backups/ beside the configuration). Created with mode 0700 when missing.")
    Path out;

    BackupCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        TransportSettings settings = TransportSettings.fromEnvironment(ctx.env(),
                Path.of(ctx.env().getOrDefault("HOME", System.getProperty("user.home"))),
                ctx.env().getOrDefault("USER", System.getProperty("user.name", "pi")), null);
        Path simDir = sim.simDir(ctx, common.configPath(ctx));
        BackupResult r = new Pictl().backup(new BackupRequest(common.configPath(ctx), common.variables(ctx, false),
                SimOptions.targets(simDir), settings, out == null ? null : ctx.workDir().resolve(out),
                Duration.ofMinutes(15)));
        boolean color = common.color(ctx);
        DiagnosticsView.text(r.diagnostics(), r.sources(), color, ctx.err());
        if (!r.ok()) {
            ctx.err().println();
            ctx.err().println("No snapshot written: " + DiagnosticsView.summary(r.diagnostics()));
            ctx.err().flush();
            return ExitCode.ERROR;
        }
        var m = r.metadata();
        ctx.out().println("Snapshot " + m.name() + " of cluster \"" + m.cluster() + "\" (" + m.datastore() + ", k3s "
                + m.k3sVersion() + ", taken on " + m.node() + " at " + m.created() + ")");
        ctx.out().println("  " + r.archive() + "  (mode 0600)");
        ctx.out().println("  sha256 " + m.sha256());
        ctx.out().println("Restore it with: pictl restore" + PlanCommand.again(ctx, common, sim) + " "
                + KubeconfigCommand.shellWord(r.archive().toString()));
        ctx.out().flush();
        return ExitCode.OK;
    }
}
