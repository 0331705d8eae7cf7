package dev.pictl.transport.ssh;

import dev.pictl.transport.HostKeyPolicy;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.client.keyverifier.KnownHostsServerKeyVerifier;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client-wide host-key verifier. Each connection carries its {@link ConnectContext}; this checks the key
 * against that node's known_hosts under that node's policy:
 *
 * <pre>
 * key in known_hosts for host:port ........ accept
 * a different key recorded for host:port .. refuse, HOST_KEY_CHANGED (both policies)
 * host not recorded, STRICT ............... refuse, HOST_KEY_UNKNOWN
 * host not recorded, ACCEPT_NEW ........... append "host keytype base64" to known_hosts, accept
 * </pre>
 *
 * MINA's {@link KnownHostsServerKeyVerifier} does the matching (hashed {@code |1|} entries included) and the
 * appending; one instance per file, so concurrent first contacts append under one lock.
 */
final class HostKeyChecker implements ServerKeyVerifier {

    private static final Logger LOG = LoggerFactory.getLogger(HostKeyChecker.class);

    private final ConcurrentMap<Path, KnownHostsFile> files = new ConcurrentHashMap<>();

    @Override
    public boolean verifyServerKey(ClientSession session, SocketAddress remoteAddress, PublicKey serverKey) {
        ConnectContext ctx = ConnectContext.of(session);
        if (ctx == null) {
            return false; // a connection pictl did not make: never trust it
        }
        if (ctx.policy == HostKeyPolicy.ACCEPT_NEW) {
            Path parent = ctx.knownHosts.toAbsolutePath().getParent();
            try {
                Files.createDirectories(parent);
            } catch (IOException e) {
                LOG.debug("{}: cannot create {}: {}", ctx.node, parent, e.toString());
            }
        }
        return files.computeIfAbsent(ctx.knownHosts.toAbsolutePath(), KnownHostsFile::new)
                .verifyServerKey(session, remoteAddress, serverKey);
    }

    private static final class KnownHostsFile extends KnownHostsServerKeyVerifier {

        KnownHostsFile(Path file) {
            // The delegate decides about unknown hosts; it sees the node's policy through the context.
            super(KnownHostsFile::unknownHost, file);
        }

        private static boolean unknownHost(ClientSession session, SocketAddress address, PublicKey key) {
            ConnectContext ctx = ConnectContext.of(session);
            if (ctx.policy == HostKeyPolicy.ACCEPT_NEW) {
                LOG.debug("{}: accepting new host key {} {} for {}", ctx.node, KeyUtils.getKeyType(key),
                        KeyUtils.getFingerPrint(key), ctx.hostId());
                return true;
            }
            ctx.hostKeyProblem.set(new ConnectContext.HostKeyProblem(false, KeyUtils.getKeyType(key),
                    KeyUtils.getFingerPrint(key), null, null));
            return false;
        }

        @Override
        public boolean acceptModifiedServerKey(ClientSession session, SocketAddress remoteAddress,
                                               KnownHostEntry entry, PublicKey expected, PublicKey actual) {
            ConnectContext ctx = ConnectContext.of(session);
            ctx.hostKeyProblem.set(new ConnectContext.HostKeyProblem(true, KeyUtils.getKeyType(actual),
                    KeyUtils.getFingerPrint(actual), KeyUtils.getKeyType(expected), KeyUtils.getFingerPrint(expected)));
            return false;
        }

        /** The host as the user named it, not the socket (which for a jumped node is a local forward). */
        @Override
        protected Collection<SshdSocketAddress> resolveHostNetworkIdentities(ClientSession session,
                                                                             SocketAddress remoteAddress) {
            ConnectContext ctx = ConnectContext.of(session);
            return List.of(new SshdSocketAddress(ctx.host, ctx.port));
        }
    }
}
