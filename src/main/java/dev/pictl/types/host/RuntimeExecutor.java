package dev.pictl.types.host;

import dev.pictl.apply.ApplyContext;
import dev.pictl.apply.ApplyException;
import dev.pictl.apply.Executor;
import dev.pictl.apply.Recorded;
import dev.pictl.nodetext.KeyValues;
import dev.pictl.plan.ResourceChange;
import dev.pictl.transport.ExecResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code runtime}: the container engine under k3s on a node.
 *
 * <pre>
 *   after                                   on the node (one command, as root, DEBIAN_FRONTEND=noninteractive)
 *   engine = "docker"                       refuse if docker-ce is installed (Docker's own packages: two engines,
 *                                           one socket); docker.io not installed: apt-get install -y docker.io,
 *                                           and once more after apt-get update if that fails (an unknown package
 *                                           or a stale index); then systemctl enable + start docker, and
 *                                           docker.service must be active
 *   engine = "containerd",                  docker.io installed: apt-get remove -y docker.io (the planner asks
 *     docker_installed = false              for this only when pictl installed it: the state's engine was docker)
 *   engine = "containerd" (no docker_*)     nothing: k3s brings its own containerd
 * </pre>
 *
 * apt waits up to five minutes for the dpkg lock ({@code DPkg::Lock::Timeout}): a freshly booted Pi often has
 * unattended-upgrades holding it. k3s's {@code docker: true} is written by the k3s executors, not here.
 *
 * <p>Delete: a {@code docker} runtime's docker.io was installed by pictl for it, so it is removed
 * ({@code apt-get remove}: configuration and images stay, {@code rc} in dpkg); a {@code containerd} runtime
 * changes nothing. A node no longer in the description is only forgotten (pictl does not reach boards it let go).
 */
public final class RuntimeExecutor implements Executor {
    private static final Logger LOG = LoggerFactory.getLogger(RuntimeExecutor.class);

    static final String INSTALL = "install docker.io";
    static final String REMOVE = "remove docker.io";
    private static final int CONFLICT = 3;

    private static final String APT = Apt.APT;

    private static final String COMMON = Apt.COMMON;

    private static final String INSTALL_SCRIPT = COMMON + """
            case "$(st docker-ce)" in
              ii*) echo "docker-ce $(dpkg-query -W -f='${Version}' docker-ce 2>/dev/null) is installed (Docker's own packages); pictl manages Debian's docker.io and will not install it beside them" >&2
                   exit 3 ;;
            esac
            case "$(st docker.io)" in
              ii*) echo installed=already ;;
              *) %1$s install docker.io || { %1$s update && %1$s install docker.io; } || exit 1
                 echo installed=now ;;
            esac
            systemctl enable docker || exit 1
            systemctl start docker || exit 1
            if ! systemctl is-active --quiet docker; then
              echo "docker.service is not active after starting it:" >&2
              journalctl -u docker -n 10 --no-pager -q >&2
              exit 1
            fi
            echo running=yes
            """.formatted(APT);

    private static final String REMOVE_SCRIPT = COMMON + """
            case "$(st docker.io)" in
              ii*) %s remove docker.io || exit 1; echo removed=yes ;;
              *) echo removed=no ;;
            esac
            """.formatted(APT);

    @Override
    public String type() {
        return RuntimeType.NAME;
    }

    @Override
    public Recorded apply(ResourceChange change, ApplyContext ctx) throws ApplyException {
        String node = change.node();
        HostValues.ContainerRuntime planned = HostValues.ContainerRuntime.of(change.after());
        String engine = planned.engine();
        if ("docker".equals(engine)) {
            ctx.step(change.address(), INSTALL);
            ExecResult r = ctx.run(node, INSTALL, INSTALL_SCRIPT, true);
            if (r.exitCode() != 0) {
                throw Sh.failed(node, INSTALL, r, r.exitCode() == CONFLICT
                        ? "remove Docker's packages first (sudo apt-get remove docker-ce docker-ce-cli containerd.io), "
                        + "or use engine = \"containerd\""
                        : "run `sudo apt-get install docker.io` on the node to see apt's full output");
            }
            LOG.debug("{}: docker.io {}; docker.service active", node, KeyValues.parse(r.stdout()).get("installed"));
        } else if (Boolean.FALSE.equals(planned.dockerInstalled())) {
            remove(change, ctx);
        } else {
            LOG.debug("{}: engine {}: nothing to do on the node", node, engine);
        }
        return Recorded.of(change.after());
    }

    @Override
    public void delete(ResourceChange change, ApplyContext ctx) throws ApplyException {
        String node = change.node();
        if (ctx.nodeAddress(node) == null) {
            java.util.Optional<String> dead = ctx.unreachable(node);
            if (dead.isPresent()) {
                ctx.step(change.address(), node + " left the description and is unreachable (" + dead.get()
                        + "): docker.io stays installed");
                return;
            }
        }
        if ("docker".equals(HostValues.ContainerRuntime.of(change.before()).engine())) {
            remove(change, ctx);
        }
    }

    private static void remove(ResourceChange change, ApplyContext ctx) throws ApplyException {
        String node = change.node();
        ctx.step(change.address(), REMOVE);
        ExecResult r = Sh.check(ctx, node, REMOVE, REMOVE_SCRIPT,
                "run `sudo apt-get remove docker.io` on the node to see apt's full output");
        LOG.debug("{}: docker.io removed: {}", node, KeyValues.parse(r.stdout()).get("removed"));
    }
}
