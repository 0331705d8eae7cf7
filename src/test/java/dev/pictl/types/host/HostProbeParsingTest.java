package dev.pictl.types.host;

import static dev.pictl.types.host.HostFakes.output;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pictl.probe.NodeObservation.Cmdline;
import dev.pictl.probe.NodeObservation.Facts;
import dev.pictl.probe.NodeProbe;
import dev.pictl.probe.ProbeOutput;
import dev.pictl.probe.ProbeRequest;
import dev.pictl.types.host.RuntimeProbe.PackageState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The probe sections the host family reads, parsed from odd, missing and garbled text (fast tier): the command line
 * ({@link NodeProbe#CMDLINE}, read by {@code kernel_params}), the packages ({@link RuntimeProbe#PACKAGES}, read by
 * {@code runtime}) and the three names of a board ({@link NodeProbe#NODE}'s hostname facts, read by {@code node}).
 * Each row gives the probe's stdout and the exact part it must parse to; none may throw.
 */
@Tag("fast")
class HostProbeParsingTest {
    private static final ProbeRequest REQUEST = ProbeRequest.of("pi-1");
    private static final String FW = "/boot/firmware/cmdline.txt";
    private static final String LINE = "console=serial0,115200 console=tty1 root=PARTUUID=3b1c2a1d-02 rootfstype=ext4 "
            + "fsck.repair=yes rootwait";
    private static final List<String> LINE_TOKENS = List.of("console=serial0,115200", "console=tty1",
            "root=PARTUUID=3b1c2a1d-02", "rootfstype=ext4", "fsck.repair=yes", "rootwait");
    private static final String PROC = "coherent_pool=1M 8250.nr_uarts=1 console=ttyS0,115200 " + LINE.substring(
            "console=serial0,115200 ".length());
    private static final List<String> CONTROLLERS = List.of("cpuset", "cpu", "io", "memory", "pids");

    // ------------------------------------------------------------------ cmdline

    record CmdlineRow(String name, String stdout, Cmdline expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> cmdlineRows() {
        List<String> proc = List.of(PROC.split(" "));
        return Stream.of(
                new CmdlineRow("Bookworm: file with a final newline, proc, controllers",
                        output("cmdline-path", FW, "cmdline-file", LINE + "\n", "proc-cmdline", PROC + "\n",
                                "cgroup-controllers", "cpuset cpu io memory pids\n"),
                        new Cmdline(FW, LINE + "\n", LINE_TOKENS, proc, CONTROLLERS)),
                new CmdlineRow("Bullseye's /boot/cmdline.txt without a final newline",
                        output("cmdline-path", "/boot/cmdline.txt", "cmdline-file", LINE, "proc-cmdline", PROC,
                                "cgroup-controllers", "cpuset cpu io memory pids"),
                        new Cmdline("/boot/cmdline.txt", LINE, LINE_TOKENS, proc, CONTROLLERS)),
                new CmdlineRow("only the Bookworm stub: empty path, no file section; proc is still read",
                        output("cmdline-path", "", "proc-cmdline", PROC, "cgroup-controllers", "cpu memory"),
                        new Cmdline(null, null, List.of(), proc, List.of("cpu", "memory"))),
                new CmdlineRow("empty path but a file section anyway: the file is ignored",
                        output("cmdline-path", "", "cmdline-file", LINE, "proc-cmdline", "a b"),
                        new Cmdline(null, null, List.of(), List.of("a", "b"), List.of())),
                new CmdlineRow("a path but the file section is missing (output cut): no path",
                        output("cmdline-path", FW),
                        new Cmdline(null, null, List.of(), List.of(), List.of())),
                new CmdlineRow("two lines: the tokens are the first line's, the text is all of it",
                        output("cmdline-path", FW, "cmdline-file", "a=1 b\nc=3 d\n", "proc-cmdline", "a=1"),
                        new Cmdline(FW, "a=1 b\nc=3 d\n", List.of("a=1", "b"), List.of("a=1"), List.of())),
                new CmdlineRow("CRLF, tabs and runs of blanks split like white space",
                        output("cmdline-path", FW + "  \r", "cmdline-file", "  a=1\t\tb   c \r\nd\r\n",
                                "proc-cmdline", "\ta=1  b\r\n", "cgroup-controllers", " cpu\tmemory \n"),
                        new Cmdline(FW, "  a=1\t\tb   c \r\nd\r\n", List.of("a=1", "b", "c"), List.of("a=1", "b"),
                                List.of("cpu", "memory"))),
                new CmdlineRow("an empty file: a path and no tokens",
                        output("cmdline-path", FW, "cmdline-file", "", "proc-cmdline", "a"),
                        new Cmdline(FW, "", List.of(), List.of("a"), List.of())),
                new CmdlineRow("a file of blank lines: a path and no tokens",
                        output("cmdline-path", FW, "cmdline-file", "\n\n  \n", "proc-cmdline", ""),
                        new Cmdline(FW, "\n\n  \n", List.of(), List.of(), List.of())),
                new CmdlineRow("nothing at all", "",
                        new Cmdline(null, null, List.of(), List.of(), List.of())),
                new CmdlineRow("garbage without markers", "sh: 1: syntax error: \"(\" unexpected\n\u0000\u00ff",
                        new Cmdline(null, null, List.of(), List.of(), List.of())),
                new CmdlineRow("only a path line of blanks", output("cmdline-path", "   \n"),
                        new Cmdline(null, null, List.of(), List.of(), List.of())),
                new CmdlineRow("control characters and non-ASCII stay inside tokens",
                        output("cmdline-path", FW, "cmdline-file", "x=\u0001y \u00e9t\u00e9\n", "proc-cmdline",
                                "x=\u0001y"),
                        new Cmdline(FW, "x=\u0001y \u00e9t\u00e9\n", List.of("x=\u0001y", "\u00e9t\u00e9"),
                                List.of("x=\u0001y"), List.of())),
                new CmdlineRow("a repeated section: the first one counts",
                        output("cmdline-path", FW, "cmdline-file", "a", "cmdline-file", "b", "proc-cmdline", "a"),
                        new Cmdline(FW, "a", List.of("a"), List.of("a"), List.of())),
                new CmdlineRow("sections of other fragments around it are ignored",
                        output("hostname", "pi-1", "cmdline-path", FW, "units", "k3s load=loaded active=active",
                                "cmdline-file", "a b", "packages", "docker.io ii 1"),
                        new Cmdline(FW, "a b", List.of("a", "b"), List.of(), List.of())))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cmdlineRows")
    void cmdline_parsesToThisPart(CmdlineRow row) {
        assertEquals(row.expected(), NodeProbe.CMDLINE.parse(REQUEST, ProbeOutput.of(row.stdout())));
    }

    // ------------------------------------------------------------------ packages

    record PackagesRow(String name, String section, List<PackageState> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static PackageState pkg(String name, String status, String version) {
        return new PackageState(name, status, version);
    }

    private static PackageState none(String name) {
        return pkg(name, RuntimeProbe.NOT_INSTALLED, null);
    }

    private static final PackageState IO_NONE = none("docker.io");
    private static final PackageState CE_NONE = none("docker-ce");
    private static final PackageState CONTAINERD_NONE = none("containerd.io");

    static Stream<Arguments> packageRows() {
        return Stream.of(
                new PackagesRow("docker.io installed (dpkg-query's two blanks after the status)",
                        "docker.io ii  20.10.24+dfsg1-1+b3\n",
                        List.of(pkg("docker.io", "ii", "20.10.24+dfsg1-1+b3"), CE_NONE, CONTAINERD_NONE)),
                new PackagesRow("the architecture suffix of ${binary:Package} is cut",
                        "docker.io:arm64 ii  20.10.24+dfsg1-1+b3\ncontainerd.io:armhf ii  1.7.22-1\n",
                        List.of(pkg("docker.io", "ii", "20.10.24+dfsg1-1+b3"), CE_NONE,
                                pkg("containerd.io", "ii", "1.7.22-1"))),
                new PackagesRow("docker-ce and containerd.io installed (Docker's own packages)",
                        "docker-ce ii  5:27.3.1-1~debian.12~bookworm\ncontainerd.io ii  1.7.22-1\n",
                        List.of(IO_NONE, pkg("docker-ce", "ii", "5:27.3.1-1~debian.12~bookworm"),
                                pkg("containerd.io", "ii", "1.7.22-1"))),
                new PackagesRow("un and pn (known, not installed) read as not installed, their version dropped",
                        "docker.io un  \ndocker-ce pn  5:27.3.1-1\n",
                        List.of(IO_NONE, CE_NONE, CONTAINERD_NONE)),
                new PackagesRow("rc (removed, configuration left) is kept as it is, not installed",
                        "docker.io rc  20.10.24+dfsg1-1+b3\n",
                        List.of(pkg("docker.io", "rc", "20.10.24+dfsg1-1+b3"), CE_NONE, CONTAINERD_NONE)),
                new PackagesRow("half-configured (iF) is kept, not installed",
                        "docker.io iF  20.10.24\n",
                        List.of(pkg("docker.io", "iF", "20.10.24"), CE_NONE, CONTAINERD_NONE)),
                new PackagesRow("no version column", "docker.io ii\n",
                        List.of(pkg("docker.io", "ii", null), CE_NONE, CONTAINERD_NONE)),
                new PackagesRow("a lone name, blank lines and leading blanks",
                        "\n   \ndocker.io\n   docker-ce   ii   5:27.3.1-1  \n",
                        List.of(IO_NONE, pkg("docker-ce", "ii", "5:27.3.1-1"), CONTAINERD_NONE)),
                new PackagesRow("dpkg-query's complaint on stdout does not invent a package",
                        "dpkg-query: no packages found matching docker-ce\n",
                        List.of(IO_NONE, CE_NONE, CONTAINERD_NONE)),
                new PackagesRow("a package listed twice: the last line counts",
                        "docker.io ii  1.0\ndocker.io rc  1.0\n",
                        List.of(pkg("docker.io", "rc", "1.0"), CE_NONE, CONTAINERD_NONE)),
                new PackagesRow("empty section", "", List.of(IO_NONE, CE_NONE, CONTAINERD_NONE)),
                new PackagesRow("binary garbage", "\u0000\u0001\u00ff\ufffd \u0007",
                        List.of(IO_NONE, CE_NONE, CONTAINERD_NONE)))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("packageRows")
    void packages_parseToThisStateOfEachPackageOfInterest(PackagesRow row) {
        Map<String, PackageState> parsed = RuntimeProbe.PACKAGES.parse(REQUEST,
                ProbeOutput.of(output("packages", row.section())));
        List<PackageState> ofInterest = new ArrayList<>();
        for (String name : RuntimeProbe.PACKAGES_OF_INTEREST) {
            ofInterest.add(parsed.get(name));
        }
        assertEquals(row.expected(), ofInterest);
        assertEquals(row.expected().get(0).status().equals("ii"), parsed.get("docker.io").installed());
    }

    @Test
    void packages_sectionMissing_everyPackageOfInterestNotInstalled() {
        Map<String, PackageState> parsed = RuntimeProbe.PACKAGES.parse(REQUEST,
                ProbeOutput.of(output("hostname", "pi-1")));
        assertEquals(Map.of("docker.io", IO_NONE, "docker-ce", CE_NONE, "containerd.io", CONTAINERD_NONE), parsed);
        assertEquals(Map.of("docker.io", IO_NONE, "docker-ce", CE_NONE, "containerd.io", CONTAINERD_NONE),
                RuntimeProbe.packages(null));
    }

    // ------------------------------------------------------------------ hostname facts

    record NamesRow(String name, String stdout, String hostname, String kernelHostname, String hostsName) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> nameRows() {
        return Stream.of(
                new NamesRow("all three set", output("hostname", "pi-1\n", "kernel-hostname", "pi-1\n", "hosts",
                        "127.0.1.1\tpi-1\n"), "pi-1", "pi-1", "pi-1"),
                new NamesRow("a fresh board", output("hostname", "raspberrypi\n", "kernel-hostname", "raspberrypi\n",
                        "hosts", "127.0.1.1\t\traspberrypi\n"), "raspberrypi", "raspberrypi", "raspberrypi"),
                new NamesRow("hostname set, kernel not yet", output("hostname", "pi-1\n", "kernel-hostname",
                        "raspberrypi\n", "hosts", "127.0.1.1 raspberrypi\n"), "pi-1", "raspberrypi", "raspberrypi"),
                new NamesRow("blanks and a second line around the name", output("hostname", "  pi-1  \nstray\n",
                        "kernel-hostname", "\tpi-1\r\n", "hosts", "   127.0.1.1   pi-1   pi-1.lan # mine\n"),
                        "pi-1", "pi-1", "pi-1"),
                new NamesRow("the first 127.0.1.1 line counts", output("hosts",
                        "127.0.1.1 first\n127.0.1.1 second\n"), null, null, "first"),
                new NamesRow("a 127.0.1.1 line without a name", output("hosts", "127.0.1.1\n127.0.1.1   \n"),
                        null, null, null),
                new NamesRow("127.0.1.10 is another address", output("hosts", "127.0.1.10 pi-9\n"), null, null,
                        null),
                new NamesRow("a comment after the address is taken as the name (the executor edits the same word)",
                        output("hosts", "127.0.1.1 # nothing\n"), null, null, "#"),
                new NamesRow("empty sections", output("hostname", "", "kernel-hostname", "\n", "hosts", ""), null,
                        null, null),
                new NamesRow("no sections", "", null, null, null),
                new NamesRow("garbage", "\u0000\u00ff\n@@pictl-probe\n@@pictl-probe:\n", null, null, null))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("nameRows")
    void hostnameFacts_parseToTheseNames(NamesRow row) {
        Facts f = NodeProbe.NODE.parse(REQUEST, ProbeOutput.of(row.stdout())).facts();
        assertEquals(List.of(String.valueOf(row.hostname()), String.valueOf(row.kernelHostname()),
                        String.valueOf(row.hostsName())),
                List.of(String.valueOf(f.hostname()), String.valueOf(f.kernelHostname()),
                        String.valueOf(f.hostsName())));
    }
}
