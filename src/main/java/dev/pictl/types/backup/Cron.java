package dev.pictl.types.backup;

import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * A cron schedule as k3s reads {@code etcd-snapshot-schedule-cron} (robfig/cron's standard five fields: minute, hour,
 * day of month, month, day of week; {@code *}, numbers, {@code a-b}, {@code /step}, lists; the {@code @hourly} ...
 * descriptors), turned into a systemd {@code OnCalendar=} for the SQLite timer, and its longest gap between runs (for
 * "the newest snapshot is older than twice its schedule").
 *
 * <p>A schedule that restricts both the day of month and the day of week is refused: cron runs when either matches,
 * systemd when both do, so the two would not agree.
 */
public final class Cron {
    private static final String[] NAMES = {"minute", "hour", "day of month", "month", "day of week"};
    private static final int[] MIN = {0, 0, 1, 1, 0};
    private static final int[] MAX = {59, 23, 31, 12, 7};
    private static final Map<String, String> DESCRIPTORS = Map.of("@yearly", "0 0 1 1 *", "@annually", "0 0 1 1 *",
            "@monthly", "0 0 1 * *", "@weekly", "0 0 * * 0", "@daily", "0 0 * * *", "@midnight", "0 0 * * *",
            "@hourly", "0 * * * *");
    private static final String[] DOW = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

    private final String text;
    private final BitSet[] fields;
    private final boolean[] star;

    private Cron(String text, BitSet[] fields, boolean[] star) {
        this.text = text;
        this.fields = fields;
        this.star = star;
    }

    /** A schedule that cannot be used, with what is wrong in words. */
    public static final class Invalid extends Exception {
        Invalid(String message) {
            super(message);
        }
    }

    public static Cron parse(String text) throws Invalid {
        String t = text == null ? "" : text.trim();
        if (t.startsWith("@every")) {
            throw new Invalid("\"@every\" is not a calendar schedule; write it as five cron fields (e.g. \"0 */6 * * *\")");
        }
        if (t.startsWith("@")) {
            String d = DESCRIPTORS.get(t);
            if (d == null) {
                throw new Invalid("unknown descriptor \"" + t + "\"; use @hourly, @daily, @weekly, @monthly or @yearly");
            }
            t = d;
        }
        String[] parts = t.split("\\s+");
        if (parts.length != 5) {
            throw new Invalid("a cron schedule has five fields (minute hour day-of-month month day-of-week), \"" + text
                    + "\" has " + (t.isEmpty() ? 0 : parts.length));
        }
        BitSet[] f = new BitSet[5];
        boolean[] star = new boolean[5];
        for (int i = 0; i < 5; i++) {
            star[i] = parts[i].equals("*") || parts[i].equals("?");
            f[i] = field(parts[i], i);
        }
        if (f[4].get(7)) {
            f[4].set(0);
            f[4].clear(7);
        }
        if (!star[2] && !star[4]) {
            throw new Invalid("it restricts both the day of month and the day of week: cron runs when either matches, "
                    + "a systemd timer when both do; restrict one of them");
        }
        return new Cron(String.join(" ", parts), f, star);
    }

    private static BitSet field(String s, int i) throws Invalid {
        BitSet out = new BitSet();
        for (String item : s.split(",", -1)) {
            int step = 1;
            String range = item;
            int slash = item.indexOf('/');
            if (slash >= 0) {
                step = number(item.substring(slash + 1), i, 1, Integer.MAX_VALUE);
                range = item.substring(0, slash);
            }
            int lo;
            int hi;
            if (range.equals("*") || range.equals("?")) {
                lo = MIN[i];
                hi = i == 4 ? 6 : MAX[i];
            } else if (range.contains("-")) {
                lo = number(range.substring(0, range.indexOf('-')), i, MIN[i], MAX[i]);
                hi = number(range.substring(range.indexOf('-') + 1), i, MIN[i], MAX[i]);
                if (hi < lo) {
                    throw new Invalid("the " + NAMES[i] + " range \"" + range + "\" runs backwards");
                }
            } else {
                lo = number(range, i, MIN[i], MAX[i]);
                hi = slash >= 0 ? (i == 4 ? 6 : MAX[i]) : lo;
            }
            for (int v = lo; v <= hi; v += step) {
                out.set(v);
            }
        }
        return out;
    }

    private static int number(String s, int i, int min, int max) throws Invalid {
        if (!s.matches("[0-9]{1,9}")) {
            throw new Invalid("\"" + s + "\" is not a number in the " + NAMES[i] + " field (names such as \"mon\" are "
                    + "not read here; use numbers)");
        }
        int v = Integer.parseInt(s);
        if (v < min || v > max) {
            throw new Invalid("the " + NAMES[i] + " " + v + " is out of range " + min + "-" + max);
        }
        return v;
    }

    /** The schedule as written (descriptors expanded). */
    public String text() {
        return text;
    }

    /** The same schedule as a systemd {@code OnCalendar=} value, e.g. {@code *-*-* 00,12:00:00}. */
    public String onCalendar() {
        String dow = "";
        if (!star[4]) {
            StringJoiner j = new StringJoiner(",");
            fields[4].stream().forEach(d -> j.add(DOW[d]));
            dow = j + " ";
        }
        return dow + "*-" + list(3, 1) + "-" + list(2, 1) + " " + list(1, 0) + ":" + list(0, 0) + ":00";
    }

    private String list(int i, int pad) {
        if (star[i] || fields[i].cardinality() == MAX[i] - MIN[i] + 1) {
            return "*";
        }
        StringJoiner j = new StringJoiner(",");
        fields[i].stream().forEach(v -> j.add(String.format("%02d", v)));
        return j.toString();
    }

    /** The longest time between two runs (over four years, so that a yearly or leap-day schedule is seen whole). */
    public Duration longestGap() {
        LocalDate day = LocalDate.of(2024, 1, 1);
        LocalDateTime previous = null;
        LocalDateTime firstRun = null;
        long longest = 0;
        for (int d = 0; d < 4 * 366 + 1; d++, day = day.plusDays(1)) {
            if (!fields[3].get(day.getMonthValue())) {
                continue;
            }
            boolean domOk = fields[2].get(day.getDayOfMonth());
            boolean dowOk = fields[4].get(day.getDayOfWeek().getValue() % 7);
            if (!(domOk && dowOk)) {
                continue;
            }
            for (int h = fields[1].nextSetBit(0); h >= 0; h = fields[1].nextSetBit(h + 1)) {
                for (int m = fields[0].nextSetBit(0); m >= 0; m = fields[0].nextSetBit(m + 1)) {
                    LocalDateTime at = day.atTime(h, m);
                    if (previous != null) {
                        longest = Math.max(longest, at.toEpochSecond(ZoneOffset.UTC) - previous.toEpochSecond(ZoneOffset.UTC));
                    } else {
                        firstRun = at;
                    }
                    previous = at;
                }
            }
        }
        if (previous == null || previous.equals(firstRun)) {
            return Duration.ofDays(4 * 366);
        }
        return Duration.ofSeconds(longest);
    }

    /** Every run time in words for messages: the schedule and its longest gap. */
    static String gapWords(Duration d) {
        long s = d.toSeconds();
        if (s % 86400 == 0) {
            return s / 86400 + (s == 86400 ? " day" : " days");
        }
        if (s % 3600 == 0) {
            return s / 3600 + (s == 3600 ? " hour" : " hours");
        }
        return s / 60 + " min";
    }

    @Override
    public String toString() {
        return text;
    }

    static List<String> names() {
        return new ArrayList<>(List.of(NAMES));
    }
}
