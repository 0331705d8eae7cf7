package dev.pictl.engine;

import dev.pictl.config.Config;
import dev.pictl.diag.Diagnostic;
import dev.pictl.diag.Diagnostics;
import dev.pictl.diag.Severity;
import dev.pictl.kubeconfig.Kubeconfig;
import dev.pictl.kubeconfig.KubeconfigException;
import dev.pictl.kubeconfig.KubeconfigFile;
import dev.pictl.plan.kind.ClusterEndpoint;
import dev.pictl.resource.ResourceInstance;
import dev.pictl.resource.Value;
import dev.pictl.transport.ExecResult;
import dev.pictl.transport.NodeTarget;
import dev.pictl.transport.RemoteCommand;
import dev.pictl.transport.Session;
import dev.pictl.transport.Transport;
import dev.pictl.transport.TransportException;
import dev.pictl.transport.TransportSettings;
import dev.pictl.transport.ssh.SshTransport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code pictl kubeconfig} after validation. Read-only towards the cluster: one SSH command on the k3s server's
 * node, no state, no lock.
 *
 * <pre>
 * description ─▶ k3s_server's node, its address, the context name (--context, else the cluster's name)
 * --file      ─▶ read and check the existing file first: refuse before connecting when it is not a kubeconfig,
 *                or holds other entries and there is no --merge
 * the node    ─▶ one command as root: cat "${PICTL_ROOT:-}/etc/rancher/k3s/k3s.yaml" (exit 3: k3s installed but no
 *                file yet; exit 4: no k3s)
 *             ─▶ Kubeconfig.forContext(name, https://ADDRESS:PORT) (the registry's ClusterEndpoint: PORT is the
 *                server's https-listen-port, else 6443; ADDRESS: TargetResolver.clientHost, a simulated board's
 *                loopback address)
 * --file      ─▶ read it again (it may have changed meanwhile), merge, write atomically with mode 0600
 * </pre>
 *
 * The command's standard output is the client key: it is parsed, never quoted in a message; a failure quotes
 * standard error only.
 */
final class KubeconfigOperation {
    private static final Logger LOG = LoggerFactory.getLogger(KubeconfigOperation.class);

    static final String STEP = "read kubeconfig";
    static final String PATH = "/etc/rancher/k3s/k3s.yaml";
    static final String COMMAND = "sudo cat " + PATH;
    private static final int NO_FILE = 3;
    private static final int NO_K3S = 4;
    static final String SCRIPT = """
            f="${PICTL_ROOT:-}%1$s"
            if [ -f "$f" ]; then exec cat "$f"; fi
            if command -v k3s >/dev/null 2>&1; then echo "pictl: %1$s does not exist" >&2; exit %2$d; fi
            echo "pictl: k3s is not installed" >&2; exit %3$d
            """.formatted(PATH, NO_FILE, NO_K3S);

    private final KubeconfigRequest request;
    private final Config config;
    private final Optional<ClusterEndpoint> endpoint;
    private final Diagnostics diags;

    private KubeconfigOperation(KubeconfigRequest request, Config config, Optional<ClusterEndpoint> endpoint,
                                Diagnostics diags) {
        this.request = request;
        this.config = config;
        this.endpoint = endpoint;
        this.diags = diags;
    }

    /**
     * What was written, or null with the reasons added to {@code diags} (the caller makes the result from both once
     * they are complete).
     *
     * @param endpoint how the cluster is reached (the registry's), empty when the description has no server
     */
    static KubeconfigResult.Written run(KubeconfigRequest request, Config config, Optional<ClusterEndpoint> endpoint,
                                        Diagnostics diags, TransportSettings settings) {
        return new KubeconfigOperation(request, config, endpoint, diags).run(settings);
    }

