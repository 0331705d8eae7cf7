package dev.pictl.types.motd;

import static dev.pictl.resource.AttributeSchema.attr;

import dev.pictl.addr.ResourceAddress;
import dev.pictl.apply.ApplyContext;
import dev.pictl.apply.ApplyException;
import dev.pictl.apply.Executor;
import dev.pictl.apply.Recorded;
import dev.pictl.config.Config;
import dev.pictl.diag.Diagnostics;
import dev.pictl.nodetext.Shell;
import dev.pictl.plan.ResourceChange;
import dev.pictl.plan.kind.Canon;
import dev.pictl.plan.kind.Kind;
import dev.pictl.plan.kind.Observed;
import dev.pictl.plan.kind.PlanContext;
import dev.pictl.probe.NodeObservation;
import dev.pictl.probe.NodeProbe;
import dev.pictl.probe.ProbeFragment;
import dev.pictl.probe.ProbeParser;
import dev.pictl.resource.AttrType;
import dev.pictl.resource.BlockSchema;
import dev.pictl.resource.ResourceInstance;
import dev.pictl.resource.Schemas;
import dev.pictl.resource.Value;
import dev.pictl.state.ResourceState;
import dev.pictl.types.ResourceType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A resource type that exists only in test sources, written the way docs/architecture.md ("Adding a resource type")
 * says: one package, one registry line ({@code ResourceTypes.standard().with(new MotdType())}). A {@code motd} block
 * keeps a one-line message in {@code /etc/pictl-motd/NAME} on each of its nodes.
 *
 * <p>It has every part a type has: a schema, a rule of its own (a message is one line), a fragment of the probe with
 * its parser, a planner view and an executor whose scripts quote every value through the toolkit.
 */
public final class MotdType implements ResourceType {
    public static final String NAME = "motd";

    /** Where the messages live on a node (under the simulator's {@code PICTL_ROOT}). */
    static final String DIR = "/etc/pictl-motd";

    public static final BlockSchema SCHEMA = new BlockSchema(NAME, "name", true, List.of(
            Schemas.nodes("motd.NAME"),
            attr("text", AttrType.STRING).required().doc("The message, one line."),
            Schemas.DEPENDS_ON),
            List.of(),
            "A one-line message in /etc/pictl-motd/NAME on each listed node (a test-only type).",
            """
            motd "welcome" {
              nodes = [node.pi-1]
              text  = "hello"
            }""");

    /** Every message file on the node, by name: one {@code NAME=TEXT} line each. */
    static final ProbeFragment<Map<String, String>> FILES = NodeProbe.fragment("motd", List.of("motd"),
            request -> """
                    sec motd
                    for f in "$R%s"/*; do [ -f "$f" ] && printf '%%s=%%s\\n' "${f##*/}" "$(head -n 1 "$f")"; done
                    """.formatted(DIR),
            (request, out) -> messages(out.get("motd")));

    @Override
    public BlockSchema schema() {
        return SCHEMA;
    }

    /** A message is one line (the file holds one, and the probe reads one). */
    @Override
    public void check(Config config, Diagnostics diags) {
        for (ResourceInstance i : config.ofType(NAME)) {
            if (i.attributes().get("text") instanceof Value.Str s && (s.value().contains("\n") || s.value().contains("\r"))) {
                diags.error(s.range(), "the message of motd \"" + i.address().name() + "\" is more than one line",
                        "Write it on one line.");
            }
        }
    }

    @Override
    public List<ProbeFragment<?>> probe() {
        return List.of(FILES);
    }

    @Override
    public Kind kind() {
        return new MotdKind();
    }

    @Override
    public Executor executor() {
        return new MotdExecutor();
    }

    static Map<String, String> messages(String section) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : ProbeParser.lines(section)) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                out.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return out;
    }

    /** The planner's view: the file's text, or absent. */
    static final class MotdKind implements Kind {
        @Override
        public String type() {
            return NAME;
        }

        @Override
        public Map<String, Object> desired(ResourceInstance instance, PlanContext ctx) {
            return Canon.ordered("text", instance.string("text"));
        }

        @Override
        public Observed observe(ResourceInstance instance, ResourceState prior, String node, PlanContext ctx) {
            Optional<NodeObservation> o = ctx.observation(node);
            if (o.isEmpty()) {
                return new Observed.Unknown(ctx.unreachableReason(node));
            }
            String name = (instance != null ? instance.address() : prior.address()).name();
            String text = o.get().part(FILES).get(name);
            return text == null ? new Observed.Absent() : new Observed.Present(Canon.ordered("text", text));
        }
    }

    /** Writes and removes the file; every value reaches the node quoted by {@link Shell}. */
    static final class MotdExecutor implements Executor {
        @Override
        public String type() {
            return NAME;
        }

        @Override
        public Recorded apply(ResourceChange change, ApplyContext ctx) throws ApplyException {
            String text = (String) change.after().get("text");
            ctx.step(change.address(), "write message");
            ctx.check(change.node(), "write message", "mkdir -p " + Shell.nodePath(DIR) + " && printf '%s\\n' "
                    + Shell.quote(text) + " > " + Shell.nodePath(file(change.address())));
            return Executor.described(change);
        }

        @Override
        public void delete(ResourceChange change, ApplyContext ctx) throws ApplyException {
            ctx.check(change.node(), "remove message", "rm -f " + Shell.nodePath(file(change.address())));
        }

        private static String file(ResourceAddress address) {
            return DIR + "/" + address.name();
        }
    }
}
