package dev.pictl.transport.ssh;

import dev.pictl.transport.TransportException;
import dev.pictl.transport.TransportException.Kind;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.InterruptedByTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * Translates what MINA throws while connecting into one classified {@link TransportException} with a hint.
 * MINA's own messages are poor ("Server key did not validate", "No more authentication methods available");
 * the {@link ConnectContext} knows the real reason when there is one.
 */
final class Failures {

    static final String CONNECT = "connect";

    private Failures() {
    }

    static TransportException tcp(String node, Endpoints.Endpoint ep, String via, Throwable e, long timeoutSeconds,
                                  String what) {
        String where = (what.equals("node") ? "" : what + " ") + ep.host() + ":" + ep.port()
                + (via == null ? "" : " (through " + via + ")");
        String reachHint = "check that the board is powered and on the network, and its address and port; "
                + "`ssh -p " + ep.port() + " " + ep.user() + "@" + ep.host() + "` should connect";
        if (has(e, UnresolvedAddressException.class) || has(e, UnknownHostException.class)) {
            return new TransportException(Kind.UNREACHABLE, node, CONNECT, "cannot resolve host name " + ep.host(),
                    "check the node's address in the config (or HostName in ~/.ssh/config)", e);
        }
        if (has(e, ConnectException.class)) {
            return new TransportException(Kind.UNREACHABLE, node, CONNECT, "connection refused by " + where,
                    "sshd is not listening there: " + reachHint, e);
        }
        if (has(e, NoRouteToHostException.class) || has(e, PortUnreachableException.class)) {
            return new TransportException(Kind.UNREACHABLE, node, CONNECT, "no route to " + where, reachHint, e);
        }
        if (timedOut(e)) {
            return new TransportException(Kind.UNREACHABLE, node, CONNECT,
                    "no answer from " + where + " within " + timeoutSeconds + "s", reachHint, e);
        }
        return new TransportException(Kind.UNREACHABLE, node, CONNECT,
                "cannot connect to " + where + ": " + describe(e), reachHint, e);
    }

    /** After the TCP connection: key exchange, host key, authentication. */
    static TransportException handshake(String node, Endpoints.Endpoint ep, ConnectContext ctx, Throwable e,
                                        long timeoutSeconds, String what) {
        ConnectContext.HostKeyProblem p = ctx.hostKeyProblem.get();
        if (p != null) {
            return hostKey(node, ctx, p, e);
        }
        String msg = String.valueOf(e.getMessage());
        if (msg.contains("No more authentication methods available")) {
            return authRefused(node, ep, ctx, e);
        }
        if (timedOut(e)) {
            return new TransportException(Kind.TIMED_OUT, node, CONNECT,
                    what + " " + ep.label() + " did not complete the SSH handshake within " + timeoutSeconds + "s",
                    "something answers on that port but does not finish the SSH handshake: is it sshd, and is the "
                            + "board overloaded? Raise the connect timeout for slow links", e);
        }
        if (msg.contains("Unable to negotiate")) {
            return new TransportException(Kind.CONNECTION_LOST, node, CONNECT,
                    "no common algorithm with " + ep.label() + ": " + msg,
                    "the node's sshd is too old or too restricted; update openssh-server on it", e);
        }
        return new TransportException(Kind.CONNECTION_LOST, node, CONNECT,
                "connection to " + ep.label() + " closed during the SSH handshake: " + describe(e),
                "look at the node's sshd log (journalctl -u ssh); MaxStartups or a firewall may be dropping it", e);
    }

    private static TransportException hostKey(String node, ConnectContext ctx, ConnectContext.HostKeyProblem p,
                                              Throwable e) {
        if (p.changed()) {
            return new TransportException(Kind.HOST_KEY_CHANGED, node, CONNECT,
                    "host key for " + ctx.hostId() + " has changed: it now offers " + p.keyType() + " "
                            + p.fingerprint() + ", but " + ctx.knownHosts + " has " + p.expectedType() + " "
                            + p.expectedFingerprint(),
                    "if the board was re-imaged, compare the new fingerprint with `ssh-keygen -lf "
                            + "/etc/ssh/ssh_host_*_key.pub` on its console, then run `ssh-keygen -R '" + ctx.hostId()
                            + "' -f " + ctx.knownHosts + "` and connect again; otherwise someone may be "
                            + "intercepting the connection", e);
        }
        return new TransportException(Kind.HOST_KEY_UNKNOWN, node, CONNECT,
                "host " + ctx.hostId() + " is not in " + ctx.knownHosts + " (it offers " + p.keyType() + " "
                        + p.fingerprint() + ")",
                "compare the fingerprint with `ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub` on the board, then "
                        + "connect once with host_key_policy = \"accept-new\" (or add it with ssh-keyscan)", e);
    }

    private static TransportException authRefused(String node, Endpoints.Endpoint ep, ConnectContext ctx,
                                                  Throwable e) {
        List<String> offered = ctx.offered();
        List<String> notes = ctx.notes();
        String detail = ep.label() + " refused authentication; offered "
                + (offered.isEmpty() ? "no key" : String.join(", ", offered));
        StringBuilder hint = new StringBuilder();
        for (String n : notes) {
            hint.append(n).append("; ");
        }
        hint.append("check the user name and that the public key is in ~").append(ep.user())
                .append("/.ssh/authorized_keys on the node (ssh-copy-id does it)");
        return new TransportException(Kind.AUTH_REFUSED, node, CONNECT, detail, hint.toString(), e);
    }

    static boolean timedOut(Throwable e) {
        if (has(e, TimeoutException.class) || has(e, SocketTimeoutException.class)
                || has(e, InterruptedByTimeoutException.class)) {
            return true;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m != null && (m.contains("timeout") || m.contains("timed out") || m.contains("Timeout"))) {
                return true;
            }
        }
        return false;
    }

    static boolean has(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage();
        return m == null || m.isBlank() ? root.getClass().getSimpleName() : m;
    }
}
