package dev.pictl.sim;

import java.util.regex.Pattern;

/**
 * One simulated board.
 *
 * @param name         node name (the hostname a provisioned node gets)
 * @param address      loopback address it listens on; only 127.0.0.0/8 is accepted
 * @param port         SSH port, 1024 or more (no root needed)
 * @param user         the login user ({@code pi})
 * @param model        {@code /proc/device-tree/model} without the NUL, e.g. {@code Raspberry Pi 4 Model B Rev 1.4}
 * @param memoryKb     {@code MemTotal} in kB
 * @param os           {@code bookworm} (cmdline.txt in /boot/firmware, stub in /boot) or {@code bullseye} (/boot/cmdline.txt)
 * @param bootDevice   {@code sd} or {@code usb}
 * @param sudoPassword null for NOPASSWD sudo (Raspberry Pi OS's default), else the password sudo asks for
 * @param provision    the state the node starts in (null = a fresh board)
 * @param advertisedAddress the address the board has on its (simulated) LAN, e.g. {@code 192.168.1.10}, as a
 *                     cluster description names it; null = the loopback {@code address}. SSH always goes to
 *                     {@code address}:{@code port}; everything that names the board by address on the node side
 *                     uses this one: {@code hostname -I}, the Node object's InternalIP, an agent's
 *                     {@code K3S_URL=https://192.168.1.10:6443}, k3s's "To join" log lines.
 */
public record NodeSpec(String name, String address, int port, String user, String model, long memoryKb, String os,
                       String bootDevice, String sudoPassword, Provision provision, String advertisedAddress) {

    public static final String PI4 = "Raspberry Pi 4 Model B Rev 1.4";
    public static final String PI5 = "Raspberry Pi 5 Model B Rev 1.0";
    public static final long MEM_8G = 7997156;
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    /** An IPv4 or IPv6 address or a DNS name: what k3s accepts in a server URL and as node-ip. */
    private static final Pattern ADVERTISED = Pattern.compile("[0-9A-Za-z.:-]{1,253}");

    public NodeSpec {
        if (name == null || !NAME.matcher(name).matches()) throw new IllegalArgumentException("invalid node name: " + name);
        if (address == null || !address.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}")) {
            throw new IllegalArgumentException(name + ": address must be a 127.0.0.0/8 loopback address, not " + address);
        }
        if (port < 1024 || port > 65535) throw new IllegalArgumentException(name + ": port must be 1024..65535, not " + port);
        user = user == null ? "pi" : user;
        model = model == null ? PI4 : model;
        memoryKb = memoryKb <= 0 ? MEM_8G : memoryKb;
        os = os == null ? "bookworm" : os;
        if (!os.equals("bookworm") && !os.equals("bullseye")) throw new IllegalArgumentException(name + ": os must be bookworm or bullseye");
        bootDevice = bootDevice == null ? "sd" : bootDevice;
        provision = provision == null ? Provision.none() : provision;
        if (advertisedAddress != null && advertisedAddress.isBlank()) advertisedAddress = null;
        if (advertisedAddress != null && !ADVERTISED.matcher(advertisedAddress).matches()) {
            throw new IllegalArgumentException(name + ": advertisedAddress must be an IP address or host name, not " + advertisedAddress);
        }
    }

    public static NodeSpec of(String name, String address, int port) {
        return new NodeSpec(name, address, port, null, null, 0, null, null, null, null, null);
    }

    /** The address the node side names this board by: {@link #advertisedAddress} if set, else {@link #address}. */
    public String lanAddress() { return advertisedAddress != null ? advertisedAddress : address; }

    public NodeSpec withProvision(Provision p) { return new NodeSpec(name, address, port, user, model, memoryKb, os, bootDevice, sudoPassword, p, advertisedAddress); }
    public NodeSpec withModel(String m) { return new NodeSpec(name, address, port, user, m, memoryKb, os, bootDevice, sudoPassword, provision, advertisedAddress); }
    public NodeSpec withMemoryKb(long m) { return new NodeSpec(name, address, port, user, model, m, os, bootDevice, sudoPassword, provision, advertisedAddress); }
    public NodeSpec withOs(String o) { return new NodeSpec(name, address, port, user, model, memoryKb, o, bootDevice, sudoPassword, provision, advertisedAddress); }
    public NodeSpec withBootDevice(String d) { return new NodeSpec(name, address, port, user, model, memoryKb, os, d, sudoPassword, provision, advertisedAddress); }
    public NodeSpec withSudoPassword(String p) { return new NodeSpec(name, address, port, user, model, memoryKb, os, bootDevice, p, provision, advertisedAddress); }
    public NodeSpec withAdvertisedAddress(String a) { return new NodeSpec(name, address, port, user, model, memoryKb, os, bootDevice, sudoPassword, provision, a); }
}
