package dev.pictl.config;

import dev.pictl.addr.IgnoreRule;
import dev.pictl.addr.ResourceAddress;
import dev.pictl.resource.ResourceInstance;
import dev.pictl.resource.Value;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A decoded cluster description.
 *
 * @param location    the file or directory it was loaded from
 * @param sources     each file's display name and text, for source snippets
 * @param variables   declared variables with their resolved values
 * @param sshDefaults the top-level {@code ssh} block's values (may be empty)
 * @param instances   every resource instance, in declaration order
 * @param clusterName the {@code cluster} block's name, or else the name of the directory holding the description
 * @param drift       the {@code drift} block's settings (defaults when there is none)
 * @param state       the {@code state} block's settings ({@link StateSettings#LOCAL} when there is none)
 */
public record Config(Path location, Map<String, String> sources, Map<String, Variable> variables,
                     Map<String, Value> sshDefaults, List<ResourceInstance> instances, String clusterName,
                     DriftSettings drift, StateSettings state) {
    public Config {
        java.util.Objects.requireNonNull(clusterName, "clusterName");
        java.util.Objects.requireNonNull(drift, "drift");
        java.util.Objects.requireNonNull(state, "state");
        sources = Collections.unmodifiableMap(new LinkedHashMap<>(sources));
        variables = Collections.unmodifiableMap(new LinkedHashMap<>(variables));
        sshDefaults = Collections.unmodifiableMap(new LinkedHashMap<>(sshDefaults));
        instances = List.copyOf(instances);
    }

    /**
     * The {@code drift} block: what {@code pictl drift} leaves out, and whether health findings fail it.
     *
     * @param ignore       the rules, in the order written
     * @param failOnHealth whether non-advisory health findings count for the exit code
     */
    public record DriftSettings(List<IgnoreRule> ignore, boolean failOnHealth) {
        public static final DriftSettings NONE = new DriftSettings(List.of(), false);

        public DriftSettings {
            ignore = List.copyOf(ignore);
        }
    }

    /** A description without a {@code state} block: the state is the local file. */
    public Config(Path location, Map<String, String> sources, Map<String, Variable> variables,
                  Map<String, Value> sshDefaults, List<ResourceInstance> instances, String clusterName,
                  DriftSettings drift) {
        this(location, sources, variables, sshDefaults, instances, clusterName, drift, StateSettings.LOCAL);
    }

    /**
     * The {@code state} block: the local file (the default), or PostgreSQL with its connection string taken apart
     * (it never holds a password: the decoder refuses one at its position).
     *
     * @param backend    {@code local} or {@code pg}
     * @param host       for pg: the server's host name or address
     * @param port       for pg: its TCP port (5432 unless given)
     * @param database   for pg: the database (the user's name unless given)
     * @param user       for pg: the role (null: {@code PGUSER}, else the OS user, as libpq does)
     * @param params     for pg: the connection string's query parameters (sslmode, ...), in order
     * @param schemaName for pg: the schema of pictl's tables
     * @param history    for pg: how many versions are kept
     * @param range      where the block is, or null
     */
    public record StateSettings(String backend, String host, int port, String database, String user,
                                Map<String, String> params, String schemaName, int history,
                                dev.pictl.diag.SourceRange range) {
        public static final StateSettings LOCAL = new StateSettings("local", null, 0, null, null, Map.of(), null, 0,
                null);
        /** A {@code state} block with errors (reported where they are): no state is read or written. */
        public static final StateSettings INVALID = new StateSettings("invalid", null, 0, null, null, Map.of(), null, 0,
                null);

        public StateSettings {
            params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
        }

        public boolean isLocal() {
            return "local".equals(backend);
        }
    }

    /** A declared variable and the value it resolved to ({@link Value.Unknown} when none was given). */
    public record Variable(String name, boolean sensitive, String description, Value value,
                           dev.pictl.diag.SourceRange declRange) {
    }

    /**
     * What free text must never show: every text of a sensitive variable's value, and every sensitive text an
     * attribute holds (a sensitive attribute's value, or a value made from a sensitive variable, such as an
     * interpolation).
     */
    public dev.pictl.diag.Redactor redactor() {
        java.util.Set<String> texts = new java.util.HashSet<>();
        variables.values().stream().filter(Variable::sensitive).forEach(v -> Value.sensitiveTexts(v.value(), true, texts));
        for (ResourceInstance i : instances) {
            i.attributes().values().forEach(v -> Value.sensitiveTexts(v, false, texts));
            i.ssh().values().forEach(v -> Value.sensitiveTexts(v, false, texts));
        }
        sshDefaults.values().forEach(v -> Value.sensitiveTexts(v, false, texts));
        return new dev.pictl.diag.Redactor(texts);
    }

    public Optional<ResourceInstance> instance(ResourceAddress address) {
        return instances.stream().filter(i -> i.address().equals(address)).findFirst();
    }

    public List<ResourceInstance> ofType(String type) {
        return instances.stream().filter(i -> i.type().equals(type)).toList();
    }

    /** Instances of one block (all keys of a per-node block, or the single instance). */
    public List<ResourceInstance> ofBlock(ResourceAddress block) {
        return instances.stream().filter(i -> i.address().block().equals(block.block())).toList();
    }

    /**
     * Where to report a value: its own range when that is in a file of the description, else {@code fallback}
     * (where it is used: a --var's map has no place in a file).
     */
    public dev.pictl.diag.SourceRange located(dev.pictl.diag.SourceRange r, dev.pictl.diag.SourceRange fallback) {
        return r != null && sources.containsKey(r.file()) ? r : fallback;
    }
}
