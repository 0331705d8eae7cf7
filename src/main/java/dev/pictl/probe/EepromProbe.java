package dev.pictl.probe;

import java.util.List;
import java.util.Optional;

/**
 * The bootloader EEPROM's status, from {@code rpi-eeprom-update} (day2-facts §4.4): {@code BOOTLOADER: update
 * available} or {@code up to date}, {@code CURRENT: <date> (<epoch>)}, {@code LATEST: …}. One process, and a real
 * board's tool reads the firmware and its image files, so it is printed only on nodes that ask ({@value #ASK}: the
 * nodes with a boot_config, whose probe reads the firmware's view already); the probe's own fragment so that
 * {@link Health} can give its advisory finding {@value Health#EEPROM_UPDATE_AVAILABLE}.
 */
public final class EepromProbe {
    public static final String ASK = "eeprom";

    /** What rpi-eeprom-update said; null where it was not asked, or is missing (not a Pi 4/5). */
    public record Status(boolean updateAvailable, String current, String latest) {
    }

    /** What to do about an available update; the plan's, drift's and diagnose's advisory all say it. */
    public static final String REMEDY = "`sudo rpi-eeprom-update -a` stages it, the next reboot flashes it";

    public static final ProbeFragment<Status> FRAGMENT = NodeProbe.fragment("eeprom", List.of("eeprom"),
            request -> request.asked(ASK) ? script() : "",
            (request, out) -> request.asked(ASK) ? parse(out.get("eeprom")) : null);

    private EepromProbe() {
    }

    /**
     * The section {@code eeprom}: the tool's status (it exits 1 when an update is available, which ends nothing);
     * empty where it is missing. {@code pictl diagnose} runs the same text in its own script.
     */
    public static String script() {
        return "sec eeprom; rpi-eeprom-update 2>/dev/null\n";
    }

    /** The status lines of {@code rpi-eeprom-update}'s output; null when there is no BOOTLOADER line. */
    public static Status parse(String text) {
        if (text == null) {
            return null;
        }
        String state = null;
        String current = null;
        String latest = null;
        for (String line : text.split("\n")) {
            String l = line.strip();
            if (l.startsWith("BOOTLOADER:") && state == null) {
                state = l.substring("BOOTLOADER:".length()).strip();
            } else if (state != null && l.startsWith("CURRENT:") && current == null) {
                current = l.substring("CURRENT:".length()).strip();
            } else if (state != null && l.startsWith("LATEST:") && latest == null) {
                latest = l.substring("LATEST:".length()).strip();
            }
        }
        return state == null ? null : new Status(state.startsWith("update available"), current, latest);
    }

    /** The advisory finding of a node whose EEPROM has an update available. */
    static Optional<Health.Finding> finding(NodeObservation o) {
        Status s = o.part(FRAGMENT);
        if (s == null || !s.updateAvailable()) {
            return Optional.empty();
        }
        return Optional.of(new Health.Finding(o.node(), Health.EEPROM_UPDATE_AVAILABLE, summary(s) + ": " + REMEDY, true));
    }

    /** {@code the bootloader EEPROM has an update available (current …, latest …)}, without the node's name. */
    public static String summary(Status s) {
        return "the bootloader EEPROM has an update available (current " + s.current() + ", latest " + s.latest() + ")";
    }
}
