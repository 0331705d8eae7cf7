package dev.pictl.probe;

import dev.pictl.probe.NodeObservation.KubeSnapshot;
import dev.pictl.types.ResourceTypes;
import dev.pictl.types.host.RuntimeProbe;
import dev.pictl.types.k3s.K3sProbe;
import dev.pictl.types.storage.PvProbe;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How the probe is assembled from the fragments the types list: order, once each, units, conflicts, parts. */
@Tag("fast")
class ProbeAssemblyTest {

    /** A type outside the standard ones: its own section, its own unit, its own typed part. */
    record Uptime(double seconds) {
    }

    static final ProbeFragment<Uptime> UPTIME = NodeProbe.fragment("uptime", List.of("uptime"), List.of("chrony"),
            request -> "sec uptime;             cut -d ' ' -f 1 \"$R/proc/uptime\" 2>/dev/null\n",
            (request, out) -> out.line("uptime") == null ? null : new Uptime(Double.parseDouble(out.line("uptime"))));

    @TempDir
    Path tmp;

    @Test
    void standardTypes_eachFragmentOnce_inTheOrderFirstListed() {
        List<String> ids = StandardProbe.PROBE.fragments().stream().map(ProbeFragment::id).toList();
        assertEquals(List.of("facts", "cmdline", "storage", "k3s-certs", "boot-config", "eeprom", "packages", "units", "k3s", "kube", "k3s-backup", "nfs-common",
                        "paths", "manifest", "helm-charts", "os-updates"),
                ids);
        String script = StandardProbe.script(StandardProbe.request("s", true, List.of("/mnt/a")));
        assertEquals(1, count(script, "sec kube\n"), "kube is listed by three types, printed once");
        assertEquals(1, count(script, "sec k3s-version;"));
        assertTrue(script.contains("systemctl show -p Id -p LoadState -p ActiveState docker k3s k3s-agent 2>/dev/null\n"), "units of runtime, then of k3s");
    }

    @Test
    void anExtraTypesFragment_runsInTheSameScript_andParsesToItsOwnPart() throws Exception {
        Probe probe = Probe.of(concat(StandardProbe.PROBE.fragments(), List.of(UPTIME)));
        Files.createDirectories(tmp.resolve("root/proc"));
        Files.writeString(tmp.resolve("root/proc/uptime"), "12345.67 45678.90\n");
        ProbeRequest request = ProbeRequest.of("pi-1");
        String script = probe.script(request);
        assertTrue(script.contains("systemctl show -p Id -p LoadState -p ActiveState docker k3s k3s-agent chrony 2>/dev/null\n"), "its unit joins the one units section");
        assertTrue(script.indexOf("sec uptime;") > script.indexOf("sec k3s-version;"), "after the fragments before it");
        NodeObservation o = probe.parse(request, run(script));
        assertEquals(new Uptime(12345.67), o.part(UPTIME));
        assertEquals("unknown", o.services().get("chrony").activeState(), "no systemctl here: unknown");
        assertEquals(Map.of("docker.io", "not-installed", "docker-ce", "not-installed", "containerd.io", "not-installed"),
                o.part(RuntimeProbe.PACKAGES).entrySet().stream().collect(java.util.stream.Collectors.toMap(
                        Map.Entry::getKey, e -> e.getValue().status())), "the standard parts are all there too");
        assertNull(StandardProbe.parse(request, run(StandardProbe.script(request))).part(UPTIME),
                "a probe without the fragment has no part for it");
    }

    @Test
    void declaredUnits_withoutAnyTypeListingUnits_getTheirSectionAtTheEnd() {
        Probe probe = Probe.of(List.of(UPTIME));
        assertEquals(List.of("facts", "cmdline", "storage", "k3s-certs", "uptime", "units"), probe.fragments().stream().map(ProbeFragment::id).toList());
        assertTrue(probe.script(ProbeRequest.of("n")).contains("systemctl show -p Id -p LoadState -p ActiveState chrony 2>/dev/null\n"));
        assertEquals(List.of("facts", "cmdline", "storage", "k3s-certs"), Probe.basic().fragments().stream().map(ProbeFragment::id).toList(),
                "no units declared: no units section");
        assertEquals(Map.of(), Probe.basic().parse(ProbeRequest.of("n"), "").services());
    }

