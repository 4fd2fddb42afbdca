package dev.vidmeta.aws;

import dev.vidmeta.record.ResultStore;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/** Writes result documents to the results bucket (never a watched prefix: see ResultLocation). */
public final class S3ResultStore implements ResultStore {

    private final S3Client s3;
    private final String bucket;

    public S3ResultStore(S3Client s3, String bucket) {
        this.s3 = s3;
        this.bucket = bucket;
    }

    @Override
    public String putJson(String key, byte[] json) {
        s3.putObject(PutObjectRequest.builder().bucket(bucket).key(key).contentType("application/json").build(),
                RequestBody.fromBytes(json));
        return "s3://" + bucket + "/" + key;
    }
}