    private KubeconfigResult.Written run(TransportSettings settings) {
        if (endpoint.isEmpty()) {
            return fail("the description has no k3s_server",
                    "pictl kubeconfig reads the kubeconfig that k3s writes on the server's node. Declare a k3s_server "
                            + "block (see docs/resources.md) and run pictl apply" + sim() + " first.");
        }
        ClusterEndpoint server = endpoint.get();
        String node = server.node();
        Value address = server.addressValue();
        if (!(address instanceof Value.Str)) {
            diags.add(Diagnostic.error(address == null ? server.declaredAt() : address.range(),
                    "the address of node \"" + node + "\" is not known",
                    (address instanceof Value.Unknown u ? "It comes from " + u.reason() + "; give it a value (--var, a "
                            + ".pivars file or PICTL_VAR_name). " : "")
                            + "The kubeconfig points at the k3s server's node by this address."));
            return failed();
        }
        String name = request.context() != null ? request.context() : config.clusterName();
        Optional<String> badName = Kubeconfig.nameProblem(name);
        if (badName.isPresent()) {
            return fail(badName.get(), "Name the context with --context NAME, or set cluster { name = \"...\" }.");
        }
        Path file = request.file();
        if (file != null && existing(file, name) == null) {
            return failed(); // refused before connecting: nothing on the node is worth reading for it
        }

        NodeTargets targets = request.targets().resolve(only(node));
        diags.addAll(targets.diagnostics());
        NodeTarget target = targets.byNode().get(node);
        if (!targets.ok() || target == null) {
            return failed();
        }
        // The node's address, or where the resolver reaches the node instead (under a simulator, the board's
        // loopback address, so that kubectl never reaches the description's real address).
        String url = server.url(request.targets().clientHost(target, ((Value.Str) address).value()));
        // What the summary line shows: the file needs the address, a person reading the output does not.
        String shownUrl = server.addressSensitive() ? server.url(dev.pictl.diag.Redactor.SHOWN) : url;

        String text = fetch(node, target, settings);
        if (text == null) {
            return failed();
        }
        Kubeconfig ours;
        try {
            ours = Kubeconfig.parse(text).forContext(name, url);
        } catch (KubeconfigException e) {
            return fail(node + ": " + STEP + ": " + PATH + " is not a kubeconfig: " + e.getMessage(),
                    "k3s writes this file when the server starts; look at it on " + node + " (" + COMMAND + ").");
        }
        if (file == null) {
            return done(new KubeconfigResult.Written(name, shownUrl, node, null, ours.serialise(), false, 0, null, false));
        }

        Kubeconfig before = existing(file, name);
        if (before == null) {
            return failed();
        }
        Kubeconfig.Merged merged = before.mergedWith(ours);
        String out = merged.result().serialise();
        try {
            KubeconfigFile.write(file, out);
        } catch (IOException e) {
            return fail("cannot write " + file + ": " + KubeconfigFile.reason(e),
                    "Nothing was changed. Choose another file with --file PATH, or print the kubeconfig with --stdout.");
        }
        String previous = merged.previousCurrentContext() != null && !merged.previousCurrentContext().equals(name)
                ? merged.previousCurrentContext() : null;
        LOG.debug("kubeconfig: wrote context {} to {} ({} other contexts, stale entry replaced: {})", name, file,
                merged.otherContexts(), merged.replaced());
        return done(new KubeconfigResult.Written(name, shownUrl, node, file, out, !before.foreignEntries(name).isEmpty(),
                merged.otherContexts(), previous, merged.replaced()));
    }

    /**
     * The file as it is (empty when missing), or null with the reason in the diagnostics: it cannot be read, is not
     * a kubeconfig, or holds entries of others and there is no --merge.
     */
    private Kubeconfig existing(Path file, String name) {
        Optional<String> text;
        try {
            text = KubeconfigFile.read(file);
        } catch (IOException e) {
            fail("cannot read " + file + ": " + KubeconfigFile.reason(e),
                    "Choose another file with --file PATH, or print the kubeconfig with --stdout.");
            return null;
        }
        if (text.isEmpty()) {
            return Kubeconfig.empty();
        }
        Kubeconfig k;
        try {
            k = Kubeconfig.parse(text.get());
        } catch (KubeconfigException e) {
            fail(file + " is not a kubeconfig: " + e.getMessage(),
                    "pictl leaves it as it is. Fix it, or write elsewhere with --file PATH (or print with --stdout).");
            return null;
        }
        List<String> foreign = k.foreignEntries(name);
        if (!request.merge() && !foreign.isEmpty()) {
            fail(file + " already exists and holds more than context \"" + name + "\"",
                    "It has " + describe(foreign) + ". pictl does not overwrite a kubeconfig with entries it did not "
                            + "write. Add --merge to put context, cluster and user \"" + name + "\" into it and make "
                            + "it the current context, keeping everything else; or write elsewhere with --file PATH.");
            return null;
        }
        return k;
    }

