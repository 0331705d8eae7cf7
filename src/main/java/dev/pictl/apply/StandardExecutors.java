package dev.pictl.apply;

import dev.pictl.apply.host.KernelParamsExecutor;
import dev.pictl.apply.host.NodeExecutor;
import dev.pictl.apply.host.RuntimeExecutor;
import dev.pictl.apply.k3s.K3sAgentExecutor;
import dev.pictl.apply.k3s.K3sServerExecutor;
import dev.pictl.apply.storage.PvExecutor;
import dev.pictl.apply.storage.StorageClassExecutor;
import java.util.List;

/** The executors pictl ships, one per resource type. */
final class StandardExecutors {
    private StandardExecutors() {
    }

    static List<Executor> all() {
        return List.of(new NodeExecutor(), new KernelParamsExecutor(), new RuntimeExecutor(), new K3sServerExecutor(),
                new K3sAgentExecutor(), new StorageClassExecutor(), new PvExecutor());
    }
}
