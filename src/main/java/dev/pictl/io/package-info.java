/**
 * Reading the files a user points pictl at (configuration, state, saved plan, SSH key, known_hosts, kubeconfig)
 * with a bound: {@link dev.pictl.io.BoundedFiles} checks the file's type after following links and its size
 * before it opens it, so a FIFO never blocks, a device such as {@code /dev/zero} is never read, a directory is
 * named as one, and no file is read past its limit. The limits are listed in {@code docs/security/input.md}.
 *
 * <p>Depends on nothing else in pictl (every other package may use it). Never prints.
 */
package dev.pictl.io;
