package dev.pictl.cli.view;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The width of the terminal pictl draws on, asked of the terminal itself: {@code stty size} on {@code /dev/tty}
 * (the JDK has no call for it). {@code COLUMNS} when that cannot be read, else 80.
 */
public final class TerminalWidth {
    private TerminalWidth() {
    }

    public static int columns() {
        File tty = new File("/dev/tty");
        if (tty.canRead()) {
            try {
                Process p = new ProcessBuilder("stty", "size").redirectInput(tty)
                        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
                if (p.waitFor(1, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    String[] rc = out.split("\\s+");
                    if (rc.length == 2 && Integer.parseInt(rc[1]) > 0) {
                        return Integer.parseInt(rc[1]);
                    }
                }
            } catch (java.io.IOException | NumberFormatException e) {
                // no terminal to ask
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        String env = System.getenv("COLUMNS");
        try {
            return env == null ? 80 : Math.max(20, Integer.parseInt(env.strip()));
        } catch (NumberFormatException e) {
            return 80;
        }
    }
}
