package dev.pictl.nodetext;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code key=value} lines node-side scripts print ({@code echo "boot_id=$(cat ...)"}) and files such as
 * {@code /etc/os-release} hold, read one way everywhere:
 *
 * <ul>
 *   <li>a line is split at its first {@code =}: the value may hold more ({@code line=a=b c} → {@code a=b c});</li>
 *   <li>key and value are stripped of surrounding whitespace (a CR of a CRLF line included); a line without
 *       {@code =}, or with nothing before it, is not a pair and is skipped;</li>
 *   <li><b>a repeated key keeps its FIRST value.</b> A script prints its own markers before anything it does not
 *       control (a command's output, a value read from a file): with the first value winning, a later line of such
 *       output that happens to look like {@code state=active} cannot override what the script said. Every caller
 *       prints each key once; the rule only decides the hostile case.</li>
 * </ul>
 *
 * Lines end at {@code \n}, {@code \r\n} or a lone {@code \r} ({@link String#lines()}). Quotes are not removed
 * (os-release's {@code KEY="value"} is the probe's own business).
 */
public final class KeyValues {
    private KeyValues() {
    }

    /** The pairs of {@code text} in the order they first appear; empty for null. Unmodifiable. */
    public static Map<String, String> parse(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        if (text == null) {
            return Collections.unmodifiableMap(out);
        }
        text.lines().forEach(line -> {
            int eq = line.indexOf('=');
            if (eq > 0) {
                String key = line.substring(0, eq).strip();
                if (!key.isEmpty()) {
                    out.putIfAbsent(key, line.substring(eq + 1).strip());
                }
            }
        });
        return Collections.unmodifiableMap(out);
    }
}
