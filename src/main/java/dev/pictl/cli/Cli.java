package dev.pictl.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Constructor;
import picocli.CommandLine;

/**
 * Builds pictl's picocli command line with injected writers and environment, and maps every outcome to an
 * exit code: usage errors are 1 on every (sub)command (picocli's default 2 would collide with "changes
 * present"); an unexpected exception is 1 with a one-line message and no stack trace unless
 * {@code PICTL_DEBUG} is set. {@code --sim=DIR} is rewritten before parsing ({@link SimOptions#attached}).
 */
public final class Cli {
    private Cli() {
    }

    public static CommandLine commandLine(CliContext ctx) {
        return commandLine(ctx, new String[0], false);
    }

    /**
     * The command line for a run with {@code args}: the root and only the subcommand {@code args[0]} names, and for
     * the root's own usage ({@code --help}, {@code -h}, no arguments) each subcommand's outline (name and
     * description) instead of its whole model. picocli builds a command's model by reflection over its class,
     * about 0.1 s of CPU for the whole tree on a small machine, and a run needs one (issue 17). The whole tree
     * for {@code completion}, which prints it, and for a word that names no command (the usage error lists them
     * all, with a suggestion).
     */
    static CommandLine commandLine(CliContext ctx, String[] args) {
        return commandLine(ctx, args, true);
    }

    private static CommandLine commandLine(CliContext ctx, String[] args, boolean lazy) {
        CommandLine.IFactory factory = new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> cls) throws Exception {
                for (Constructor<?> c : cls.getDeclaredConstructors()) {
                    if (c.getParameterCount() == 1 && c.getParameterTypes()[0] == CliContext.class) {
                        c.setAccessible(true);
                        return cls.cast(c.newInstance(ctx));
                    }
                }
                return CommandLine.defaultFactory().create(cls);
            }
        };
        CommandLine cmd = new CommandLine(PictlCommand.class, factory);
        Class<?> alone = lazy && args.length > 0 ? subcommand(args[0]) : null;
        boolean rootUsage = lazy && (args.length == 0 || args.length == 1 && (args[0].equals("--help") || args[0].equals("-h")));
        for (Class<?> c : PictlCommand.SUBCOMMANDS) {
            if (alone != null) {
                if (c == alone) cmd.addSubcommand(new CommandLine(c, factory));
            } else {
                cmd.addSubcommand(rootUsage ? outline(c) : new CommandLine(c, factory));
            }
        }
        cmd.setOut(ctx.out());
        cmd.setErr(ctx.err());
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
        cmd.setColorScheme(CommandLine.Help.defaultColorScheme(ctx.env().containsKey("NO_COLOR")
                ? CommandLine.Help.Ansi.OFF : CommandLine.Help.Ansi.AUTO));
        setUsageExit(cmd);
        HelpExamples.apply(cmd);
        cmd.setExecutionExceptionHandler((ex, cl, parsed) -> {
            PrintWriter err = cl.getErr();
            if (ex instanceof CommandLine.ParameterException pe) {
                err.println("Error: " + pe.getMessage());
                err.println("Run '" + cl.getCommandSpec().qualifiedName() + " --help' for usage.");
                err.flush();
                return ExitCode.ERROR;
            }
            err.println("Error: internal error: " + ex);
            err.println("This is a bug in pictl; please report it with the output of PICTL_DEBUG=1 and the command.");
            if (ctx.env().containsKey("PICTL_DEBUG")) {
                StringWriter trace = new StringWriter();
                ex.printStackTrace(new PrintWriter(trace));
                err.print(trace);
            }
            err.flush();
            return ExitCode.ERROR;
        });
        cmd.setParameterExceptionHandler((ex, unused) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            // --sim=DIR reaches picocli as the hidden --sim-dir=DIR (SimOptions.attached): say what the user wrote
            // One line, "did you mean" included (UsageErrors); picocli's own suggestion lines are not printed.
            err.println("Error: " + UsageErrors.message(ex).replace(SimOptions.HIDDEN + "=", "--sim=")
                    .replace("'" + SimOptions.HIDDEN + "'", "'--sim'"));
            err.println("Run '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help' for usage.");
            err.flush();
            return ExitCode.ERROR;
        });
        return cmd;
    }

    /** PictlCommand's subcommand class named {@code name} (by its own annotation), or null; null for completion. */
    static Class<?> subcommand(String name) {
        if (name.equals("completion")) return null;
        for (Class<?> c : PictlCommand.SUBCOMMANDS) {
            if (c.getSimpleName().equalsIgnoreCase(name + "Command")) {
                CommandLine.Command a = c.getAnnotation(CommandLine.Command.class);
                return a != null && a.name().equals(name) ? c : null;
            }
        }
        return null;
    }

    /** A subcommand as the root's usage lists it: its name, aliases, header and description, nothing else. */
    private static CommandLine outline(Class<?> c) {
        CommandLine.Command a = c.getAnnotation(CommandLine.Command.class);
        CommandLine.Model.CommandSpec s = CommandLine.Model.CommandSpec.create().name(a.name()).aliases(a.aliases());
        s.usageMessage().header(a.header()).description(a.description()).hidden(a.hidden());
        return new CommandLine(s);
    }

    private static void setUsageExit(CommandLine c) {
        c.getCommandSpec().exitCodeOnInvalidInput(ExitCode.ERROR);
        c.getCommandSpec().exitCodeOnExecutionException(ExitCode.ERROR);
        c.getSubcommands().values().forEach(Cli::setUsageExit);
    }

    public static int run(CliContext ctx, String... args) {
        try {
            String[] attached = SimOptions.attached(args);
            return commandLine(ctx, attached).execute(attached);
        } catch (StackOverflowError | OutOfMemoryError e) {
            // The last line of defence: inputs are bounded (nesting depth, file sizes) so that this never happens,
            // but if it does the user still gets one line, not a JVM stack trace.
            ctx.err().println("Error: internal error: " + e.getClass().getSimpleName());
            ctx.err().println("This is a bug in pictl; please report it with the output of PICTL_DEBUG=1 and the command.");
            ctx.err().flush();
            return ExitCode.ERROR;
        }
    }
}
