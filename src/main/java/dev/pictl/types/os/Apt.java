package dev.pictl.types.os;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What apt and dpkg print, read (day2-facts §4): the {@code Inst} lines of {@code apt-get -s full-upgrade} (the
 * sturdy way to count pending upgrades, from the local lists, no network) and the {@code Unpacking} lines of a real
 * upgrade (what changed, so whether a kernel or firmware package did).
 */
final class Apt {
    private Apt() {
    }

    /**
     * One upgradable package: {@code Inst NAME [OLD] (NEW ORIGINS [ARCH])}, as apt's simulation prints it
     * ({@code pkgSimulate::Describe}: the candidate's version and {@code RelStr}, {@code Label:Version/Archive} per
     * source, comma-separated). {@code from} is empty for a package the upgrade newly installs.
     */
    record Upgrade(String name, String from, String to, String origin, boolean halfConfigured) {
        Upgrade(String name, String from, String to, String origin) {
            this(name, from, to, origin, false);
        }

        /** From a security archive: Debian's label {@code Debian-Security} or an archive {@code *-security}. */
        boolean security() {
            return origin.contains("-Security:") || origin.contains("-security") || origin.startsWith("Debian-Security");
        }

        /** A kernel or boot firmware package: installing it needs a reboot (Pi OS writes no reboot-required). */
        boolean needsReboot() {
            return rebootPackage(name);
        }

        /** How the plan shows it: {@code openssl 3.0.14-1~deb12u2 -> 3.0.15-1~deb12u1 (security)}. */
        String line() {
            List<String> tags = new ArrayList<>();
            if (security()) {
                tags.add("security");
            }
            if (needsReboot()) {
                tags.add(name.startsWith("linux-image") || name.startsWith("raspberrypi-kernel") ? "kernel" : "firmware");
            }
            if (halfConfigured) {
                return name + " " + to + " (not fully installed)";
            }
            return name + " " + (from.isEmpty() ? "(new)" : from) + " -> " + to
                    + (tags.isEmpty() ? "" : " (" + String.join(", ", tags) + ")");
        }
    }

    private static final Pattern INST = Pattern.compile(
            "^Inst (\\S+)(?: \\[([^\\]]*)\\])? \\((\\S+) (.*?)(?: \\[[^\\]]*\\])?\\)(?: \\[.*\\])?\\s*$");
    private static final Pattern CONF = Pattern.compile("^Conf (\\S+) \\((\\S+) (.*?)(?: \\[[^\\]]*\\])?\\)\\s*$");
    private static final Pattern UNPACKING = Pattern.compile("^Unpacking (\\S+) \\(([^)]*)\\)(?: over \\(([^)]*)\\))?");
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9+.-]*(?::[a-z0-9]+)?");

    /** Kernel and boot firmware packages of Raspberry Pi OS (Bookworm and before) and Debian. */
    static boolean rebootPackage(String name) {
        String n = name.contains(":") ? name.substring(0, name.indexOf(':')) : name;
        return n.startsWith("linux-image-") || n.equals("raspberrypi-kernel") || n.equals("raspi-firmware")
                || n.equals("raspberrypi-bootloader") || n.startsWith("raspi-firmware") || n.equals("linux-image");
    }

    /** Whether a word is a Debian package name (with an optional {@code :arch}). */
    static boolean packageName(String s) {
        return s != null && s.length() <= 200 && NAME.matcher(s).matches();
    }

    /**
     * The {@code Inst} lines of a simulated upgrade, in order, then the packages only configured ({@code Conf} with no
     * {@code Inst}: left half-configured by a run that failed, "N not fully installed or removed").
     */
    static List<Upgrade> simulated(String text) {
        List<Upgrade> out = new ArrayList<>();
        if (text == null) {
            return out;
        }
        Set<String> installed = new LinkedHashSet<>();
        List<Upgrade> configured = new ArrayList<>();
        for (String line : text.split("\n")) {
            Matcher m = INST.matcher(line.stripTrailing());
            if (m.matches()) {
                out.add(new Upgrade(m.group(1), m.group(2) == null ? "" : m.group(2), m.group(3), m.group(4)));
                installed.add(m.group(1));
                continue;
            }
            Matcher c = CONF.matcher(line.stripTrailing());
            if (c.matches()) {
                configured.add(new Upgrade(c.group(1), "", c.group(2), c.group(3), true));
            }
        }
        configured.stream().filter(u -> !installed.contains(u.name())).forEach(out::add);
        return out;
    }

    /** The packages dpkg unpacked during an upgrade ({@code Unpacking NAME (NEW) over (OLD) ...}), in order. */
    static List<String> unpacked(String text) {
        Set<String> out = new LinkedHashSet<>();
        if (text != null) {
            for (String line : text.split("\n")) {
                Matcher m = UNPACKING.matcher(line.strip());
                if (m.find()) {
                    out.add(m.group(1));
                }
            }
        }
        return new ArrayList<>(out);
    }

    /**
     * The packages that are held among {@code dpkg-query -W -f='${db:Status-Abbrev}|${Package}\n'} lines: the
     * selection's letter {@code h} ({@code hi } for held and installed).
     */
    static Set<String> held(String text) {
        Set<String> out = new LinkedHashSet<>();
        if (text != null) {
            for (String line : text.split("\n")) {
                int bar = line.indexOf('|');
                if (bar > 0 && line.startsWith("h") && packageName(line.substring(bar + 1).strip())) {
                    out.add(line.substring(bar + 1).strip());
                }
            }
        }
        return out;
    }
}
