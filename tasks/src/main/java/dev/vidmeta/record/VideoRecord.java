package dev.vidmeta.record;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;

/**
 * The one record per S3 object, as a JSON document whose top-level fields become DynamoDB attributes.
 *
 * <p>Attributes (see tasks/README.md for the table and its indexes):
 * {@code pk} ("bucket/key"), {@code bucket}, {@code objectKey}, {@code keyForm}, {@code eventKey}, {@code versionId}, {@code etag}, {@code size},
 * {@code sequencer}, {@code sequencerKey} (padded, for the write condition), {@code status}, {@code reasons},
 * {@code uploadedAt}, {@code uploadDate}, {@code recordedAt}, {@code executionArn}, {@code executionName},
 * {@code probeStatus}, {@code analysisStatus}, {@code container}, {@code videoCodec}, {@code durationMs},
 * {@code technical}, {@code analyses}, {@code mediainfoUri}, {@code rekognitionUris}, {@code detailsUri}.
 */
public record VideoRecord(ObjectNode item) {

    /** DynamoDB's item limit is 400 KB; stay well below it so attribute-name overhead never tips us over. */
    public static final int MAX_ITEM_BYTES = 300_000;

    private static final ObjectMapper JSON = new ObjectMapper();

    public String recordId() {
        return item.path("pk").asText();
    }

    public String sequencerKey() {
        return item.path("sequencerKey").asText();
    }

    public RecordStatus status() {
        return RecordStatus.valueOf(item.path("status").asText());
    }

    /** The size of the item as JSON, an upper bound for its DynamoDB size (names plus values). */
    public int approximateBytes() {
        try {
            return JSON.writeValueAsString(item).getBytes(StandardCharsets.UTF_8).length;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serializes", e);
        }
    }

    /** The parts that can be large, kept whole in S3 when the item would be too big. */
    public ObjectNode details() {
        ObjectNode details = JSON.createObjectNode();
        details.set("technical", item.get("technical"));
        details.set("analyses", item.get("analyses"));
        return details;
    }

    /**
     * A copy without the large parts, pointing at {@code detailsUri} where they are kept whole. The index
     * fields (container, codec, duration) stay, so queries still find the record.
     */
    public VideoRecord withDetailsOffloaded(String detailsUri) {
        ObjectNode copy = item.deepCopy();
        copy.remove("technical");
        JsonNode analyses = copy.get("analyses");
        if (analyses instanceof ObjectNode a) {
            a.properties().forEach(e -> {
                if (e.getValue() instanceof ObjectNode one) {
                    one.remove("summary");
                }
            });
        }
        copy.put("detailsUri", detailsUri);
        copy.withArray("reasons").add("record: technical metadata and analysis summaries were too large for "
                + "DynamoDB and are kept in " + detailsUri);
        return new VideoRecord(copy);
    }
}
