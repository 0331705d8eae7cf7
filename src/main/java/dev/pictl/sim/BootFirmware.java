package dev.pictl.sim;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What a board's firmware does with config.txt and its bootloader EEPROM, at boot (docs/simulator.md, "Boot
 * configuration"). The simulator's own model, written from day2-facts §4.4 and §5.1 and k3s-and-pi-facts §3.1, not
 * from pictl's code:
 *
 * <pre>
 *  config.txt  /boot/firmware/config.txt on Bookworm, /boot/config.txt before; read once per boot.
 *              [all] resets the filters; a model filter ([pi4] also matches 400/CM4/CM4S) sets the model condition;
 *              [none] and [tryboot] turn the lines off; the other conditions (gpio, HDMI, EDID, serial, board-type)
 *              are taken as true. Later lines win. include is not read. Lines of a key the "config-ignore" fault
 *              names are skipped, as the firmware skips a setting it does not know.
 *              The values in effect go to hw/config-int and hw/config-str (name=value lines, what
 *              vcgencmd get_config int / str print): key=value lines by their key, dtparam= and a dtoverlay='s
 *              name=value parameters by the parameter's name (the simulator's stand-in for "the firmware applied
 *              it"; an overlay name alone reports nothing).
 *  EEPROM      hw/eeprom-current and hw/eeprom-latest hold the bootloader's build time and the newest image's
 *              (epoch and date as rpi-eeprom-update prints them). The "eeprom-update" fault makes a newer image
 *              available; rpi-eeprom-update -a stages it (pieeprom.upd + recovery.bin in the boot partition) and
 *              the next boot flashes it (recovery.bin becomes recovery.000).
 * </pre>
 */
final class BootFirmware {
    /** Build times of two real bootloader releases (2024-01-22 and 2024-10-08, 2711 default). */
    static final long EEPROM_CURRENT = 1705920081L;
    static final long EEPROM_NEWER = 1728384493L;
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss 'UTC' yyyy",
            Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final List<String> MODEL_FILTERS = List.of("pi1", "pi2", "pi3", "pi3+", "pi4", "pi400", "cm4",
            "cm4s", "pi0", "pi0w", "pi02", "pi5", "cm5");

    private BootFirmware() {}

    private static Path hw(SimNode n, String f) {
        return n.dir().resolve("hw").resolve(f);
    }

