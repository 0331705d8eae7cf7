package dev.pictl.cli;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** The {@code pictl} executable. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        // Before any logger exists: warnings only, on stderr, and debug output on request.
        boolean debug = System.getenv("PICTL_DEBUG") != null;
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", debug ? "debug" : "warn");
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.sshd", debug ? "info" : "error");
        StartupArchive.dropIfRefused(); // a class-data archive the JVM refused is made anew by the next run
        Interrupts.ownProcess(); // this JVM is pictl's: apply may take over SIGINT and SIGTERM
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        int code = Cli.run(new CliContext(out, err, System.getenv(), Path.of("")), args);
        out.flush();
        err.flush();
        System.exit(code);
    }
}
