package dev.pictl.diagnose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The cluster as the server's API showed it: every Node's conditions and taints, and the recent events about
 * Nodes. {@link #apiError} says why there is nothing (the server could not be read, kubectl failed).
 */
public record ClusterView(Map<String, NodeState> nodes, Map<String, List<Event>> events, String apiError) {

    public record Condition(String type, String status, String reason, String message, String since) {
    }

    public record Taint(String key, String effect) {
        @Override
        public String toString() {
            return key + ":" + effect;
        }
    }

    public record Event(String type, String reason, String message, String when, int count) {
    }

    /**
     * @param etcd whether the Node has the etcd role ({@code node-role.kubernetes.io/etcd=true}: a server of an
     *             embedded-etcd cluster, issue 14)
     */
    public record NodeState(List<Condition> conditions, List<Taint> taints, boolean etcd) {
        public NodeState(List<Condition> conditions, List<Taint> taints) {
            this(conditions, taints, false);
        }

        public Condition condition(String type) {
            for (Condition c : conditions) {
                if (c.type().equals(type)) {
                    return c;
                }
            }
            return null;
        }

        public boolean ready() {
            Condition c = condition("Ready");
            return c != null && "True".equals(c.status());
        }
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();

    public ClusterView {
        nodes = Map.copyOf(nodes);
        events = Map.copyOf(events);
    }

    public static ClusterView unavailable(String why) {
        return new ClusterView(Map.of(), Map.of(), why);
    }

    /** From the server's {@code nodes}/{@code events} sections. */
    public static ClusterView of(NodeEvidence server) {
        if (!server.reached()) {
            return unavailable("the server could not be reached: " + server.sshError());
        }
        String nodesText = server.section("nodes");
        if (!"0".equals(server.section("nodes-exit").strip())) {
            String why = nodesText.isBlank() ? "kubectl get nodes failed" : lastLine(nodesText);
            return unavailable(why);
        }
        Map<String, NodeState> nodes = new LinkedHashMap<>();
        try {
            JsonNode list = MAPPER.readTree(json(nodesText));
            for (JsonNode n : list.path("items")) {
                List<Condition> conds = new ArrayList<>();
                for (JsonNode c : n.path("status").path("conditions")) {
                    conds.add(new Condition(c.path("type").asText(), c.path("status").asText(), c.path("reason").asText(""),
                            c.path("message").asText(""), c.path("lastTransitionTime").asText("")));
                }
                List<Taint> taints = new ArrayList<>();
                for (JsonNode t : n.path("spec").path("taints")) {
                    taints.add(new Taint(t.path("key").asText(), t.path("effect").asText()));
                }
                boolean etcd = "true".equals(n.path("metadata").path("labels").path("node-role.kubernetes.io/etcd").asText(""));
                nodes.put(n.path("metadata").path("name").asText(), new NodeState(conds, taints, etcd));
            }
        } catch (IOException e) {
            return unavailable("kubectl get nodes printed something that is not JSON");
        }
        Map<String, List<Event>> events = new LinkedHashMap<>();
        if ("0".equals(server.section("events-exit").strip())) {
            try {
                for (JsonNode e : MAPPER.readTree(json(server.section("events"))).path("items")) {
                    String when = e.path("lastTimestamp").asText("");
                    if (when.isEmpty() || when.equals("null")) {
                        when = e.path("eventTime").asText("");
                    }
                    events.computeIfAbsent(e.path("involvedObject").path("name").asText(), k -> new ArrayList<>())
                            .add(new Event(e.path("type").asText(""), e.path("reason").asText(""), e.path("message").asText(""),
                                    when, e.path("count").asInt(1)));
                }
            } catch (IOException e) {
                // events are a help, not a need
            }
        }
        return new ClusterView(nodes, events, null);
    }

    /** kubectl may print a warning line before the JSON. */
    private static String json(String text) {
        int i = text.indexOf('{');
        return i < 0 ? text : text.substring(i);
    }

    private static String lastLine(String text) {
        String[] l = text.strip().split("\n");
        return l[l.length - 1].strip();
    }
}
