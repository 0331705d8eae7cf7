package dev.pictl.sim;

import java.util.List;
import java.util.Map;

/**
 * The state a node is in when the simulator first creates it, so a test can start from any point of a
 * cluster's life. Applied once, when the node's directory is created; a restarted daemon keeps what is on disk.
 *
 * @param hostname    set the hostname (and the {@code 127.0.1.1} line) to the node's name; else {@code raspberrypi}
 * @param kernelFlags tokens appended to cmdline.txt before the first boot (so they are booted)
 * @param docker      Debian's docker.io installed and running
 * @param k3s         {@code "server"}, {@code "agent"} or null
 * @param k3sVersion  version to install; null means the cluster's stable version
 * @param k3sToken    server only: the token (config.yaml {@code token}); null lets k3s generate one
 * @param k3sServer   agent only: the name of the server node to join
 * @param k3sConfig   further config.yaml keys (e.g. {@code disable: [traefik]}); {@code node-name} is always set
 * @param manifests   server only: YAML or JSON manifests applied once the server is up
 * @param boundPvs    server only: PV name to claim ({@code namespace/name}) bindings to simulate after the manifests
 * @param packages    further Debian packages already installed, name to version (e.g. Docker's own
 *                    {@code docker-ce} and {@code containerd.io}, to test conflict detection); {@code docker-ce}
 *                    also brings {@code /usr/bin/docker} and an enabled {@code docker.service}
 */
public record Provision(boolean hostname, List<String> kernelFlags, boolean docker, String k3s, String k3sVersion,
                        String k3sToken, String k3sServer, Map<String, Object> k3sConfig, List<String> manifests,
                        Map<String, String> boundPvs, Map<String, String> packages) {

    public Provision {
        kernelFlags = kernelFlags == null ? List.of() : List.copyOf(kernelFlags);
        k3sConfig = k3sConfig == null ? Map.of() : Map.copyOf(k3sConfig);
        manifests = manifests == null ? List.of() : List.copyOf(manifests);
        boundPvs = boundPvs == null ? Map.of() : Map.copyOf(boundPvs);
        packages = packages == null ? Map.of() : Map.copyOf(packages);
        if (k3s != null && !k3s.equals("server") && !k3s.equals("agent")) {
            throw new IllegalArgumentException("k3s must be \"server\", \"agent\" or null, not \"" + k3s + "\"");
        }
        if ("agent".equals(k3s) && k3sServer == null) throw new IllegalArgumentException("a provisioned agent needs k3sServer");
    }

    /** A fresh board: nothing done. */
    public static Provision none() { return new Provision(false, null, false, null, null, null, null, null, null, null, null); }

    /** Hostname set and the cgroup flags booted: ready for k3s. */
    public static Provision prepared() {
        return none().withHostname(true).withKernelFlags(List.of("cgroup_memory=1", "cgroup_enable=memory"));
    }

    public Provision withHostname(boolean v) { return new Provision(v, kernelFlags, docker, k3s, k3sVersion, k3sToken, k3sServer, k3sConfig, manifests, boundPvs, packages); }
    public Provision withKernelFlags(List<String> v) { return new Provision(hostname, v, docker, k3s, k3sVersion, k3sToken, k3sServer, k3sConfig, manifests, boundPvs, packages); }
    public Provision withDocker(boolean v) { return new Provision(hostname, kernelFlags, v, k3s, k3sVersion, k3sToken, k3sServer, k3sConfig, manifests, boundPvs, packages); }
    public Provision withK3sServer(String version, String token) { return new Provision(hostname, kernelFlags, docker, "server", version, token, null, k3sConfig, manifests, boundPvs, packages); }
    public Provision withK3sAgent(String serverNode) { return new Provision(hostname, kernelFlags, docker, "agent", k3sVersion, null, serverNode, k3sConfig, manifests, boundPvs, packages); }
    public Provision withK3sConfig(Map<String, Object> v) { return new Provision(hostname, kernelFlags, docker, k3s, k3sVersion, k3sToken, k3sServer, v, manifests, boundPvs, packages); }
    public Provision withManifests(List<String> v) { return new Provision(hostname, kernelFlags, docker, k3s, k3sVersion, k3sToken, k3sServer, k3sConfig, v, boundPvs, packages); }
    public Provision withBoundPvs(Map<String, String> v) { return new Provision(hostname, kernelFlags, docker, k3s, k3sVersion, k3sToken, k3sServer, k3sConfig, manifests, v, packages); }
    public Provision withPackages(Map<String, String> v) { return new Provision(hostname, kernelFlags, docker, k3s, k3sVersion, k3sToken, k3sServer, k3sConfig, manifests, boundPvs, v); }
}
