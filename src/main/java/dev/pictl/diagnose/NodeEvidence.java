package dev.pictl.diagnose;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the diagnose script found on one node (or why it could not run there).
 *
 * @param node          the node's name in the description
 * @param sshError      why the node could not be read (then everything else is empty), or null
 * @param clockOffset   the node's clock minus the admin machine's, in seconds (null: unknown)
 * @param clockError    how uncertain that is (half the round trip), seconds
 * @param sections      the script's sections ({@link DiagnoseScript})
 */
public record NodeEvidence(String node, String sshError, Double clockOffset, double clockError,
                           Map<String, String> sections) {

    public NodeEvidence {
        sections = Map.copyOf(sections);
    }

    public static NodeEvidence unreachable(String node, String error) {
        return new NodeEvidence(node, error, null, 0, Map.of());
    }

    /** From the script's output and the admin machine's clock before and after the round trip (epoch seconds). */
    public static NodeEvidence of(String node, String stdout, double sentAt, double receivedAt) {
        Map<String, String> s = DiagnoseScript.sections(stdout);
        Double offset = null;
        try {
            String d = s.getOrDefault("date", "").strip();
            if (!d.isEmpty()) {
                // The date runs first: the node's time is close to the send time (the connection is already open).
                offset = Double.parseDouble(d) - sentAt;
            }
        } catch (NumberFormatException e) {
            offset = null;
        }
        return new NodeEvidence(node, null, offset, Math.max(0, receivedAt - sentAt), s);
    }

    public boolean reached() {
        return sshError == null;
    }

    public String section(String name) {
        return sections.getOrDefault(name, "");
    }

    /** {@code throttled=0x50005} → 0x50005; -1 when unknown. */
    public long throttledBits() {
        Matcher m = Pattern.compile("throttled=0x([0-9a-fA-F]+)").matcher(section("throttled"));
        return m.find() ? Long.parseLong(m.group(1), 16) : -1;
    }

    public String throttledText() {
        return section("throttled").strip();
    }

    /** The df rows ({@code disk}: / then k3s's data directory; an older capture's {@code df}: / only). */
    private String dfRows() {
        return section("disk").isBlank() ? section("df") : section("disk");
    }

    /** Used share of / in percent, -1 when unknown. */
    public int diskUsedPercent() {
        Matcher m = Pattern.compile("\\s(\\d+)%\\s").matcher(dfRows() + " ");
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    /** Free space of / and k3s's data directory, and the kernel log's SD-card error count and first line. */
    public dev.pictl.probe.StorageProbe.Storage storage() {
        String k = section("kernel-storage");
        return dev.pictl.probe.StorageProbe.parse(dfRows(), k.isBlank() ? null : k);
    }

    /** What {@code rpi-eeprom-update} said ({@code eeprom}); null when it printed nothing (not a Pi 4/5). */
    public dev.pictl.probe.EepromProbe.Status eeprom() {
        return dev.pictl.probe.EepromProbe.parse(section("eeprom"));
    }

    public long memKb(String key) {
        Matcher m = Pattern.compile("(?m)^" + key + ":\\s+(\\d+)").matcher(section("meminfo"));
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    public List<String> controllers() {
        String c = section("controllers").strip();
        return c.isEmpty() ? List.of() : List.of(c.split("\\s+"));
    }

    public List<String> cmdlineTxt() {
        String c = section("cmdline-txt").strip();
        return c.isEmpty() ? List.of() : List.of(c.split("\\s+"));
    }

    public List<String> procCmdline() {
        String c = section("proc-cmdline").strip();
        return c.isEmpty() ? List.of() : List.of(c.split("\\s+"));
    }

    /** {@code systemctl show} of a k3s unit as a map (its block in {@code units}); empty when it is not there. */
    public Map<String, String> unit(String unit) {
        for (String block : section("units").split("\n\\s*\n")) {
            Map<String, String> out = new LinkedHashMap<>();
            for (String l : block.split("\n")) {
                int eq = l.indexOf('=');
                if (eq > 0) {
                    out.put(l.substring(0, eq).strip(), l.substring(eq + 1).strip());
                }
            }
            if ((unit + ".service").equals(out.get("Id")) || unit.equals(out.get("Id"))) {
                return out;
            }
        }
        return Map.of();
    }

    /** The k3s unit installed on the node ({@code k3s} before {@code k3s-agent}), or null. */
    public String k3sUnit() {
        for (String u : DiagnoseScript.UNITS) {
            if ("loaded".equals(unit(u).get("LoadState"))) {
                return u;
            }
        }
        return null;
    }

    /**
     * The journal of a unit since its last start: the lines after the last systemd "Starting UNIT" line. When that
     * part holds nothing but systemd's own lines (a crash loop caught between two tries), the try before is
     * added, so the fatal line that ended it is not lost.
     */
    public List<String> journalSinceStart(String unit) {
        String text = section("journal " + unit);
        if (text.isBlank() || text.strip().equals("-- No entries --")) {
            return List.of();
        }
        List<String> lines = List.of(text.split("\n"));
        List<Integer> starts = new ArrayList<>();
        Pattern start = Pattern.compile("systemd\\[1\\]: Starting (" + Pattern.quote(unit) + "\\.service|.*Lightweight Kubernetes)");
        for (int i = 0; i < lines.size(); i++) {
            if (start.matcher(lines.get(i)).find()) {
                starts.add(i);
            }
        }
        if (starts.isEmpty()) {
            return lines;
        }
        int from = starts.get(starts.size() - 1);
        boolean onlySystemd = lines.subList(from, lines.size()).stream().allMatch(l -> l.contains("systemd[1]:"));
        if (onlySystemd && starts.size() > 1) {
            from = starts.get(starts.size() - 2);
        }
        return lines.subList(from, lines.size());
    }

    /** {@code reach}: the curl exit code, -1 when not checked. */
    public int reachExit() {
        Matcher m = Pattern.compile("exit=(\\d+)").matcher(section("reach"));
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    /** The failing lines and STATUS of {@code k3s check-config}; empty when k3s is not installed. */
    public List<String> checkConfig() {
        String c = section("check-config").strip();
        return c.isEmpty() ? List.of() : List.of(c.split("\n"));
    }

    public List<String> kernelErrors() {
        String c = section("kernel-errors").strip();
        return c.isEmpty() ? List.of() : List.of(c.split("\n"));
    }
}
