package dev.pictl.sim;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The fault {@code chart-fail [CHART [MESSAGE...]]} of a server board: the helm controller's install jobs of CHART
 * (every chart when it is {@code *} or missing) fail with Helm's {@code Error: INSTALLATION FAILED: MESSAGE} (by
 * default: the chart version is not in its repository) until the fault is cleared. Kept in the board's
 * {@code hw/chart-fail} (first line the chart, then the message), so it survives a restart of k3s.
 */
final class ChartFault {
    private ChartFault() {
    }

    private static Path file(SimNode n) {
        return n.dir().resolve("hw").resolve("chart-fail");
    }

    /** Sets the fault ({@code args}: chart and message words), or clears it ({@code null}). */
    static void set(SimNode n, List<String> args) throws IOException {
        Path f = file(n);
        if (args == null) {
            Files.deleteIfExists(f);
            return;
        }
        Files.createDirectories(f.getParent());
        String chart = args.isEmpty() ? "*" : args.get(0);
        String message = args.size() > 1 ? String.join(" ", args.subList(1, args.size())) : "";
        Files.writeString(f, chart + "\n" + message);
    }

    /** Helm's error for an install of {@code chart} on this server ("" for the default message), or null. */
    static String of(SimNode server, String chart) {
        try {
            Path f = file(server);
            if (!Files.isRegularFile(f)) {
                return null;
            }
            String text = Files.readString(f);
            int nl = text.indexOf('\n');
            String who = nl < 0 ? text.strip() : text.substring(0, nl).strip();
            return who.equals("*") || who.equals(chart) ? (nl < 0 ? "" : text.substring(nl + 1).strip()) : null;
        } catch (IOException e) {
            return null;
        }
    }
}
