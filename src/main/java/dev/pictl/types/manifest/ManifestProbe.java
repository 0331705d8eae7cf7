package dev.pictl.types.manifest;

import dev.pictl.nodetext.Shell;
import dev.pictl.probe.NodeProbe;
import dev.pictl.probe.ProbeFragment;
import dev.pictl.probe.ProbeRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code manifest} type's fragment of the probe, on the server: each object a manifest declares or the state
 * recorded, read with {@code k3s kubectl get TYPE NAME [-n NS] -o json --ignore-not-found}, one call per object (a
 * kind whose CRD is missing fails alone). Printed only when asked ({@value #ASK}).
 *
 * <pre>
 *   sec manifest-objects
 *   @@object 0                  the ask's position
 *   { ...the object's JSON... } nothing when it does not exist (--ignore-not-found)
 *   @@rc 0                      kubectl's exit status
 *   error: ...                  its stderr, when it failed
 * </pre>
 */
final class ManifestProbe {
    /** The ask whose values are {@code TYPE NAMESPACE NAME} ({@code -} for no namespace). */
    static final String ASK = "manifest-objects";
    private static final int TIMEOUT_SECONDS = 30;

    /** A live read: the object's JSON (empty when it does not exist), or kubectl's failure. */
    record Live(int exitCode, String json, String error) {
        boolean found() {
            return exitCode == 0 && !json.isBlank();
        }
    }

    static final ProbeFragment<Map<String, Live>> OBJECTS = NodeProbe.fragment("manifest", List.of(ASK),
            ManifestProbe::script, (request, out) -> parse(request.values(ASK), out.get(ASK)));

    private ManifestProbe() {
    }

    /** The ask value of an object. */
    static String ask(ManifestObject o) {
        return o.typeArg() + " " + (o.namespace().isEmpty() ? "-" : o.namespace()) + " " + o.name();
    }

    static String script(ProbeRequest request) {
        List<String> asks = request.values(ASK);
        if (asks.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder("sec " + ASK + "\n");
        for (int i = 0; i < asks.size(); i++) {
            String[] w = asks.get(i).split(" ");
            sb.append("printf '@@object %s\\n' ").append(i).append('\n');
            sb.append("{ me=$(timeout ").append(TIMEOUT_SECONDS).append(" k3s kubectl get ").append(Shell.quote(w[0]))
                    .append(' ').append(Shell.quote(w[2]));
            if (!w[1].equals("-")) {
                sb.append(" -n ").append(Shell.quote(w[1]));
            }
            sb.append(" -o json --ignore-not-found 2>&1 >&3); mx=$?; } 3>&1\n");
            sb.append("printf '\\n@@rc %s\\n%s\\n' \"$mx\" \"$me\"\n");
        }
        return sb.toString();
    }

    /** The reads by ask value; an ask the output does not answer is missing. */
    static Map<String, Live> parse(List<String> asks, String text) {
        Map<String, Live> out = new LinkedHashMap<>();
        if (text == null) {
            return out;
        }
        int current = -1;
        StringBuilder json = new StringBuilder();
        StringBuilder err = new StringBuilder();
        Integer rc = null;
        for (String line : (text + "\n@@object -1").split("\n", -1)) {
            if (line.startsWith("@@object ")) {
                if (current >= 0 && current < asks.size() && rc != null) {
                    out.put(asks.get(current), new Live(rc, json.toString().strip(), err.toString().strip()));
                }
                current = parseInt(line.substring(9).strip());
                json.setLength(0);
                err.setLength(0);
                rc = null;
            } else if (line.startsWith("@@rc ") && rc == null) {
                rc = parseInt(line.substring(5).strip());
            } else if (rc == null) {
                json.append(line).append('\n');
            } else {
                err.append(line).append('\n');
            }
        }
        return out;
    }

    private static int parseInt(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