    /** At boot: flash a staged EEPROM update, read config.txt, install the EEPROM tool on boards that have one. */
    static void boot(SimNode n, String model, String os) throws IOException {
        Path root = n.root();
        Path bootDir = os.equals("bookworm") ? root.resolve("boot/firmware") : root.resolve("boot");
        if (!Files.exists(hw(n, "eeprom-current"))) writeEeprom(hw(n, "eeprom-current"), EEPROM_CURRENT);
        if (!Files.exists(hw(n, "eeprom-latest"))) writeEeprom(hw(n, "eeprom-latest"), EEPROM_CURRENT);
        if (Files.exists(bootDir.resolve("pieeprom.upd"))) {
            Files.copy(hw(n, "eeprom-latest"), hw(n, "eeprom-current"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.delete(bootDir.resolve("pieeprom.upd"));
            Path rec = bootDir.resolve("recovery.bin");
            if (Files.exists(rec)) Files.move(rec, bootDir.resolve("recovery.000"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            n.cluster().event(n.name(), "eeprom flashed on " + n.name());
        }
        Path cfg = bootDir.resolve("config.txt");
        String text = Files.isRegularFile(cfg) ? Files.readString(cfg) : "";
        Map<String, String> applied = read(text, model, ignored(n));
        Map<String, String> ints = new LinkedHashMap<>();
        Map<String, String> strs = new LinkedHashMap<>();
        ints.put("arm_64bit", "1");
        ints.put("arm_freq", model.contains("Raspberry Pi 5") ? "2400" : model.contains("Raspberry Pi 4") ? "1800" : "1500");
        for (Map.Entry<String, String> e : applied.entrySet()) {
            String v = intValue(e.getValue());
            if (v != null) {
                strs.remove(e.getKey());
                ints.put(e.getKey(), v);
            } else {
                ints.remove(e.getKey());
                strs.put(e.getKey(), e.getValue());
            }
        }
        Files.writeString(hw(n, "config-int"), lines(ints));
        Files.writeString(hw(n, "config-str"), lines(strs));
        Path tool = root.resolve("usr/bin/rpi-eeprom-update");
        if (model.contains("Raspberry Pi 4") || model.contains("Raspberry Pi 400") || model.contains("Raspberry Pi 5")
                || model.contains("Compute Module 4") || model.contains("Compute Module 5")) {
            Files.createDirectories(tool.getParent());
            Files.writeString(tool, "#!/bin/sh\nexec \"" + n.cluster().libexecDir() + "/rpi-eeprom-update\" \"$@\"\n");
            tool.toFile().setExecutable(true, false);
            Files.writeString(hw(n, "eeprom-release"), "/lib/firmware/raspberrypi/bootloader-"
                    + (model.contains("5") ? "2712" : "2711") + "/default");
        } else {
            Files.deleteIfExists(tool);
        }
    }

    private static String lines(Map<String, String> m) {
        StringBuilder b = new StringBuilder();
        m.forEach((k, v) -> b.append(k).append('=').append(v).append('\n'));
        return b.toString();
    }

    private static String intValue(String v) {
        try {
            if (v.matches("-?[0-9]+")) return Long.toString(Long.parseLong(v));
            if (v.matches("0[xX][0-9a-fA-F]+")) return Long.toString(Long.parseLong(v.substring(2), 16));
        } catch (NumberFormatException e) {
            return null;
        }
        return null;
    }

    private static void writeEeprom(Path f, long epoch) throws IOException {
        Files.writeString(f, epoch + "\n" + DATE.format(Instant.ofEpochSecond(epoch)) + "\n");
    }

    /** The values config.txt sets on a board of {@code model}, in effect order (later lines win). */
    static Map<String, String> read(String text, String model, Set<String> ignored) {
        Map<String, String> out = new LinkedHashMap<>();
        boolean modelOk = true;
        boolean otherOk = true;
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            if (line.startsWith("[") && line.endsWith("]")) {
                String f = line.substring(1, line.length() - 1);
                if (f.equals("all")) {
                    modelOk = true;
                    otherOk = true;
                } else if (MODEL_FILTERS.contains(f)) {
                    modelOk = matches(f, model);
                } else if (f.equals("none") || f.equals("tryboot")) {
                    otherOk = false;
                } else {
                    otherOk = true;
                }
                continue;
            }
            if (!modelOk || !otherOk) continue;
            int eq = line.indexOf('=');
            if (eq <= 0) continue; // include and anything else the firmware does not read
            String key = line.substring(0, eq);
            String value = line.substring(eq + 1);
            if (key.equals("dtparam") || key.equals("dtoverlay")) {
                String[] items = value.split(",");
                for (int i = key.equals("dtoverlay") ? 1 : 0; i < items.length; i++) {
                    int pe = items[i].indexOf('=');
                    if (pe <= 0) continue;
                    String p = items[i].substring(0, pe);
                    if (ignored.contains(p)) continue;
                    out.remove(p);
                    out.put(p, items[i].substring(pe + 1));
                }
            } else if (!ignored.contains(key)) {
                out.remove(key);
                out.put(key, value);
            }
        }
        return out;
    }

    static boolean matches(String filter, String model) {
        boolean cm4 = model.contains("Compute Module 4");
        return switch (filter) {
            case "pi4" -> model.startsWith("Raspberry Pi 4") || model.startsWith("Raspberry Pi 400") || cm4;
            case "pi400" -> model.startsWith("Raspberry Pi 400");
            case "cm4" -> cm4 && !model.contains("Compute Module 4S");
            case "cm4s" -> model.contains("Compute Module 4S");
            case "pi5" -> model.startsWith("Raspberry Pi 5") || model.contains("Compute Module 5");
            case "cm5" -> model.contains("Compute Module 5");
            case "pi3" -> model.startsWith("Raspberry Pi 3") || model.contains("Compute Module 3");
            case "pi3+" -> model.startsWith("Raspberry Pi 3 Model B Plus") || model.startsWith("Raspberry Pi 3 Model A Plus");
            case "pi2" -> model.startsWith("Raspberry Pi 2");
            case "pi0" -> model.startsWith("Raspberry Pi Zero");
            case "pi0w" -> model.startsWith("Raspberry Pi Zero W");
            case "pi02" -> model.startsWith("Raspberry Pi Zero 2");
            case "pi1" -> model.startsWith("Raspberry Pi Model");
            default -> false;
        };
    }

    private static Set<String> ignored(SimNode n) throws IOException {
        Path f = hw(n, "config-ignore");
        Set<String> out = new LinkedHashSet<>();
        if (Files.isRegularFile(f)) {
            for (String l : Files.readAllLines(f)) if (!l.isBlank()) out.add(l.strip());
        }
        return out;
    }

    // ----------------------------------------------------------------- faults

    /** {@code config-ignore KEY}: from the next boot the firmware skips KEY's lines; without KEY: skips none again. */
    static void ignore(SimNode n, String key) throws IOException {
        Path f = hw(n, "config-ignore");
        if (key == null) {
            Files.deleteIfExists(f);
            return;
        }
        List<String> keys = new ArrayList<>(Files.isRegularFile(f) ? Files.readAllLines(f) : List.of());
        if (!keys.contains(key)) keys.add(key);
        Files.write(f, keys);
    }

    /** {@code eeprom-update [true|false]}: a newer bootloader image is (or is no longer) available. */
    static void eepromUpdate(SimNode n, boolean available) throws IOException {
        writeEeprom(hw(n, "eeprom-latest"), available ? EEPROM_NEWER : currentEpoch(n));
    }

    private static long currentEpoch(SimNode n) throws IOException {
        Path f = hw(n, "eeprom-current");
        return Files.isRegularFile(f) ? Long.parseLong(Files.readAllLines(f).get(0).strip()) : EEPROM_CURRENT;
    }

    static void clear(SimNode n) throws IOException {
        Files.deleteIfExists(hw(n, "config-ignore"));
        if (Files.isRegularFile(hw(n, "eeprom-current"))) eepromUpdate(n, false);
    }
}
