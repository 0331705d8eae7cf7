package dev.pictl.diagnose;

import dev.pictl.nodetext.Shell;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one script {@code pictl diagnose} runs on each node (as root, one SSH round trip), apart from the everyday
 * plan probe: it is only run on demand, and it reads more (the k3s journals, {@code k3s check-config}, a connection
 * to the API server). Every section is printed after a marker line {@code @@pictl-diagnose NAME}; a command that
 * is missing or fails leaves its section empty (or holds its error text), never stops the script.
 *
 * <pre>
 *   section            what                                                   read as
 *   date               date +%s.%N, first, so it is close to the send time    clock offset against the admin machine
 *   throttled, temp    vcgencmd get_throttled / measure_temp                   under-voltage, heat
 *   meminfo            MemTotal, MemAvailable
 *   proc-cmdline       /proc/cmdline                                           what the kernel booted with
 *   cmdline-txt        the first line of /boot/firmware/cmdline.txt (else /boot/cmdline.txt)
 *   controllers        /sys/fs/cgroup/cgroup.controllers                       memory cgroup
 *   disk               df -P / /var/lib/rancher/k3s (the probe's StorageProbe)  a full disk or data directory
 *   kernel-storage     dmesg: count and first line of the SD-card errors       SD card trouble (how long)
 *   kernel-errors      dmesg: mmc/EXT4/I/O errors, under-voltage (last 5)      SD card trouble
 *   eeprom             rpi-eeprom-update (the probe's EepromProbe); empty where   an EEPROM update available
 *                      the tool is missing (not a Pi 4/5)                      (advisory)
 *   units              systemctl show of k3s and k3s-agent (one block each, with Id=)
 *   journal U          journalctl -u U -b (last 400) for k3s and k3s-agent
 *   check-config       k3s check-config: its failing lines and STATUS          where k3s is installed
 *   reach              curl -sk https://SERVER:PORT/cacerts: http code + exit  agents only
 *   nodes, events      kubectl get nodes / events (Node objects), + "-exit"    the server only
 * </pre>
 */
public final class DiagnoseScript {
    public static final String MARK = "@@pictl-diagnose ";
    public static final String STEP = "diagnose";
    /** The k3s units, in the order they are read. */
    public static final String[] UNITS = {"k3s", "k3s-agent"};

    private DiagnoseScript() {
    }

    /**
     * The script for one node.
     *
     * @param serverHost the API server's address as the description gives it, or null (no reachability check)
     * @param serverPort its port
     * @param isServer   the node runs the API server: read the Node objects and events with kubectl
     */
    public static String script(String serverHost, int serverPort, boolean isServer) {
        StringBuilder b = new StringBuilder();
        b.append("R=\"${PICTL_ROOT:-}\"\n");
        b.append("sec() { printf '\\n").append(MARK).append("%s\\n' \"$1\"; }\n");
        b.append("sec date; date +%s.%N 2>/dev/null\n");
        b.append("sec throttled; vcgencmd get_throttled 2>/dev/null\n");
        b.append("sec temp; vcgencmd measure_temp 2>/dev/null\n");
        b.append("sec meminfo; grep -E '^(MemTotal|MemAvailable):' \"$R/proc/meminfo\" 2>/dev/null\n");
        b.append("sec proc-cmdline; cat \"$R/proc/cmdline\" 2>/dev/null\n");
        b.append("sec cmdline-txt; if [ -f \"$R/boot/firmware/cmdline.txt\" ]; then head -n 1 \"$R/boot/firmware/cmdline.txt\"; "
                + "else head -n 1 \"$R/boot/cmdline.txt\" 2>/dev/null; fi\n");
        b.append("sec controllers; cat \"$R/sys/fs/cgroup/cgroup.controllers\" 2>/dev/null\n");
        // The plan probe's own disk and kernel-log sections (issue 15): / and k3s's data directory, and the count
        // and first line of the SD-card errors since boot; kernel-errors below keeps the last five.
        b.append(dev.pictl.probe.StorageProbe.script());
        b.append("sec kernel-errors; dmesg 2>/dev/null | grep -E 'mmc(blk)?[0-9]+(p[0-9]+)?: .*([Ee]rror|[Tt]imeout)|EXT4-fs error|"
                + "I/O error|[Uu]ndervoltage detected' | tail -n 5\n");
        // Issue 15: the bootloader EEPROM's status, as the plan probe reads it on boot_config nodes (exit 1 when an
        // update is available: nothing stops on it).
        b.append(dev.pictl.probe.EepromProbe.script());
        b.append("sec units; systemctl show -p Id,LoadState,ActiveState,SubState,NRestarts,Result,ActiveEnterTimestamp "
                + String.join(" ", UNITS) + " 2>/dev/null\n");
        for (String u : UNITS) {
            b.append("sec 'journal ").append(u).append("'; journalctl -u ").append(u).append(" -b --no-pager -q -n 400 2>/dev/null\n");
        }
        b.append("sec check-config; if command -v k3s >/dev/null 2>&1; then timeout 60 k3s check-config 2>&1 "
                + "| grep -E 'STATUS:|: bad|missing|cannot find' | tail -n 12; fi\n");
        if (serverHost != null && !isServer) {
            String url = "https://" + (serverHost.contains(":") ? "[" + serverHost + "]" : serverHost) + ":" + serverPort + "/cacerts";
            b.append("sec reach; curl -sk -o /dev/null --connect-timeout 3 --max-time 5 -w '%{http_code}' ")
                    .append(Shell.quote(url)).append(" 2>/dev/null; echo \" exit=$?\"\n");
        }
        if (isServer) {
            b.append("sec nodes; timeout 20 kubectl get nodes -o json 2>&1; rc=$?; sec nodes-exit; echo $rc\n");
            b.append("sec events; timeout 20 kubectl get events -A --field-selector involvedObject.kind=Node -o json 2>&1; "
                    + "rc=$?; sec events-exit; echo $rc\n");
        }
        b.append("sec end\n");
        return b.toString();
    }

    /** The sections of a script's output, by name; text without its marker, trailing blank lines removed. */
    public static Map<String, String> sections(String stdout) {
        Map<String, String> out = new LinkedHashMap<>();
        String name = null;
        StringBuilder cur = new StringBuilder();
        for (String line : stdout.split("\n", -1)) {
            if (line.startsWith(MARK)) {
                if (name != null) {
                    out.put(name, cur.toString().strip());
                }
                name = line.substring(MARK.length()).strip();
                cur.setLength(0);
            } else if (name != null) {
                cur.append(line).append('\n');
            }
        }
        if (name != null) {
            out.put(name, cur.toString().strip());
        }
        return out;
    }
}
