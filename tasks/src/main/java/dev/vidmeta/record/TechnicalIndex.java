package dev.vidmeta.record;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The few technical fields the record's indexes query by, lifted out of the probe's {@code technical} document
 * to top-level attributes (DynamoDB indexes only use top-level attributes). Field names are the probe's
 * {@code TechnicalMetadata}: {@code general.format}, {@code general.durationSeconds}, {@code video[].codec}.
 */
record TechnicalIndex(String container, String videoCodec, Long durationMs) {

    static TechnicalIndex of(JsonNode technical) {
        JsonNode general = technical.path("general");
        String container = text(general, "format");
        Long duration = null;
        if (general.path("durationSeconds").isNumber()) {
            duration = Math.round(general.get("durationSeconds").asDouble() * 1000);
        }
        String codec = null;
        for (JsonNode track : technical.path("video")) {
            codec = text(track, "codec");
            if (codec != null) {
                break;
            }
        }
        return new TechnicalIndex(container, codec, duration);
    }

    void writeTo(ObjectNode item) {
        // GSI key attributes may not be empty strings; leaving them out keeps the indexes sparse.
        if (container != null && !container.isEmpty()) {
            item.put("container", container);
        }
        if (videoCodec != null && !videoCodec.isEmpty()) {
            item.put("videoCodec", videoCodec);
        }
        if (durationMs != null) {
            item.put("durationMs", durationMs);
        }
    }

    private static String text(JsonNode node, String... fields) {
        for (String f : fields) {
            JsonNode v = node.get(f);
            if (v != null && v.isTextual() && !v.asText().isEmpty()) {
                return v.asText();
            }
        }
        return null;
    }
}
