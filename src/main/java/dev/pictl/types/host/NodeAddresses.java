package dev.pictl.types.host;

import dev.pictl.config.Config;
import dev.pictl.config.NodeText;
import dev.pictl.diag.Diagnostics;
import dev.pictl.diag.SourceRange;
import dev.pictl.resource.ResourceInstance;
import dev.pictl.resource.Value;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The node type's rules on addresses: no address is unspecified ({@code 0.0.0.0}, {@code ::}), broadcast or
 * multicast, an IPv6 zone is an interface name, and addresses (with their SSH port) are unique, compared normalised
 * ({@code pi.lan.} is {@code pi.lan}, {@code fd00::0:1} is {@code fd00::1}).
 */
final class NodeAddresses {
    /** Linux interface names: at most 15 characters; these are the ones ip(8) and the kernel accept plainly. */
    private static final Pattern ZONE = Pattern.compile("[A-Za-z0-9_.-]{1,15}");

    private final Config config;
    private final Diagnostics diags;

    NodeAddresses(Config config, Diagnostics diags) {
        this.config = config;
        this.diags = diags;
    }

    void check() {
        addresses();
        uniqueAddresses();
    }

    private void uniqueAddresses() {
        Map<String, ResourceInstance> seen = new LinkedHashMap<>();
        int defaultPort = port(config.sshDefaults(), 22);
        for (ResourceInstance n : config.ofType(NodeType.NAME)) {
            if (!(n.attributes().get("address") instanceof Value.Str a)) {
                continue;
            }
            int port = port(n.ssh(), defaultPort);
            String key = normalAddress(a.value()) + " port " + port;
            ResourceInstance first = seen.putIfAbsent(key, n);
            if (first != null) {
                String other = first.string("address");
                String spelled = other.equals(a.value()) ? ""
                        : " (" + other + " and " + a.value() + " name the same host)";
                diags.error(a.range(), "node \"" + n.address().name() + "\" has the same address as node \""
                                + first.address().name() + "\"",
                        "Both are reached at " + (a.sensitive() ? NodeText.display(a) : a.value()) + " port " + port
                                + spelled + " (" + first.rangeOf("address").location()
                                + "). Each node needs its own address or SSH port.");
            }
        }
    }

    private static int port(Map<String, Value> ssh, int fallback) {
        return ssh.get("port") instanceof Value.Num n ? n.value().intValue() : fallback;
    }

    /** Addresses that name no board: unspecified, broadcast, multicast; an IPv6 zone that names no interface. */
    private void addresses() {
        for (ResourceInstance n : config.ofType(NodeType.NAME)) {
            if (!(n.attributes().get("address") instanceof Value.Str a)) {
                continue;
            }
            SourceRange at = config.located(a.range(), n.rangeOf("address"));
            String v = a.value();
            int[] ip6 = v.contains(":") ? ipv6(v) : null;
            int[] ip4 = ipv4(v);
            String why = null;
            if (ip4 != null && ip4[0] == 0 && ip4[1] == 0 && ip4[2] == 0 && ip4[3] == 0
                    || ip6 != null && java.util.Arrays.stream(ip6).allMatch(x -> x == 0)) {
                why = "the unspecified address: to a server it means \"every address\", and connecting to it reaches "
                        + "the machine pictl runs on, not a board";
            } else if (ip4 != null && ip4[0] == 255 && ip4[1] == 255 && ip4[2] == 255 && ip4[3] == 255) {
                why = "the broadcast address: it names every host of the network, not a board";
            } else if (ip4 != null && ip4[0] >= 224 && ip4[0] <= 239 || ip6 != null && (ip6[0] & 0xff00) == 0xff00) {
                why = "a multicast address: it names a group, not a board";
            }
            if (why != null) {
                diags.error(at, "node \"" + n.address().name() + "\" has address " + v + ", which names no node",
                        v + " is " + why + ". Write the board's own address or DNS name.");
                continue;
            }
            int pct = v.indexOf('%');
            if (ip6 != null && pct >= 0) {
                String zone = v.substring(pct + 1);
                if (!ZONE.matcher(zone).matches() || zone.equals(".") || zone.equals("..")) {
                    diags.error(at, "the zone of address " + NodeText.show(v) + " is not an interface name",
                            "After \"%\" comes the network interface a link-local address is reached through, e.g. "
                                    + "fe80::2%eth0 or fe80::2%wlan0: letters, digits, \".\", \"_\" and \"-\", "
                                    + "at most 15 characters.");
                }
            }
        }
    }

