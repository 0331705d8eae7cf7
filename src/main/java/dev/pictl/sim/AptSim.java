package dev.pictl.sim;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The OS-update faults of a board (issue 15, docs/simulator.md "OS updates"), read by the apt stand-ins
 * ({@code libexec/apt-upgrade}, {@code shims/apt-mark}):
 *
 * <ul>
 *   <li>{@code updates [N] [SECURITY]}: N upgradable packages in the board's local package lists (default 14), the
 *       first SECURITY of them (default 3) from {@code Debian-Security:12/stable-security};</li>
 *   <li>{@code kernel-update}: a new {@code linux-image-rpi-v8} from {@code archive.raspberrypi.com};</li>
 *   <li>{@code package-fails [PKG|none]}: PKG's post-installation script fails (dpkg's "error processing package");
 *       default the first pending package;</li>
 *   <li>{@code reboot-required}: {@code /run/reboot-required} (Pi OS never writes it; Ubuntu and unattended-upgrades
 *       do), gone at the next boot as /run is a tmpfs;</li>
 *   <li>{@code dpkg-lock [SECONDS]}: apt-daily's unattended-upgrades holds {@code /var/lib/dpkg/lock-frontend} for
 *       SECONDS (default 30; 0 lets go of it now: a waiting apt-get goes on within a second).</li>
 * </ul>
 *
 * The lists are {@code /var/lib/apt/sim/upgrades} ({@code name|installed|candidate|origin}); the installed versions
 * are the dpkg stand-in's database.
 */
final class AptSim {
    static final List<String> FAULTS = List.of("updates", "kernel-update", "package-fails", "reboot-required",
            "dpkg-lock");

    /** Packages of a Bookworm Lite image that see updates, with an installed and a candidate version. */
    private static final String[][] PACKAGES = {
            {"libssl3", "3.0.14-1~deb12u2", "3.0.15-1~deb12u1"},
            {"openssl", "3.0.14-1~deb12u2", "3.0.15-1~deb12u1"},
            {"openssh-server", "1:9.2p1-2+deb12u3", "1:9.2p1-2+deb12u4"},
            {"curl", "7.88.1-10+deb12u7", "7.88.1-10+deb12u8"},
            {"libcurl4", "7.88.1-10+deb12u7", "7.88.1-10+deb12u8"},
            {"tzdata", "2024a-0+deb12u1", "2024b-0+deb12u1"},
            {"bash", "5.2.15-2+b2", "5.2.15-2+b7"},
            {"libc6", "2.36-9+deb12u7", "2.36-9+deb12u9"},
            {"libc-bin", "2.36-9+deb12u7", "2.36-9+deb12u9"},
            {"raspi-config", "20240617", "20241023"},
            {"rpi-eeprom", "25.0-1", "26.2-1"},
            {"nano", "7.2-1", "7.2-1+deb12u1"},
            {"systemd", "252.30-1~deb12u2", "252.31-1~deb12u1"},
            {"libsystemd0", "252.30-1~deb12u2", "252.31-1~deb12u1"},
            {"udev", "252.30-1~deb12u2", "252.31-1~deb12u1"},
            {"git", "1:2.39.2-1.1", "1:2.39.5-0+deb12u1"},
            {"vim-tiny", "2:9.0.1378-2", "2:9.0.1378-2+deb12u1"},
            {"ca-certificates", "20230311", "20230311+deb12u1"},
    };
    private static final String SECURITY = "Debian-Security:12/stable-security";
    private static final String DEBIAN = "Debian:12.9/stable";
    private static final String RPI = "Raspberry Pi Foundation:stable";

    private AptSim() {
    }

    static boolean handles(String fault) {
        return FAULTS.contains(fault);
    }

    private static Path lists(SimNode n) {
        return n.root().resolve("var/lib/apt/sim/upgrades");
    }

    private static Path db(SimNode n, String pkg) {
        return n.root().resolve("var/lib/dpkg/sim").resolve(pkg);
    }

