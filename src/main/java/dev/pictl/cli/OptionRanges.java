package dev.pictl.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * The allowed range of every numeric option, in one place (docs/security/input.md lists them). A value out of
 * range is a usage error naming the option and its range, before anything runs: {@code --parallelism 0} would
 * otherwise be a thread pool of no threads, {@code --max-unavailable 0} a roll that never starts, and a
 * timeout of 0 or less a wait that fails at once.
 */
final class OptionRanges {
    private OptionRanges() {
    }

    /** One day: the longest wait any timeout option allows. */
    static final long MAX_SECONDS = 86_400;
    /** The most nodes worked on at once (each is an SSH session and a thread). */
    static final int MAX_PARALLELISM = 256;
    /** The most nodes rebooted or upgraded at once. */
    static final int MAX_UNAVAILABLE = 1000;

    static void require(CommandSpec spec, String option, long value, long min, long max, String unit) {
        if (value < min || value > max) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '" + option + "': " + value
                    + " is out of range; expected " + min + " to " + max + (unit.isEmpty() ? "" : " " + unit));
        }
    }

    static void seconds(CommandSpec spec, String option, long value) {
        require(spec, option, value, 1, MAX_SECONDS, "seconds");
    }
}
