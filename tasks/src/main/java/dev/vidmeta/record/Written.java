package dev.vidmeta.record;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One branch's (or one analysis's) status envelope as a producer wrote it: the status read into its enum, and
 * the text as written, which the record keeps (a status no constant names reads as {@code unknown}, and the
 * record still says what was written).
 *
 * @param status the status read; the {@code unknown} constant for a missing or unknown one
 * @param written the status as written, or the {@code unknown} constant's name when there was none
 * @param reason the producer's reason, or null
 * @param error a caught failure's error name (a Catch output), or null
 * @param cause a caught failure's cause, or null
 */
public record Written<S extends Enum<S>>(S status, String written, String reason, String error, String cause) {

    static <S extends Enum<S>> Written<S> read(JsonNode node, Class<S> type, S unknown) {
        String written = text(node, "status");
        return new Written<>(Statuses.named(type, written, unknown), written == null ? unknown.name() : written,
                text(node, "reason"), text(node, "error"), text(node, "cause"));
    }

    /** A readable reason: the producer's, or the error name and message of a caught failure. */
    public String readableReason() {
        return reason != null ? reason : RecordBuilder.describeError(error, cause);
    }

    /** A field's text, or null when it is missing or JSON null. */
    static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
