package dev.pictl.transport.ssh;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.List;
import org.apache.sshd.agent.SshAgent;
import org.apache.sshd.agent.SshAgentFactory;
import org.apache.sshd.agent.SshAgentServer;
import org.apache.sshd.agent.common.AbstractAgentProxy;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.FactoryManager;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ssh-agent over its Unix socket with the JDK's own {@code UnixDomainSocketAddress} (JDK 16+), instead of MINA's
 * APR/tomcat-native agent client (libraries.md §2.10). Client side only: pictl never forwards the agent.
 */
final class UnixAgent extends AbstractAgentProxy {

    private final SocketChannel channel;

    private UnixAgent(SocketChannel channel) {
        super(null);
        this.channel = channel;
    }

    /** The wire format is SSH's: uint32 length, then the message; {@code prepare} leaves room for the length. */
    @Override
    protected synchronized Buffer request(Buffer buffer) throws IOException {
        int wpos = buffer.wpos();
        buffer.wpos(0);
        buffer.putUInt(wpos - 4L);
        buffer.wpos(wpos);
        ByteBuffer out = ByteBuffer.wrap(buffer.array(), buffer.rpos(), buffer.available());
        while (out.hasRemaining()) {
            channel.write(out);
        }
        ByteBuffer len = ByteBuffer.allocate(4);
        readFully(len);
        len.flip();
        int n = len.getInt();
        if (n < 0 || n > 256 * 1024) {
            throw new IOException("ssh-agent sent a malformed reply (length " + n + ")");
        }
        ByteBuffer body = ByteBuffer.allocate(n);
        readFully(body);
        return new ByteArrayBuffer(body.array());
    }

    private void readFully(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            if (channel.read(b) < 0) {
                throw new IOException("ssh-agent closed the connection");
            }
        }
    }

    @Override
    public boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public void close() throws IOException {
        try {
            super.close();
        } finally {
            channel.close();
        }
    }

    /**
     * Hands MINA an agent for connections whose {@link ConnectContext} allows one (none when the node names its
     * own private key: then that key alone is offered, as with OpenSSH's IdentitiesOnly).
     */
    static final class Factory implements SshAgentFactory {
        private static final Logger LOG = LoggerFactory.getLogger(Factory.class);
        private final Path socket;

        Factory(Path socket) {
            this.socket = socket;
        }

        @Override
        public List<ChannelFactory> getChannelForwardingFactories(FactoryManager manager) {
            return List.of();
        }

        @Override
        public SshAgent createClient(Session session, FactoryManager manager) throws IOException {
            ConnectContext ctx = session instanceof ClientSession cs ? ConnectContext.of(cs) : null;
            if (ctx == null || !ctx.agentAllowed) {
                return null;
            }
            try {
                SshAgent agent = new UnixAgent(SocketChannel.open(UnixDomainSocketAddress.of(socket)));
                ctx.offered("keys from ssh-agent (" + socket + ")");
                return agent;
            } catch (IOException e) {
                // A stale SSH_AUTH_SOCK must not stop key files from being tried.
                LOG.debug("{}: ssh-agent at {} unavailable: {}", ctx.node, socket, e.toString());
                ctx.note("ssh-agent at " + socket + " is not answering (" + e.getMessage() + ")");
                return null;
            }
        }

        @Override
        public SshAgentServer createServer(ConnectionService service) {
            throw new UnsupportedOperationException("pictl does not forward ssh-agent");
        }
    }
}
