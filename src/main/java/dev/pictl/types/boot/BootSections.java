package dev.pictl.types.boot;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * config.txt as pictl reads and writes it (day2-facts §5.1, k3s-and-pi-facts §3.1): the rules of a line and of a
 * section name, the blocks pictl owns, which sections apply to a board's model, and what {@code vcgencmd get_config}
 * must report for them. Pure functions, shared by the type's validation, its planner view and its executor.
 *
 * <p>pictl's lines live in one marked block per section, each opening with {@code [all]} (which resets every filter,
 * so the block's own filter is not combined with whatever filter the file had before) and an empty
 * {@code dtoverlay=} (which ends the scope of an overlay loaded before: without it a base {@code dtparam=} would set a
 * parameter of the file's last overlay, day2-facts §0.9), and closing the same way, so that the lines after it are in
 * the scope they had without pictl:
 *
 * <pre>
 *   # BEGIN pictl [pi4]
 *   [all]
 *   [pi4]
 *   dtoverlay=
 *   dtoverlay=rpi-poe-plus
 *   dtparam=poe_fan_temp0=65000
 *   dtoverlay=
 *   [all]
 *   # END pictl [pi4]
 * </pre>
 */
public final class BootSections {
    public static final String BEGIN = "# BEGIN pictl";
    public static final String END = "# END pictl";
    /** The firmware's line limit (k3s-and-pi-facts §3.1). */
    public static final int MAX_LINE = 98;

    /** Model filters of the conditional-filters page [RP2]; {@code pi5} and {@code cm5} are common, not in it. */
    public static final List<String> MODEL_FILTERS = List.of("pi1", "pi2", "pi3", "pi3+", "pi4", "pi400", "cm4",
            "cm4s", "pi0", "pi0w", "pi02", "pi5", "cm5");
    /** Filters that are neither models nor conditions: {@code all} resets, {@code none} never applies. */
    public static final List<String> PLAIN_FILTERS = List.of("all", "none", "tryboot");
    private static final Pattern CONDITION = Pattern.compile(
            "board-type=0x[0-9A-Fa-f]+|0x[0-9A-Fa-f]{1,16}|gpio[0-9]{1,2}=[01]|HDMI:[01]|EDID=[^\\[\\]]{1,64}");

    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_]+(:[0-9]+)?");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.+-]*");
    private static final Pattern PARAM = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*");
    private static final Set<String> ON = Set.of("on", "true", "yes", "y");
    private static final Set<String> OFF = Set.of("off", "false", "no", "n");

    private BootSections() {
    }

    // ------------------------------------------------------------------ validation

    /** Why {@code name} is not a section pictl writes (the name between the brackets), or null. */
    public static String sectionProblem(String name) {
        if (name == null || name.isEmpty()) {
            return "a section name is empty";
        }
        if (controlChar(name) >= 0) {
            return "section \"" + printable(name) + "\" contains a control character";
        }
        if (name.startsWith("[") || name.endsWith("]")) {
            return "section \"" + name + "\" is written with its brackets; pictl adds them (write \""
                    + name.replaceAll("^\\[|\\]$", "") + "\")";
        }
        if (MODEL_FILTERS.contains(name) || PLAIN_FILTERS.contains(name) || CONDITION.matcher(name).matches()) {
            return null;
        }
        String lower = name.toLowerCase(Locale.ROOT);
        if (MODEL_FILTERS.contains(lower) || PLAIN_FILTERS.contains(lower)) {
            return "section \"" + name + "\" is not a config.txt filter; filters are lower case: \"" + lower + "\"";
        }
        return "section \"" + name + "\" is not a config.txt filter; use all, a model (" + String.join(", ",
                MODEL_FILTERS) + "), none, tryboot, board-type=0x…, 0x<serial>, gpioN=0|1, HDMI:0|1 or EDID=…";
    }

    /**
     * Why {@code line} is not a config.txt line pictl writes, or null. A line is {@code key=value} with no spaces
     * around {@code =} and no quotes, at most {@value #MAX_LINE} characters; {@code dtparam=} takes
     * {@code name[=value]} items separated by commas, {@code dtoverlay=} an overlay name and optional
     * {@code ,param=value} items. Comments, section headers, {@code include} and an empty {@code dtoverlay=} (pictl
     * writes the overlay scope ends itself) are refused.
     */
    public static String lineProblem(String line) {
        if (line == null || line.isEmpty()) {
            return "a config.txt line is empty";
        }
        int cc = controlChar(line);
        if (cc >= 0) {
            return "the line contains a control character (" + String.format("U+%04X", (int) line.charAt(cc))
                    + " at column " + (cc + 1) + "); config.txt takes one setting per line";
        }
        if (line.length() > MAX_LINE) {
            return "the line is " + line.length() + " characters long; the firmware reads at most " + MAX_LINE;
        }
        if (line.startsWith("#")) {
            return "a comment is not a setting; pictl marks its own block";
        }
        if (line.startsWith("[")) {
            return "\"" + line + "\" is a section header; name the section as the key of `sections` instead";
        }
        if (line.startsWith("include ") || line.equals("include")) {
            return "`include` is not read by bootcode.bin or the EEPROM bootloader; write the settings themselves";
        }
        int eq = line.indexOf('=');
        if (eq <= 0) {
            return "\"" + line + "\" is not key=value";
        }
        String key = line.substring(0, eq);
        String value = line.substring(eq + 1);
        if (!key.equals(key.strip()) || (!value.isEmpty() && Character.isWhitespace(value.charAt(0)))) {
            return "no spaces around `=` in config.txt (\"" + key.strip() + "=" + value.strip() + "\")";
        }
        if (line.indexOf('"') >= 0 || line.indexOf('\'') >= 0) {
            return "config.txt takes no quotes; write the value bare";
        }
        if (!KEY.matcher(key).matches()) {
            return "\"" + key + "\" is not a config.txt key (letters, digits and _, optionally :N)";
        }
        if (value.chars().anyMatch(Character::isWhitespace)) {
            return "the value \"" + value + "\" contains a space; a config.txt value is one word";
        }
        if (key.equals("dtoverlay")) {
            if (value.isEmpty()) {
                return "an empty dtoverlay= ends an overlay's scope; pictl writes those around its block itself";
            }
            String[] items = value.split(",", -1);
            if (!NAME.matcher(items[0]).matches()) {
                return "\"" + items[0] + "\" is not an overlay name";
            }
            return paramsProblem(java.util.Arrays.copyOfRange(items, 1, items.length), line);
        }
        if (key.equals("dtparam")) {
            if (value.isEmpty()) {
                return "dtparam= needs name=value";
            }
            return paramsProblem(value.split(",", -1), line);
        }
        if (value.isEmpty()) {
            return "\"" + line + "\" has no value";
        }
        return null;
    }

    private static String paramsProblem(String[] items, String line) {
        for (String item : items) {
            int e = item.indexOf('=');
            String p = e < 0 ? item : item.substring(0, e);
            if (!PARAM.matcher(p).matches()) {
                return "\"" + item + "\" in \"" + line + "\" is not a parameter (name or name=value)";
            }
            if (e >= 0 && item.substring(e + 1).isEmpty()) {
                return "parameter \"" + p + "\" in \"" + line + "\" has no value";
            }
        }
        return null;
    }

    private static int controlChar(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == '\u2028' || c == '\u2029') {
                return i;
            }
        }
        return -1;
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        s.chars().forEach(c -> b.append(c < 0x20 || c == 0x7f ? String.format("\\u%04x", c) : String.valueOf((char) c)));
        return b.toString();
    }

    // ------------------------------------------------------------------ the blocks

    /** pictl's blocks for {@code sections} (in their order), one string of lines without a final newline. */
    public static String render(Map<String, List<String>> sections) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : sections.entrySet()) {
            if (e.getValue().isEmpty()) {
                continue;
            }
            out.add(BEGIN + " [" + e.getKey() + "]");
            out.add("[all]");
            if (!e.getKey().equals("all")) {
                out.add("[" + e.getKey() + "]");
            }
            out.add("dtoverlay=");
            out.addAll(e.getValue());
            out.add("dtoverlay=");
            if (!e.getKey().equals("all")) {
                out.add("[all]");
            }
            out.add(END + " [" + e.getKey() + "]");
        }
        return String.join("\n", out);
    }

    /**
     * What config.txt holds: pictl's blocks (section → its lines, the structure pictl adds left out) and the problem
     * with its markers when there is one (a BEGIN without END: pictl will not guess where its lines end).
     */
    public record Owned(Map<String, List<String>> sections, String problem) {
        public Owned {
            Map<String, List<String>> copy = new LinkedHashMap<>();
            sections.forEach((k, v) -> copy.put(k, List.copyOf(v)));
            sections = java.util.Collections.unmodifiableMap(copy);
        }
    }

    /** Reads pictl's blocks out of config.txt's text. */
    public static Owned parse(String text) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (text == null) {
            return new Owned(out, null);
        }
        String section = null;
        List<String> lines = null;
        int n = 0;
        for (String raw : text.split("\n", -1)) {
            n++;
            String line = raw.endsWith("\r") ? raw.substring(0, raw.length() - 1) : raw;
            if (line.startsWith(BEGIN)) {
                if (lines != null) {
                    return new Owned(out, "line " + n + ": a second \"" + BEGIN + "\" before the \"" + END + "\"");
                }
                section = bracketed(line.substring(BEGIN.length()).strip());
                lines = new ArrayList<>();
                continue;
            }
            if (line.startsWith(END)) {
                if (lines == null) {
                    return new Owned(out, "line " + n + ": \"" + END + "\" without \"" + BEGIN + "\"");
                }
                String key = section == null ? "all" : section;
                out.computeIfAbsent(key, k -> new ArrayList<>()).addAll(lines);
                lines = null;
                continue;
            }
            if (lines != null) {
                String s = line.strip();
                if (s.isEmpty() || s.startsWith("#") || s.equals("dtoverlay=")) {
                    continue;
                }
                if (s.startsWith("[") && s.endsWith("]")) {
                    String inner = s.substring(1, s.length() - 1);
                    if (section == null && !inner.equals("all")) {
                        section = inner;
                    }
                    continue;
                }
                lines.add(s);
            }
        }
        if (lines != null) {
            return new Owned(out, "\"" + BEGIN + "\" has no \"" + END + "\"");
        }
        return new Owned(out, null);
    }

    private static String bracketed(String s) {
        return s.startsWith("[") && s.endsWith("]") && s.length() > 2 ? s.substring(1, s.length() - 1) : null;
    }

    // ------------------------------------------------------------------ what the firmware should report

    /**
     * Whether the section applies to a board of this model ({@code /proc/device-tree/model}): true, false, or null
     * when it depends on what pictl cannot see (a GPIO, the display, the serial number, tryboot's one boot).
     * {@code [pi4]} also matches the 400, CM4 and CM4S [RP2].
     */
    public static Boolean applies(String section, String model) {
        if (section.equals("all")) {
            return true;
        }
        if (section.equals("none") || section.equals("tryboot")) {
            return false;
        }
        if (!MODEL_FILTERS.contains(section)) {
            return null;
        }
        if (model == null || !model.startsWith("Raspberry Pi")) {
            return null;
        }
        String m = model;
        boolean cm4 = m.contains("Compute Module 4");
        boolean cm4s = m.contains("Compute Module 4S");
        return switch (section) {
            case "pi1" -> m.startsWith("Raspberry Pi Model") || m.equals("Raspberry Pi Compute Module")
                    || m.startsWith("Raspberry Pi Compute Module Rev");
            case "pi2" -> m.startsWith("Raspberry Pi 2");
            case "pi3" -> m.startsWith("Raspberry Pi 3") || m.contains("Compute Module 3");
            case "pi3+" -> m.startsWith("Raspberry Pi 3 Model B Plus") || m.startsWith("Raspberry Pi 3 Model A Plus");
            case "pi4" -> m.startsWith("Raspberry Pi 4") || m.startsWith("Raspberry Pi 400") || cm4;
            case "pi400" -> m.startsWith("Raspberry Pi 400");
            case "cm4" -> cm4 && !cm4s;
            case "cm4s" -> cm4s;
            case "pi0" -> m.startsWith("Raspberry Pi Zero");
            case "pi0w" -> m.startsWith("Raspberry Pi Zero W");
            case "pi02" -> m.startsWith("Raspberry Pi Zero 2");
            case "pi5" -> m.startsWith("Raspberry Pi 5") || m.contains("Compute Module 5");
            case "cm5" -> m.contains("Compute Module 5");
            default -> null;
        };
    }

    /** A value {@code vcgencmd get_config} should report: the name, the value, and the line that set it. */
    public record Expected(String name, String value, String line, String section) {
    }

    /**
     * The values pictl's lines set on a board of this model, later lines winning: a {@code key=value} line by its
     * key, a {@code dtparam=} (or a {@code dtoverlay=}'s) {@code name=value} parameter by its name. Overlay names
     * and a bare {@code dtparam=name} set nothing a value can be read back for. Sections that do not apply, or whose
     * condition pictl cannot see, are left out.
     */
    public static Map<String, Expected> expected(Map<String, List<String>> sections, String model) {
        Map<String, Expected> out = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : sections.entrySet()) {
            if (!Boolean.TRUE.equals(applies(e.getKey(), model))) {
                continue;
            }
            for (String line : e.getValue()) {
                int eq = line.indexOf('=');
                if (eq <= 0) {
                    continue;
                }
                String key = line.substring(0, eq);
                String value = line.substring(eq + 1);
                if (key.equals("dtparam") || key.equals("dtoverlay")) {
                    String[] items = value.split(",");
                    for (int i = key.equals("dtoverlay") ? 1 : 0; i < items.length; i++) {
                        int pe = items[i].indexOf('=');
                        if (pe > 0) {
                            String p = items[i].substring(0, pe);
                            out.remove(p);
                            out.put(p, new Expected(p, items[i].substring(pe + 1), line, e.getKey()));
                        }
                    }
                } else {
                    out.remove(key);
                    out.put(key, new Expected(key, value, line, e.getKey()));
                }
            }
        }
        return out;
    }

    /** {@code name=value} lines as {@code vcgencmd get_config int} and {@code str} print them (the first wins). */
    public static Map<String, String> reported(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        if (text == null) {
            return out;
        }
        for (String line : text.split("\n")) {
            String l = line.strip();
            int eq = l.indexOf('=');
            if (eq > 0 && !l.startsWith("error=")) {
                out.putIfAbsent(l.substring(0, eq), l.substring(eq + 1));
            }
        }
        return out;
    }

    /**
     * The lines whose value the firmware does not report as set: one message each, naming the line, its section
     * and what {@code vcgencmd get_config} reported (nothing, or another value). Empty: every line is in effect.
     */
    public static List<String> unapplied(Map<String, Expected> expected, Map<String, String> reported) {
        List<String> out = new ArrayList<>();
        for (Expected x : expected.values()) {
            String got = reported.get(x.name());
            if (got == null) {
                out.add("\"" + x.line() + "\" [" + x.section() + "]: vcgencmd get_config reports no " + x.name());
            } else if (!sameValue(x.value(), got)) {
                out.add("\"" + x.line() + "\" [" + x.section() + "]: vcgencmd get_config reports " + x.name() + "="
                        + got);
            }
        }
        return out;
    }

    /** Equal as the firmware compares them: numbers by value (decimal or 0x hex), on/off as 1/0. */
    static boolean sameValue(String want, String got) {
        String a = normal(want);
        String b = normal(got);
        return a.equals(b);
    }

    private static String normal(String v) {
        String s = v.strip();
        String l = s.toLowerCase(Locale.ROOT);
        if (ON.contains(l)) {
            return "1";
        }
        if (OFF.contains(l)) {
            return "0";
        }
        try {
            if (l.startsWith("0x")) {
                return Long.toString(Long.parseLong(l.substring(2), 16));
            }
            if (l.matches("-?[0-9]+")) {
                return Long.toString(Long.parseLong(l));
            }
        } catch (NumberFormatException e) {
            return s;
        }
        return s;
    }
}
