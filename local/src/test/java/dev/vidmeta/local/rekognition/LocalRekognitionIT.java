package dev.vidmeta.local.rekognition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vidmeta.analysis.Analysis;
import dev.vidmeta.analysis.AnalysisRequest;
import dev.vidmeta.analysis.TokenReusedException;
import dev.vidmeta.aws.RekognitionVideoAnalyzer;
import dev.vidmeta.local.LocalAws;
import dev.vidmeta.local.s3.LocalS3;
import dev.vidmeta.probe.Fixtures;
import dev.vidmeta.probe.Fixtures.Fixture;
import dev.vidmeta.record.ObjectRef;
import dev.vidmeta.testing.Await;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.rekognition.RekognitionClient;
import software.amazon.awssdk.services.rekognition.model.CelebrityRecognitionSortBy;
import software.amazon.awssdk.services.rekognition.model.GetCelebrityRecognitionResponse;
import software.amazon.awssdk.services.rekognition.model.IdempotentParameterMismatchException;
import software.amazon.awssdk.services.rekognition.model.InvalidS3ObjectException;
import software.amazon.awssdk.services.rekognition.model.LimitExceededException;
import software.amazon.awssdk.services.rekognition.model.SegmentType;
import software.amazon.awssdk.services.rekognition.model.VideoJobStatus;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The local Rekognition through the SDK's RekognitionClient. Behaviour per
 * https://docs.aws.amazon.com/rekognition/latest/dg/api-video.html and the Start/Get API references.
 */
class LocalRekognitionIT {

    private static final Fixtures FIXTURES = Fixtures.inTarget();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BUCKET = "videos";

    @TempDir
    static Path workDir;

    static LocalS3 s3;
    static S3Client s3Client;
    static LocalRekognition rekognition;
    static RekognitionClient client;
    static final List<String[]> published = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() {
        s3 = LocalS3.start(workDir, e -> { });
        s3.createBucket(BUCKET, true);
        s3Client = LocalAws.client(S3Client.builder().forcePathStyle(true), s3.endpoint());
        s3Client.putObject(b -> b.bucket(BUCKET).key("clip.mp4"), RequestBody.fromFile(FIXTURES.path(Fixture.MP4_MOOV_AT_END)));
        s3Client.putObject(b -> b.bucket(BUCKET).key("old-codec.mp4"), RequestBody.fromFile(FIXTURES.path(Fixture.MP4_MPEG4_PART2)));
        s3Client.putObject(b -> b.bucket(BUCKET).key("notes.txt"), RequestBody.fromString("not a video at all"));
        s3Client.putObject(b -> b.bucket(BUCKET).key("clip.mkv"), RequestBody.fromFile(FIXTURES.path(Fixture.MKV_H264_OPUS)));
        rekognition = LocalRekognition.start(s3Client, (topic, message) -> published.add(new String[] {topic, message}),
                Duration.ofMillis(200));
        client = LocalAws.client(RekognitionClient.builder(), rekognition.endpoint());
    }

    @AfterAll
    static void stop() {
        client.close();
        rekognition.close();
        s3Client.close();
        s3.close();
    }

    @BeforeEach
    void clear() {
        published.clear();
    }

    @Test
    void celebrityJob_shouldSucceedWithEmptyResults_andPublishTheDocumentedMessage() throws Exception {
        String jobId = client.startCelebrityRecognition(b -> b.video(v -> v.s3Object(o -> o.bucket(BUCKET).name("clip.mp4")))
                .jobTag("celebrities-1")
                .notificationChannel(n -> n.snsTopicArn("arn:aws:sns:us-east-1:000000000000:rk").roleArn("arn:aws:iam::000000000000:role/rk")))
                .jobId();

        GetCelebrityRecognitionResponse done = awaitCelebrities(jobId);

        assertThat(done.jobStatus()).isEqualTo(VideoJobStatus.SUCCEEDED);
        assertThat(done.celebrities()).isEmpty();
        assertThat(done.jobTag()).isEqualTo("celebrities-1");
        assertThat(done.videoMetadata().codec()).isEqualTo("h264");
        assertThat(done.videoMetadata().durationMillis()).isBetween(1900L, 2100L);
        assertThat(done.videoMetadata().frameWidth()).isEqualTo(320);
        assertThat(done.videoMetadata().frameHeight()).isEqualTo(240);
        assertThat(done.videoMetadata().frameRate()).isEqualTo(25f);
        awaitPublished();
        assertThat(published.getFirst()[0]).isEqualTo("arn:aws:sns:us-east-1:000000000000:rk");
        JsonNode message = JSON.readTree(published.getFirst()[1]);
        assertThat(message.get("JobId").asText()).isEqualTo(jobId);
        assertThat(message.get("Status").asText()).isEqualTo("SUCCEEDED");
        assertThat(message.get("API").asText()).isEqualTo("StartCelebrityRecognition");
        assertThat(message.get("JobTag").asText()).isEqualTo("celebrities-1");
        assertThat(message.get("Timestamp").isIntegralNumber()).isTrue();
        assertThat(message.at("/Video/S3ObjectName").asText()).isEqualTo("clip.mp4");
        assertThat(message.at("/Video/S3Bucket").asText()).isEqualTo(BUCKET);
    }

