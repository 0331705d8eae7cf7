package dev.pictl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * A run builds only the subcommand it names (issue 17: start-up); every command of that subtree is the same
 * as in the whole tree: its usage text, options, exit codes on bad input and nested subcommands. The root's own
 * usage, built from the subcommands' outlines, is the whole tree's to the byte.
 */
@Tag("fast")
class LazyCommandTreeTest {
    private static CliContext ctx() {
        PrintWriter none = new PrintWriter(new StringWriter());
        return new CliContext(none, none, Map.of("NO_COLOR", "1"), Path.of(""));
    }

    @Test
    void eachSubcommandAlone_isTheSameAsInTheWholeTree() {
        CommandLine whole = Cli.commandLine(ctx());
        List<String> checked = new ArrayList<>();
        for (String name : whole.getSubcommands().keySet()) {
            if (name.equals("completion")) {
                assertNull(Cli.subcommand(name), "completion prints the whole tree: it gets the whole tree");
                continue;
            }
            assertNotNull(Cli.subcommand(name), name);
            CommandLine alone = Cli.commandLine(ctx(), new String[] {name, "--flag"});
            assertEquals(List.of(name), List.copyOf(alone.getSubcommands().keySet()));
            Map<String, String> expected = describe(whole.getSubcommands().get(name));
            assertEquals(expected, describe(alone.getSubcommands().get(name)), name);
            checked.add(name);
        }
        assertEquals(whole.getSubcommands().size() - 1, checked.size(), checked.toString());
    }

    @Test
    void aWordThatNamesNoCommand_getsTheWholeTree() {
        int all = Cli.commandLine(ctx()).getSubcommands().size();
        for (String word : List.of("valdate", "--help", "-V", "Validate", "")) {
            assertNull(Cli.subcommand(word), word);
            CommandLine tree = Cli.commandLine(ctx(), new String[] {word, "x"});
            assertEquals(all, tree.getSubcommands().size(), word);
            assertEquals(describe(Cli.commandLine(ctx())), describe(tree), word);
        }
        CliRunner.Result r = CliRunner.run("valdate");
        assertEquals(1, r.exitCode(), r.all());
        assertEquals(true, r.err().contains("did you mean \"pictl validate\"?"), r.all());
    }

    @Test
    void theRootsOwnUsage_fromOutlines_isTheSameAsFromTheWholeTree() {
        String whole = Cli.commandLine(ctx()).getUsageMessage(CommandLine.Help.Ansi.OFF);
        for (String[] args : List.of(new String[] {"--help"}, new String[] {"-h"}, new String[0])) {
            CommandLine outlined = Cli.commandLine(ctx(), args);
            assertEquals(whole, outlined.getUsageMessage(CommandLine.Help.Ansi.OFF), String.join(" ", args));
        }
        CliRunner.Result help = CliRunner.run(Path.of(""), Map.of("NO_COLOR", "1"), "--help");
        assertEquals(0, help.exitCode(), help.all());
        assertEquals(whole, help.out());
        CliRunner.Result none = CliRunner.run(Path.of(""), Map.of("NO_COLOR", "1"));
        assertEquals(1, none.exitCode(), none.all());
        assertEquals(whole, none.err());
    }

    /** Qualified name -> usage text and exit codes, for a command and every command under it. */
    private static Map<String, String> describe(CommandLine c) {
        Map<String, String> out = new LinkedHashMap<>();
        walk(c, out);
        return out;
    }

    private static void walk(CommandLine c, Map<String, String> out) {
        CommandLine.Model.CommandSpec s = c.getCommandSpec();
        out.put(s.qualifiedName(), c.getUsageMessage(CommandLine.Help.Ansi.OFF) + "\ninvalid input: "
                + s.exitCodeOnInvalidInput() + ", execution exception: " + s.exitCodeOnExecutionException()
                + ", case-insensitive enums: " + c.isCaseInsensitiveEnumValuesAllowed());
        c.getSubcommands().values().forEach(sub -> walk(sub, out));
    }
}
