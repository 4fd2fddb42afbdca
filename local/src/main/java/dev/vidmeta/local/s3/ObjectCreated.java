package dev.vidmeta.local.s3;

import dev.vidmeta.events.ObjectCreatedEvent;
import dev.vidmeta.local.LocalAws;
import java.time.Instant;
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
        Instant time) implements S3Event {

    /**
     * The EventBridge event (see {@link ObjectCreatedEvent}); this runtime's account is the requester, and every
     * request comes from loopback because the local S3 listens nowhere else.
     */
    @Override
    public String toEventBridgeJson() {
        return new ObjectCreatedEvent(UUID.randomUUID().toString(), LocalAws.ACCOUNT_ID, LocalAws.REGION, time,
                bucket, key, size, etag, versionId, sequencer, requestId, LocalAws.ACCOUNT_ID, "127.0.0.1", reason)
                .toJson();
    }
}
