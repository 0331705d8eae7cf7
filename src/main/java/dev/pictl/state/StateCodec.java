package dev.pictl.state;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.type.LogicalType;
import dev.pictl.addr.ResourceAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The JSON encoding of format 1. Writing is canonical (fixed field order, resources by address, map keys
 * sorted, 2-space indent, one array element per line, {@code \n} line ends and a final newline), so two equal
 * states give identical bytes and a git diff shows only what changed. Reading is strict: duplicate keys,
 * unknown properties, missing properties, wrong JSON types (no coercion of {@code "7"} to 7) and
 * inconsistent values are errors naming the JSON path. Stateless and thread-safe.
 */
final class StateCodec {
    static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private static final ObjectMapper MAPPER = strictMapper();
    private static final ObjectWriter WRITER = MAPPER.writer(prettyPrinter());

    /** The file as decoded, before it is checked and turned into a {@link State}. */
    record FileV1(@JsonProperty("format_version") int formatVersion,
                  @JsonProperty("pictl_version") String pictlVersion,
                  @JsonProperty("serial") long serial,
                  @JsonProperty("lineage") String lineage,
                  @JsonProperty("resources") List<ResourceV1> resources) {
    }

    record ResourceV1(@JsonProperty("address") String address,
                      @JsonProperty("type") String type,
                      @JsonProperty("name") String name,
                      @JsonProperty("key") String key,
                      @JsonProperty("node") String node,
                      @JsonProperty("status") String status,
                      @JsonProperty("fingerprint") String fingerprint,
                      @JsonProperty("dependencies") List<String> dependencies,
                      @JsonProperty("attributes") Map<String, Object> attributes,
                      @JsonProperty("sensitive_hashes") Map<String, String> sensitiveHashes) {
    }

    /** What is wrong with a file's content, with the place in it; the caller adds the file's name. */
    static final class Invalid extends Exception {
        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    /** The file's format_version is newer than this pictl reads. */
    static final class TooNew extends Exception {
        final int version;

        TooNew(int version) {
            super("format " + version, null, false, false);
            this.version = version;
        }
    }

    private StateCodec() {
    }

    private static ObjectMapper strictMapper() {
        JsonMapper m = JsonMapper.builder()
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                .build();
        // No "7" for 7, no 7 for "7", no true for "true": a wrong type is a corrupt file, not a guess.
        for (LogicalType t : List.of(LogicalType.Textual, LogicalType.Integer, LogicalType.Float, LogicalType.Boolean,
                LogicalType.Collection, LogicalType.Map, LogicalType.POJO)) {
            m.coercionConfigFor(t)
                    .setCoercion(CoercionInputShape.Integer, t == LogicalType.Integer ? CoercionAction.TryConvert : CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, t == LogicalType.Float ? CoercionAction.TryConvert : CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, t == LogicalType.Boolean ? CoercionAction.TryConvert : CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.String, t == LogicalType.Textual ? CoercionAction.TryConvert : CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.EmptyString, t == LogicalType.Textual ? CoercionAction.TryConvert : CoercionAction.Fail);
        }
        return m;
    }

    private static DefaultPrettyPrinter prettyPrinter() {
        Separators seps = Separators.createDefaultInstance()
                .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                .withObjectEmptySeparator("")
                .withArrayEmptySeparator("");
        DefaultIndenter indent = new DefaultIndenter("  ", "\n");
        DefaultPrettyPrinter pp = new DefaultPrettyPrinter(seps);
        pp.indentObjectsWith(indent);
        pp.indentArraysWith(indent);
        return pp;
    }

    // ---- writing ----------------------------------------------------------------------------------------

    /** The canonical text of {@code state}; it must have a lineage (only written states are encoded). */
    static String encode(State state) {
        Objects.requireNonNull(state.lineage(), "a state is encoded only once it has a lineage");
        ObjectNode root = MAPPER.createObjectNode();
        root.put("format_version", State.FORMAT_VERSION);
        root.put("pictl_version", state.pictlVersion());
        root.put("serial", state.serial());
        root.put("lineage", state.lineage());
        ArrayNode resources = root.putArray("resources");
        for (ResourceState r : state.resources()) {
            ObjectNode o = resources.addObject();
            o.put("address", r.address().toString());
            o.put("type", r.type());
            o.put("name", r.name());
            o.put("key", r.key());
            o.put("node", r.node());
            o.put("status", r.status().jsonName());
            o.put("fingerprint", r.fingerprint());
            ArrayNode deps = o.putArray("dependencies");
            r.dependencies().forEach(d -> deps.add(d.toString()));
            o.set("attributes", MAPPER.valueToTree(r.attributes()));
            o.set("sensitive_hashes", MAPPER.valueToTree(r.sensitiveHashes()));
            if (r.reboot() != null) {
                // Optional, so that a state without one is byte for byte what format 1 always was.
                ObjectNode reboot = o.putObject(REBOOT);
                reboot.put("scheduled_at", r.reboot().scheduledAt().toString());
                reboot.put("replaces_boot_id", r.reboot().replacesBootId());
            }
        }
        if (!state.unmanaged().isEmpty()) {
            // Optional, as reboot is: a state that never had one is byte for byte what format 1 always was.
            ArrayNode unmanaged = root.putArray(UNMANAGED);
            state.unmanaged().forEach(a -> unmanaged.add(a.toString()));
        }
        try {
            return WRITER.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode state", e);
        }
    }

