package dev.pictl.transport;

/** What to do with a host whose key is not in known_hosts. A changed key is refused under both. */
public enum HostKeyPolicy {
    /** Refuse a host that is not in known_hosts (the default, as OpenSSH's {@code StrictHostKeyChecking yes}). */
    STRICT,
    /** Record a host seen for the first time in known_hosts and go on ({@code StrictHostKeyChecking accept-new}). */
    ACCEPT_NEW
}
