package dev.pictl.transport.ssh;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.forward.ForwardingFilter;
import org.apache.sshd.server.session.ServerSession;
import org.apache.sshd.server.shell.ProcessShellFactory;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;

/**
 * An in-process MINA SSH server on 127.0.0.1 (random port) whose commands run in a real {@code /bin/sh}
 * ({@code ProcessShellCommandFactory} would split on spaces: libraries.md §2.11), with the real file system for
 * SFTP. It counts what a node would see: sessions, commands, concurrent handshakes, forwarding requests.
 */
final class TestServer implements AutoCloseable {

    final SshServer sshd;
    final KeyPair hostKey;
    final Path authorizedKeys;
    final Set<String> users = ConcurrentHashMap.newKeySet();
    final AtomicInteger sessionsCreated = new AtomicInteger();
    final List<String> commands = new CopyOnWriteArrayList<>();
    final List<String> forwardTargets = new CopyOnWriteArrayList<>();
    final List<ServerSession> sessions = new CopyOnWriteArrayList<>();
    final AtomicInteger authInFlight = new AtomicInteger();
    final AtomicInteger authInFlightMax = new AtomicInteger();
    volatile Duration authDelay = Duration.ZERO;

    TestServer(Path authorizedKeys, String... users) throws IOException, GeneralSecurityException {
        this(authorizedKeys, KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256), null, users);
    }

    TestServer(Path authorizedKeys, KeyPair hostKey, Duration idleTimeout, String... users) throws IOException {
        this.hostKey = hostKey;
        this.authorizedKeys = authorizedKeys;
        this.users.addAll(List.of(users));
        sshd = SshServer.setUpDefaultServer();
        sshd.setHost("127.0.0.1");
        sshd.setPort(0);
        sshd.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
        sshd.setPublickeyAuthenticator(this::authenticate);
        sshd.setCommandFactory((channel, command) -> {
            commands.add(command);
            return new ProcessShellFactory(command, "/bin/sh", "-c", command).createShell(channel);
        });
        sshd.setSubsystemFactories(List.of(new SftpSubsystemFactory()));
        sshd.setForwardingFilter(new ForwardingFilter() {
            @Override
            public boolean canForwardAgent(Session session, String requestType) {
                return false;
            }

            @Override
            public boolean canForwardX11(Session session, String requestType) {
                return false;
            }

            @Override
            public boolean canListen(SshdSocketAddress address, Session session) {
                return false;
            }

            @Override
            public boolean canConnect(Type type, SshdSocketAddress address, Session session) {
                forwardTargets.add(address.getHostName() + ":" + address.getPort());
                return address.getHostName().equals("127.0.0.1") || address.getHostName().equals("localhost");
            }
        });
        if (idleTimeout != null) {
            CoreModuleProperties.IDLE_TIMEOUT.set(sshd, idleTimeout);
        }
        sshd.addSessionListener(new SessionListener() {
            @Override
            public void sessionCreated(Session session) {
                sessionsCreated.incrementAndGet();
                sessions.add((ServerSession) session);
            }
        });
        sshd.start();
    }

    private boolean authenticate(String user, PublicKey key, ServerSession session) {
        int now = authInFlight.incrementAndGet();
        authInFlightMax.accumulateAndGet(now, Math::max);
        try {
            if (!authDelay.isZero()) {
                Thread.sleep(authDelay.toMillis()); // a slow server is what such a test asks for
            }
            if (!users.contains(user) || !Files.exists(authorizedKeys)) {
                return false;
            }
            for (AuthorizedKeyEntry e : AuthorizedKeyEntry.readAuthorizedKeys(authorizedKeys)) {
                PublicKey k = e.resolvePublicKey(null, PublicKeyEntryResolver.IGNORING);
                if (k != null && KeyUtils.compareKeys(k, key)) {
                    return true;
                }
            }
            return false;
        } catch (IOException | GeneralSecurityException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            authInFlight.decrementAndGet();
        }
    }

    int port() {
        return sshd.getPort();
    }

    /** {@code [127.0.0.1]:port ssh-ed25519 AAAA…}, a known_hosts line for this server. */
    String knownHostsLine() {
        return "[127.0.0.1]:" + port() + " " + PublicKeyEntry.toString(hostKey.getPublic());
    }

    /** Writes the host public key as OpenSSH would ({@code ssh_host_ed25519_key.pub}), for ssh-keygen -lf. */
    Path writeHostPub(Path dir) throws IOException {
        Path p = dir.resolve("host-" + port() + ".pub");
        Files.writeString(p, PublicKeyEntry.toString(hostKey.getPublic()) + " host\n");
        return p;
    }

    @Override
    public void close() throws IOException {
        sshd.stop(true);
    }
}
