package dev.pictl.probe;

import java.util.List;

/**
 * One piece of a node's probe: the POSIX {@code sh} text it adds to the script, the sections that text prints, and
 * the parser from those sections to its typed part {@code T} of the {@link NodeObservation}. The probe of a node is
 * the node-wide fragments of {@link NodeProbe} followed by the fragments the resource types bring
 * ({@code ResourceType.probe()}), assembled by {@link Probe} into one script and one round trip.
 *
 * <p>A fragment's text runs after {@link ProbeScript}'s prelude, so it may use {@code $R} (the node's root,
 * {@code "${PICTL_ROOT:-}"}) and {@code sec ID} (prints the marker of section {@code ID}); it must not exit, and a
 * command that fails leaves its section empty (docs/simulator.md has the node-side conventions).
 *
 * <p>Fragments are values with an identity: the same fragment listed by several types is printed once. Its
 * {@link #id()} keys its part in the observation, and no two fragments of one probe share an id or a section.
 *
 * @param <T> the typed part it parses to (a record); null means "nothing to observe on this node"
 */
public interface ProbeFragment<T> {

    /** Names the fragment and keys its part in the observation ({@code facts}, {@code k3s}, {@code paths}). */
    String id();

    /** The section ids its text prints (some only when asked, or only when a file exists). */
    List<String> sections();

    /** The systemd units whose state this fragment's owners read: {@link NodeProbe#UNITS} prints them all. */
    default List<String> units() {
        return List.of();
    }

    /** Its text in the script for this node; empty when it has nothing to ask this node. */
    String script(ProbeRequest request);

    /** Its part of the observation, from the sections of the output; never throws on odd or missing text. */
    T parse(ProbeRequest request, ProbeOutput output);
}
