package dev.pictl.cli;

import dev.pictl.cli.view.DiagnosticsView;
import dev.pictl.engine.KubeconfigRequest;
import dev.pictl.engine.KubeconfigResult;
import dev.pictl.engine.Pictl;
import dev.pictl.nodetext.Shell;
import dev.pictl.simbridge.SimulatorDir;
import dev.pictl.transport.TransportSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "kubeconfig", mixinStandardHelpOptions = true,
        description = {"Write a kubeconfig for the cluster: reads /etc/rancher/k3s/k3s.yaml from the k3s server's node "
                + "over SSH (one command, as root), points it at the node's address from the description and names its "
                + "context, cluster and user after the cluster. The file is written atomically with mode 0600. "
                + "Never changes a node or the state. See docs/kubeconfig.md."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the kubeconfig was written (or printed)",
                "1:error: no k3s_server, the server unreachable or without k3s, an existing file refused, bad usage"})
final class KubeconfigCommand implements Callable<Integer> {
    static final String DEFAULT_FILE = "kubeconfig";
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

    private final CliContext ctx;

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    SimOptions sim;

    @Option(names = "--file", paramLabel = "PATH",
            description = "The kubeconfig file to write (default: " + DEFAULT_FILE + " in the current directory). "
                    + "Missing directories are created.")
    Path file;

    @Option(names = "--merge", description = "When the file holds other contexts, add or replace only this cluster's "
            + "context, cluster and user, keep everything else, and make it the current context.")
    boolean merge;

    @Option(names = "--context", paramLabel = "NAME", description = "Name of the context, cluster and user (default: "
            + "the cluster's name: cluster { name = ... }, else the description's directory name).")
    String context;

    @Option(names = "--stdout", description = "Print the kubeconfig instead of writing a file. It holds the cluster "
            + "admin's client key: mind where the output goes.")
    boolean stdout;

    KubeconfigCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        if (stdout && (file != null || merge)) {
            throw new ParameterException(spec.commandLine(), "--stdout prints the kubeconfig; it cannot be used with "
                    + (file != null ? "--file" : "--merge"));
        }
        Path display = stdout ? null : file != null ? file : Path.of(DEFAULT_FILE);
        TransportSettings settings = TransportSettings.fromEnvironment(ctx.env(), home(),
                ctx.env().getOrDefault("USER", System.getProperty("user.name", "pi")), null);
        Path simDir = sim.simDir(ctx, common.configPath(ctx));
        KubeconfigResult r = new Pictl().kubeconfig(new KubeconfigRequest(common.configPath(ctx),
                common.variables(ctx, false), SimOptions.targets(simDir), settings, context,
                display == null ? null : ctx.workDir().resolve(display), merge, READ_TIMEOUT));
        DiagnosticsView.text(r.diagnostics(), r.sources(), common.color(ctx), ctx.err());
        if (!r.ok()) {
            ctx.err().println();
            ctx.err().println("No kubeconfig written: " + DiagnosticsView.summary(r.diagnostics()));
            ctx.err().flush();
            return ExitCode.ERROR;
        }
        if (!r.diagnostics().isEmpty()) {
            ctx.err().println();
            ctx.err().flush();
        }
        KubeconfigResult.Written w = r.written();
        if (stdout) {
            ctx.out().print(w.text());
            ctx.out().flush();
            return ExitCode.OK;
        }
        StringBuilder line = new StringBuilder("Wrote context \"" + w.context() + "\" (server " + w.server() + ") to "
                + display);
        if (w.merged()) {
            line.append(" (merged with ").append(w.otherContexts()).append(w.otherContexts() == 1 ? " other context"
                    : " other contexts");
            if (w.replaced()) {
                line.append("; replaced the old \"").append(w.context()).append("\" entries");
            }
            line.append(')');
        }
        ctx.out().println(line.append('.'));
        if (w.previousCurrentContext() != null) {
            ctx.out().println("It is now the current context (was \"" + w.previousCurrentContext() + "\"; back with: "
                    + "kubectl config use-context " + shellWord(w.previousCurrentContext()) + ").");
        }
        if (simDir != null) {
            // No kubectl here reaches a simulated API server (it opens no port): say so, and where kubectl does run.
            ctx.out().println("The simulator opens no Kubernetes API port, so kubectl on this machine cannot use it: its "
                    + "server is the board's loopback address, never the description's. kubectl on the board:");
            ctx.out().println("  pictl sim exec" + simTarget(simDir) + " " + shellWord(w.node())
                    + " -- sudo k3s kubectl get nodes");
        } else {
            ctx.out().println(isKubectlDefault(ctx.workDir().resolve(display))
                    ? "Use it: kubectl get nodes"
                    : "Use it: KUBECONFIG=" + shellWord(display.toString()) + " kubectl get nodes");
        }
        ctx.out().flush();
        return ExitCode.OK;
    }

    /** How {@code pictl sim} finds the same simulator: -c as given when it is the default beside it, else --dir. */
    private String simTarget(Path simDir) {
        if (SimulatorDir.flag(simDir, common.configPath(ctx)).equals(" --sim")) {
            return common.config == null ? "" : " -c " + shellWord(common.config.toString());
        }
        return " --dir " + shellWord(simDir.toString());
    }

    private Path home() {
        return Path.of(ctx.env().getOrDefault("HOME", System.getProperty("user.home")));
    }

    /** ~/.kube/config, which kubectl reads without KUBECONFIG (when KUBECONFIG is not set to something else). */
    private boolean isKubectlDefault(Path written) {
        String kc = ctx.env().get("KUBECONFIG");
        Path dflt = home().resolve(".kube").resolve("config");
        boolean same = written.toAbsolutePath().normalize().equals(dflt.toAbsolutePath().normalize());
        return same && (kc == null || kc.isBlank());
    }

    /** The word as a POSIX shell reads it back: bare when safe, else single-quoted. */
    static String shellWord(String s) {
        return Shell.shown(s);
    }
}
