package dev.vidmeta.local.s3;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vidmeta.local.LocalAws;
import dev.vidmeta.record.ObjectKeys;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * One successful DeleteObject on the local S3, as S3 reports it to EventBridge ("Object Deleted" in the S3
 * User Guide, "EventBridge event message structure", https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html).
 *
 * <p>In a versioned bucket a delete without a version id creates a delete marker: {@code deletion-type} is
 * "Delete Marker Created", {@code version-id} the marker's, and the ETag the empty object's, as in AWS's
 * example. A delete of one version, or any delete in an unversioned bucket, is "Permanently Deleted", with
 * the deleted version's id when there is one. The reason is always {@code DeleteObject}: the local S3 runs no
 * lifecycle rules.
 *
 * @param versionId the delete marker's version id, or the deleted version's; null in an unversioned bucket
 */
public record ObjectDeleted(
        String bucket,
        String key,
        String versionId,
        boolean deleteMarkerCreated,
        String sequencer,
        String requestId,
        Instant time) implements S3Event {

    /** MD5 of zero bytes: the ETag AWS's delete-marker example carries. */
    static final String DELETE_MARKER_ETAG = "d41d8cd98f00b204e9800998ecf8427e";

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String toEventBridgeJson() {
        ObjectNode event = JSON.createObjectNode();
        event.put("version", "0");
        event.put("id", UUID.randomUUID().toString());
        event.put("detail-type", "Object Deleted");
        event.put("source", "aws.s3");
        event.put("account", LocalAws.ACCOUNT_ID);
        event.put("time", time.truncatedTo(ChronoUnit.SECONDS).toString());
        event.put("region", LocalAws.REGION);
        event.putArray("resources").add("arn:aws:s3:::" + bucket);
        ObjectNode detail = event.putObject("detail");
        detail.put("version", "0");
        detail.putObject("bucket").put("name", bucket);
        ObjectNode object = detail.putObject("object");
        object.put("key", ObjectKeys.encode(key)); // URL-encoded, as for Object Created (ObjectCreatedEvent)
        if (deleteMarkerCreated) {
            object.put("etag", DELETE_MARKER_ETAG);
        }
        if (versionId != null) {
            object.put("version-id", versionId);
        }
        object.put("sequencer", sequencer);
        detail.put("request-id", requestId);
        detail.put("requester", LocalAws.ACCOUNT_ID);
        detail.put("source-ip-address", "127.0.0.1");
        detail.put("reason", "DeleteObject");
        detail.put("deletion-type", deleteMarkerCreated ? "Delete Marker Created" : "Permanently Deleted");
        return event.toString();
    }
}
