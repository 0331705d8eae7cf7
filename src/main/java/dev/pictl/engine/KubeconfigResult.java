package dev.pictl.engine;

import dev.pictl.diag.Diagnostics;
import java.nio.file.Path;
import java.util.Map;

/**
 * The outcome of {@code pictl kubeconfig}.
 *
 * @param written     what was written, or null when there were errors (nothing was written then)
 * @param diagnostics every problem found (a {@link Diagnostics#snapshot}: the record is immutable)
 * @param sources     file name → text, for rendering source snippets
 */
public record KubeconfigResult(Written written, Diagnostics diagnostics, Map<String, String> sources) {
    public KubeconfigResult {
        diagnostics = diagnostics.snapshot();
        sources = Results.frozen(sources);
    }

    public boolean ok() {
        return written != null && !diagnostics.hasErrors();
    }

    /**
     * A kubeconfig made for the cluster.
     *
     * @param context                the context (and cluster and user) name
     * @param server                 the server URL it points at
     * @param node                   the node it was read from
     * @param file                   the file written, or null when only {@link #text} was asked for
     * @param text                   the kubeconfig as written (it holds the client key: never log it)
     * @param merged                 whether the file held other entries that were kept
     * @param otherContexts          how many other contexts the file holds
     * @param previousCurrentContext the file's current-context before, when it named another context; else null
     * @param replaced               whether the file held a stale entry of this name that was replaced
     */
    public record Written(String context, String server, String node, Path file, String text, boolean merged,
                          int otherContexts, String previousCurrentContext, boolean replaced) {
        @Override
        public String toString() {
            return "Written[context=" + context + ", server=" + server + ", node=" + node + ", file=" + file
                    + ", text=(" + text.length() + " characters, not shown), merged=" + merged + ", otherContexts="
                    + otherContexts + ", previousCurrentContext=" + previousCurrentContext + ", replaced=" + replaced
                    + "]";
        }
    }
}
