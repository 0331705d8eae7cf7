package dev.pictl.types.host;

/**
 * How pictl runs apt on a node, for every type that installs a Debian package: never a prompt
 * ({@code DEBIAN_FRONTEND=noninteractive}, {@code -y}), and up to five minutes' wait for the dpkg lock
 * ({@code DPkg::Lock::Timeout}; {@code apt-get} otherwise exits 100 at once while unattended-upgrades holds it,
 * day2-facts §4.5), and a package's state read with {@code dpkg-query}.
 */
public final class Apt {
    private Apt() {
    }

    /** The apt-get command line, without its verb. */
    public static final String APT = "apt-get -y -oDPkg::Lock::Timeout=300";

    /** The script prologue: no prompts, and {@code st PACKAGE} printing dpkg's status abbreviation ({@code ii}). */
    public static final String COMMON = """
            export DEBIAN_FRONTEND=noninteractive
            st() { dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null; }
            """;

    /**
     * Installs {@code pkg} unless dpkg has it installed, once more after {@code apt-get update} if that fails (an
     * unknown package or a stale index); prints {@code installed=already} or {@code installed=now}. {@code pkg} is a
     * Debian package name (lower-case letters, digits, {@code + - .}), checked here.
     */
    public static String installScript(String pkg) {
        if (!pkg.matches("[a-z0-9][a-z0-9+.-]+")) {
            throw new IllegalArgumentException("not a Debian package name: " + pkg);
        }
        return COMMON + """
                case "$(st %2$s)" in
                  ii*) echo installed=already ;;
                  *) %1$s install %2$s || { %1$s update && %1$s install %2$s; } || exit 1
                     echo installed=now ;;
                esac
                """.formatted(APT, pkg);
    }
}
