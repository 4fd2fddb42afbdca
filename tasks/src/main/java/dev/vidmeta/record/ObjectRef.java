package dev.vidmeta.record;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One S3 object version, as the state machine's "Check Object" state normalizes it from the EventBridge event.
 *
 * <p>The key is the event's key as sent (maybe URL-encoded) until {@link ObjectKeyResolver} resolves it to the
 * real key. {@code versionId} is null for an
 * unversioned bucket (EventBridge then omits {@code version-id}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ObjectRef(
        String bucket,
        String key,
        String versionId,
        String etag,
        Long size,
        String sequencer,
        String eventTime,
        String eventId,
        String reason) {

    public ObjectRef {
        if (bucket == null || bucket.isEmpty()) {
            throw new IllegalArgumentException("object reference without a bucket");
        }
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("object reference without a key (bucket " + bucket + ")");
        }
    }

    /** The record's partition key: bucket names cannot contain '/', so "bucket/key" is unambiguous. */
    public String recordId() {
        return bucket + "/" + key;
    }

    /** The S3 URI for humans and logs (the key as held, not re-encoded). */
    public String uri() {
        return "s3://" + bucket + "/" + key;
    }

    /** True when S3 gave a real version id; a "null" version id names the pre-versioning object. */
    public boolean versioned() {
        return versionId != null && !versionId.isEmpty();
    }
}
