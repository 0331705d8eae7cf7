/**
 * The SSH implementation of {@link dev.pictl.transport.Transport}, on the Apache MINA SSHD client.
 *
 * <p>Owns: connecting (direct or through jump hosts, which it chains itself so every hop gets the node's own
 * host-key policy and keys), host-key checking against known_hosts, loading keys (with passphrases from
 * {@link dev.pictl.transport.Secrets}), ssh-agent over its Unix socket, {@code ~/.ssh/config}, wrapping every
 * command in a node-side time limit and sudo, SFTP uploads, and turning MINA's exceptions into classified
 * {@link dev.pictl.transport.TransportException}s.
 *
 * <p>This is the only production package that imports MINA's client classes (the simulator has its own server
 * side). It must not depend on any pictl package but {@code dev.pictl.transport}, and it never prints: it logs
 * decisions at debug level through SLF4J and never logs a secret.
 */
package dev.pictl.transport.ssh;
