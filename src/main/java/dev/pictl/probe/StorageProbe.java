package dev.pictl.probe;

import dev.pictl.probe.Health.Finding;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Free space and SD-card trouble, read in the node's one probe round trip (issue 15, docs/drift.md "Health findings"):
 * two processes, {@code df} and {@code dmesg}, whose output the shell filters itself (no grep, no tail).
 *
 * <pre>
 *   sec disk              df -P / [DATA_DIR]   (the data directory when it exists: one row per path, in order)
 *   sec kernel-storage    count=N              kernel log lines since boot that are signs of a failing card
 *                         first=LINE           (day2-facts §5.4), and the first of them
 * </pre>
 *
 * <p>The threshold is the kubelet's: k3s passes {@code --eviction-hard=imagefs.available<5%,nodefs.available<5%}
 * (day2-facts §6.2), and both file systems are k3s's data directory's (containerd's images live under it) or the
 * root. Below 5% free the kubelet evicts pods ({@value #FULL} error); below twice that it is close
 * ({@value #LOW} warning).
 */
public final class StorageProbe {
    public static final String LOW = "disk_low";
    public static final String FULL = "disk_full";
    public static final String SD_ERRORS = "sd_card_errors";

    /** k3s's {@code nodefs.available<5%} / {@code imagefs.available<5%}. */
    public static final int EVICTION_FREE_PERCENT = 5;

    /**
     * The kernel log lines that are signs of a failing SD card (or its supply), as shell {@code case} patterns and
     * as the same test in Java ({@link #isStorageError}): mmc timeouts and errors, the block layer's I/O errors,
     * ext4's errors and a root remounted read-only (day2-facts §5.4). Case as the kernel writes them.
     */
    private static final String PATTERNS = "*mmc[0-9]*': '*[Tt]imeout*|*mmc[0-9]*': '*[Ee]rror*"
            + "|*mmcblk[0-9]*': '*[Ee]rror*|*'EXT4-fs error'*|*'I/O error'*|*'Remounting filesystem read-only'*";

    private static final String TEXT = """
            sec disk;               d=%1$s; [ -d "$R$d" ] || d=; df -P / ${d:+"$R$d"} 2>/dev/null
            sec kernel-storage;     dmesg 2>/dev/null | { _n=0; _f=; _r=0; while IFS= read -r _l; do
                                      case $_l in %2$s) _n=$((_n+1)); [ -n "$_f" ] || _f=$_l
                                        case $_l in *'Remounting filesystem read-only'*) _r=1 ;; esac ;; esac
                                    done; printf 'count=%%s\\nread-only=%%s\\nfirst=%%s\\n' "$_n" "$_r" "$_f"; }
            """.formatted(CertProbe.DATA_DIR, PATTERNS);

    /** One file system as df shows it: the path asked for, its size and available space (1K blocks). */
    public record Fs(String path, String device, long sizeKb, long availKb, String mountedOn) {
        /** Free share in percent, rounded down. */
        public int freePercent() {
            return sizeKb <= 0 ? 100 : (int) (availKb * 100 / sizeKb);
        }
    }

    /**
     * What the fragment found.
     *
     * @param filesystems {@code /} first, then k3s's data directory when it exists
     * @param errorCount  kernel log lines since boot that are signs of SD trouble; -1 when unknown (no dmesg)
     * @param firstError  the first of them, or null
     * @param readOnly    one of them says the kernel remounted a file system read-only
     */
    public record Storage(List<Fs> filesystems, int errorCount, String firstError, boolean readOnly) {
        public Storage {
            filesystems = List.copyOf(filesystems);
        }
    }

    /** The fragment's text (sections {@code disk} and {@code kernel-storage}), for {@code pictl diagnose}'s script. */
    public static String script() {
        return TEXT;
    }

    public static final ProbeFragment<Storage> STORAGE = NodeProbe.fragment("storage",
            List.of("disk", "kernel-storage"), request -> TEXT, (request, out) -> parse(out.get("disk"),
                    out.get("kernel-storage")));

    private StorageProbe() {
    }

    /** Whether a kernel log line is a sign of a failing card: the Java twin of the script's patterns. */
    public static boolean isStorageError(String line) {
        return line.matches("(?s).*mmc[0-9].*: .*([Tt]imeout|[Ee]rror).*") || line.matches("(?s).*mmcblk[0-9].*: .*[Ee]rror.*")
                || line.contains("EXT4-fs error") || line.contains("I/O error")
                || line.contains("Remounting filesystem read-only");
    }

    /**
     * {@code df -P} output (header, then one row per path asked, in order) and the kernel-storage section. The
     * first row is {@code /}, the second {@link CertProbe#DATA_DIR}. A row that does not parse is skipped.
     */
    public static Storage parse(String df, String kernel) {
        List<Fs> fs = new ArrayList<>();
        if (df != null) {
            int row = 0;
            for (String line : df.split("\n")) {
                String[] w = line.strip().split("\\s+");
                if (w.length < 6 || !w[1].matches("\\d+") || !w[3].matches("\\d+")) {
                    continue;
                }
                String path = row++ == 0 ? "/" : CertProbe.DATA_DIR;
                fs.add(new Fs(path, w[0], Long.parseLong(w[1]), Long.parseLong(w[3]), w[w.length - 1]));
            }
        }
        int count = -1;
        String first = null;
        boolean readOnly = false;
        if (kernel != null) {
            for (String line : kernel.split("\n")) {
                if (line.startsWith("count=") && line.substring(6).strip().matches("\\d{1,9}")) {
                    count = Integer.parseInt(line.substring(6).strip());
                } else if (line.startsWith("read-only=")) {
                    readOnly = line.substring(10).strip().equals("1");
                } else if (line.startsWith("first=") && !line.substring(6).isBlank()) {
                    first = line.substring(6).strip();
                }
            }
        }
        return new Storage(fs, count, first, readOnly);
    }

    /**
     * {@value #FULL} (error) for a file system at or under k3s's eviction threshold, else {@value #LOW} (warning)
     * under twice that (the data directory only when it is another file system than {@code /}); {@value #SD_ERRORS}
     * with the count and the first line, an error when the root was remounted read-only.
     */
    public static List<Finding> findings(String node, Storage s) {
        if (s == null) {
            return List.of();
        }
        List<Finding> out = new ArrayList<>();
        String rootDevice = s.filesystems().isEmpty() ? null : s.filesystems().get(0).device();
        for (int i = 0; i < s.filesystems().size(); i++) {
            Fs f = s.filesystems().get(i);
            if (i > 0 && f.device().equals(rootDevice)) {
                continue;
            }
            int free = f.freePercent();
            String where = i == 0 ? "/" : "k3s's data directory " + f.path() + " (" + f.mountedOn() + ")";
            String amount = String.format(Locale.ROOT, "%s: %d%% free (%s of %s)", where, free, Health.size(f.availKb()),
                    Health.size(f.sizeKb()));
            if (free < EVICTION_FREE_PERCENT) {
                out.add(new Finding(node, FULL, amount + ", under the kubelet's eviction threshold of "
                        + EVICTION_FREE_PERCENT + "% (k3s's nodefs/imagefs.available<5%): it evicts pods and refuses "
                        + "new ones", false, true));
            } else if (free < 2 * EVICTION_FREE_PERCENT) {
                out.add(new Finding(node, LOW, amount + ", close to the kubelet's eviction threshold of "
                        + EVICTION_FREE_PERCENT + "%", false, false));
            }
        }
        if (s.errorCount() > 0) {
            out.add(new Finding(node, SD_ERRORS, s.errorCount() + (s.errorCount() == 1 ? " storage error" : " storage errors")
                    + " in the kernel log since boot (a failing SD card or supply), the first: "
                    + (s.firstError() == null ? "?" : s.firstError())
                    + (s.readOnly() ? "; a file system was remounted read-only" : ""), false, s.readOnly()));
        }
        return out;
    }
}
