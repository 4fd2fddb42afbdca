package dev.vidmeta.local.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vidmeta.record.ObjectKeys;
import dev.vidmeta.record.ObjectRef;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The EventBridge "Object Created" event S3 sends, field for field as documented in "EventBridge event message
 * structure" (https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html). The state machine's input
 * is this event unchanged; the local S3 emits it on every write and {@code vidmeta backfill} synthesizes it for
 * objects already stored, so both build it here.
 *
 * <p>{@link #key} is the object's real key; the event carries it URL-encoded ({@link ObjectKeys#encode}), as S3
 * notifications encode keys and as AWS's own tooling reads EventBridge keys (the EventBridge page is silent;
 * the pipeline resolves either form, see {@link dev.vidmeta.record.ObjectKeyResolver}). The ETag is unquoted,
 * {@code time} in whole seconds. {@link #objectOf} reads the object back out of an execution's input, with the
 * key as the event sent it.
 *
 * @param versionId null when the bucket is not versioned (S3 then omits {@code version-id})
 * @param sequencer null when unknown (a backfill: only S3 assigns sequencers); the field is then omitted
 * @param sourceIpAddress null when unknown (a backfill); the field is then omitted
 * @param reason {@code PutObject}, {@code POST Object}, {@code CopyObject} or {@code CompleteMultipartUpload}
 */
public record ObjectCreatedEvent(
        String id,
        String account,
        String region,
        Instant time,
        String bucket,
        String key,
        long size,
        String etag,
        String versionId,
        String sequencer,
        String requestId,
        String requester,
        String sourceIpAddress,
        String reason) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public String toJson() {
        ObjectNode event = JSON.createObjectNode();
        event.put("version", "0");
        event.put("id", id);
        event.put("detail-type", "Object Created");
        event.put("source", "aws.s3");
        event.put("account", account);
        event.put("time", time.truncatedTo(ChronoUnit.SECONDS).toString());
        event.put("region", region);
        event.putArray("resources").add("arn:aws:s3:::" + bucket);
        ObjectNode detail = event.putObject("detail");
        detail.put("version", "0");
        detail.putObject("bucket").put("name", bucket);
        ObjectNode object = detail.putObject("object");
        object.put("key", ObjectKeys.encode(key));
        object.put("size", size);
        object.put("etag", etag);
        if (versionId != null) {
            object.put("version-id", versionId);
        }
        if (sequencer != null) {
            object.put("sequencer", sequencer);
        }
        detail.put("request-id", requestId);
        detail.put("requester", requester);
        if (sourceIpAddress != null) {
            detail.put("source-ip-address", sourceIpAddress);
        }
        detail.put("reason", reason);
        return event.toString();
    }

    /**
     * The object an execution's input names, read as the state machine's "Check Object" state reads it (the key
     * as sent: {@link ObjectKeys#candidates} gives its readings); null
     * when the input is not an Object Created event (not JSON, or no {@code detail.bucket.name} or
     * {@code detail.object.key} string), since anyone may start an execution with any input. Never throws.
     */
    public static ObjectRef objectOf(String input) {
        if (input == null) {
            return null;
        }
        JsonNode event;
        try {
            event = JSON.readTree(input);
        } catch (JsonProcessingException e) {
            return null;
        }
        JsonNode detail = event.path("detail");
        JsonNode object = detail.path("object");
        String bucket = text(detail.path("bucket").path("name"));
        String key = text(object.path("key"));
        if (bucket == null || bucket.isEmpty() || key == null || key.isEmpty()) {
            return null;
        }
        JsonNode size = object.path("size");
        return new ObjectRef(bucket, key, text(object.path("version-id")), text(object.path("etag")),
                size.isIntegralNumber() ? size.asLong() : null, text(object.path("sequencer")),
                text(event.path("time")), text(event.path("id")), text(detail.path("reason")));
    }

    private static String text(JsonNode node) {
        return node.isTextual() ? node.asText() : null;
    }
}
