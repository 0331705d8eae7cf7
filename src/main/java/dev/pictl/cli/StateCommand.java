package dev.pictl.cli;

import dev.pictl.addr.ResourceAddress;
import dev.pictl.diag.Diagnostic;
import dev.pictl.diag.DiagnosticRenderer;
import dev.pictl.diag.Severity;
import dev.pictl.diag.Suggest;
import dev.pictl.diag.TerminalText;
import dev.pictl.nodetext.Durations;
import dev.pictl.state.ResourceState;
import dev.pictl.state.ResourceStatus;
import dev.pictl.state.State;
import dev.pictl.state.StateException;
import dev.pictl.state.StateBackend;
import dev.pictl.state.StateStore;
import dev.pictl.state.StateWriter;
import dev.pictl.state.pg.PgBackend;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help.Ansi;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code pictl state list | show ADDR | rm ADDR...}: look at and edit what pictl has recorded, without touching a
 * node. {@code list} and {@code show} read without the lock; {@code rm} holds it for its whole run.
 */
@Command(name = "state", mixinStandardHelpOptions = true,
        description = "Inspect and edit the state: what pictl recorded about each resource instance.",
        subcommands = {StateCommand.ListCommand.class, StateCommand.ShowCommand.class, StateCommand.RmCommand.class,
                StatePgCommands.PushCommand.class, StatePgCommands.PullCommand.class,
                StatePgCommands.ListVersionsCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:error (unreadable or locked state, unknown address, bad usage)"})
final class StateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    private final CliContext ctx;

    StateCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(ctx.err());
        ctx.err().flush();
        return ExitCode.ERROR;
    }

    /** Where the state is, for every {@code state} subcommand. */
    static final class StateOptions {
        @Spec(Spec.Target.MIXEE)
        CommandSpec spec;

        @Option(names = {"-c", "--config"}, paramLabel = "PATH",
                description = "Configuration file or directory; the state is pictl.state.json beside it "
                        + "(default: the current directory).")
        Path config;

        @Option(names = "--state", paramLabel = "PATH",
                description = "The state file (default: pictl.state.json in the configuration's directory).")
        Path state;

        @Option(names = "--no-color", description = "No colour in output (also when NO_COLOR is set).")
        boolean noColor;

        StateStore store(CliContext ctx) {
            Path p = state != null ? ctx.workDir().resolve(state)
                    : StateStore.defaultPath(config == null ? ctx.workDir() : ctx.workDir().resolve(config));
            return StateStore.at(p, VersionCommand.version());
        }

        /** The description's state (PostgreSQL when its state block says so), else {@link #store}. */
        StateBackend backend(CliContext ctx) throws StateException {
            if (state != null) {
                Path configPath = config == null ? ctx.workDir() : ctx.workDir().resolve(config);
                // --state with a description that keeps its state in PostgreSQL is refused there.
                StateBackend b = StateBackends.of(ctx, configPath, ctx.workDir().resolve(state));
                return b instanceof StateStore ? store(ctx) : b;
            }
            return StateBackends.of(ctx, config == null ? ctx.workDir() : ctx.workDir().resolve(config), null);
        }

        /** The PostgreSQL state, or an error saying that push, pull and the history are for it. */
        PgBackend pg(CliContext ctx, String command) throws StateException {
            StateBackend b = backend(ctx);
            if (b instanceof PgBackend pg) {
                return pg;
            }
            throw new StateException("pictl state " + command + " needs a state in PostgreSQL",
                    "The description keeps its state in the local file " + b.location() + ". push and pull move a"
                            + " state between a file and PostgreSQL, and PostgreSQL keeps the history: add a state"
                            + " block with backend = \"pg\" (docs/state.md, \"Team use\"). The local file's earlier"
                            + " versions are its .backup files.");
        }

        boolean color(CliContext ctx) {
            return !noColor && !ctx.env().containsKey("NO_COLOR") && Ansi.AUTO.enabled();
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the resource instances in the state, one address per line (sorted). With "
                    + "addresses, only those (a block address like kernel_params.cgroups lists all its instances).")
    static final class ListCommand implements Callable<Integer> {
        private final CliContext ctx;

        @Mixin
        StateOptions options;

        @Parameters(paramLabel = "ADDR", arity = "0..*", description = "Only these addresses.")
        List<String> filters = List.of();

        ListCommand(CliContext ctx) {
            this.ctx = ctx;
        }

        private Integer done(int code) {
            ctx.out().flush();
            return code;
        }

        @Override
        public Integer call() {
            List<ResourceAddress> wanted = new ArrayList<>();
            for (String f : filters) {
                wanted.add(parseAddress(f, options.spec));
            }
            try {
                StateBackend store = options.backend(ctx);
                State s = store.read();
                if (!s.exists() && (!(store instanceof StateStore local) || !Files.exists(local.path()))) {
                    ctx.err().println("No state at " + store.location() + ": nothing has been applied yet.");
                }
                for (ResourceAddress a : s.addresses()) {
                    if (wanted.isEmpty() || wanted.stream().anyMatch(w -> w.equals(a) || (!w.hasKey() && w.equals(a.block())))) {
                        ctx.out().println(a);
                    }
                }
                return done(ExitCode.OK);
            } catch (StateException e) {
                return fail(ctx, options.color(ctx), e.diagnostic());
            }
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Show the attributes recorded for one resource instance. Secrets are never in the state: "
                    + "a sensitive attribute shows as (sensitive value).")
    static final class ShowCommand implements Callable<Integer> {
        private final CliContext ctx;

        @Mixin
        StateOptions options;

        @Parameters(paramLabel = "ADDR", arity = "1",
                description = "The instance, e.g. 'kernel_params.cgroups[\"pi-1\"]' (quote it for the shell).")
        String address;

        ShowCommand(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            ResourceAddress addr = parseAddress(address, options.spec);
            try {
                StateBackend store = options.backend(ctx);
                State s = store.read();
                Optional<ResourceState> r = s.resource(addr);
                if (r.isEmpty()) {
                    return fail(ctx, options.color(ctx), notInState(addr, s, store));
                }
                ctx.out().print(render(r.get()));
                return done(ExitCode.OK);
            } catch (StateException e) {
                return fail(ctx, options.color(ctx), e.diagnostic());
            }
        }

        private Integer done(int code) {
            ctx.out().flush();
            return code;
        }
    }

    @Command(name = "rm", mixinStandardHelpOptions = true,
            description = {"Remove resource instances from the state: pictl stops managing them, without touching a "
                    + "node. The next plan shows them as not managed and apply leaves them alone; pictl import "
                    + "manages one again.",
                    "A block address (kernel_params.cgroups) removes all its instances. Takes the state lock and "
                            + "keeps the previous state as pictl.state.json.backup."})
    static final class RmCommand implements Callable<Integer> {
        private final CliContext ctx;

        @Mixin
        StateOptions options;

        @Parameters(paramLabel = "ADDR", arity = "1..*", description = "Instances (or blocks) to remove.")
        List<String> addresses;

        @Option(names = "--dry-run", description = "Print what would be removed; change nothing.")
        boolean dryRun;

        @Option(names = "--lock-timeout", paramLabel = "DURATION", defaultValue = "0s",
                description = "Wait this long for another run's lock (e.g. 30s, 2m; default: ${DEFAULT-VALUE}).")
        String lockTimeout;

        RmCommand(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            List<ResourceAddress> given = new ArrayList<>();
            for (String a : addresses) {
                given.add(parseAddress(a, options.spec));
            }
            Duration wait = duration(lockTimeout, options.spec);
            boolean color = options.color(ctx);
            StateBackend store;
            try {
                store = options.backend(ctx);
            } catch (StateException e) {
                return fail(ctx, color, e.diagnostic());
            }
            try (StateWriter lock = store.lock("pictl state rm " + String.join(" ", addresses), wait)) {
                State s = lock.read();
                LinkedHashSet<ResourceAddress> remove = new LinkedHashSet<>();
                List<Diagnostic> unknown = new ArrayList<>();
                for (ResourceAddress a : given) {
                    List<ResourceAddress> matched = s.addresses().stream()
                            .filter(x -> x.equals(a) || (!a.hasKey() && x.block().equals(a))).toList();
                    if (matched.isEmpty()) {
                        unknown.add(notInState(a, s, store));
                    }
                    remove.addAll(matched);
                }
                if (!unknown.isEmpty()) {
                    return fail(ctx, color, unknown.toArray(Diagnostic[]::new));
                }
                if (dryRun) {
                    remove.forEach(a -> ctx.out().println("Would remove " + a));
                    ctx.out().println("Would have removed " + remove.size() + " resource instance(s).");
                    return done(ExitCode.OK);
                }
                lock.write(s.forgetting(remove));
                remove.forEach(a -> ctx.out().println("Removed " + a));
                ctx.out().println("Successfully removed " + remove.size() + " resource instance(s).");
                ctx.out().println("pictl no longer manages them: plan shows them as not managed and apply leaves them"
                        + " alone. To manage one again: pictl import ADDR (with the options you plan with).");
                return done(ExitCode.OK);
            } catch (StateException e) {
                return fail(ctx, color, e.diagnostic());
            }
        }

        private Integer done(int code) {
            ctx.out().flush();
            return code;
        }
    }

    // ---- helpers ------------------------------------------------------------------------------------------

    /** Shells eat the quotes of {@code x.y["k"]}; accept {@code x.y[k]} too. */
    private static final Pattern UNQUOTED_KEY = Pattern.compile("(.*)\\[([^\"\\]]*)\\]");

    static ResourceAddress parseAddress(String text, CommandSpec spec) {
        Optional<ResourceAddress> a = ResourceAddress.parse(text);
        if (a.isEmpty()) {
            Matcher m = UNQUOTED_KEY.matcher(text.trim());
            if (m.matches()) {
                a = ResourceAddress.parse(m.group(1) + "[\"" + m.group(2) + "\"]");
            }
        }
        return a.orElseThrow(() -> new ParameterException(spec.commandLine(), "'" + text
                + "' is not a resource address: expected type.name or type.name[\"key\"], e.g. "
                + "'kernel_params.cgroups[\"pi-1\"]' (in single quotes for the shell)"));
    }

    static Duration duration(String text, CommandSpec spec) {
        Duration d = Durations.parseSecondsByDefault(text);
        if (d == null) {
            throw new ParameterException(spec.commandLine(), "Invalid --lock-timeout '" + text
                    + "': expected a duration such as 30s, 2m or 500ms, up to 24h");
        }
        if (d.getSeconds() > OptionRanges.MAX_SECONDS) {
            throw new ParameterException(spec.commandLine(), "Invalid --lock-timeout '" + text
                    + "': out of range; expected 0s to 24h");
        }
        return d;
    }

    static Diagnostic notInState(ResourceAddress a, State s, StateBackend store) {
        List<String> known = s.addresses().stream().map(ResourceAddress::toString).toList();
        String near = Suggest.closest(a.toString(), known);
        String where = !(store instanceof StateStore local) ? (s.exists() ? "State: " + store.location()
                : "There is no state yet in " + store.location() + ". Use -c to read another one.")
                : s.exists() ? "State file: " + local.path()
                : "There is no state yet: " + local.path() + " does not exist. Use --state or -c to read another one.";
        return new Diagnostic(Severity.ERROR, "no resource instance " + a + " in the state"
                + (near == null ? "" : "; did you mean " + near + "?"),
                "'pictl state list' shows the addresses the state holds.\n" + where, null);
    }

    static int fail(CliContext ctx, boolean color, Diagnostic... diagnostics) {
        ctx.out().flush();
        PrintWriter err = ctx.err();
        err.print(new DiagnosticRenderer(f -> null, color).render(List.of(diagnostics)));
        err.flush();
        return ExitCode.ERROR;
    }

    // ---- rendering (Terraform's state show, HCL-like) --------------------------------------------------

    /**
     * <pre>
     * # k3s_server.control:
     * k3s_server "control" {
     *     node    = "pi-server-1"
     *     token   = (sensitive value)
     *     version = "v1.31.4+k3s1"
     * }
     * </pre>
     */
    static String render(ResourceState r) {
        StringBuilder sb = new StringBuilder();
        sb.append("# ").append(r.address()).append(":\n");
        if (r.status() != ResourceStatus.OK) {
            sb.append("# status: ").append(r.status().jsonName()).append(switch (r.status()) {
                case TAINTED -> " (marked untrustworthy; the next plan re-probes it)";
                case IN_PROGRESS -> " (an apply was changing it when it stopped; the next plan re-probes it)";
                case OK -> "";
            }).append('\n');
        }
        sb.append(r.type()).append(" \"").append(r.name()).append("\" {\n");
        java.util.TreeMap<String, Object> all = new java.util.TreeMap<>(r.attributes());
        r.sensitiveHashes().keySet().forEach(k -> all.put(k, SENSITIVE));
        int width = all.keySet().stream().mapToInt(k -> key(k).length()).max().orElse(0);
        for (Map.Entry<String, Object> e : all.entrySet()) {
            String k = key(e.getKey());
            sb.append("    ").append(k).append(" ".repeat(width - k.length())).append(" = ");
            value(e.getValue(), "    ", sb);
            sb.append('\n');
        }
        sb.append("}\n");
        return sb.toString();
    }

    private static final Object SENSITIVE = new Object();
    private static final Pattern IDENT = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");

    private static String key(String k) {
        return IDENT.matcher(k).matches() ? k : quote(k);
    }

    private static void value(Object v, String indent, StringBuilder sb) {
        if (v == SENSITIVE) {
            sb.append("(sensitive value)");
        } else if (v == null) {
            sb.append("null");
        } else if (v instanceof String s) {
            sb.append(quote(s));
        } else if (v instanceof List<?> l) {
            if (l.isEmpty()) {
                sb.append("[]");
                return;
            }
            sb.append("[\n");
            for (Object item : l) {
                sb.append(indent).append("    ");
                value(item, indent + "    ", sb);
                sb.append(",\n");
            }
            sb.append(indent).append(']');
        } else if (v instanceof Map<?, ?> m) {
            if (m.isEmpty()) {
                sb.append("{}");
                return;
            }
            sb.append("{\n");
            int width = m.keySet().stream().mapToInt(k -> key(k.toString()).length()).max().orElse(0);
            for (Map.Entry<?, ?> e : m.entrySet()) {
                String k = key(e.getKey().toString());
                sb.append(indent).append("    ").append(k).append(" ".repeat(width - k.length())).append(" = ");
                value(e.getValue(), indent + "    ", sb);
                sb.append('\n');
            }
            sb.append(indent).append('}');
        } else {
            sb.append(v);
        }
    }

    private static String quote(String s) {
        return TerminalText.quote(s);
    }
}
