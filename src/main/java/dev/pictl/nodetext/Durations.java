package dev.pictl.nodetext;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * pictl's durations: a number of 1 to 9 digits and a unit, {@code ms}, {@code s}, {@code m} or {@code h}
 * ({@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h}). The description's duration attributes ({@code
 * connect_timeout}; the schema's pattern is {@link #PATTERN}) and the CLI's duration options ({@code --lock-timeout},
 * where a bare number counts seconds) use this grammar; the simulated kubectl reads kubectl's own compound form
 * ({@code 1h30m}) with {@link #parseCompound}, built from the same terms.
 */
public final class Durations {
    /** The description's duration syntax, as the schema and the validator state it. */
    public static final String PATTERN = "^[0-9]{1,9}(ms|s|m|h)$";

    /** One term; at most 9 digits, so no number overflows a long or a {@link Duration}. */
    private static final Pattern TERM = Pattern.compile("([0-9]{1,9})(ms|s|m|h)");
    private static final Pattern BARE = Pattern.compile("[0-9]{1,9}");
    private static final Pattern COMPOUND = Pattern.compile("(?:[0-9]{1,9}(?:ms|s|m|h))+");

    private Durations() {
    }

    /** {@code 10s} and the like (surrounding whitespace ignored); null when {@code text} is not one. */
    public static Duration parse(String text) {
        if (text == null) {
            return null;
        }
        Matcher m = TERM.matcher(text.strip());
        return m.matches() ? term(m) : null;
    }

    /** As {@link #parse}, and a bare number counts in seconds ({@code 30} is {@code 30s}): the CLI's options. */
    public static Duration parseSecondsByDefault(String text) {
        if (text != null && BARE.matcher(text.strip()).matches()) {
            return Duration.ofSeconds(Long.parseLong(text.strip()));
        }
        return parse(text);
    }

    /**
     * kubectl's form (Go's {@code time.ParseDuration} without fractions or signs): one or more terms,
     * {@code 1h30m}, {@code 5m}, {@code 300s}, or a bare number of seconds. Null for empty or anything else.
     */
    public static Duration parseCompound(String text) {
        if (text == null) {
            return null;
        }
        String t = text.strip();
        if (BARE.matcher(t).matches()) {
            return Duration.ofSeconds(Long.parseLong(t));
        }
        if (!COMPOUND.matcher(t).matches()) {
            return null;
        }
        Duration d = Duration.ZERO;
        Matcher m = TERM.matcher(t);
        while (m.find()) {
            d = d.plus(term(m));
        }
        return d;
    }

    private static Duration term(Matcher m) {
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofSeconds(n);
        };
    }
}
