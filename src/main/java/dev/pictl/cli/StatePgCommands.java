package dev.pictl.cli;

import dev.pictl.state.State;
import dev.pictl.state.StateBytes;
import dev.pictl.state.StateException;
import dev.pictl.state.pg.PgBackend;
import dev.pictl.state.pg.PgWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code pictl state push | pull | list-versions}: moving a state between a local file and PostgreSQL, and the
 * history PostgreSQL keeps (docs/state.md, "Team use").
 */
final class StatePgCommands {
    private StatePgCommands() {
    }

    @Command(name = "push", mixinStandardHelpOptions = true,
            description = {"Copy a local state file into PostgreSQL exactly as it is (its lineage and serial, byte for "
                    + "byte), with its key file (pictl.state.key beside it) when the database has none.",
                    "Refuses a database that holds another lineage or a later serial. Takes the lock. Also pushes "
                            + "back the rescue file an apply wrote when it lost the database."})
    static final class PushCommand implements Callable<Integer> {
        private final CliContext ctx;

        @Mixin
        StateCommand.StateOptions options;

        @Parameters(paramLabel = "FILE", arity = "1", description = "The local state file (pictl.state.json, or a "
                + "rescue file).")
        Path file;

        @Option(names = "--lock-timeout", paramLabel = "DURATION", defaultValue = "0s",
                description = "Wait this long for another run's lock (e.g. 30s, 2m; default: ${DEFAULT-VALUE}).")
        String lockTimeout;

        PushCommand(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            Duration wait = StateCommand.duration(lockTimeout, options.spec);
            boolean color = options.color(ctx);
            try {
                PgBackend pg = options.pg(ctx, "push");
                PgBackend.Local local = PgBackend.readLocal(ctx.workDir().resolve(file));
                PgWriter.Pushed done;
                try (PgWriter w = pg.lock("pictl state push " + file, wait)) {
                    done = w.push(local);
                }
                State s = local.state();
                if (done == PgWriter.Pushed.UNCHANGED) {
                    ctx.out().println(pg.location() + " already holds " + file + " (lineage " + s.lineage()
                            + ", serial " + s.serial() + "); nothing to push.");
                } else {
                    ctx.out().println("Pushed " + file + " to " + pg.location() + ": lineage " + s.lineage()
                            + ", serial " + s.serial() + ".");
                }
                ctx.out().flush();
                return ExitCode.OK;
            } catch (StateException e) {
                return StateCommand.fail(ctx, color, e.diagnostic());
            }
        }
    }

    @Command(name = "pull", mixinStandardHelpOptions = true,
            description = {"Copy the state from PostgreSQL: to FILE exactly as stored (mode 0600, with the key as "
                    + "FILE's .key beside it), or to standard output without FILE.",
                    "Refuses to overwrite a file of another lineage or a later serial. --serial takes an earlier "
                            + "version from the history (pictl state list-versions lists them)."})
    static final class PullCommand implements Callable<Integer> {
        private final CliContext ctx;

        @Mixin
        StateCommand.StateOptions options;

        @Parameters(paramLabel = "FILE", arity = "0..1", description = "Where to write it (default: standard output).")
        Path file;

        @Option(names = "--serial", paramLabel = "SERIAL", description = "An earlier version, by its serial.")
        Long version;

        PullCommand(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            boolean color = options.color(ctx);
            try {
                PgBackend pg = options.pg(ctx, "pull");
                Optional<PgBackend.Pulled> current = pg.pull();
                if (current.isEmpty()) {
                    throw new StateException("there is no state in " + pg.location(), "Nothing has been applied"
                            + " or pushed there yet. Nothing was written.");
                }
                String text = current.get().text();
                if (version != null) {
                    Optional<String> old = pg.versionText(version);
                    if (old.isEmpty()) {
                        throw new StateException("no version with serial " + version + " in the history of "
                                + pg.name(), "pictl state list-versions lists the versions kept. Nothing was written.");
                    }
                    text = old.get();
                }
                if (file == null) {
                    ctx.out().print(text);
                    ctx.out().flush();
                    return ExitCode.OK;
                }
                Path target = ctx.workDir().resolve(file);
                State pulled = StateBytes.decode(text, pg.name(), "State: " + pg.location());
                refuseOverwrite(target, pulled);
                Path keyFile = PgBackend.keyFileOf(target);
                String key = current.get().keyHex();
                if (key != null && Files.exists(keyFile)
                        && !Files.readString(keyFile, StandardCharsets.US_ASCII).strip().equalsIgnoreCase(key)) {
                    throw new StateException("refusing to overwrite " + keyFile.getFileName() + ": it holds another key",
                            "The pulled state's hashes of secrets are made under the database's key. Nothing was"
                                    + " written. Move " + keyFile + " away and pull again.");
                }
                StateBytes.writeFile(target, text.getBytes(StandardCharsets.UTF_8));
                if (key != null) {
                    StateBytes.writeFile(keyFile, (key + "\n").getBytes(StandardCharsets.US_ASCII));
                }
                ctx.out().println("Pulled " + pg.location() + " to " + file + ": lineage " + pulled.lineage()
                        + ", serial " + pulled.serial() + (key != null ? " (key: " + keyFile.getFileName() + ")." : "."));
                ctx.out().flush();
                return ExitCode.OK;
            } catch (StateException e) {
                return StateCommand.fail(ctx, color, e.diagnostic());
            } catch (IOException e) {
                return StateCommand.fail(ctx, color, new StateException("cannot write " + file,
                        StateBytes.reason(e) + ".").diagnostic());
            }
        }

        private static void refuseOverwrite(Path target, State pulled) throws StateException {
            if (!Files.exists(target)) {
                return;
            }
            State there = PgBackend.readLocal(target).state();
            if (!there.lineage().equals(pulled.lineage())) {
                throw new StateException("refusing to overwrite " + target.getFileName() + ": it belongs to another"
                        + " state (lineage " + there.lineage() + ", the database has " + pulled.lineage() + ")",
                        "Nothing was written. Pull into another file, or move it away first.\nFile: " + target);
            }
            if (there.serial() > pulled.serial()) {
                throw new StateException("refusing to overwrite " + target.getFileName() + ": it is at serial "
                        + there.serial() + ", later than the pulled " + pulled.serial(), "It has writes the database"
                        + " does not have; push it instead, or move it away first. Nothing was written.\nFile: "
                        + target);
            }
        }
    }

    @Command(name = "list-versions", mixinStandardHelpOptions = true,
            description = "List the versions of the state PostgreSQL keeps (the state block's history, newest first): "
                    + "serial, when, and who wrote it. pictl state pull --serial SERIAL FILE fetches one.")
    static final class ListVersionsCommand implements Callable<Integer> {
        private final CliContext ctx;

        @Mixin
        StateCommand.StateOptions options;

        ListVersionsCommand(CliContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public Integer call() {
            try {
                PgBackend pg = options.pg(ctx, "list-versions");
                List<PgBackend.Version> versions = pg.versions();
                if (versions.isEmpty()) {
                    ctx.err().println("No versions in " + pg.location() + ": nothing has been applied or pushed yet.");
                }
                for (PgBackend.Version v : versions) {
                    ctx.out().println(String.format("%-8d %s  %s%s", v.serial(), v.writtenAt().truncatedTo(ChronoUnit.SECONDS),
                            v.writtenBy(), v.current() ? "  (current)" : ""));
                }
                ctx.out().flush();
                ctx.err().flush();
                return ExitCode.OK;
            } catch (StateException e) {
                return StateCommand.fail(ctx, options.color(ctx), e.diagnostic());
            }
        }
    }
}
