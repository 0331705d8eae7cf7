package dev.pictl.transport;

/**
 * One authenticated SSH connection to one node, shared by everything pictl does on that node. Commands may run
 * concurrently on one session (each on its own channel; the implementation bounds how many at once).
 */
public interface Session extends AutoCloseable {

    /** The node's name, as used in every message. */
    String node();

    /**
     * Runs the command in a non-interactive shell (never a PTY) under the command's time limit, enforced on the
     * node. A non-zero exit is data, not an exception.
     *
     * @throws TransportException {@code TIMED_OUT} when the time limit passed (the command was stopped on the
     *                            node), {@code CONNECTION_LOST} when the connection died mid-command,
     *                            {@code AUTH_REFUSED} when sudo refused the user or the password
     */
    ExecResult exec(RemoteCommand cmd) throws TransportException;

    /**
     * Runs the command and turns a non-zero exit into a {@code COMMAND_FAILED} exception whose message reads
     * {@code node: step: command exited N: <stderr tail>}.
     */
    default ExecResult check(RemoteCommand cmd) throws TransportException {
        ExecResult result = exec(cmd);
        if (!result.ok()) {
            throw TransportException.commandFailed(node(), cmd.step(), result);
        }
        return result;
    }

    /**
     * Writes {@code content} to {@code remotePath} over SFTP as the login user, with permission bits {@code mode}
     * (e.g. {@code 0644}). Missing parent directories are created.
     */
    default void upload(byte[] content, String remotePath, int mode) throws TransportException {
        upload(content, remotePath, mode, false);
    }

    /**
     * Writes {@code content} to {@code remotePath} with permission bits {@code mode}. With {@code asRoot} the
     * content goes over SFTP to a private temporary file, then {@code sudo install -D -m MODE} puts it in place
     * owned by root (for {@code /etc}, {@code /boot/firmware}, …); without, the SFTP write goes straight to the
     * path as the login user.
     */
    void upload(byte[] content, String remotePath, int mode, boolean asRoot) throws TransportException;

    /** True while the underlying connection is usable. */
    boolean isOpen();

    /** Closes this node's connection; the transport opens a new one on the next {@link Transport#open}. */
    @Override
    void close();
}
