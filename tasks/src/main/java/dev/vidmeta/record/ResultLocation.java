package dev.vidmeta.record;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Where the pipeline writes full results (MediaInfo JSON, Rekognition results, offloaded record parts).
 *
 * <p>The location must never be watched, or the pipeline would process its own output; the state machine's
 * "Check Object" state skips it as a second line of defence. Keys mirror the source object so a human can find
 * them: {@code <prefix><bucket>/<key>/<version-id or etag-ETAG>/<name>}. S3 keys are limited to 1,024 bytes, so
 * a source key too long to mirror is replaced by its SHA-256.
 */
public record ResultLocation(String bucket, String prefix) {

    private static final int MAX_KEY_BYTES = 1024;

    public ResultLocation {
        if (bucket == null || bucket.isEmpty()) {
            throw new IllegalArgumentException("results bucket is empty");
        }
        prefix = prefix == null ? "" : prefix;
    }

    public String keyFor(ObjectRef object, String name) {
        String version = object.versioned() ? object.versionId() : "etag-" + object.etag();
        String mirrored = prefix + object.bucket() + "/" + object.key() + "/" + version + "/" + name;
        if (mirrored.getBytes(StandardCharsets.UTF_8).length <= MAX_KEY_BYTES) {
            return mirrored;
        }
        return prefix + object.bucket() + "/_sha256/" + sha256(object.key()) + "/" + version + "/" + name;
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }
}
