package dev.vidmeta.aws;

import dev.vidmeta.analysis.ObjectStart;
import dev.vidmeta.record.ObjectRef;
import java.io.IOException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;

/**
 * {@link ObjectStart} on one ranged GetObject, pinned to the event's version (or, in an unversioned bucket, its
 * ETag with {@code If-Match}), so the bytes are those of the upload the jobs will analyse.
 */
public final class S3ObjectStart implements ObjectStart {

    private final S3Client s3;

    public S3ObjectStart(S3Client s3) {
        this.s3 = s3;
    }

    @Override
    public byte[] read(ObjectRef object, int length) throws IOException {
        GetObjectRequest.Builder request = GetObjectRequest.builder()
                .bucket(object.bucket())
                .key(object.key())
                .range("bytes=0-" + (length - 1));
        if (object.versioned()) {
            request.versionId(object.versionId());
        } else if (object.etag() != null && !object.etag().isEmpty()) {
            // S3 events carry the ETag bare; If-Match takes it quoted, as S3 returns it.
            String etag = object.etag();
            request.ifMatch(etag.startsWith("\"") ? etag : "\"" + etag + "\"");
        }
        try {
            return s3.getObject(request.build(), ResponseTransformer.toBytes()).asByteArray();
        } catch (SdkException e) {
            throw new IOException("reading the first " + length + " bytes of " + object.uri() + " failed: "
                    + e.getMessage(), e);
        }
    }
}
