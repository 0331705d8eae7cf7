package dev.pictl.types.boot;

import dev.pictl.probe.NodeProbe;
import dev.pictl.probe.ProbeFragment;
import dev.pictl.probe.ProbeOutput;
import dev.pictl.probe.ProbeRequest;
import java.util.List;
import java.util.Map;

/**
 * The {@code boot_config} type's fragment of the probe, printed only on nodes with a boot_config ({@value #ASK}):
 * which config.txt the firmware reads (found as cmdline.txt is: Bookworm's {@code /boot/firmware/config.txt}, else
 * {@code /boot/config.txt} unless it is the "has moved" stub), its text (read with the prelude's {@code rd}, no
 * process), whether pictl edited it since this boot (the marker {@value #MARKER} on the tmpfs {@code /run}), and what
 * the firmware applied at boot ({@code vcgencmd get_config int} and {@code str}: two processes).
 */
public final class BootConfigProbe {
    /** The ask of a node with a boot_config. */
    public static final String ASK = "boot-config";
    /** Written by pictl's edit, gone at the next boot: an edit the firmware has not read yet. */
    static final String MARKER = "/run/pictl/boot-config";

    static final String DETECT = """
            if [ -f "$R/boot/firmware/config.txt" ]; then b=/boot/firmware/config.txt
            elif [ -f "$R/boot/config.txt" ] && ! gr "$R/boot/config.txt" '*has moved to /boot/firmware*' >/dev/null 2>&1
            then b=/boot/config.txt
            else b=
            fi
            """;

    private static final String TEXT = DETECT + """
            sec boot-config-path;    printf '%s' "$b"
            [ -n "$b" ] && { sec boot-config-file; rd "$R$b" 2>/dev/null; }
            sec boot-config-pending; [ -e "$R/run/pictl/boot-config" ] && printf yes
            sec boot-config-vc;      vcgencmd get_config int 2>/dev/null; vcgencmd get_config str 2>/dev/null
            """;

    /** What the probe saw; null on a node that was not asked. */
    public record Seen(String path, String fileText, boolean pending, Map<String, String> reported) {
        public Seen {
            reported = Map.copyOf(reported);
        }
    }

    public static final ProbeFragment<Seen> CONFIG = NodeProbe.fragment("boot-config",
            List.of("boot-config-path", "boot-config-file", "boot-config-pending", "boot-config-vc"),
            request -> request.asked(ASK) ? TEXT : "", BootConfigProbe::parse);

    private BootConfigProbe() {
    }

    static Seen parse(ProbeRequest request, ProbeOutput out) {
        if (!request.asked(ASK)) {
            return null;
        }
        String path = out.get("boot-config-path");
        path = path == null || path.isBlank() ? null : path.strip();
        return new Seen(path, out.get("boot-config-file"), "yes".equals(strip(out.get("boot-config-pending"))),
                BootSections.reported(out.get("boot-config-vc")));
    }

    private static String strip(String s) {
        return s == null ? null : s.strip();
    }
}
