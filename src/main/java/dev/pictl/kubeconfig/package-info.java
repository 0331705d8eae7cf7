/**
 * Kubeconfig files as values: strict parsing ({@link dev.pictl.kubeconfig.Kubeconfig#parse}), the rewrite of the
 * file k3s writes on its server into one named context that points at the server's LAN address
 * ({@link dev.pictl.kubeconfig.Kubeconfig#forContext}), merging that context into a user's kubeconfig while
 * keeping every other entry ({@link dev.pictl.kubeconfig.Kubeconfig#mergedWith}), serialising, and the atomic,
 * owner-only write of the result ({@link dev.pictl.kubeconfig.KubeconfigFile}). {@code docs/kubeconfig.md} is the
 * user's side of these rules.
 *
 * <p>Everything but {@link dev.pictl.kubeconfig.KubeconfigFile} is a pure function of its inputs. A kubeconfig
 * holds a client key: no message made here quotes a file's content (YAML errors are reduced to line, column and
 * the parser's sentence, never the offending line).
 *
 * <p>Depends on Jackson (databind, dataformat-yaml) and {@code io} (bounded reads) only; must not depend on {@code cli}, {@code engine},
 * {@code transport}, {@code sim} or any other pictl package. Nothing here prints.
 */
package dev.pictl.kubeconfig;
