package dev.pictl.types.host;

import dev.pictl.probe.NodeProbe;
import dev.pictl.probe.ProbeFragment;
import dev.pictl.probe.ProbeParser;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code runtime} type's fragment of the probe: the Debian packages of a container runtime (section
 * {@code packages}), and the {@code docker} unit, which it declares for {@link NodeProbe#UNITS}.
 */
public final class RuntimeProbe {

    /** {@code not-installed}: what a package dpkg does not know (or knows as not installed) is reported as. */
    public static final String NOT_INSTALLED = "not-installed";

    /** Debian packages whose state the runtime resource needs. */
    static final List<String> PACKAGES_OF_INTEREST = List.of("docker.io", "docker-ce", "containerd.io");

    private static final String TEXT = """
            sec packages;           dpkg-query -W -f='${binary:Package} ${db:Status-Abbrev} ${Version}\\n' \\
                                    %s 2>/dev/null
            """.formatted(String.join(" ", PACKAGES_OF_INTEREST));

    /** The packages of interest by name; each is there, {@value #NOT_INSTALLED} when dpkg does not have it. */
    public static final ProbeFragment<Map<String, PackageState>> PACKAGES = NodeProbe.fragment("packages",
            List.of("packages"), List.of("docker"), request -> TEXT, (request, out) -> packages(out.get("packages")));

    /**
     * A Debian package as dpkg-query shows it.
     *
     * @param status {@code db:Status-Abbrev} trimmed ({@code ii} installed, {@code rc} removed with config), or
     *               {@code not-installed}
     */
    public record PackageState(String name, String status, String version) {
        public boolean installed() {
            return status.equals("ii");
        }
    }

    private RuntimeProbe() {
    }

    /**
     * dpkg-query lines {@code docker.io ii  20.10.24+dfsg1-1+b3} ({@code ${binary:Package}} may carry
     * {@code :arm64}). A package dpkg does not know, or knows as not installed ({@code un}, {@code pn}), is
     * {@value #NOT_INSTALLED}; {@code rc} (removed, config files left) is kept as it is.
     */
    public static Map<String, PackageState> packages(String text) {
        Map<String, PackageState> out = new LinkedHashMap<>();
        for (String name : PACKAGES_OF_INTEREST) {
            out.put(name, new PackageState(name, NOT_INSTALLED, null));
        }
        for (String line : ProbeParser.lines(text)) {
            String[] w = line.strip().split("\\s+");
            if (w.length < 2 || w[0].isEmpty()) {
                continue;
            }
            String name = w[0].contains(":") ? w[0].substring(0, w[0].indexOf(':')) : w[0];
            String status = w[1];
            if (status.length() >= 2 && status.charAt(1) == 'n') {
                out.put(name, new PackageState(name, NOT_INSTALLED, null));
            } else {
                out.put(name, new PackageState(name, status, w.length > 2 ? w[2] : null));
            }
        }
        return Map.copyOf(out);
    }
}
