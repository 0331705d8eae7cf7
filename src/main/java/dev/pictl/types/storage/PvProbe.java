package dev.pictl.types.storage;

import dev.pictl.nodetext.Shell;
import dev.pictl.probe.NodeProbe;
import dev.pictl.probe.ProbeFragment;
import dev.pictl.probe.ProbeParser;
import dev.pictl.probe.ProbeScript;
import dev.pictl.probe.ProbeRequest;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code pv} type's fragment of the probe: for each PV directory asked on the node ({@value #PATHS_ASK}), one
 * {@code absent|empty|data PATH} line in the section {@code paths}. Printed only on nodes with PVs.
 */
public final class PvProbe {

    /** The ask whose values are the PV directories to check on a node (absolute, unprefixed). */
    public static final String PATHS_ASK = "paths";

    /** The asked directories by path (none when none were asked). */
    public static final ProbeFragment<Map<String, PathState>> PATHS = NodeProbe.fragment("paths", List.of("paths"),
            PvProbe::script, (request, out) -> paths(out.get("paths")));

    /** A directory on the node: whether it exists and whether it holds anything. */
    public record PathState(boolean exists, boolean hasData) {
    }

    private PvProbe() {
    }

    static String script(ProbeRequest request) {
        List<String> paths = request.values(PATHS_ASK);
        if (paths.isEmpty()) {
            return "";
        }
        // A directory holds something when one of its globs (dot files included, as ls -A) names an entry.
        StringBuilder sb = new StringBuilder("""
                held() { for _e in "$1"/* "$1"/.[!.]* "$1"/..?*; do [ -e "$_e" ] || [ -L "$_e" ] && return 0; done; return 1; }
                sec paths
                """);
        sb.append("for p in");
        for (String p : paths) {
            sb.append(' ').append(Shell.quote(checkPath(p)));
        }
        sb.append("; do\n");
        sb.append("""
                  if [ ! -d "$R$p" ]; then printf 'absent %s\\n' "$p"
                  elif held "$R$p"; then printf 'data %s\\n' "$p"
                  else printf 'empty %s\\n' "$p"
                  fi
                done
                """);
        return sb.toString();
    }

    private static String checkPath(String path) {
        if (!path.startsWith("/") || path.indexOf('\n') >= 0 || path.indexOf('\r') >= 0 || path.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("PV path must be absolute and on one line: " + path);
        }
        return path;
    }

    /** Lines {@code absent|empty|data PATH}. */
    public static Map<String, PathState> paths(String text) {
        Map<String, PathState> out = new LinkedHashMap<>();
        for (String line : ProbeParser.lines(text)) {
            int sp = line.indexOf(' ');
            if (sp <= 0) {
                continue;
            }
            String path = line.substring(sp + 1);
            switch (line.substring(0, sp)) {
                case "absent" -> out.put(path, new PathState(false, false));
                case "empty" -> out.put(path, new PathState(true, false));
                case "data" -> out.put(path, new PathState(true, true));
                default -> { }
            }
        }
        return Map.copyOf(out);
    }
}
