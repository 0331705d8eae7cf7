package dev.pictl.engine;

import dev.pictl.config.VariableInputs;
import dev.pictl.transport.TransportSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * What {@code pictl kubeconfig} needs.
 *
 * @param config    the configuration file or directory
 * @param variables variable inputs (values not required: only the server node's address and SSH settings are read)
 * @param targets   where the server's node is reached ({@link TargetResolver}); null for the description's own
 *                  address
 * @param transport SSH settings (the resolver may replace them: a simulator brings its own key and known_hosts)
 * @param context   the name of the context, cluster and user to write, or null for the description's cluster name
 * @param file      the kubeconfig file to write, or null to only return the text (--stdout)
 * @param merge     merge into {@code file} when it holds other entries, instead of refusing
 * @param timeout   the read command's time limit on the node
 */
public record KubeconfigRequest(Path config, VariableInputs variables, TargetResolver targets,
                                TransportSettings transport, String context, Path file, boolean merge,
                                Duration timeout) {
    public KubeconfigRequest {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(variables, "variables");
        Objects.requireNonNull(timeout, "timeout");
        targets = targets == null ? TargetResolver.description() : targets;
    }
}
