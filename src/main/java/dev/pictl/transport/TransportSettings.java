package dev.pictl.transport;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Run-wide settings of a transport (per-node ones are in {@link NodeTarget}). Built by the CLI from the
 * environment with {@link #fromEnvironment}; tests build their own so nothing reads the real {@code ~/.ssh}.
 *
 * @param sshConfig            OpenSSH client config to honour, or {@code null} for none
 * @param agentSocket          ssh-agent's Unix socket ({@code SSH_AUTH_SOCK}), or {@code null} for no agent
 * @param defaultIdentities    key files tried when neither the node nor ssh config names one (missing ones skipped)
 * @param defaultKnownHosts    known_hosts used when the node names none
 * @param localUser            login name when neither the node nor ssh config gives one
 * @param heartbeatInterval    keepalive period; {@link Duration#ZERO} turns it off (don't: sshd's and MINA's idle
 *                             timeouts then cut silent long commands)
 * @param heartbeatMaxMissed   keepalives without reply before the connection is declared dead
 * @param killGrace            after the time limit, how long the node waits between TERM and KILL
 * @param maxChannelsPerNode   concurrent commands on one session (OpenSSH's MaxSessions defaults to 10)
 * @param secrets              passphrases and sudo passwords
 */
public record TransportSettings(Path sshConfig, Path agentSocket, List<Path> defaultIdentities, Path defaultKnownHosts,
                                String localUser, Duration heartbeatInterval, int heartbeatMaxMissed,
                                Duration killGrace, int maxChannelsPerNode, Secrets secrets) {

    public TransportSettings {
        defaultIdentities = List.copyOf(defaultIdentities);
        Objects.requireNonNull(defaultKnownHosts, "defaultKnownHosts");
        Objects.requireNonNull(localUser, "localUser");
        Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
        Objects.requireNonNull(killGrace, "killGrace");
        Objects.requireNonNull(secrets, "secrets");
        if (maxChannelsPerNode < 1) {
            throw new IllegalArgumentException("maxChannelsPerNode must be at least 1");
        }
    }

    /**
     * What a user's OpenSSH would use: {@code ~/.ssh/config}, {@code SSH_AUTH_SOCK}, {@code ~/.ssh/id_*},
     * {@code ~/.ssh/known_hosts}; secrets from the environment, then from the prompter when one is given.
     */
    public static TransportSettings fromEnvironment(Map<String, String> env, Path home, String localUser,
                                                    Secrets.Prompter prompter) {
        Path ssh = home.resolve(".ssh");
        String sock = env.get("SSH_AUTH_SOCK");
        Secrets secrets = Secrets.fromEnvironment(env);
        if (prompter != null) {
            secrets = secrets.orElse(Secrets.prompting(prompter));
        }
        return new TransportSettings(ssh.resolve("config"), sock == null || sock.isBlank() ? null : Path.of(sock),
                List.of(ssh.resolve("id_ed25519"), ssh.resolve("id_ecdsa"), ssh.resolve("id_rsa")),
                ssh.resolve("known_hosts"), localUser, Duration.ofSeconds(15), 4, Duration.ofSeconds(5), 8, secrets);
    }

    /** Bare settings for tests and embedding: no ssh config, no agent, no default keys. */
    public static TransportSettings isolated(Path knownHosts, String localUser, Secrets secrets) {
        return new TransportSettings(null, null, List.of(), knownHosts, localUser, Duration.ofSeconds(15), 4,
                Duration.ofSeconds(5), 8, secrets);
    }

    public TransportSettings withSshConfig(Path p) {
        return new TransportSettings(p, agentSocket, defaultIdentities, defaultKnownHosts, localUser, heartbeatInterval,
                heartbeatMaxMissed, killGrace, maxChannelsPerNode, secrets);
    }

    public TransportSettings withAgentSocket(Path p) {
        return new TransportSettings(sshConfig, p, defaultIdentities, defaultKnownHosts, localUser, heartbeatInterval,
                heartbeatMaxMissed, killGrace, maxChannelsPerNode, secrets);
    }

    public TransportSettings withDefaultIdentities(List<Path> ids) {
        return new TransportSettings(sshConfig, agentSocket, ids, defaultKnownHosts, localUser, heartbeatInterval,
                heartbeatMaxMissed, killGrace, maxChannelsPerNode, secrets);
    }

    public TransportSettings withHeartbeat(Duration interval, int maxMissed) {
        return new TransportSettings(sshConfig, agentSocket, defaultIdentities, defaultKnownHosts, localUser, interval,
                maxMissed, killGrace, maxChannelsPerNode, secrets);
    }

    public TransportSettings withKillGrace(Duration grace) {
        return new TransportSettings(sshConfig, agentSocket, defaultIdentities, defaultKnownHosts, localUser,
                heartbeatInterval, heartbeatMaxMissed, grace, maxChannelsPerNode, secrets);
    }

    public TransportSettings withSecrets(Secrets s) {
        return new TransportSettings(sshConfig, agentSocket, defaultIdentities, defaultKnownHosts, localUser,
                heartbeatInterval, heartbeatMaxMissed, killGrace, maxChannelsPerNode, s);
    }
}