    @Test
    void sameClientRequestToken_shouldReturnTheSameJob_andDifferentParametersShouldFail() {
        String first = client.startLabelDetection(b -> b.video(v -> v.s3Object(o -> o.bucket(BUCKET).name("clip.mp4")))
                .clientRequestToken("token-1").minConfidence(50f)).jobId();

        String again = client.startLabelDetection(b -> b.video(v -> v.s3Object(o -> o.bucket(BUCKET).name("clip.mp4")))
                .clientRequestToken("token-1").minConfidence(50f)).jobId();

        assertThat(again).isEqualTo(first);
        assertThatThrownBy(() -> client.startLabelDetection(b -> b.video(v -> v.s3Object(o -> o.bucket(BUCKET).name("clip.mp4")))
                .clientRequestToken("token-1").minConfidence(90f)))
                .isInstanceOf(IdempotentParameterMismatchException.class);
    }

    @Test
    void sameClientRequestToken_withAnotherTopic_shouldBeIdempotentParameterMismatch_whichTheAnalyzerReportsAsReused()
            throws Exception {
        // GIVEN a celebrity job started by the analyzer of one deployment (one SNS topic)
        // Errors of https://docs.aws.amazon.com/rekognition/latest/APIReference/API_StartCelebrityRecognition.html:
        // IdempotentParameterMismatchException when a token is reused with any other parameter.
        var request = new AnalysisRequest(Analysis.CELEBRITIES, 0);
        var object = new ObjectRef(BUCKET, "clip.mp4", null, null, null, null, null, null, null);
        var before = new RekognitionVideoAnalyzer(client, "arn:aws:sns:us-east-1:000000000000:old", "arn:aws:iam::000000000000:role/rk");
        var after = new RekognitionVideoAnalyzer(client, "arn:aws:sns:us-east-1:000000000000:new", "arn:aws:iam::000000000000:role/rk");
        String token = "redeploy-" + System.nanoTime();
        String first = before.start(request, object, token, "celebrities-1");

        // WHEN the redeployed analyzer (another topic) starts with the same token, and the old one again
        // THEN the new topic is refused as a reused token, the old parameters still find the same job
        assertThatThrownBy(() -> after.start(request, object, token, "celebrities-1"))
                .isInstanceOf(TokenReusedException.class)
                .hasCauseInstanceOf(IdempotentParameterMismatchException.class);
        assertThat(before.start(request, object, token, "celebrities-1")).isEqualTo(first);
    }

    @Test
    void start_shouldFailWithInvalidS3Object_whenTheObjectDoesNotExist() {
        assertThatThrownBy(() -> client.startFaceDetection(b -> b.video(v -> v.s3Object(o -> o.bucket(BUCKET).name("missing.mp4")))))
                .isInstanceOf(InvalidS3ObjectException.class);
    }

