package dev.vidmeta.record;

/** HeadObject, as {@link ObjectKeyResolver} needs it (adapter: {@code dev.vidmeta.aws.S3ObjectHeads}). */
public interface ObjectHeads {

    /** What HeadObject answered: the ETag (unquoted) and version id of the object it found. */
    record Head(String etag, String versionId) {}

    /**
     * HeadObject on {@code key}, at {@code versionId} when not null; null when there is no such object or
     * version (404, or the 403 S3 answers instead when the caller may not list the bucket).
     */
    Head head(String bucket, String key, String versionId);
}
