package dev.pictl.cli;

import dev.pictl.diag.Suggest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * One line for a usage error, in pictl's style ({@code Error: ...; did you mean "..."?}): an unknown option or
 * command gets the closest one by edit distance ({@link Suggest}, as for attribute names), and a Terraform
 * command pictl spells differently ({@code destroy}, {@code refresh}, {@code init}) gets the pictl way to do
 * it. Other usage errors keep picocli's message.
 */
final class UsageErrors {
    /** Terraform commands that pictl does another way, and that way. */
    static final Map<String, String> TERRAFORM = Map.of(
            "destroy", "use \"pictl apply --destroy\" (\"pictl plan --destroy\" shows what it would do first)",
            "refresh", "use \"pictl apply --refresh-only\" (\"pictl drift\" only reports)",
            "init", "it needs no initialisation: write the description and run \"pictl validate\", then \"pictl plan\"");

    private UsageErrors() {
    }

    /** The message after "Error: ". */
    static String message(ParameterException ex) {
        CommandLine cl = ex.getCommandLine();
        String name = cl.getCommandSpec().qualifiedName();
        if (ex instanceof UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
            String arg = u.getUnmatched().get(0);
            if (arg.startsWith(SimOptions.HIDDEN + "=")) {
                // --sim=DIR reaches picocli as the hidden --sim-dir=DIR (SimOptions.attached): say what the user wrote
                return "unknown option \"--sim=" + arg.substring(SimOptions.HIDDEN.length() + 1) + "\" for " + name;
            }
            String given = arg.contains("=") && arg.startsWith("-") ? arg.substring(0, arg.indexOf('=')) : arg;
            if (given.startsWith("-") && given.length() > 1) {
                return "unknown option \"" + given + "\" for " + name + Suggest.didYouMean(given, optionNames(cl.getCommandSpec()));
            }
            if (!cl.getSubcommands().isEmpty()) {
                String way = TERRAFORM.get(arg);
                if (way != null) {
                    return name + " has no " + arg + " command; " + way;
                }
                String closest = Suggest.closest(arg, commandNames(cl.getCommandSpec()));
                return "unknown command \"" + arg + "\" for " + name
                        + (closest == null ? "; the commands are listed by \"" + name + " --help\""
                                : "; did you mean \"" + name + " " + closest + "\"?");
            }
            return "unexpected argument \"" + arg + "\" for " + name;
        }
        return ex.getMessage();
    }

    private static List<String> optionNames(CommandSpec spec) {
        List<String> out = new ArrayList<>();
        for (OptionSpec o : spec.options()) {
            if (!o.hidden()) {
                out.addAll(List.of(o.names()));
            }
        }
        return out;
    }

    private static List<String> commandNames(CommandSpec spec) {
        List<String> out = new ArrayList<>();
        spec.subcommands().forEach((n, c) -> {
            if (!c.getCommandSpec().usageMessage().hidden()) {
                out.add(n);
            }
        });
        return out;
    }
}
