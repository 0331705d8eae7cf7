package dev.pictl.engine;

import dev.pictl.config.Config;
import dev.pictl.diag.Diagnostic;
import dev.pictl.diag.Severity;
import dev.pictl.nodetext.Durations;
import dev.pictl.resource.ResourceInstance;
import dev.pictl.resource.Value;
import dev.pictl.transport.HostKeyPolicy;
import dev.pictl.transport.NodeTarget;
import dev.pictl.transport.SudoMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The bridge from a cluster description to the transport: one {@link NodeTarget} per {@code node} block, in
 * declaration order, plus every problem found on the way as a {@link Diagnostic} (never an exception).
 *
 * <p>Each connection setting is taken from the first place that sets it:
 *
 * <pre>
 * setting          node's own ssh { }   top-level ssh { }   else (NodeTarget field unset)
 * ---------------  -------------------  ------------------  ---------------------------------------------
 * host             (the node's address attribute, always)
 * port             port                 port                0    → ~/.ssh/config Port, else 22
 * user             user                 user                null → ~/.ssh/config User, else local user
 * privateKey       private_key          private_key         null → agent, IdentityFile, ~/.ssh/id_*
 * knownHosts       known_hosts          known_hosts         null → ~/.ssh/known_hosts
 * hostKeyPolicy    host_key_policy      host_key_policy     null → strict
 * sudo             sudo                 sudo                null → the transport's choice (none for root,
 *                                                                  else passwordless)
 * jumpHost         jump_host            jump_host           null → ~/.ssh/config ProxyJump
 * connectTimeout   connect_timeout      connect_timeout     null → 10 s
 * </pre>
 *
 * Schema defaults ({@code user = "pi"}, {@code port = 22}) are deliberately <em>not</em> filled in: a value the
 * description does not write is left to {@code ~/.ssh/config}, as {@code docs/transport.md} promises. Paths
 * expand a leading {@code ~} to the home directory; relative paths are resolved against the configuration's
 * directory (not the working directory, so {@code pictl -c cluster/} reads the same key wherever it runs).
 * {@code sudo = true} means "passwordless if the node allows it, else with a password"
 * ({@link SudoMode#WITH_PASSWORD}, which tries {@code sudo -n} first and never sends a password that is not
 * needed); {@code sudo = false} means the login user is root already ({@link SudoMode#NONE}).
 *
 * <p>These are the targets of {@link TargetResolver#description()}; another {@link TargetResolver} (the CLI's
 * {@code --sim}) builds the same record from elsewhere.
 *
 * @param targets     one per node of the description that could be resolved, in declaration order
 * @param diagnostics problems (errors, and warnings such as an advertised address that differs)
 */
public record NodeTargets(List<NodeTarget> targets, List<Diagnostic> diagnostics) {

    public NodeTargets {
        targets = List.copyOf(targets);
        diagnostics = List.copyOf(diagnostics);
    }

    /** True when no diagnostic is an error: every node has a target. */
    public boolean ok() {
        return diagnostics.stream().noneMatch(Diagnostic::isError);
    }

    /** The targets keyed by node name, in declaration order. */
    public Map<String, NodeTarget> byNode() {
        Map<String, NodeTarget> out = new LinkedHashMap<>();
        targets.forEach(t -> out.put(t.node(), t));
        return out;
    }

    /** {@link #from(Config, Path)} with the user's home directory for {@code ~}. */
    public static NodeTargets from(Config config) {
        return from(config, Path.of(System.getProperty("user.home")));
    }

    /** The targets of every node of {@code config}; {@code home} is what {@code ~} expands to. */
    public static NodeTargets from(Config config, Path home) {
        Path base = configDir(config);
        List<NodeTarget> out = new ArrayList<>();
        List<Diagnostic> diags = new ArrayList<>();
        for (ResourceInstance node : config.ofType(dev.pictl.resource.Schemas.NODE_TYPE)) {
            resolve(node, config.sshDefaults(), base, home, diags).ifPresent(out::add);
        }
        return new NodeTargets(out, diags);
    }

    // ---- one node ---------------------------------------------------------------------------------------

    private static Optional<NodeTarget> resolve(ResourceInstance node, Map<String, Value> defaults, Path base,
                                                Path home, List<Diagnostic> diags) {
        String name = node.address().name();
        int before = diags.size();
        Setting s = new Setting(name, node.ssh(), defaults, diags);
        String host = null;
        Value address = node.attributes().get("address");
        if (address instanceof Value.Str str) {
            host = str.value();
        } else {
            diags.add(Diagnostic.error(address == null ? node.headerRange() : address.range(),
                    "the address of node \"" + name + "\" is not known",
                    address instanceof Value.Unknown u ? "It comes from " + u.reason()
                            + "; give it a value (--var, a .pivars file or PICTL_VAR_name)."
                            : "Set address = \"...\" (an IP address or host name pictl connects to)."));
        }
        String user = s.string("user");
        String key = s.string("private_key");
        String known = s.string("known_hosts");
        String policy = s.string("host_key_policy");
        String jump = s.string("jump_host");
        String timeout = s.string("connect_timeout");
        Integer port = s.port();
        Boolean sudo = s.bool("sudo");
        if (diags.size() > before && diags.subList(before, diags.size()).stream().anyMatch(Diagnostic::isError)) {
            return Optional.empty();
        }
        return Optional.of(new NodeTarget(name, host, port == null ? 0 : port, user,
                key == null ? null : path(key, base, home), known == null ? null : path(known, base, home),
                policy == null ? null : policy.equals("accept-new") ? HostKeyPolicy.ACCEPT_NEW : HostKeyPolicy.STRICT,
                sudo == null ? null : sudo ? SudoMode.WITH_PASSWORD : SudoMode.NONE,
                jump, timeout == null ? null : Durations.parse(timeout)));
    }

    /** Looks a setting up in the node's ssh block, then the top-level one; reports values it cannot use. */
    private record Setting(String node, Map<String, Value> own, Map<String, Value> defaults, List<Diagnostic> diags) {
        Value value(String attr) {
            Value v = own.get(attr);
            if (v == null || v instanceof Value.Null) {
                v = defaults.get(attr);
            }
            if (v instanceof Value.Null) {
                return null;
            }
            if (v instanceof Value.Unknown u) {
                diags.add(Diagnostic.error(u.range(), "ssh " + attr + " of node \"" + node + "\" is not known",
                        "It comes from " + u.reason() + "; give it a value (--var, a .pivars file or PICTL_VAR_name)."));
                return null;
            }
            return v;
        }

        String string(String attr) {
            Value v = value(attr);
            if (v == null) {
                return null;
            }
            if (v instanceof Value.Str s) {
                return s.value();
            }
            wrongType(attr, v, "a string");
            return null;
        }

        Boolean bool(String attr) {
            Value v = value(attr);
            if (v == null) {
                return null;
            }
            if (v instanceof Value.Bool b) {
                return b.value();
            }
            wrongType(attr, v, "a bool");
            return null;
        }

        Integer port() {
            Value v = value("port");
            if (v == null) {
                return null;
            }
            if (v instanceof Value.Num n) {
                try {
                    int p = n.value().intValueExact();
                    if (p >= 1 && p <= 65535) {
                        return p;
                    }
                } catch (ArithmeticException e) {
                    // reported below
                }
                diags.add(Diagnostic.error(v.range(), "ssh port of node \"" + node + "\" is out of range",
                        "A port is a whole number from 1 to 65535."));
                return null;
            }
            wrongType("port", v, "a number");
            return null;
        }

        private void wrongType(String attr, Value v, String expected) {
            diags.add(Diagnostic.error(v.range(), "ssh " + attr + " of node \"" + node + "\" must be " + expected
                    + ", not " + v.typeName(), ""));
        }
    }

    /**
     * Each {@code private_key} that names no usable file, once, at the attribute that sets it (a top-level
     * {@code ssh} block's key serves every node, but is one mistake at one line). Only the keys a node would use
     * are checked: a node's own {@code private_key} hides the top-level one. This looks at the machine, not at the
     * description, so it is the real nodes' resolver that calls it ({@code DescriptionTargets}), not validate
     * (validate passes in CI without the key) and not {@code --sim} (which uses the simulator's key).
     */
    public static List<Diagnostic> keyFileErrors(Config config, Path home) {
        Path base = configDir(config);
        Map<dev.pictl.diag.SourceRange, Diagnostic> out = new LinkedHashMap<>();
        for (ResourceInstance node : config.ofType(dev.pictl.resource.Schemas.NODE_TYPE)) {
            Value v = node.ssh().get("private_key");
            if (v == null || v instanceof Value.Null) {
                v = config.sshDefaults().get("private_key");
            }
            if (!(v instanceof Value.Str str) || v.range() == null || out.containsKey(v.range())) {
                continue;
            }
            Path file = path(str.value(), base, home);
            String problem;
            try {
                dev.pictl.io.BoundedFiles.check(file, dev.pictl.io.BoundedFiles.Kind.KEY);
                continue;
            } catch (java.nio.file.NoSuchFileException e) {
                problem = dev.pictl.io.BoundedFiles.isDanglingLink(file)
                        ? "is a symbolic link whose target does not exist" : "does not exist";
            } catch (java.io.IOException e) {
                problem = "cannot be used: " + dev.pictl.io.BoundedFiles.reason(e);
            }
            out.put(v.range(), Diagnostic.error(v.range(), "private_key file " + str.value() + " " + problem,
                    "pictl offers this key, and only this key, to every node this ssh block is for (" + file
                            + "). A relative path is taken from the configuration's directory, ~ is your home "
                            + "directory. Fix the path, or remove private_key to use ssh-agent, ~/.ssh/config's "
                            + "IdentityFile and ~/.ssh/id_*."));
        }
        return List.copyOf(out.values());
    }

    /** {@code ~} and {@code ~/x} expand to the home directory; a relative path is taken from the config's directory. */
    static Path path(String text, Path base, Path home) {
        Path p;
        if (text.equals("~")) {
            p = home;
        } else if (text.startsWith("~/")) {
            p = home.resolve(text.substring(2));
        } else {
            p = Path.of(text);
        }
        return (p.isAbsolute() ? p : base.resolve(p)).normalize();
    }

    /** The directory a description was loaded from: the directory itself, or a file's parent. */
    static Path configDir(Config config) {
        Path loc = config.location().toAbsolutePath().normalize();
        return Files.isDirectory(loc) || loc.getParent() == null ? loc : loc.getParent();
    }
}
