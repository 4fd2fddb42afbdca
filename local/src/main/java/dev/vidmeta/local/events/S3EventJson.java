package dev.vidmeta.local.events;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vidmeta.local.LocalAws;
import dev.vidmeta.local.s3.ObjectCreated;
import dev.vidmeta.local.s3.ObjectDeleted;
import dev.vidmeta.local.s3.S3Event;
import dev.vidmeta.record.ObjectKeys;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * The EventBridge event S3 sends for a change the local S3 reports: this runtime's account is the requester, and
 * every request comes from loopback because the local S3 listens nowhere else. Keys are URL-encoded, as S3 event
 * notifications encode them and as AWS's own tooling assumes for EventBridge events ({@link ObjectKeys}).
 */
public final class S3EventJson {

    /** MD5 of zero bytes: the ETag AWS's delete-marker example carries. */
    static final String DELETE_MARKER_ETAG = "d41d8cd98f00b204e9800998ecf8427e";

    private static final ObjectMapper JSON = new ObjectMapper();

    private S3EventJson() {
    }

    public static String of(S3Event event) {
        return switch (event) {
            case ObjectCreated created -> created(created);
            case ObjectDeleted deleted -> deleted(deleted);
        };
    }

    /** "Object Created" ({@link ObjectCreatedEvent}, the pipeline's one writer and reader of that shape). */
    private static String created(ObjectCreated c) {
        return new ObjectCreatedEvent(UUID.randomUUID().toString(), LocalAws.ACCOUNT_ID, LocalAws.REGION, c.time(),
                c.bucket(), c.key(), c.size(), c.etag(), c.versionId(), c.sequencer(), c.requestId(),
                LocalAws.ACCOUNT_ID, "127.0.0.1", c.reason()).toJson();
    }

    /**
     * "Object Deleted" (S3 User Guide, "EventBridge event message structure",
     * https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html).
     */
    private static String deleted(ObjectDeleted d) {
        ObjectNode event = JSON.createObjectNode();
        event.put("version", "0");
        event.put("id", UUID.randomUUID().toString());
        event.put("detail-type", "Object Deleted");
        event.put("source", "aws.s3");
        event.put("account", LocalAws.ACCOUNT_ID);
        event.put("time", d.time().truncatedTo(ChronoUnit.SECONDS).toString());
        event.put("region", LocalAws.REGION);
        event.putArray("resources").add("arn:aws:s3:::" + d.bucket());
        ObjectNode detail = event.putObject("detail");
        detail.put("version", "0");
        detail.putObject("bucket").put("name", d.bucket());
        ObjectNode object = detail.putObject("object");
        object.put("key", ObjectKeys.encode(d.key())); // URL-encoded, as for Object Created (ObjectCreatedEvent)
        if (d.deleteMarkerCreated()) {
            object.put("etag", DELETE_MARKER_ETAG);
        }
        if (d.versionId() != null) {
            object.put("version-id", d.versionId());
        }
        object.put("sequencer", d.sequencer());
        detail.put("request-id", d.requestId());
        detail.put("requester", LocalAws.ACCOUNT_ID);
        detail.put("source-ip-address", "127.0.0.1");
        detail.put("reason", "DeleteObject");
        detail.put("deletion-type", d.deleteMarkerCreated() ? "Delete Marker Created" : "Permanently Deleted");
        return event.toString();
    }
}
