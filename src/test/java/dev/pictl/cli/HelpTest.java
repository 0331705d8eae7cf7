package dev.pictl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * What a Terraform user reaches for besides the commands: examples in every command's --help (each one a valid
 * command line), shell completion that knows every command and option, and a man page per command.
 */
@Tag("fast")
class HelpTest {
    private static CommandLine root() {
        PrintWriter none = new PrintWriter(new StringWriter());
        return Cli.commandLine(new CliContext(none, none, Map.of(), Path.of("")));
    }

    private static List<CommandLine> all(CommandLine cl) {
        List<CommandLine> out = new ArrayList<>();
        out.add(cl);
        cl.getSubcommands().values().forEach(c -> out.addAll(all(c)));
        return out;
    }

    @Test
    void everyCommandsHelpEndsWithExamplesThatParse() {
        List<CommandLine> commands = all(root());
        assertTrue(commands.size() > 15, "the command tree: " + commands.size());
        for (CommandLine c : commands) {
            String name = c.getCommandSpec().qualifiedName();
            CliRunner.Result help = CliRunner.run(Path.of(""), Map.of("NO_COLOR", "1"),
                    (name.replaceFirst("^pictl ?", "") + " --help").strip().split(" "));
            assertEquals(0, help.exitCode(), name + ": " + help.all());
            int at = help.out().indexOf("\nExamples:\n");
            assertTrue(at > 0, name + " --help has no examples:\n" + help.out());
            List<String> examples = help.out().substring(at + "\nExamples:\n".length()).lines()
                    .filter(l -> !l.isBlank()).map(String::strip).toList();
            assertFalse(examples.isEmpty(), name);
            for (String example : examples) {
                assertTrue(example.matches("(pictl|source|echo) .*"), name + ": an example was wrapped (too wide "
                        + "for 80 columns): " + example);
            }
            for (String example : examples) {
                List<String> args = shellWords(example);
                if (args.isEmpty()) {
                    continue; // "source <(...)", "echo ... >> ~/.zshrc": the pictl part is checked elsewhere
                }
                try {
                    root().parseArgs(SimOptions.attached(args.toArray(String[]::new)));
                } catch (CommandLine.ParameterException e) {
                    throw new AssertionError(name + ": the example \"" + example + "\" does not parse: " + e.getMessage());
                }
            }
        }
    }

    /** The arguments after "pictl" up to a comment, pipe or redirection; empty when the line does not start with pictl. */
    private static List<String> shellWords(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        char quote = 0;
        boolean inWord = false;
        for (char ch : line.toCharArray()) {
            if (quote != 0) {
                if (ch == quote) {
                    quote = 0;
                } else {
                    w.append(ch);
                }
            } else if (ch == '\'' || ch == '"') {
                quote = ch;
                inWord = true;
            } else if (ch == ' ') {
                if (inWord) {
                    words.add(w.toString());
                    w.setLength(0);
                    inWord = false;
                }
            } else if ((ch == '#' || ch == '|' || ch == '<' || ch == '>') && !inWord) {
                break;
            } else {
                w.append(ch);
                inWord = true;
            }
        }
        if (inWord) {
            words.add(w.toString());
        }
        if (words.isEmpty() || !words.get(0).equals("pictl")) {
            return List.of();
        }
        return words.subList(1, words.size());
    }

    @Test
    void completionKnowsEveryCommandAndOption() {
        for (String shell : List.of("bash", "zsh")) {
            CliRunner.Result r = CliRunner.run("completion", shell);
            assertEquals(0, r.exitCode(), r.all());
            String script = r.out();
            assertTrue(script.contains("complete -F _complete_pictl"), shell);
            for (CommandLine c : all(root())) {
                CommandSpec spec = c.getCommandSpec();
                assertTrue(script.contains(spec.name()), shell + ": no command " + spec.qualifiedName());
                for (OptionSpec o : spec.options()) {
                    for (String n : o.names()) {
                        assertEquals(!o.hidden(), script.contains(n + " ") || script.contains(n + "\"")
                                || script.contains(n + "'"), shell + ": option " + n + " of " + spec.qualifiedName());
                    }
                }
            }
        }
        assertTrue(CliRunner.run("completion", "zsh").out().contains("bashcompinit"));
        CliRunner.Result fish = CliRunner.run("completion", "fish");
        assertEquals(1, fish.exitCode());
        assertTrue(fish.err().startsWith("Error: Invalid value for positional parameter at index 0 (SHELL): "), fish.err());
    }

    @Test
    void aManPagePerCommandWithEveryOptionAndTheExamples() {
        Map<String, String> pages = ManPages.pages(ManPages.root());
        List<CommandLine> commands = all(root());
        assertEquals(commands.size(), pages.size(), pages.keySet().toString());
        for (CommandLine c : commands) {
            CommandSpec spec = c.getCommandSpec();
            String page = pages.get(spec.qualifiedName("-") + ".1");
            assertTrue(page != null, spec.qualifiedName());
            assertTrue(page.contains(".TH \"" + spec.qualifiedName("-").toUpperCase() + "\" \"1\""), page);
            for (String section : List.of(".SH NAME\n", ".SH SYNOPSIS\n", ".SH OPTIONS\n", ".SH EXAMPLES\n")) {
                assertTrue(page.contains(section), spec.qualifiedName() + " lacks " + section);
            }
            for (OptionSpec o : spec.options()) {
                for (String n : o.names()) {
                    assertEquals(!o.hidden(), page.contains("\\fB" + ManPages.escape(n) + "\\fR"),
                            spec.qualifiedName() + " " + n);
                }
            }
            // No line may start a troff request by accident, nor carry an unescaped backslash sequence of ours.
            for (String line : page.split("\n")) {
                assertFalse(line.startsWith("'"), line);
                if (line.startsWith(".")) {
                    assertTrue(line.matches("\\.(\\\\\"|TH|SH|PP|TP|nf|fi)( .*)?"), spec.qualifiedName() + ": " + line);
                }
            }
        }
        assertTrue(pages.get("pictl.1").contains("\\fBpictl\\-fmt\\fR(1)"), pages.get("pictl.1"));
    }
}
