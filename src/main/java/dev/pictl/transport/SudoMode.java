package dev.pictl.transport;

/** How a command marked {@link RemoteCommand#sudo()} becomes root on the node. Never through a PTY. */
public enum SudoMode {
    /** Run it as is: the login user is root already. */
    NONE,
    /** {@code sudo -n}: the user has a NOPASSWD rule (Raspberry Pi OS's default user does). */
    PASSWORDLESS,
    /**
     * {@code sudo -S -p ''} with the password from {@link Secrets} on the command's standard input. If the node
     * turns out not to need it ({@code sudo -n true} succeeds) the password is not sent.
     */
    WITH_PASSWORD
}