    /** Applies one of {@link #FAULTS}; a message on a usage error, else null. */
    static String fault(SimNode n, String kind, List<String> args) throws IOException {
        String v = args.isEmpty() ? null : args.get(0);
        switch (kind) {
            case "updates" -> {
                int count = v == null ? 14 : Integer.parseInt(v);
                int security = args.size() > 1 ? Integer.parseInt(args.get(1)) : Math.min(3, count);
                if (count < 0 || count > PACKAGES.length || security < 0 || security > count) {
                    return "updates: 0 to " + PACKAGES.length + " packages, of which 0 to all security";
                }
                // The next packages that have no update pending or installed yet, so that a second injection adds
                // new ones.
                Map<String, String> lines = read(n);
                int added = 0;
                for (String[] p : PACKAGES) {
                    if (added == count) {
                        break;
                    }
                    if (lines.containsKey(p[0])) {
                        continue;
                    }
                    lines.put(p[0], p[0] + "|" + p[1] + "|" + p[2] + "|" + (added < security ? SECURITY : DEBIAN));
                    installed(n, p[0], p[1]);
                    added++;
                }
                if (added < count) {
                    return "updates: only " + added + " more packages to update on " + n.name();
                }
                write(n, lines);
            }
            case "kernel-update" -> {
                Map<String, String> lines = read(n);
                String old = "1:6.6.51-1+rpt3";
                lines.put("linux-image-rpi-v8", "linux-image-rpi-v8|" + old + "|1:6.6.62-1+rpt1|" + RPI);
                installed(n, "linux-image-rpi-v8", old);
                write(n, lines);
            }
            case "package-fails" -> {
                Path f = n.root().resolve("var/lib/apt/sim/fail-configure");
                if ("none".equals(v)) {
                    Files.deleteIfExists(f);
                    return null;
                }
                String pkg = v;
                if (pkg == null) {
                    pkg = pending(n).stream().findFirst().orElse(null);
                    if (pkg == null) {
                        return "package-fails: no pending update on " + n.name() + " (inject `updates` first, or name "
                                + "the package)";
                    }
                }
                Files.createDirectories(f.getParent());
                Files.writeString(f, pkg + "\n");
            }
            case "reboot-required" -> {
                Path run = n.root().resolve("run");
                Files.createDirectories(run);
                Files.writeString(run.resolve("reboot-required"), "*** System restart required ***\n");
                Files.writeString(run.resolve("reboot-required.pkgs"), "linux-image-rpi-v8\n");
            }
            case "dpkg-lock" -> {
                long seconds = v == null ? 30 : Long.parseLong(v);
                Path hw = n.dir().resolve("hw");
                Files.createDirectories(hw);
                Files.writeString(hw.resolve("dpkg-lock"), (System.currentTimeMillis() + seconds * 1000) + " "
                        + (2000 + (n.name().hashCode() & 0x3ff)) + "\n");
            }
            default -> {
                return "unknown fault " + kind;
            }
        }
        n.cluster().event(n.name(), "fault " + kind + (args.isEmpty() ? "" : " " + String.join(" ", args)));
        return null;
    }

    /** An upgrade the apt stand-in ran, in the event log ({@code apt-get full-upgrade on NODE: 15 upgraded}). */
    static int event(SimNode n, List<String> words) {
        n.cluster().event(n.name(), String.join(" ", words).replaceAll("[\\p{Cntrl}]", " "));
        return 0;
    }

    /** Drops the failing package and the held lock (the pending updates stay: they are no fault). */
    static void clear(SimNode n) throws IOException {
        Files.deleteIfExists(n.root().resolve("var/lib/apt/sim/fail-configure"));
        Files.deleteIfExists(n.dir().resolve("hw").resolve("dpkg-lock"));
    }

    private static void installed(SimNode n, String pkg, String version) throws IOException {
        Path f = db(n, pkg);
        if (!Files.exists(f)) {
            Files.createDirectories(f.getParent());
            Files.writeString(f, "ii |" + version + "\n");
        }
    }

    /** The packages whose candidate is not installed yet. */
    private static List<String> pending(SimNode n) throws IOException {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, String> e : read(n).entrySet()) {
            String[] f = e.getValue().split("\\|", -1);
            Path d = db(n, e.getKey());
            String installed = Files.exists(d) ? Files.readString(d).strip() : "";
            if (f.length >= 3 && !installed.endsWith("|" + f[2])) {
                out.add(e.getKey());
            }
        }
        return out;
    }

    private static Map<String, String> read(SimNode n) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        Path f = lists(n);
        if (Files.exists(f)) {
            for (String l : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                int bar = l.indexOf('|');
                if (bar > 0) {
                    out.put(l.substring(0, bar), l);
                }
            }
        }
        return out;
    }

    private static void write(SimNode n, Map<String, String> lines) throws IOException {
        Path f = lists(n);
        Files.createDirectories(f.getParent());
        List<String> all = new ArrayList<>(lines.values());
        Files.write(f, all, StandardCharsets.UTF_8);
    }
}
