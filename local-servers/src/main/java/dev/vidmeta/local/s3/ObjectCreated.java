package dev.vidmeta.local.s3;

import java.time.Instant;

/**
 * One successful write to the local S3: what S3 reports to EventBridge as "Object Created" (the event's JSON is
 * {@code dev.vidmeta.local.events.S3EventJson}'s).
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
        Instant time) implements S3Event { }
