package dev.vidmeta.record;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One branch's (or one analysis's) status envelope, {@code {"status": "SKIPPED", "reason": "..."}}, with whatever
 * results the branch adds beside it (STYLE #10: one envelope for every operator). The probe branch's status is a
 * {@link ProbeStatus}, the analysis branch's (and each analysis's) a {@link BranchStatus}. The producers write it
 * ({@link #of}, {@link #toJson}); "Merge Record" reads it back ({@link #read}), with the status as written kept
 * beside the status read, so that a status no constant names still shows in the record as written.
 *
 * @param status the status; when read, the {@code unknown} constant for a missing or unknown one
 * @param written the status as written; the status's name for an envelope made here
 * @param reason why, when the status is not OK; or null
 * @param error a caught failure's error name (a Catch output writes {@code error} and {@code cause}), or null
 * @param cause a caught failure's cause, or null
 */
public record BranchOutcome<S extends Enum<S>>(S status, String written, String reason, String error, String cause) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static BranchOutcome<BranchStatus> ok() {
        return of(BranchStatus.OK, null);
    }

    public static <S extends Enum<S>> BranchOutcome<S> of(S status, String reason) {
        return new BranchOutcome<>(status, status.name(), reason, null, null);
    }

    /** Reads the envelope from a branch's JSON; a missing or unknown status reads as {@code unknown}. */
    public static <S extends Enum<S>> BranchOutcome<S> read(JsonNode node, Class<S> type, S unknown) {
        String written = text(node, "status");
        return new BranchOutcome<>(Statuses.named(type, written, unknown), written == null ? unknown.name() : written,
                text(node, "reason"), text(node, "error"), text(node, "cause"));
    }

    /** A readable reason: the producer's, or the error name and message of a caught failure. */
    public String readableReason() {
        return reason != null ? reason : RecordBuilder.describeError(error, cause);
    }

    /** A new JSON object holding the envelope, for the results to be added to. */
    public ObjectNode toJson() {
        ObjectNode n = JSON.createObjectNode();
        n.put("status", status.name());
        putIfPresent(n, "reason", reason);
        putIfPresent(n, "error", error);
        putIfPresent(n, "cause", cause);
        return n;
    }

    /** A field's text, or null when it is missing or JSON null. */
    static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static void putIfPresent(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }
}