    /** One spelling per host: lower case, no trailing dot, IPv6 in full (zone kept), IPv4-mapped as IPv4. */
    static String normalAddress(String v) {
        int[] ip6 = v.contains(":") ? ipv6(v) : null;
        if (ip6 != null) {
            int pct = v.indexOf('%');
            String zone = pct < 0 ? "" : v.substring(pct);
            if (ip6[0] == 0 && ip6[1] == 0 && ip6[2] == 0 && ip6[3] == 0 && ip6[4] == 0 && ip6[5] == 0xffff) {
                return (ip6[6] >> 8) + "." + (ip6[6] & 0xff) + "." + (ip6[7] >> 8) + "." + (ip6[7] & 0xff) + zone;
            }
            StringBuilder b = new StringBuilder();
            for (int g : ip6) {
                b.append(b.length() == 0 ? "" : ":").append(Integer.toHexString(g));
            }
            return b + zone;
        }
        String h = v.toLowerCase(Locale.ROOT);
        return h.endsWith(".") && h.length() > 1 ? h.substring(0, h.length() - 1) : h;
    }

    /** The four octets of a dotted IPv4 address, or null. */
    private static int[] ipv4(String v) {
        String[] p = v.split("\\.", -1);
        if (p.length != 4) {
            return null;
        }
        int[] out = new int[4];
        for (int i = 0; i < 4; i++) {
            if (!p[i].matches("[0-9]{1,3}")) {
                return null;
            }
            out[i] = Integer.parseInt(p[i]);
            if (out[i] > 255) {
                return null;
            }
        }
        return out;
    }

    /** The eight groups of an IPv6 address (zone ignored), or null when it is not one. */
    private static int[] ipv6(String v) {
        int pct = v.indexOf('%');
        String a = pct < 0 ? v : v.substring(0, pct);
        List<Integer> groups = new ArrayList<>();
        int dbl = a.indexOf("::");
        String[] halves = dbl < 0 ? new String[] {a} : new String[] {a.substring(0, dbl), a.substring(dbl + 2)};
        List<List<Integer>> parts = new ArrayList<>();
        for (String half : halves) {
            List<Integer> g = new ArrayList<>();
            if (!half.isEmpty()) {
                String[] items = half.split(":", -1);
                for (int i = 0; i < items.length; i++) {
                    String item = items[i];
                    if (item.contains(".") && i == items.length - 1) {
                        int[] four = ipv4(item);
                        if (four == null) {
                            return null;
                        }
                        g.add(four[0] << 8 | four[1]);
                        g.add(four[2] << 8 | four[3]);
                    } else if (item.matches("[0-9A-Fa-f]{1,4}")) {
                        g.add(Integer.parseInt(item, 16));
                    } else {
                        return null;
                    }
                }
            }
            parts.add(g);
        }
        if (dbl < 0) {
            groups.addAll(parts.get(0));
        } else {
            int missing = 8 - parts.get(0).size() - parts.get(1).size();
            if (missing < 1) {
                return null;
            }
            groups.addAll(parts.get(0));
            for (int i = 0; i < missing; i++) {
                groups.add(0);
            }
            groups.addAll(parts.get(1));
        }
        return groups.size() == 8 ? groups.stream().mapToInt(Integer::intValue).toArray() : null;
    }
}
