package dev.vidmeta.record;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One branch's (or one analysis's) status and, when it is not {@link BranchStatus#OK}, why: the envelope every
 * analysis writes, {@code {"status": "SKIPPED", "reason": "..."}}, with whatever results it adds beside them
 * (STYLE #10: one envelope for every operator).
 */
public record BranchOutcome(BranchStatus status, String reason) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static BranchOutcome ok() {
        return new BranchOutcome(BranchStatus.OK, null);
    }

    public static BranchOutcome of(BranchStatus status, String reason) {
        return new BranchOutcome(status, reason);
    }

    /** Reads the envelope from a branch's JSON; a missing or unknown status reads as FAILED. */
    public static BranchOutcome read(JsonNode node) {
        JsonNode reason = node == null ? null : node.get("reason");
        return new BranchOutcome(BranchStatus.of(node == null ? null : node.path("status").asText(null)),
                reason == null || reason.isNull() ? null : reason.asText());
    }

    /** A new JSON object holding the envelope, for the results to be added to. */
    public ObjectNode toJson() {
        ObjectNode n = JSON.createObjectNode();
        n.put("status", status.name());
        if (reason != null) {
            n.put("reason", reason);
        }
        return n;
    }
}
