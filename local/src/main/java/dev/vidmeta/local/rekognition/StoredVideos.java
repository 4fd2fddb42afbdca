package dev.vidmeta.local.rekognition;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * What the local Rekognition reads of a video in S3: the synchronous checks of a Start (the object exists, is
 * not too large or too long) with the facts they find, and, when a job ends, the detections it reports (canned
 * ones, or the {@code <key>.rekognition.json} sidecar file).
 */
final class StoredVideos {

    /** https://docs.aws.amazon.com/rekognition/latest/dg/limits.html: stored video limits. */
    static final long MAX_BYTES = 10L * 1024 * 1024 * 1024;
    static final long MAX_DURATION_MILLIS = 6L * 60 * 60 * 1000;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final S3Client s3;
    private final Map<String, JsonNode> canned = new ConcurrentHashMap<>();

    StoredVideos(S3Client s3) {
        this.s3 = s3;
    }

    /** See {@link LocalRekognition#cannedDetections}. */
    void cannedDetections(String bucket, String key, String detectionsJson) {
        try {
            canned.put(bucket + "/" + key, JSON.readTree(detectionsJson));
        } catch (IOException e) {
            throw new IllegalArgumentException("canned detections are not JSON: " + e.getMessage(), e);
        }
    }

    /** The synchronous checks: the object exists, is not too large or too long; facts for the job. */
    Mp4Inspector.VideoFacts inspect(JsonNode request) {
        String bucket = request.at("/Video/S3Object/Bucket").asText();
        String key = request.at("/Video/S3Object/Name").asText();
        String version = request.at("/Video/S3Object/Version").textValue();
        HeadObjectResponse head;
        try {
            head = s3.headObject(b -> b.bucket(bucket).key(key).versionId(version));
        } catch (S3Exception e) {
            throw new RekognitionException("InvalidS3ObjectException",
                    "Unable to get object metadata from S3. Check object key, region and/or access permissions.");
        }
        if (head.contentLength() > MAX_BYTES) {
            throw new RekognitionException("VideoTooLargeException",
                    "The file size or duration of the supplied media is too large.");
        }
        Mp4Inspector.VideoFacts facts = Mp4Inspector.inspect((offset, length) -> s3.getObject(b -> b.bucket(bucket)
                .key(key).versionId(version).ifMatch(head.eTag())
                .range("bytes=" + offset + "-" + (offset + length - 1)), ResponseTransformer.toBytes()).asByteArray(),
                head.contentLength());
        if (facts.durationMillis() > MAX_DURATION_MILLIS) {
            throw new RekognitionException("VideoTooLargeException",
                    "The file size or duration of the supplied media is too large.");
        }
        return facts;
    }

    /** The detections {@code job} reports once it SUCCEEDED: canned ones, or the sidecar file's; none without. */
    List<JsonNode> detections(Job job) {
        JsonNode all = canned.get(job.bucket + "/" + job.key);
        if (all == null) {
            try {
                byte[] sidecar = s3.getObjectAsBytes(b -> b.bucket(job.bucket).key(job.key + ".rekognition.json"))
                        .asByteArray();
                all = JSON.readTree(sidecar);
            } catch (NoSuchKeyException e) {
                return List.of();
            } catch (IOException e) {
                throw new IllegalStateException(job.key + ".rekognition.json is not JSON: " + e.getMessage(), e);
            }
        }
        List<JsonNode> results = new ArrayList<>();
        all.path(job.api.resultsField).forEach(results::add);
        return List.copyOf(results);
    }
}
