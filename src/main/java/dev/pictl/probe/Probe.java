package dev.pictl.probe;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A node's probe, assembled from fragments: {@link NodeProbe#ALWAYS} first, then the fragments the resource types
 * list ({@code ResourceTypes.probe()}), each once, in the order first listed. One script ({@link #script}), one round
 * trip, one parse ({@link #parse}) into a {@link NodeObservation} holding each fragment's part.
 *
 * <p>{@link NodeProbe#UNITS} is the one fragment that depends on the others: where it stands, the assembly puts
 * {@link NodeProbe#units} of every unit the fragments declare, in their order (after the last fragment if no type
 * lists it). With the standard types the script is the one pictl has always printed:
 *
 * <pre>
 *   facts cmdline       (NodeProbe, every node)
 *   packages            (types.host: runtime)
 *   units               (NodeProbe: docker from runtime, k3s and k3s-agent from k3s)
 *   k3s                 (types.k3s: server-token when asked)
 *   kube                (NodeProbe, when asked: the server)
 *   paths               (types.storage: pv, when asked)
 * </pre>
 */
public final class Probe {
    private final List<ProbeFragment<?>> fragments;

    private Probe(List<ProbeFragment<?>> fragments) {
        this.fragments = List.copyOf(fragments);
    }

    /** The node-wide fragments only. */
    public static Probe basic() {
        return of(List.of());
    }

    /**
     * The probe of these fragments (after {@link NodeProbe#ALWAYS}).
     *
     * @throws IllegalArgumentException if two different fragments share an id or a section id
     */
    public static Probe of(List<? extends ProbeFragment<?>> listed) {
        Set<ProbeFragment<?>> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        List<ProbeFragment<?>> ordered = new ArrayList<>();
        for (ProbeFragment<?> f : concat(NodeProbe.always(), listed)) {
            if (seen.add(Objects.requireNonNull(f, "fragment"))) {
                ordered.add(f);
            }
        }
        Set<String> units = new LinkedHashSet<>();
        ordered.forEach(f -> units.addAll(f.units()));
        // The first units section listed (UNITS, or the one an assembled probe holds) stands for them all.
        int at = -1;
        for (int i = ordered.size() - 1; i >= 0; i--) {
            if (NodeProbe.isUnits(ordered.get(i))) {
                ordered.remove(i);
                at = i;
            }
        }
        ProbeFragment<?> unitsFragment = NodeProbe.units(List.copyOf(units));
        if (at >= 0) {
            ordered.add(at, unitsFragment);
        } else if (!units.isEmpty()) {
            ordered.add(unitsFragment);
        }
        Map<String, ProbeFragment<?>> ids = new HashMap<>();
        Map<String, ProbeFragment<?>> sections = new HashMap<>();
        for (ProbeFragment<?> f : ordered) {
            ProbeFragment<?> other = ids.putIfAbsent(f.id(), f);
            if (other != null) {
                throw new IllegalArgumentException("two probe fragments with the id " + f.id());
            }
            for (String s : f.sections()) {
                if (s.equals(ProbeScript.END_SECTION) || !s.matches("[a-z0-9-]+")) {
                    throw new IllegalArgumentException(f.id() + ": not a section id a fragment may print: " + s);
                }
                other = sections.putIfAbsent(s, f);
                if (other != null) {
                    throw new IllegalArgumentException("probe fragments " + other.id() + " and " + f.id()
                            + " both print the section " + s);
                }
            }
        }
        return new Probe(ordered);
    }

    private static List<ProbeFragment<?>> concat(List<? extends ProbeFragment<?>> a, List<? extends ProbeFragment<?>> b) {
        List<ProbeFragment<?>> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /** The fragments in the order their text runs. */
    public List<ProbeFragment<?>> fragments() {
        return fragments;
    }

    /** Every section id the script may print, in order, the end marker last. */
    public List<String> sections() {
        List<String> out = new ArrayList<>();
        fragments.forEach(f -> out.addAll(f.sections()));
        out.add(ProbeScript.END_SECTION);
        return out;
    }

    /** The script for one node. */
    public String script(ProbeRequest request) {
        return ProbeScript.build(this, request);
    }

    /** One node's probe output, as each fragment reads its sections. */
    public NodeObservation parse(ProbeRequest request, String stdout) {
        Objects.requireNonNull(request, "request");
        ProbeOutput out = ProbeOutput.of(stdout);
        Map<String, Object> parts = new HashMap<>();
        for (ProbeFragment<?> f : fragments) {
            Object part = f.parse(request, out);
            if (part != null) {
                parts.put(f.id(), part);
            }
        }
        return new NodeObservation(request.node(), parts);
    }
}
