package dev.pictl.types.host;

import dev.pictl.plan.kind.Kind;
import dev.pictl.plan.kind.PlanContext;
import dev.pictl.plan.kind.Observed;
import dev.pictl.probe.NodeObservation;
import dev.pictl.resource.ResourceInstance;
import dev.pictl.state.ResourceState;
import java.util.Map;
import java.util.Optional;

/**
 * {@code runtime}: {@code containerd} (k3s's embedded one: nothing on the node) or {@code docker} (Debian's
 * {@code docker.io}, running). Switching from docker to containerd removes the docker.io pictl installed; a
 * docker.io pictl did not install is left alone. docker-ce beside it is refused (two engines, one socket).
 */
public final class RuntimeKind implements Kind {
    @Override
    public String type() {
        return RuntimeType.NAME;
    }

    @Override
    public Map<String, Object> desired(ResourceInstance instance, PlanContext ctx) {
        String engine = instance.string("engine");
        boolean docker = "docker".equals(engine);
        if (!docker && !installedByPictl(instance, ctx)) {
            return new HostValues.ContainerRuntime(engine, null, null).canonical();
        }
        return new HostValues.ContainerRuntime(engine, docker, docker).canonical();
    }

    private static boolean installedByPictl(ResourceInstance instance, PlanContext ctx) {
        return ctx.state().resource(instance.address())
                .map(r -> "docker".equals(r.attributes().get("engine"))).orElse(false);
    }

    @Override
    public Observed observe(ResourceInstance instance, ResourceState prior, String node, PlanContext ctx) {
        Optional<NodeObservation> o = ctx.observation(node);
        if (o.isEmpty()) {
            return new Observed.Unknown(ctx.unreachableReason(node));
        }
        NodeObservation obs = o.get();
        Map<String, RuntimeProbe.PackageState> packages = obs.part(RuntimeProbe.PACKAGES);
        RuntimeProbe.PackageState dockerIo = packages == null ? null : packages.get("docker.io");
        RuntimeProbe.PackageState dockerCe = packages == null ? null : packages.get("docker-ce");
        boolean installed = dockerIo != null && dockerIo.installed();
        NodeObservation.ServiceState svc = obs.services().get("docker");
        boolean running = svc != null && svc.active();
        String engine = instance != null ? instance.string("engine") : String.valueOf(prior.attributes().get("engine"));
        if ("docker".equals(engine) && dockerCe != null && dockerCe.installed()) {
            return new Observed.Unknown(node + ": docker-ce " + dockerCe.version() + " is installed; pictl manages "
                    + "Debian's docker.io and will not install it beside docker-ce. Remove docker-ce, or use "
                    + "engine = \"containerd\"");
        }
        if ("docker".equals(engine) && !installed && prior == null) {
            return new Observed.Absent();
        }
        return new Observed.Present(new HostValues.ContainerRuntime(engine, installed, running).canonical());
    }
}
