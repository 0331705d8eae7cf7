/**
 * pictl's narrow way to a node: open a session, run a command, upload a file.
 *
 * <p>Owns the interface the rest of pictl codes against ({@link dev.pictl.transport.Transport},
 * {@link dev.pictl.transport.Session}), the values that travel through it ({@link dev.pictl.transport.NodeTarget},
 * {@link dev.pictl.transport.RemoteCommand}, {@link dev.pictl.transport.ExecResult}), the classified failure
 * ({@link dev.pictl.transport.TransportException}) and where secrets come from ({@link dev.pictl.transport.Secrets}).
 *
 * <p>Must not depend on: any third-party library (no Apache MINA type appears here; the implementation lives in
 * {@code dev.pictl.transport.ssh}), nor on any other pictl package. Nothing here prints; callers render errors.
 */
package dev.pictl.transport;
