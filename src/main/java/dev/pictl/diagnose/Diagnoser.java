package dev.pictl.diagnose;

import dev.pictl.diagnose.ClusterView.Condition;
import dev.pictl.diagnose.ClusterView.NodeState;
import dev.pictl.diagnose.DiagnoseReport.Finding;
import dev.pictl.diagnose.DiagnoseReport.NodeVerdict;
import dev.pictl.probe.EepromProbe;
import dev.pictl.probe.Health;
import dev.pictl.probe.StorageProbe;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns what the nodes and the server showed into ranked findings. Pure: no I/O, so the signature matching and the
 * ranking are tested on captured text ({@code DiagnoserTest}).
 *
 * <p>Per node, the rules below are tried in order. The first that explains why the node is not Ready (or its k3s
 * not running) is the root cause: its finding carries the chain from the symptom (NotReady, the unit's state) to the
 * cause, and the findings that are only its consequences (x509 errors under a skewed clock, connection refused while
 * the server's k3s is stopped) are not listed apart. Findings that stand on their own (a full disk, under-voltage,
 * an image pull) follow it.
 *
 * <pre>
 *   order  code                      explains NotReady
 *   1      memory_cgroup_missing     yes   k3s's fatal line, or no memory in cgroup.controllers; the chain says why
 *                                          (cmdline.txt lost the flag / not rebooted since / the firmware disables it)
 *   2      clock_skew                yes   the node's clock is more than {@value #SKEW_LIMIT_SECONDS} s off
 *   3      node_password_rejected    yes
 *   4      token_rejected            yes   401 Unauthorized
 *   5      k3s_server_down           yes   on the server: its k3s is not running (every agent is affected); on an
 *                                          agent: refused by the server, whose k3s is not running (caused_by)
 *   6      certificate_expired       yes   x509 "is after": the server's certificate expired (caused_by the server)
 *   7      server_unreachable        yes   the agent cannot connect to the API address (others can)
 *   8      tls_error                 yes   another x509 error
 *   9      disk_pressure             no    DiskPressure=True or / at 95% and more
 *   10     memory_pressure           no    MemoryPressure=True, or OOM kills in the journal
 *   11     under_voltage             no    get_throttled bit 0 or 16
 *   12     throttled                 no    the other get_throttled bits
 *   13     flannel_failed            no
 *   14     image_pull_failed         no
 *   15     kernel_storage_errors     no    mmc / EXT4 / I/O errors in dmesg (SD card)
 *   16     check_config_failed       no    k3s check-config fails (other than the memory cgroup)
 *   17     k3s_crash_looping         yes   k3s keeps exiting for a reason none of the above knows
 *   18     k3s_stopped               yes   the unit is stopped
 *   19     k3s_not_installed         yes
 *   20     node_unreachable          yes   the script could not run (SSH)
 *   21     api_unavailable           -     the server's API could not be read (on the server)
 *   22     not_ready                 yes   NotReady and nothing above explains it
 *   -      etcd_member_down          no    a server of an embedded-etcd cluster is NotReady: what is left of quorum
 *   last   eeprom_update_available   no    advisory: rpi-eeprom-update says the bootloader has an update
 * </pre>
 *
 * <p>An <em>advisory</em> finding (as the plan's and drift's health findings have them) is listed after every other
 * one, is never the root cause and never changes the exit code: a node with only advisories is healthy.
 */
public final class Diagnoser {
    /** A clock further off than this from the admin machine's is a finding (TLS and etcd suffer long before). */
    public static final int SKEW_LIMIT_SECONDS = 30;
    /** Used share of / from which the disk is "full" (k3s evicts below 5% free). */
    public static final int DISK_FULL_PERCENT = 95;

    private Diagnoser() {
    }

    /**
     * @param nodes      the nodes to report on, in order
     * @param evidence   what each node's script found, by name (the server's too, even when not asked about)
     * @param server     the server node, or null
     * @param endpoint   {@code ADDRESS:PORT} of the API server, or null
     * @param view       the server's view of the Nodes
     */
    public static DiagnoseReport diagnose(String cluster, List<String> nodes, Map<String, NodeEvidence> evidence,
                                          String server, String endpoint, ClusterView view) {
        ServerStatus s = ServerStatus.of(server, evidence.get(server), endpoint);
        List<String> agentsCut = new ArrayList<>();
        List<String> agentsOk = new ArrayList<>();
        for (NodeEvidence e : evidence.values()) {
            if (e.reached() && !e.node().equals(server) && e.reachExit() >= 0) {
                (e.reachExit() == 0 ? agentsOk : agentsCut).add(e.node());
            }
        }
        List<NodeVerdict> out = new ArrayList<>();
        for (String n : nodes) {
            NodeEvidence e = evidence.getOrDefault(n, NodeEvidence.unreachable(n, "not read"));
            NodeState st = view.nodes().get(n);
            String status = view.apiError() != null ? "Unknown" : st == null ? "NotRegistered" : st.ready() ? "Ready" : "NotReady";
            List<Finding> f = new Node(n, e, st, view, s, agentsOk, agentsCut).findings();
            out.add(new NodeVerdict(n, status, e.reached(), f));
        }
        return new DiagnoseReport(cluster, server, endpoint, view.apiError(), out);
    }

    /** The server's k3s as its own script showed it. */
    record ServerStatus(String node, String endpoint, boolean known, boolean running, String unitText) {
        static ServerStatus of(String node, NodeEvidence e, String endpoint) {
            if (node == null || e == null || !e.reached()) {
                return new ServerStatus(node, endpoint, false, false, null);
            }
            Map<String, String> u = e.unit("k3s");
            boolean installed = "loaded".equals(u.get("LoadState"));
            boolean running = "active".equals(u.get("ActiveState"));
            return new ServerStatus(node, endpoint, installed, running, installed ? Diagnoser.unitText("k3s", u) : null);
        }

        boolean down() {
            return known && !running;
        }
    }

    static String unitText(String unit, Map<String, String> u) {
        String active = u.getOrDefault("ActiveState", "unknown");
        String sub = u.getOrDefault("SubState", "");
        int restarts = parseInt(u.get("NRestarts"));
        if (active.equals("active")) {
            return unit + " running";
        }
        // Restarted by systemd and not up: crash-looping, whichever step of the loop the snapshot caught (an agent
        // waiting for its server retries inside one start and never raises the counter).
        if (sub.equals("auto-restart") || (restarts > 0 && active.equals("activating"))) {
            return unit + " crash-looping (" + active + " (" + sub + "), restart counter at " + restarts + ")";
        }
        if (active.equals("activating")) {
            return unit + " not up (" + active + " (" + sub + "))";
        }
        return unit + " stopped (" + active + (sub.isEmpty() ? "" : " (" + sub + ")") + ")";
    }

    private static int parseInt(String s) {
        try {
            return s == null ? 0 : Integer.parseInt(s.strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The findings of one node. */
    private static final class Node {
        final String name;
        final NodeEvidence e;
        final NodeState st;
        final ClusterView view;
        final ServerStatus server;
        final List<String> agentsOk;
        final List<String> agentsCut;
        final List<Finding> out = new ArrayList<>();
        final List<String> symptoms = new ArrayList<>();
        final List<String> symptomEvidence = new ArrayList<>();
        String unit;
        Map<String, String> unitShow = Map.of();
        Map<String, String> signals = Map.of();
        boolean unitActive;
        boolean notReady;
        boolean explained;

        Node(String name, NodeEvidence e, NodeState st, ClusterView view, ServerStatus server, List<String> agentsOk,
             List<String> agentsCut) {
            this.name = name;
            this.e = e;
            this.st = st;
            this.view = view;
            this.server = server;
            this.agentsOk = agentsOk;
            this.agentsCut = agentsCut;
        }

        boolean isServer() {
            return name.equals(server.node());
        }

        List<Finding> findings() {
            notReady = st != null && !st.ready();
            if (notReady) {
                Condition r = st.condition("Ready");
                symptoms.add("NotReady");
                if (r != null) {
                    symptomEvidence.add("Ready=" + r.status() + " " + r.reason() + ": " + r.message()
                            + (r.since().isEmpty() ? "" : " (since " + r.since() + ")")
                            + (st.taints().isEmpty() ? "" : "; taints " + st.taints()));
                }
            }
            // The Node's recent Warning events (e.g. CertificateExpirationWarning) go with the root cause's evidence.
            List<ClusterView.Event> warnings = view.events().getOrDefault(name, List.of()).stream()
                    .filter(ev -> "Warning".equals(ev.type())).toList();
            warnings.stream().skip(Math.max(0, warnings.size() - 3)).forEach(ev -> symptomEvidence.add(eventLine(ev)));
            if (!e.reached()) {
                root("node_unreachable", "pictl cannot reach the node over SSH: " + e.sshError(),
                        List.of("cannot reach it over SSH"), List.of(e.sshError()),
                        "check the board's power and network cable, then `ping` its address from the admin machine; "
                                + "nothing else could be read from it", null);
                etcdMember();
                return out;
            }
            unit = e.k3sUnit();
            if (unit != null) {
                unitShow = e.unit(unit);
                unitActive = "active".equals(unitShow.get("ActiveState"));
                signals = Signatures.match(e.journalSinceStart(unit));
                if (!unitActive) {
                    symptoms.add(unitText(unit, unitShow));
                }
            }
            boolean troubled = notReady || (unit != null && !unitActive) || view.apiError() != null;

            memoryCgroup();
            clockSkew();
            if (troubled) {
                journalRoot(Signatures.NODE_PASSWORD, "node_password_rejected",
                        "the server rejects the node's password: a reinstalled board, or another board with the same name",
                        "the server rejects the node password",
                        "if this board was re-imaged or reinstalled: on the server, `kubectl delete node " + name + "` "
                                + "(it also removes the " + name + ".node-password.k3s Secret), then on " + name
                                + ": `sudo systemctl restart " + unitOr("k3s-agent") + "`; if two boards share the name, give "
                                + "each its own hostname (or set with-node-id: true)");
                journalRoot(Signatures.TOKEN_401, "token_rejected",
                        "the server refuses the node's join token (401 Unauthorized)",
                        "the server refuses the join token (401 Unauthorized)",
                        "give the agent the server's token: it is in /var/lib/rancher/k3s/server/node-token on the server; "
                                + "set the description's token to it and run `pictl apply` (or fix `token:` in "
                                + "/etc/rancher/k3s/config.yaml and `sudo systemctl restart " + unitOr("k3s-agent") + "`)");
            }
            serverDown(troubled);
            if (troubled) {
                certificateExpired();
            }
            serverUnreachable(troubled);
            if (troubled && !explained && signals.containsKey(Signatures.X509_OTHER)) {
                root("tls_error", "TLS to the server fails", List.of("TLS to the server fails"),
                        List.of(signals.get(Signatures.X509_OTHER)),
                        "compare the server's CA with the agent's (`k3s certificate check` on both); a node re-imaged "
                                + "against a rebuilt server needs to join again", null);
            }
            standalone();
            if (!explained) {
                unexplained();
            }
            if (isServer() && view.apiError() != null && server.running) {
                add("api_unavailable", "k3s runs but its API did not answer: " + view.apiError(), List.of(view.apiError()),
                        "wait a minute after a start; else read `journalctl -u k3s -n 100` on " + name, null);
            }
            eeprom();
            return out;
        }

        String unitOr(String fallback) {
            return unit != null ? unit : fallback;
        }

        // ---- root causes ---------------------------------------------------------------------------------

        void memoryCgroup() {
            List<String> ctl = e.controllers();
            boolean fatal = signals.containsKey(Signatures.MEMORY_CGROUP);
            boolean missing = !ctl.isEmpty() && !ctl.contains("memory");
            if (!fatal && !(missing && unit != null)) {
                return;
            }
            List<String> chain = new ArrayList<>();
            chain.add("memory cgroup missing");
            List<String> ev = new ArrayList<>();
            if (fatal) {
                ev.add(signals.get(Signatures.MEMORY_CGROUP));
            }
            ev.add("cgroup.controllers: " + String.join(" ", ctl));
            List<String> txt = e.cmdlineTxt();
            List<String> proc = e.procCmdline();
            String remedy;
            int lastEnable = proc.lastIndexOf("cgroup_enable=memory");
            int lastDisable = proc.lastIndexOf("cgroup_disable=memory");
            if (!txt.contains("cgroup_enable=memory")) {
                chain.add("cmdline.txt lost its cgroup_enable=memory flag");
                ev.add("cmdline.txt: " + String.join(" ", txt));
                remedy = "put cgroup_enable=memory back on the one line of /boot/firmware/cmdline.txt and reboot "
                        + "(`pictl apply` does both when the description's kernel_params has it)";
            } else if (lastEnable < 0) {
                chain.add("cmdline.txt has cgroup_enable=memory but the board has not rebooted since");
                ev.add("/proc/cmdline has no cgroup_enable=memory");
                remedy = "reboot the board so the kernel reads cmdline.txt again (`pictl apply` reboots when its plan "
                        + "says so)";
            } else if (lastDisable > lastEnable) {
                chain.add("the firmware appends cgroup_disable=memory after cmdline.txt");
                ev.add("/proc/cmdline: ... cgroup_enable=memory ... cgroup_disable=memory");
                remedy = "the boot firmware or a config.txt setting disables the memory cgroup after cmdline.txt; remove "
                        + "that setting (or update the firmware) and reboot";
            } else {
                chain.add("the kernel does not enable it although /proc/cmdline asks for it");
                remedy = "check the kernel (`k3s check-config`), then update it and reboot";
            }
            root("memory_cgroup_missing", (unit != null ? unit + " cannot start: " : "") + "the memory cgroup is missing ("
                    + chain.get(chain.size() - 1) + ")", chain, ev, remedy, null);
        }

        void clockSkew() {
            Double off = e.clockOffset();
            if (off == null || Math.abs(off) - e.clockError() <= SKEW_LIMIT_SECONDS) {
                return;
            }
            List<String> chain = new ArrayList<>();
            List<String> ev = new ArrayList<>();
            String x509 = signals.getOrDefault(Signatures.X509_NOT_YET_VALID, signals.get(Signatures.X509_EXPIRED));
            if (x509 != null) {
                chain.add("TLS fails: certificates look " + (off < 0 ? "not yet valid" : "expired") + " from its clock");
                ev.add(x509);
            }
            String how = duration(Math.abs(off)) + (off < 0 ? " behind" : " ahead of") + " the admin machine";
            chain.add("the clock is " + how);
            ev.add(String.format(Locale.ROOT, "clock offset %+.1f s (±%.1f s)", off, e.clockError()));
            root("clock_skew", "the node's clock is " + how, chain, ev,
                    "turn on time synchronisation: `sudo timedatectl set-ntp true`, then "
                            + "`timedatectl show -p NTPSynchronized --value` should print yes (a Pi without an RTC boots at "
                            + "the last time fake-hwclock saved); the NTP server must be reachable from the node", null);
        }

        void journalRoot(String signal, String code, String summary, String step, String remedy) {
            if (explained || !signals.containsKey(signal)) {
                return;
            }
            root(code, summary, List.of(step), List.of(signals.get(signal)), remedy, null);
        }

        void serverDown(boolean troubled) {
            if (!server.down()) {
                return;
            }
            if (isServer()) {
                List<String> chain = new ArrayList<>();
                chain.add("every agent NotReady");
                List<String> ev = new ArrayList<>(unitEvidence());
                String remedy = "start it: `sudo systemctl start k3s` on " + name + ", then `journalctl -u k3s -n 50` "
                        + "there to see why it stopped";
                // When this node's own cause is known (e.g. the memory cgroup), it ends the chain.
                if (!out.isEmpty()) {
                    Finding own = out.remove(0);
                    chain.addAll(own.chain());
                    ev.addAll(own.evidence());
                    remedy = own.remedy();
                } else {
                    chain.add("k3s on the server: " + server.unitText());
                }
                int agents = agentsCut.size() + agentsOk.size();
                String summary = "k3s is not running on the server: every agent is affected"
                        + (agents > 0 ? " (" + agents + " agent" + (agents == 1 ? "" : "s") + ")" : "");
                out.add(0, new Finding(name, "k3s_server_down", summary, chain, ev, remedy, null));
                explained = true;
                return;
            }
            if (explained || unit == null) {
                return;
            }
            boolean refused = e.reachExit() == 7 || signals.containsKey(Signatures.REFUSED);
            if (!troubled && !refused) {
                return;
            }
            List<String> ev = new ArrayList<>();
            if (signals.containsKey(Signatures.REFUSED)) {
                ev.add(signals.get(Signatures.REFUSED));
            }
            if (e.reachExit() >= 0) {
                ev.add(reachText());
            }
            root("k3s_server_down", "k3s is not running on the server " + server.node() + ": " + server.unitText(),
                    List.of("cannot reach the API at " + server.endpoint() + " (connection refused)",
                            "k3s is not running on the server " + server.node()),
                    ev, "fix the server first: `sudo systemctl start k3s` on " + server.node() + " (see its own finding); "
                            + "this agent reconnects by itself", server.node());
        }

        void certificateExpired() {
            if (explained || !signals.containsKey(Signatures.X509_EXPIRED)) {
                return;
            }
            boolean agent = !isServer() && server.node() != null;
            root("certificate_expired", "TLS to the server fails: its certificate has expired",
                    List.of("TLS to the server fails (x509: certificate has expired)",
                            "the server's certificate expired and k3s has not restarted since (certificates renew only "
                                    + "when k3s starts)"),
                    List.of(signals.get(Signatures.X509_EXPIRED)),
                    "restart k3s on the server: `sudo systemctl restart k3s` on " + (agent ? server.node() : name)
                            + " renews certificates that expired or expire within 120 days; `k3s certificate check` "
                            + "lists them", agent ? server.node() : null);
        }

        void serverUnreachable(boolean troubled) {
            if (explained || isServer() || server.down() || e.reachExit() < 0) {
                return;
            }
            int rc = e.reachExit();
            boolean journalTimeout = troubled && signals.containsKey(Signatures.TIMEOUT);
            if (rc == 0 && !journalTimeout) {
                return;
            }
            List<String> ev = new ArrayList<>();
            if (signals.containsKey(Signatures.TIMEOUT)) {
                ev.add(signals.get(Signatures.TIMEOUT));
            }
            ev.add(reachText());
            List<String> others = agentsOk.stream().filter(n -> !n.equals(name)).toList();
            List<String> chain = new ArrayList<>();
            chain.add("cannot reach the API at " + server.endpoint() + " from " + name + " (" + reachWhy(rc) + ")");
            chain.add(others.isEmpty() ? "the network between " + name + " and the server"
                    : "the network between " + name + " and the server (" + String.join(", ", others) + " reach it)");
            root("server_unreachable", "cannot reach the API server " + server.endpoint() + " (" + reachWhy(rc) + ")",
                    chain, ev, "check the path between " + name + " and " + server.node() + ": cable, switch port, Wi-Fi, "
                            + "a firewall (6443/tcp must be open); from " + name + ": `ping " + host(server.endpoint())
                            + "` and `curl -sk https://" + server.endpoint() + "/cacerts`", null);
        }

        // ---- findings that stand on their own ------------------------------------------------------------

        /** A server of an embedded-etcd cluster that is NotReady: its member is down; how much quorum is left. */
        void etcdMember() {
            if (st == null || !st.etcd() || st.ready()) {
                return;
            }
            long members = view.nodes().values().stream().filter(ClusterView.NodeState::etcd).count();
            long answer = view.nodes().values().stream().filter(x -> x.etcd() && x.ready()).count();
            long quorum = members / 2 + 1;
            add("etcd_member_down", "etcd member " + name + " is down: " + answer + " of " + members
                            + " servers answer, quorum needs " + quorum
                            + (answer < quorum ? " (quorum is lost: the API takes no writes)" : ""),
                    List.of("Node " + name + " has the etcd role (node-role.kubernetes.io/etcd=true) and is NotReady"),
                    "bring " + name + " back; while it is down pictl refuses changes that would take another server "
                            + "down, and a dead board is taken out by removing it from the k3s_server's nodes "
                            + "(docs/ha.md)", null);
        }

        void standalone() {
            etcdMember();
            Condition dp = st == null ? null : st.condition("DiskPressure");
            int disk = e.diskUsedPercent();
            // Issue 15: also k3s's data directory when it is a file system of its own, against the kubelet's 5%.
            List<Health.Finding> full = StorageProbe.findings(name, e.storage()).stream()
                    .filter(x -> x.code().equals(StorageProbe.FULL)).toList();
            if ((dp != null && "True".equals(dp.status())) || disk >= DISK_FULL_PERCENT || !full.isEmpty()) {
                List<String> ev = new ArrayList<>();
                if (dp != null && "True".equals(dp.status())) {
                    ev.add("DiskPressure=True " + dp.reason() + ": " + dp.message());
                }
                for (StorageProbe.Fs fs : e.storage().filesystems()) {
                    ev.add("df -P " + fs.path() + ": " + fs.device() + " " + fs.sizeKb() + " blocks, " + fs.availKb()
                            + " available (" + fs.freePercent() + "% free) on " + fs.mountedOn());
                }
                full.forEach(x -> ev.add(x.message()));
                if (signals.containsKey(Signatures.DISK)) {
                    ev.add(signals.get(Signatures.DISK));
                }
                ev.addAll(event("EvictionThresholdMet", "ephemeral-storage"));
                boolean dataDirOnly = disk < DISK_FULL_PERCENT && !full.isEmpty()
                        && full.stream().noneMatch(x -> x.message().startsWith("/:"));
                add("disk_pressure", (dataDirOnly ? "k3s's data directory is full ("
                                + e.storage().filesystems().get(e.storage().filesystems().size() - 1).freePercent() + "% free)"
                                : "the root filesystem is " + (disk >= 0 ? disk + "% " : "") + "full")
                                + (dp != null && "True".equals(dp.status()) ? ": the kubelet reports DiskPressure and evicts pods" : ""),
                        ev, "free space on " + name + ": `sudo journalctl --vacuum-size=100M`, remove unused images "
                                + "(`sudo k3s crictl rmi --prune`, or `sudo docker image prune -a` with the Docker runtime), "
                                + "look for large files with `sudo du -xh / | sort -h | tail`; k3s evicts pods below 5% free",
                        null);
            }
            Condition mp = st == null ? null : st.condition("MemoryPressure");
            if ((mp != null && "True".equals(mp.status())) || signals.containsKey(Signatures.OOM)) {
                List<String> ev = new ArrayList<>();
                if (mp != null && "True".equals(mp.status())) {
                    ev.add("MemoryPressure=True " + mp.reason() + ": " + mp.message());
                }
                if (signals.containsKey(Signatures.OOM)) {
                    ev.add(signals.get(Signatures.OOM));
                }
                ev.addAll(event("EvictionThresholdMet", "memory"));
                long total = e.memKb("MemTotal");
                long avail = e.memKb("MemAvailable");
                if (total > 0 && avail >= 0) {
                    ev.add("MemAvailable " + avail + " kB of MemTotal " + total + " kB");
                }
                add("memory_pressure", "the node is short of memory", ev,
                        "move or limit workloads (resources.limits), or add memory; k3s sets no memory eviction "
                                + "threshold by default, so the kernel's OOM killer acts first", null);
            }
            long bits = e.throttledBits();
            if (bits > 0) {
                List<String> what = Health.decodeThrottled(bits);
                if ((bits & 0x10001L) != 0) {
                    add("under_voltage", "under-voltage" + ((bits & 0x1L) != 0 ? " now" : " since boot")
                                    + ": the supply sags below 4.63 V (SD card corruption and resets follow)",
                            List.of(e.throttledText() + ": " + String.join(", ", what)),
                            "use the official supply (5.1 V 3 A for a Pi 4, 5 V 5 A for a Pi 5) and a short, thick cable; "
                                    + "PoE HATs and USB disks draw from the same budget; the since-boot bits clear at reboot",
                            null);
                } else {
                    add("throttled", "the SoC is throttled (" + String.join(", ", what) + ")",
                            List.of(e.throttledText() + ": " + String.join(", ", what) + "; " + e.section("temp").strip()),
                            "cool the board (heatsink, fan, airflow) and check `vcgencmd measure_temp`", null);
                }
            }
            if (signals.containsKey(Signatures.FLANNEL)) {
                add("flannel_failed", "the pod network (flannel/VXLAN) is not up on this node",
                        List.of(signals.get(Signatures.FLANNEL)),
                        "flannel writes /run/flannel/subnet.env once k3s is up: restart k3s on the node; for traffic "
                                + "between nodes UDP 8472 (VXLAN) must pass and the vxlan kernel module load", null);
            }
            if (signals.containsKey(Signatures.IMAGE_PULL)) {
                add("image_pull_failed", "the kubelet fails to pull an image", List.of(signals.get(Signatures.IMAGE_PULL)),
                        "check the image name and tag; pull it by hand on " + name + " (`sudo k3s crictl pull IMAGE`, or "
                                + "`sudo docker pull IMAGE` with the Docker runtime) to see the registry's answer; DNS and "
                                + "the registry must be reachable from the node; private registries go in "
                                + "/etc/rancher/k3s/registries.yaml", null);
            }
            List<String> kernel = e.kernelErrors().stream().filter(l -> !l.toLowerCase(Locale.ROOT).contains("undervoltage")).toList();
            StorageProbe.Storage storage = e.storage();
            if (!kernel.isEmpty() || storage.errorCount() > 0) {
                kernel = new ArrayList<>(kernel);
                if (storage.firstError() != null && !kernel.contains(storage.firstError())) {
                    kernel.add(0, "first since boot: " + storage.firstError());
                }
                add("kernel_storage_errors", "the kernel logs " + (storage.errorCount() > 0 ? storage.errorCount() + " "
                        : "") + "storage errors" + (storage.errorCount() > 0 ? " since boot" : "") + " (SD card or disk)"
                        + (storage.readOnly() ? "; a file system was remounted read-only" : ""), kernel,
                        "back up, then replace the SD card (or move the root to an SSD); check the supply first "
                                + "(under-voltage corrupts cards)", null);
            }
            List<String> cc = e.checkConfig();
            boolean ccFails = cc.stream().anyMatch(l -> l.startsWith("STATUS:") && !l.contains("pass"));
            boolean cgroupOnly = cc.stream().filter(l -> !l.startsWith("STATUS:")).allMatch(l -> l.contains("cgroup hierarchy"));
            if (ccFails && !(cgroupOnly && out.stream().anyMatch(f -> f.chain().contains("memory cgroup missing")))) {
                add("check_config_failed", "k3s check-config fails", cc,
                        "run `sudo k3s check-config` on " + name + " and fix what it marks missing or bad", null);
            }
        }

        /** Issue 15: an EEPROM update available is an advisory, in the plan's own words (EepromProbe). */
        void eeprom() {
            EepromProbe.Status s = e.eeprom();
            if (s == null || !s.updateAvailable()) {
                return;
            }
            List<String> ev = new ArrayList<>(List.of("rpi-eeprom-update: BOOTLOADER: update available"));
            if (s.current() != null) {
                ev.add("CURRENT: " + s.current());
            }
            if (s.latest() != null) {
                ev.add("LATEST: " + s.latest());
            }
            advise("eeprom_update_available", EepromProbe.summary(s), ev, EepromProbe.REMEDY);
        }

        void unexplained() {
            String fatal = signals.get(Signatures.FATAL);
            if (unit == null) {
                if (notReady || isServer() || server.node() != null) {
                    root("k3s_not_installed", "k3s is not installed", List.of("k3s is not installed"), List.of(),
                            "run `pictl plan` and `pictl apply` to install it", null);
                }
                return;
            }
            String active = unitShow.getOrDefault("ActiveState", "");
            String sub = unitShow.getOrDefault("SubState", "");
            if (!unitActive && (sub.equals("auto-restart") || parseInt(unitShow.get("NRestarts")) > 0 || fatal != null)) {
                root("k3s_crash_looping", unit + " keeps exiting" + (fatal == null ? "" : ": " + msg(fatal)),
                        List.of(unit + " exits at start"), fatal == null ? unitEvidence() : List.of(fatal),
                        "read the journal: `journalctl -u " + unit + " -n 100 --no-pager` on " + name, null);
            } else if (active.equals("inactive") || active.equals("failed")) {
                root("k3s_stopped", unit + " is stopped", List.of(unit + " was stopped"), unitEvidence(),
                        "start it: `sudo systemctl start " + unit + "` on " + name + " (and `sudo systemctl enable " + unit
                                + "` if it should start at boot)", null);
            } else if (notReady || !unitActive) {
                List<String> ev = new ArrayList<>(symptomEvidence);
                List<String> tail = e.journalSinceStart(unit);
                if (!tail.isEmpty()) {
                    ev.add(tail.get(tail.size() - 1));
                }
                root("not_ready", "NotReady, and no known signature explains it",
                        List.of("no known cause"), ev, "read `journalctl -u " + unit + " -n 100 --no-pager` on " + name
                                + " and `kubectl describe node " + name + "` on the server", null);
            }
        }

        // ---- helpers -------------------------------------------------------------------------------------

        List<String> unitEvidence() {
            List<String> ev = new ArrayList<>();
            if (unit != null) {
                ev.add("systemctl show " + unit + ": ActiveState=" + unitShow.getOrDefault("ActiveState", "?") + " SubState="
                        + unitShow.getOrDefault("SubState", "?") + " NRestarts=" + unitShow.getOrDefault("NRestarts", "0"));
            }
            return ev;
        }

        String reachText() {
            return "curl https://" + server.endpoint() + "/cacerts from " + name + ": " + e.section("reach").strip()
                    + " (" + reachWhy(e.reachExit()) + ")";
        }

        /** A root cause: the symptoms (NotReady, the unit's state) go before its own chain. */
        static String eventLine(ClusterView.Event ev) {
            return "event " + ev.reason() + ": " + ev.message() + (ev.count() > 1 ? " (x" + ev.count() + ")" : "")
                    + (ev.when().isEmpty() ? "" : " at " + ev.when());
        }

        /** The Node's newest event with this reason whose message has {@code text}, as evidence (none: empty). */
        List<String> event(String reason, String text) {
            List<ClusterView.Event> m = view.events().getOrDefault(name, List.of()).stream()
                    .filter(ev -> ev.reason().equals(reason) && ev.message().contains(text)).toList();
            return m.isEmpty() ? List.of() : List.of(eventLine(m.get(m.size() - 1)));
        }

        void root(String code, String summary, List<String> chain, List<String> evidence, String remedy, String causedBy) {
            if (explained) {
                return;
            }
            List<String> full = new ArrayList<>(symptoms);
            full.addAll(chain);
            List<String> ev = new ArrayList<>(evidence);
            ev.addAll(symptomEvidence);
            out.add(0, new Finding(name, code, summary, full, ev, remedy, causedBy));
            explained = true;
        }

        void add(String code, String summary, List<String> evidence, String remedy, String causedBy) {
            out.add(new Finding(name, code, summary, List.of(summary), evidence, remedy, causedBy));
        }

        /** An advisory finding: after every other one (NodeVerdict keeps them last), never the root cause. */
        void advise(String code, String summary, List<String> evidence, String remedy) {
            out.add(new Finding(name, code, summary, List.of(summary), evidence, remedy, null, true));
        }
    }

    static String reachWhy(int rc) {
        return switch (rc) {
            case 0 -> "connected";
            case 6 -> "the name does not resolve";
            case 7 -> "connection refused";
            case 28 -> "timed out";
            default -> "curl exit " + rc;
        };
    }

    static String host(String endpoint) {
        if (endpoint == null) {
            return "";
        }
        int i = endpoint.lastIndexOf(':');
        return i < 0 ? endpoint : endpoint.substring(0, i);
    }

    /** The msg="..." of a k3s log line, else the line. */
    static String msg(String line) {
        int i = line.indexOf("msg=\"");
        if (i < 0) {
            return line;
        }
        int j = line.indexOf('"', i + 5);
        while (j > 0 && line.charAt(j - 1) == '\\') {
            j = line.indexOf('"', j + 1);
        }
        return j < 0 ? line.substring(i + 5) : line.substring(i + 5, j);
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s < 120) {
            return s + " s";
        }
        if (s < 7200) {
            return (s / 60) + " min" + (s % 60 == 0 ? "" : " " + (s % 60) + " s");
        }
        return (s / 3600) + " h " + ((s % 3600) / 60) + " min";
    }

    /** For tests and the view: the chain as one line, cause last ("NotReady ← ... ← cause" reads right to left). */
    public static String chainText(List<String> chain) {
        return String.join(" ← ", chain);
    }

    static Map<String, NodeEvidence> byName(List<NodeEvidence> all) {
        Map<String, NodeEvidence> m = new LinkedHashMap<>();
        for (NodeEvidence e : all) {
            m.put(e.node(), e);
        }
        return m;
    }
}
