package dev.vidmeta.aws;

import dev.vidmeta.record.ObjectHeads;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * HeadObject for {@link dev.vidmeta.record.ObjectKeyResolver}. "No such object" is every answer that says so:
 * 404, 403 (S3 answers 403 for a missing key when the caller lacks s3:ListBucket: HeadObject API reference,
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html), 400 (a version id that is not one of
 * this key's) and 405 (the version is a delete marker). Anything else is thrown, for the state machine to retry.
 */
public final class S3ObjectHeads implements ObjectHeads {

    private final S3Client s3;

    public S3ObjectHeads(S3Client s3) {
        this.s3 = s3;
    }

    @Override
    public Head head(String bucket, String key, String versionId) {
        try {
            HeadObjectResponse r = s3.headObject(b -> b.bucket(bucket).key(key).versionId(versionId));
            return new Head(unquote(r.eTag()), r.versionId());
        } catch (S3Exception e) {
            int status = e.statusCode();
            if (status == 404 || status == 403 || status == 400 || status == 405) {
                return null;
            }
            throw e;
        }
    }

    private static String unquote(String etag) {
        if (etag != null && etag.length() >= 2 && etag.startsWith("\"") && etag.endsWith("\"")) {
            return etag.substring(1, etag.length() - 1);
        }
        return etag;
    }
}
