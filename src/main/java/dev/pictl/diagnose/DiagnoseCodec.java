package dev.pictl.diagnose;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pictl.diagnose.DiagnoseReport.Finding;
import dev.pictl.diagnose.DiagnoseReport.NodeVerdict;

/**
 * {@code pictl diagnose --json}, described by {@code schema/diagnose.schema.json}. Format 1.1 (issue 15) added each
 * finding's {@code advisory}.
 */
public final class DiagnoseCodec {
    public static final String FORMAT_VERSION = "1.1";
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private DiagnoseCodec() {
    }

    public static String write(DiagnoseReport r, String pictlVersion) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("format_version", FORMAT_VERSION);
        root.put("pictl_version", pictlVersion);
        root.put("cluster", r.cluster());
        root.put("result", r.exitCode() == DiagnoseReport.HEALTHY ? "healthy" : "found");
        root.put("exit_code", r.exitCode());
        nullable(root, "server", r.server());
        nullable(root, "endpoint", r.endpoint());
        nullable(root, "api_error", r.apiError());
        ArrayNode nodes = root.putArray("nodes");
        for (NodeVerdict v : r.nodes()) {
            ObjectNode n = nodes.addObject();
            n.put("name", v.node());
            n.put("status", v.status());
            n.put("reached", v.reached());
            n.put("healthy", v.healthy());
            ArrayNode fs = n.putArray("findings");
            int rank = 1;
            for (Finding f : v.findings()) {
                ObjectNode o = fs.addObject();
                o.put("rank", rank++);
                o.put("code", f.code());
                o.put("summary", f.summary());
                f.chain().forEach(o.putArray("chain")::add);
                f.evidence().forEach(o.putArray("evidence")::add);
                o.put("remedy", f.remedy());
                nullable(o, "caused_by", f.causedBy());
                o.put("advisory", f.advisory());
            }
        }
        try {
            return MAPPER.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void nullable(ObjectNode o, String key, String value) {
        if (value == null) {
            o.putNull(key);
        } else {
            o.put(key, value);
        }
    }
}