    @Test
    void clashingFragments_areRefused() {
        ProbeFragment<String> sameId = NodeProbe.fragment("uptime", List.of("uptime-2"), r -> "", (r, o) -> null);
        ProbeFragment<String> sameSection = NodeProbe.fragment("other", List.of("kube-status"), r -> "", (r, o) -> null);
        ProbeFragment<String> end = NodeProbe.fragment("end-printer", List.of("end"), r -> "", (r, o) -> null);
        ProbeFragment<String> badId = NodeProbe.fragment("bad", List.of("Bad Section"), r -> "", (r, o) -> null);
        ProbeFragment<String> badUnit = NodeProbe.fragment("bad-unit", List.of("x"), List.of("a b"), r -> "", (r, o) -> null);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Probe.of(List.of(UPTIME, sameId)))
                .getMessage().contains("uptime"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> Probe.of(concat(StandardProbe.PROBE.fragments(), List.of(sameSection)))).getMessage()
                .contains("kube-status"));
        assertThrows(IllegalArgumentException.class, () -> Probe.of(List.of(end)));
        assertThrows(IllegalArgumentException.class, () -> Probe.of(List.of(badId)));
        assertThrows(IllegalArgumentException.class, () -> Probe.of(List.of(badUnit)));
    }

    @Test
    void askedParts_onlyOnTheNodesThatAsked() {
        String agent = StandardProbe.script(ProbeRequest.of("a"));
        assertFalse(agent.contains("sec kube"));
        assertFalse(agent.contains("server-token"));
        assertFalse(agent.contains("sec paths"));
        ProbeRequest r = ProbeRequest.of("s").with(PvProbe.PATHS_ASK, "/mnt/a")
                .merge(ProbeRequest.of("s").with(PvProbe.PATHS_ASK, "/mnt/b").with(NodeProbe.KUBE_ASK));
        assertEquals(List.of("/mnt/a", "/mnt/b"), r.values(PvProbe.PATHS_ASK), "merged in the order asked");
        String s = StandardProbe.script(r);
        assertTrue(s.contains("for p in '/mnt/a' '/mnt/b'; do"));
        assertTrue(s.contains("sec kube\n"));
        assertFalse(s.contains("server-token"), "the token is the k3s fragment's own ask");
        assertThrows(IllegalArgumentException.class, () -> r.merge(ProbeRequest.of("other")));
    }

    @Test
    void theKubePart_tellsApiDownFromK3sNotInstalled_byTheVersionLine() {
        ProbeRequest server = StandardProbe.request("s", true, List.of());
        String down = ProbeParserTest.output(Map.of("k3s-version", "k3s version v1.31.4+k3s1 (52a7fc12)\n",
                "kube-status", "1\nconnection refused"));
        String fresh = ProbeParserTest.output(Map.of("k3s-version", "", "kube-status", "127\nk3s: not found"));
        KubeSnapshot a = StandardProbe.parse(server, down).kube();
        KubeSnapshot b = StandardProbe.parse(server, fresh).kube();
        assertEquals("connection refused", a.error());
        assertTrue(a.k3sInstalled());
        assertFalse(b.k3sInstalled());
        assertNull(StandardProbe.parse(ProbeRequest.of("a"), down).kube(), "not asked: no part");
    }

    @Test
    void partsOfTheK3sFamily_areReadByTheirFragment() {
        NodeObservation o = StandardProbe.parse(ProbeRequest.of("a"), ProbeParserTest.output(Map.of(
                "k3s-version", "k3s version v1.30.6+k3s1 (x)\n", "agent-env", "K3S_URL='https://10.0.0.1:6444'\n")));
        assertEquals(new K3sProbe.K3sInstall("v1.30.6+k3s1", null, null, "https://10.0.0.1:6444"), o.part(K3sProbe.INSTALL));
        assertEquals(o.part(K3sProbe.INSTALL), ResourceTypes.standard().probe().parse(ProbeRequest.of("a"),
                ProbeParserTest.output(Map.of("k3s-version", "k3s version v1.30.6+k3s1 (x)\n",
                        "agent-env", "K3S_URL='https://10.0.0.1:6444'\n"))).part(K3sProbe.INSTALL));
    }

    private static List<ProbeFragment<?>> concat(List<ProbeFragment<?>> a, List<ProbeFragment<?>> b) {
        List<ProbeFragment<?>> out = new java.util.ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    private String run(String script) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", script);
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        for (String tool : List.of("cat", "cut", "grep", "tr", "head", "ls", "timeout", "uname")) {
            Path real = Files.exists(Path.of("/usr/bin", tool)) ? Path.of("/usr/bin", tool) : Path.of("/bin", tool);
            if (!Files.exists(bin.resolve(tool))) {
                Files.createSymbolicLink(bin.resolve(tool), real);
            }
        }
        pb.environment().clear();
        pb.environment().put("PICTL_ROOT", Files.createDirectories(tmp.resolve("root")).toString());
        pb.environment().put("PATH", bin.toString()); // no systemctl, dpkg or k3s: their sections are empty
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue());
        assertTrue(ProbeParser.complete(out), out);
        return out;
    }
}
