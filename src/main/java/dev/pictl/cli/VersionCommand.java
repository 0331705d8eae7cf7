package dev.pictl.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "version", mixinStandardHelpOptions = true, description = "Print pictl's version.")
final class VersionCommand implements Callable<Integer> {
    private final CliContext ctx;

    VersionCommand(CliContext ctx) {
        this.ctx = ctx;
    }

    static String version() {
        try (InputStream in = VersionCommand.class.getResourceAsStream("/dev/pictl/version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    @Override
    public Integer call() {
        ctx.out().println("pictl " + version() + " (Java " + System.getProperty("java.version") + ")");
        ctx.out().flush();
        return ExitCode.OK;
    }
}
