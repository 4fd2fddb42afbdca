package dev.vidmeta.record;

/** Writes a full-results JSON document to the results location. */
public interface ResultStore {

    /**
     * Stores {@code json} (UTF-8) under {@code key} in the results bucket.
     *
     * @return the S3 URI of the stored document
     */
    String putJson(String key, byte[] json);
}
