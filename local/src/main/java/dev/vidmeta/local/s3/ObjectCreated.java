package dev.vidmeta.local.s3;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vidmeta.local.LocalAws;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * One successful write to the local S3, as S3 reports it to EventBridge.
 *
 * @param versionId null when the bucket is not versioned (S3 then omits {@code version-id})
 * @param reason {@code PutObject}, {@code CompleteMultipartUpload} or {@code CopyObject}
 */
public record ObjectCreated(
        String bucket,
        String key,
        long size,
        String etag,
        String versionId,
        String sequencer,
        String reason,
        String requestId,
        Instant time) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The EventBridge event, field for field as documented in "EventBridge event message structure"
     * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html): the key is raw (EventBridge
     * delivers it unencoded, unlike S3's own notifications), the ETag is unquoted, {@code time} has whole
     * seconds.
     */
    public String toEventBridgeJson() {
        ObjectNode event = JSON.createObjectNode();
        event.put("version", "0");
        event.put("id", UUID.randomUUID().toString());
        event.put("detail-type", "Object Created");
        event.put("source", "aws.s3");
        event.put("account", LocalAws.ACCOUNT_ID);
        event.put("time", time.truncatedTo(ChronoUnit.SECONDS).toString());
        event.put("region", LocalAws.REGION);
        event.putArray("resources").add("arn:aws:s3:::" + bucket);
        ObjectNode detail = event.putObject("detail");
        detail.put("version", "0");
        detail.putObject("bucket").put("name", bucket);
        ObjectNode object = detail.putObject("object");
        object.put("key", key);
        object.put("size", size);
        object.put("etag", etag);
        if (versionId != null) {
            object.put("version-id", versionId);
        }
        object.put("sequencer", sequencer);
        detail.put("request-id", requestId);
        detail.put("requester", LocalAws.ACCOUNT_ID);
        // The local S3 listens on loopback only, so every request comes from here.
        detail.put("source-ip-address", "127.0.0.1");
        detail.put("reason", reason);
        return event.toString();
    }
}