    /**
     * "The video must be encoded using the H.264 codec. The supported file formats are MPEG-4 and MOV."
     * (https://docs.aws.amazon.com/rekognition/latest/dg/video.html). The Get* reference documents the outcome
     * only as JobStatus FAILED with "a descriptive error message" in StatusMessage
     * (https://docs.aws.amazon.com/rekognition/latest/APIReference/API_GetCelebrityRecognition.html).
     */
    @Test
    void job_shouldFailWithAStatusMessage_whenTheContainerIsMatroska_evenWithH264Inside() {
        String jobId = client.startCelebrityRecognition(b -> b.video(v -> v.s3Object(o -> o.bucket(BUCKET).name("clip.mkv"))))
                .jobId();

        var done = awaitEnd(jobId, () -> client.getCelebrityRecognition(b -> b.jobId(jobId)), r -> r.jobStatus());

        assertThat(done.jobStatus()).isEqualTo(VideoJobStatus.FAILED);
        assertThat(done.statusMessage()).isEqualTo(LocalRekognition.UNSUPPORTED);
        assertThat(done.celebrities()).isEmpty();
    }

    @Test
    void job_shouldFailWithAStatusMessage_whenTheCodecIsNotH264_orTheFileIsNoVideo() {
        String codecJob = client.startTextDetection(b -> b.video(v -> v.s3Object(o -> o.bucket(BUCKET).name("old-codec.mp4")))).jobId();
        String textJob = client.startTextDetection(b -> b.video(v -> v.s3Object(o -> o.bucket(BUCKET).name("notes.txt")))).jobId();

        var codec = awaitEnd(codecJob, () -> client.getTextDetection(b -> b.jobId(codecJob)), r -> r.jobStatus());
        var text = awaitEnd(textJob, () -> client.getTextDetection(b -> b.jobId(textJob)), r -> r.jobStatus());

        assertThat(codec.jobStatus()).isEqualTo(VideoJobStatus.FAILED);
        assertThat(codec.statusMessage()).isEqualTo(LocalRekognition.UNSUPPORTED);
        assertThat(codec.videoMetadata().codec()).isEqualTo("mpeg4");
        assertThat(text.jobStatus()).isEqualTo(VideoJobStatus.FAILED);
        assertThat(text.statusMessage()).isEqualTo(LocalRekognition.UNSUPPORTED);
    }

