package dev.pictl.types.host;

import dev.pictl.plan.kind.Canon;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The values of a node, its kernel parameters and its runtime, one record per type: the single definition of both
 * sides of the plan. The kinds build them ({@code desired()} and {@code observe()}) and hand the planner their
 * {@code canonical()} attributes (the plan's JSON form and the saved plan file); the executors read them back with
 * {@code of()}, never by casting out of the maps. A {@code null} is an attribute the map does not hold.
 */
final class HostValues {
    private HostValues() {
    }

    /**
     * A node's values; canonical order {@code address, hostname, hosts_entry, cordoned_by_pictl}.
     *
     * @param hostname        the hostname (observed: {@code NAME (running: OTHER)} when the kernel's differs)
     * @param hostsEntry      the name on the {@code 127.0.1.1} line of /etc/hosts ({@code (none)} when there is none)
     * @param cordonedByPictl pseudo-attribute {@link NodeKind#CORDONED_BY_PICTL}: only while the cluster shows the node
     *                        cordoned with pictl's mark (desired {@code false}, observed {@code true}), else null
     */
    record Node(String address, String hostname, String hostsEntry, Boolean cordonedByPictl) {
        static Node of(Map<String, Object> attributes) {
            Map<String, Object> a = attributes == null ? Map.of() : attributes;
            return new Node(text(a, "address"), text(a, "hostname"), text(a, "hosts_entry"),
                    a.get(NodeKind.CORDONED_BY_PICTL) instanceof Boolean b ? b : null);
        }

        Map<String, Object> canonical() {
            return Canon.ordered("address", address, "hostname", hostname, "hosts_entry", hostsEntry,
                    NodeKind.CORDONED_BY_PICTL, cordonedByPictl);
        }
    }

    /**
     * Kernel parameters' values; canonical order {@code add, remove, booted, cmdline_file}.
     *
     * @param add         the tokens pictl keeps on the line (observed: the managed ones found in the file)
     * @param remove      the tokens pictl keeps off it (observed: those of them absent from the file)
     * @param booted      pseudo-attribute: the running kernel has them (desired: always)
     * @param cmdlineFile the file the probe found (observed only)
     */
    record KernelParams(List<String> add, List<String> remove, boolean booted, String cmdlineFile) {
        KernelParams {
            add = add == null ? null : List.copyOf(add);
            remove = remove == null ? null : List.copyOf(remove);
        }

        /** From the plan's attributes (missing ones are {@code null}, {@code booted} false); tokens as text. */
        static KernelParams of(Map<String, Object> attributes) {
            Map<String, Object> a = attributes == null ? Map.of() : attributes;
            return new KernelParams(strings(a, "add"), strings(a, "remove"), Boolean.TRUE.equals(a.get("booted")),
                    text(a, "cmdline_file"));
        }

        Map<String, Object> canonical() {
            return Canon.ordered("add", copy(add), "remove", copy(remove), "booted", booted,
                    "cmdline_file", cmdlineFile);
        }

        /** The add tokens, empty when the attributes hold none. */
        List<String> addOrEmpty() {
            return add == null ? List.of() : add;
        }

        /** The remove tokens, empty when the attributes hold none. */
        List<String> removeOrEmpty() {
            return remove == null ? List.of() : remove;
        }
    }

    /**
     * A runtime's values; canonical order {@code engine, docker_installed, docker_running}.
     *
     * @param engine          {@code containerd} or {@code docker}
     * @param dockerInstalled pseudo-attribute: docker.io installed (desired only for docker, or to remove the docker.io
     *                        pictl installed; else null)
     * @param dockerRunning   pseudo-attribute: docker.service active (as {@code dockerInstalled})
     */
    record ContainerRuntime(String engine, Boolean dockerInstalled, Boolean dockerRunning) {
        static ContainerRuntime of(Map<String, Object> attributes) {
            Map<String, Object> a = attributes == null ? Map.of() : attributes;
            return new ContainerRuntime(text(a, "engine"), a.get("docker_installed") instanceof Boolean b ? b : null,
                    a.get("docker_running") instanceof Boolean b ? b : null);
        }

        Map<String, Object> canonical() {
            return Canon.ordered("engine", engine, "docker_installed", dockerInstalled, "docker_running", dockerRunning);
        }
    }

    private static List<String> copy(List<String> l) {
        return l == null ? null : new ArrayList<>(l);
    }

    /** A list attribute as text (a saved plan reads back lists of any values), {@code null} when there is none. */
    private static List<String> strings(Map<String, Object> a, String key) {
        return a.get(key) instanceof java.util.Collection<?> c ? c.stream().map(String::valueOf).toList() : null;
    }

    private static String text(Map<String, Object> a, String key) {
        return a.get(key) instanceof String s ? s : null;
    }
}