    // ---- reading ----------------------------------------------------------------------------------------

    /** Decodes a state file's bytes: upgraded when older, refused when newer, checked field by field. */
    static State decode(byte[] bytes) throws Invalid, TooNew {
        JsonNode tree;
        try {
            tree = MAPPER.readTree(new String(bytes, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new Invalid("not valid JSON: " + where(e.getLocation()) + e.getOriginalMessage());
        }
        if (tree == null || tree.isMissingNode()) {
            throw new Invalid("the file is empty");
        }
        if (!tree.isObject()) {
            throw new Invalid("expected a JSON object at the top level, found " + kind(tree));
        }
        JsonNode fv = tree.get("format_version");
        if (fv == null) {
            throw new Invalid("missing property \"format_version\"");
        }
        if (!fv.isIntegralNumber() || !fv.canConvertToInt()) {
            throw new Invalid("format_version: expected an integer, found " + kind(fv));
        }
        int version = fv.intValue();
        if (version > State.FORMAT_VERSION) {
            throw new TooNew(version);
        }
        if (version < 1) {
            throw new Invalid("format_version " + version + " is not a pictl state format (the first is 1)");
        }
        ObjectNode current = StateUpgrader.upgrade((ObjectNode) tree, version);
        Map<Integer, PendingReboot> reboots = takeReboots(current);
        List<ResourceAddress> unmanaged = takeUnmanaged(current);
        FileV1 file;
        try {
            file = MAPPER.treeToValue(current, FileV1.class);
        } catch (JsonProcessingException e) {
            throw new Invalid(describe(e));
        }
        State state = check(file);
        for (ResourceAddress a : unmanaged) {
            if (state.resource(a).isPresent()) {
                throw new Invalid(UNMANAGED + ": " + a + " has an entry in resources too (an address is managed or "
                        + "not, never both)");
            }
        }
        state = new State(state.serial(), state.lineage(), state.pictlVersion(), state.resources(), unmanaged);
        if (reboots.isEmpty()) {
            return state;
        }
        List<ResourceState> resources = new ArrayList<>(state.resources());
        for (Map.Entry<Integer, PendingReboot> e : reboots.entrySet()) {
            ResourceState r = resources.get(e.getKey());
            if (r.status() != ResourceStatus.IN_PROGRESS) {
                throw new Invalid("resources[" + e.getKey() + "].reboot: only an in_progress entry has a pending "
                        + "reboot, this one is " + r.status().jsonName());
            }
            resources.set(e.getKey(), r.withReboot(e.getValue()));
        }
        return new State(state.serial(), state.lineage(), state.pictlVersion(), resources, state.unmanaged());
    }

    /** The optional top-level property of the addresses {@code state rm} took out of management. */
    private static final String UNMANAGED = "unmanaged";

    /** Removes the optional {@code unmanaged} array from the tree and returns its addresses, checked. */
    private static List<ResourceAddress> takeUnmanaged(ObjectNode file) throws Invalid {
        if (!file.has(UNMANAGED)) {
            return List.of();
        }
        JsonNode list = file.remove(UNMANAGED);
        if (!list.isArray()) {
            throw new Invalid(UNMANAGED + ": expected an array of addresses, found " + kind(list));
        }
        List<ResourceAddress> out = new ArrayList<>();
        Set<ResourceAddress> seen = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode n = list.get(i);
            String at = UNMANAGED + "[" + i + "]";
            if (!n.isTextual()) {
                throw new Invalid(at + ": expected a string (an address), found " + kind(n));
            }
            ResourceAddress a = ResourceAddress.parse(n.textValue()).orElseThrow(() -> new Invalid(at + ": "
                    + show(n.textValue()) + " is not a resource address"));
            if (!seen.add(a)) {
                throw new Invalid(at + ": " + a + " is listed twice");
            }
            out.add(a);
        }
        return out;
    }

    /** The optional property of a resource entry that holds its {@link PendingReboot}. */
    private static final String REBOOT = "reboot";

    /**
     * Removes each resource entry's optional {@code reboot} object from the tree (the strict mapper reads the rest)
     * and returns them by the entry's index, checked.
     */
    private static Map<Integer, PendingReboot> takeReboots(ObjectNode file) throws Invalid {
        Map<Integer, PendingReboot> out = new java.util.TreeMap<>();
        JsonNode resources = file.get("resources");
        if (resources == null || !resources.isArray()) {
            return out;
        }
        for (int i = 0; i < resources.size(); i++) {
            if (!(resources.get(i) instanceof ObjectNode entry) || !entry.has(REBOOT)) {
                continue;
            }
            String at = "resources[" + i + "]." + REBOOT;
            JsonNode r = entry.remove(REBOOT);
            if (!r.isObject()) {
                throw new Invalid(at + ": expected an object, found " + kind(r));
            }
            java.util.Iterator<String> names = r.fieldNames();
            while (names.hasNext()) {
                String n = names.next();
                if (!n.equals("scheduled_at") && !n.equals("replaces_boot_id")) {
                    throw new Invalid(at + ": unknown property \"" + n + "\" (it has scheduled_at and replaces_boot_id)");
                }
            }
            JsonNode when = r.get("scheduled_at");
            JsonNode boot = r.get("replaces_boot_id");
            if (when == null || !when.isTextual()) {
                throw new Invalid(at + ".scheduled_at: expected a string (an RFC 3339 UTC time), found "
                        + (when == null ? "nothing" : kind(when)));
            }
            if (boot == null || !boot.isTextual()) {
                throw new Invalid(at + ".replaces_boot_id: expected a string (a boot_id), found "
                        + (boot == null ? "nothing" : kind(boot)));
            }
            java.time.Instant scheduled;
            try {
                scheduled = java.time.Instant.parse(when.textValue());
            } catch (java.time.format.DateTimeParseException e) {
                throw new Invalid(at + ".scheduled_at: " + show(when.textValue()) + " is not an RFC 3339 UTC time");
            }
            try {
                out.put(i, new PendingReboot(scheduled, boot.textValue()));
            } catch (IllegalArgumentException e) {
                throw new Invalid(at + ".replaces_boot_id: " + e.getMessage());
            }
        }
        return out;
    }

    private static State check(FileV1 f) throws Invalid {
        if (f.serial() < 1) {
            throw new Invalid("serial: must be 1 or more (it counts writes), found " + f.serial());
        }
        if (f.lineage() == null || !UUID.matcher(f.lineage()).matches()) {
            throw new Invalid("lineage: expected a lower-case UUID, found " + show(f.lineage()));
        }
        if (f.pictlVersion() == null || f.pictlVersion().isEmpty()) {
            throw new Invalid("pictl_version: expected a non-empty string, found " + show(f.pictlVersion()));
        }
        if (f.resources() == null) {
            throw new Invalid("resources: expected an array, found null");
        }
        List<ResourceState> out = new ArrayList<>();
        Set<ResourceAddress> seen = new HashSet<>();
        for (int i = 0; i < f.resources().size(); i++) {
            ResourceState r = check(f.resources().get(i), "resources[" + i + "]");
            if (!seen.add(r.address())) {
                throw new Invalid("resources[" + i + "]: a second entry for " + r.address());
            }
            out.add(r);
        }
        return new State(f.serial(), f.lineage(), f.pictlVersion(), out);
    }

    private static ResourceState check(ResourceV1 r, String at) throws Invalid {
        if (r == null) {
            throw new Invalid(at + ": expected an object, found null");
        }
        for (String[] req : new String[][] {{"address", r.address()}, {"type", r.type()}, {"name", r.name()},
                {"status", r.status()}, {"fingerprint", r.fingerprint()}}) {
            if (req[1] == null) {
                throw new Invalid(at + "." + req[0] + ": expected a string, found null");
            }
        }
        Optional<ResourceAddress> parsed = ResourceAddress.parse(r.address());
        if (parsed.isEmpty() || !parsed.get().toString().equals(r.address())) {
            throw new Invalid(at + ".address: " + show(r.address())
                    + " is not a resource address (type.name or type.name[\"key\"])");
        }
        ResourceAddress addr = parsed.get();
        if (!addr.type().equals(r.type()) || !addr.name().equals(r.name()) || !Objects.equals(addr.key(), r.key())) {
            throw new Invalid(at + ": type, name and key (" + show(r.type()) + ", " + show(r.name()) + ", "
                    + show(r.key()) + ") do not match the address " + r.address());
        }
        ResourceStatus status = ResourceStatus.fromJson(r.status());
        if (status == null) {
            throw new Invalid(at + ".status: expected \"ok\", \"tainted\" or \"in_progress\", found " + show(r.status()));
        }
        if (r.dependencies() == null || r.attributes() == null || r.sensitiveHashes() == null) {
            String which = r.dependencies() == null ? "dependencies" : r.attributes() == null ? "attributes" : "sensitive_hashes";
            throw new Invalid(at + "." + which + ": expected " + (which.equals("dependencies") ? "an array" : "an object")
                    + ", found null");
        }
        List<ResourceAddress> deps = new ArrayList<>();
        for (int i = 0; i < r.dependencies().size(); i++) {
            String d = r.dependencies().get(i);
            Optional<ResourceAddress> p = d == null ? Optional.empty() : ResourceAddress.parse(d);
            if (p.isEmpty() || !p.get().toString().equals(d)) {
                throw new Invalid(at + ".dependencies[" + i + "]: " + show(d) + " is not a resource address");
            }
            deps.add(p.get());
        }
        for (Map.Entry<String, String> h : r.sensitiveHashes().entrySet()) {
            if (h.getValue() == null || !ResourceState.HASH.matcher(h.getValue()).matches()) {
                throw new Invalid(at + ".sensitive_hashes." + h.getKey() + ": expected \"" + SecretHasher.PREFIX
                        + "\" and 64 lower-case hex digits, found " + show(h.getValue()));
            }
            if (r.attributes().containsKey(h.getKey())) {
                throw new Invalid(at + ": attribute \"" + h.getKey()
                        + "\" is both in attributes and in sensitive_hashes; a sensitive value is never stored");
            }
        }
        try {
            return new ResourceState(addr, r.node(), r.attributes(), r.sensitiveHashes(), deps, r.fingerprint(), status);
        } catch (IllegalArgumentException e) {
            throw new Invalid(at + ": " + e.getMessage());
        }
    }

    private static String describe(JsonProcessingException e) {
        String path = e instanceof JsonMappingException m ? path(m.getPath()) : "";
        if (e instanceof UnrecognizedPropertyException u) {
            String parent = path(u.getPath().subList(0, u.getPath().size() - 1));
            return "unknown property \"" + u.getPropertyName() + "\"" + (parent.isEmpty() ? "" : " in " + parent);
        }
        String msg = e.getOriginalMessage();
        if (e instanceof MismatchedInputException && (msg.startsWith("Missing required creator property")
                || msg.startsWith("Missing creator property"))) {
            int q = msg.indexOf('\'');
            String prop = q >= 0 ? msg.substring(q + 1, msg.indexOf('\'', q + 1)) : "?";
            return "missing property \"" + prop + "\"" + (path.isEmpty() ? "" : " in " + path);
        }
        if (e instanceof MismatchedInputException mi && mi.getTargetType() != null) {
            return (path.isEmpty() ? "" : path + ": ") + "expected " + expected(mi.getTargetType()) + ", found "
                    + found(msg);
        }
        return (path.isEmpty() ? "" : path + ": ") + msg;
    }

    private static String path(List<JsonMappingException.Reference> refs) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : refs) {
            if (r.getFieldName() != null) {
                if (sb.length() > 0) {
                    sb.append('.');
                }
                sb.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    private static String expected(Class<?> t) {
        if (t == int.class || t == long.class || t == Integer.class || t == Long.class) {
            return "an integer";
        }
        if (t == String.class) {
            return "a string";
        }
        if (List.class.isAssignableFrom(t)) {
            return "an array";
        }
        return "an object";
    }

    /** Jackson says "from Integer value", "from String value", "from Array value" etc.; keep only the kind. */
    private static String found(String msg) {
        for (String[] k : new String[][] {{"String", "a string"}, {"Integer", "a number"}, {"Floating-point", "a number"},
                {"Float", "a number"}, {"Boolean", "a boolean"}, {"Array", "an array"}, {"Object", "an object"},
                {"START_ARRAY", "an array"}, {"START_OBJECT", "an object"}, {"VALUE_STRING", "a string"},
                {"VALUE_NUMBER", "a number"}, {"VALUE_TRUE", "a boolean"}, {"VALUE_FALSE", "a boolean"},
                {"VALUE_NULL", "null"}}) {
            if (msg.contains("from " + k[0]) || msg.contains(k[0] + " value") || msg.contains("token (" + k[0])
                    || msg.contains("JsonToken." + k[0])) {
                return k[1];
            }
        }
        return "something else";
    }

    private static String kind(JsonNode n) {
        return switch (n.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT, POJO -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL, MISSING -> "null";
            case BINARY -> "binary data";
        };
    }

    private static String where(JsonLocation loc) {
        return loc == null || loc.getLineNr() < 1 ? "" : "line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ": ";
    }

    private static String show(String s) {
        return s == null ? "null" : "\"" + s + "\"";
    }
}