    @Test
    void start_shouldFailWithLimitExceeded_beyondTheConcurrentJobLimit() {
        // GIVEN an instance allowing 3 concurrent jobs (AWS: 20) whose jobs last an hour: none can end while
        // the test runs, however slowly the machine runs it
        try (LocalRekognition limited = LocalRekognition.start(s3Client, (topic, message) -> { }, Duration.ofHours(1), 3);
                RekognitionClient limitedClient = LocalAws.client(RekognitionClient.builder(), limited.endpoint())) {
            List<String> running = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                running.add(limitedClient.startContentModeration(b -> b.video(v -> v.s3Object(o -> o.bucket(BUCKET).name("clip.mp4")))).jobId());
            }

            // WHEN / THEN a fourth is refused, and the three go on
            assertThatThrownBy(() -> limitedClient.startContentModeration(b -> b.video(v -> v.s3Object(o -> o.bucket(BUCKET).name("clip.mp4")))))
                    .isInstanceOf(LimitExceededException.class);
            assertThat(running).allSatisfy(jobId -> assertThat(limitedClient.getContentModeration(b -> b.jobId(jobId))
                    .jobStatus()).isEqualTo(VideoJobStatus.IN_PROGRESS));
        }
    }

    @Test
    void endedJob_shouldFreeItsPlace_underTheConcurrentJobLimit() {
        // GIVEN an instance allowing one job at a time, and a job it reports as ended
        try (LocalRekognition single = LocalRekognition.start(s3Client, (topic, message) -> { }, Duration.ofMillis(50), 1);
                RekognitionClient singleClient = LocalAws.client(RekognitionClient.builder(), single.endpoint())) {
            String first = singleClient.startLabelDetection(b -> b.video(v -> v.s3Object(o -> o.bucket(BUCKET).name("clip.mp4")))).jobId();
            Await.until("job " + first + " to end", () -> singleClient.getLabelDetection(b -> b.jobId(first)).jobStatus(),
                    status -> status != VideoJobStatus.IN_PROGRESS);

            // WHEN another job starts
            String second = singleClient.startLabelDetection(b -> b.video(v -> v.s3Object(o -> o.bucket(BUCKET).name("clip.mp4")))).jobId();

            // THEN it is accepted as a new job
            assertThat(second).isNotEqualTo(first);
        }
    }

    @Test
    void cannedDetections_shouldBePagedAndSorted_asRequested() throws Exception {
        // GIVEN a sidecar with three detections, out of order
        s3Client.putObject(b -> b.bucket(BUCKET).key("talk.mp4"), RequestBody.fromFile(FIXTURES.path(Fixture.MP4_MOOV_AT_END)));
        s3Client.putObject(b -> b.bucket(BUCKET).key("talk.mp4.rekognition.json"), RequestBody.fromString("""
                {"Celebrities": [
                  {"Timestamp": 900, "Celebrity": {"Id": "b", "Name": "Bea", "Confidence": 99.0}},
                  {"Timestamp": 100, "Celebrity": {"Id": "c", "Name": "Cy", "Confidence": 98.0}},
                  {"Timestamp": 500, "Celebrity": {"Id": "a", "Name": "Al", "Confidence": 97.0}}
                ]}"""));
        String jobId = client.startCelebrityRecognition(b -> b.video(v -> v.s3Object(o -> o.bucket(BUCKET).name("talk.mp4")))).jobId();
        awaitCelebrities(jobId);

        // WHEN paging two at a time, by timestamp (the default) and by id
        var firstPage = client.getCelebrityRecognition(b -> b.jobId(jobId).maxResults(2));
        var secondPage = client.getCelebrityRecognition(b -> b.jobId(jobId).maxResults(2).nextToken(firstPage.nextToken()));
        var byId = client.getCelebrityRecognition(b -> b.jobId(jobId).sortBy(CelebrityRecognitionSortBy.ID));

        // THEN
        assertThat(firstPage.celebrities()).extracting(c -> c.timestamp()).containsExactly(100L, 500L);
        assertThat(firstPage.nextToken()).isNotBlank();
        assertThat(secondPage.celebrities()).extracting(c -> c.celebrity().name()).containsExactly("Bea");
        assertThat(secondPage.nextToken()).isNull();
        assertThat(byId.celebrities()).extracting(c -> c.celebrity().id()).containsExactly("a", "b", "c");
    }

    @Test
    void segmentDetection_shouldReturnVideoMetadataAsAList() {
        String jobId = client.startSegmentDetection(b -> b.video(v -> v.s3Object(o -> o.bucket(BUCKET).name("clip.mp4")))
                .segmentTypes(SegmentType.SHOT)).jobId();

        var done = awaitEnd(jobId, () -> client.getSegmentDetection(b -> b.jobId(jobId)), r -> r.jobStatus());

        assertThat(done.jobStatus()).isEqualTo(VideoJobStatus.SUCCEEDED);
        assertThat(done.videoMetadata()).singleElement().satisfies(m -> assertThat(m.codec()).isEqualTo("h264"));
        assertThat(done.segments()).isEmpty();
    }

    @Test
    void startCelebrityRecognition_shouldBeMissingAuthenticationToken_whenUnsigned() throws Exception {
        // GIVEN a Start request as a page (or a hand-written client) would send it: no SigV4 signature
        HttpRequest request = HttpRequest.newBuilder(URI.create(rekognition.endpoint() + "/"))
                .header("X-Amz-Target", "RekognitionService.StartCelebrityRecognition")
                .header("Content-Type", "application/x-amz-json-1.1")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"Video\":{\"S3Object\":{\"Bucket\":\"" + BUCKET + "\",\"Name\":\"none.mp4\"}}}"))
                .build();

        // WHEN it is sent
        HttpResponse<String> response;
        try (HttpClient http = HttpClient.newHttpClient()) {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        }

        // THEN the common error, 403 (https://docs.aws.amazon.com/rekognition/latest/APIReference/CommonErrors.html)
        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(response.body()).path("__type").asText()).isEqualTo("MissingAuthenticationToken");
    }

    private static GetCelebrityRecognitionResponse awaitCelebrities(String jobId) {
        return awaitEnd(jobId, () -> client.getCelebrityRecognition(b -> b.jobId(jobId)),
                GetCelebrityRecognitionResponse::jobStatus);
    }

    private static <T> T awaitEnd(String jobId, Supplier<T> get, Function<T, VideoJobStatus> status) {
        return Await.until("job " + jobId + " to end", get, r -> status.apply(r) != VideoJobStatus.IN_PROGRESS);
    }

    private static void awaitPublished() {
        Await.until("a completion message", () -> !published.isEmpty());
    }
}
