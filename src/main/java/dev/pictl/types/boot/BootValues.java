package dev.pictl.types.boot;

import dev.pictl.plan.kind.Canon;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A boot_config's values; canonical order {@code sections, applied, config_file}.
 *
 * @param sections   section → its lines, as described or as found in pictl's blocks (sorted by section)
 * @param applied    pseudo-attribute: desired true; observed false while pictl's edit waits for a reboot
 * @param configFile the config.txt the lines are in (recorded and observed, not desired)
 */
record BootValues(Map<String, List<String>> sections, boolean applied, String configFile) {
    BootValues {
        Map<String, List<String>> copy = new TreeMap<>();
        if (sections != null) {
            sections.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        }
        sections = java.util.Collections.unmodifiableMap(copy);
    }

    /** From the plan's attributes (missing ones empty, {@code applied} false). */
    static BootValues of(Map<String, Object> attributes) {
        Map<String, Object> a = attributes == null ? Map.of() : attributes;
        Map<String, List<String>> sections = new TreeMap<>();
        Canon.castMap(a.get("sections")).forEach((k, v) -> {
            List<String> lines = new ArrayList<>();
            if (v instanceof List<?> l) {
                l.forEach(x -> lines.add(String.valueOf(x)));
            }
            sections.put(k, lines);
        });
        return new BootValues(sections, Boolean.TRUE.equals(a.get("applied")),
                a.get("config_file") instanceof String s ? s : null);
    }

    Map<String, Object> canonical() {
        Map<String, Object> s = new TreeMap<>();
        sections.forEach((k, v) -> s.put(k, List.copyOf(v)));
        return Canon.ordered("sections", s, "applied", applied, "config_file", configFile);
    }

    /** The sections in the order pictl writes them: {@code all} first, then the others sorted. */
    Map<String, List<String>> written() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (sections.containsKey("all")) {
            out.put("all", sections.get("all"));
        }
        sections.forEach((k, v) -> {
            if (!k.equals("all")) {
                out.put(k, v);
            }
        });
        return out;
    }

    boolean hasLines() {
        return sections.values().stream().anyMatch(l -> !l.isEmpty());
    }
}