    private static String describe(List<String> foreign) {
        int shown = Math.min(foreign.size(), 6);
        String list = String.join(", ", foreign.subList(0, shown));
        return foreign.size() > shown ? list + " and " + (foreign.size() - shown) + " more" : list;
    }

    /** The server's kubeconfig text, or null with the reason in the diagnostics. */
    private String fetch(String node, NodeTarget target, TransportSettings settings) {
        try (Transport transport = new SshTransport(settings)) {
            Session session;
            try {
                session = transport.open(target);
            } catch (TransportException e) {
                fail(e.getMessage(), sentence(e.hint()) + "pictl kubeconfig reads " + PATH + " from the k3s server's "
                        + "node (" + node + ") over SSH.");
                return null;
            }
            ExecResult r;
            try {
                r = session.exec(new RemoteCommand(STEP, SCRIPT, request.timeout(), true, null));
            } catch (TransportException e) {
                fail(e.getMessage(), sentence(e.hint()) + "Command: " + COMMAND + ".");
                return null;
            }
            LOG.debug("{}: {}: exit {}, {} bytes", node, STEP, r.exitCode(), r.stdout().length());
            switch (r.exitCode()) {
                case 0 -> {
                    return r.stdout();
                }
                case NO_K3S -> fail(node + ": " + STEP + ": k3s is not installed (no " + PATH + ")",
                        "Command: " + COMMAND + ". The description runs its k3s_server on " + node + ": run pictl apply"
                                + sim() + " first to install it, then pictl kubeconfig" + sim() + " again.");
                case NO_FILE -> fail(node + ": " + STEP + ": " + PATH + " does not exist (k3s is installed but has "
                                + "not written it)",
                        "Command: " + COMMAND + ". k3s writes it when the server starts: see 'systemctl status k3s' and "
                                + "'journalctl -u k3s' on " + node + ", or run pictl apply" + sim() + " first (pictl plan"
                                + sim() + " shows what it would do).");
                default -> {
                    // stderr only: stdout may hold part of the file
                    String tail = r.stderrTail(5);
                    fail(node + ": " + STEP + ": command exited " + r.exitCode()
                                    + (tail.isEmpty() ? "" : tail.contains("\n") ? ":\n  " + tail.replace("\n", "\n  ")
                                    : ": " + tail),
                            "Command: " + COMMAND + ". Run it by hand on " + node + " to see its full output.");
                }
            }
            return null;
        }
    }

    /** How a suggested command reaches the same nodes ({@link TargetResolver#commandFlag}). */
    private String sim() {
        return request.targets().commandFlag(request.config());
    }

    private static String sentence(String hint) {
        if (hint == null || hint.isBlank()) {
            return "";
        }
        String s = Character.toUpperCase(hint.charAt(0)) + hint.substring(1);
        return s.endsWith(".") ? s + " " : s + ". ";
    }

    /** The description with the server's node as its only node: no other node is reached, or has to be reachable. */
    private Config only(String node) {
        List<ResourceInstance> instances = config.instances().stream()
                .filter(i -> !i.type().equals(dev.pictl.resource.Schemas.NODE_TYPE) || i.address().name().equals(node)).toList();
        return new Config(config.location(), config.sources(), config.variables(), config.sshDefaults(), instances,
                config.clusterName(), config.drift());
    }

    private KubeconfigResult.Written fail(String summary, String detail) {
        diags.add(new Diagnostic(Severity.ERROR, summary, detail, null));
        return failed();
    }

    private static KubeconfigResult.Written failed() {
        return null;
    }

    private static KubeconfigResult.Written done(KubeconfigResult.Written written) {
        return written;
    }
}
