package dev.vidmeta.local.rekognition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vidmeta.local.LocalAws;
import dev.vidmeta.local.s3.LocalS3;
import dev.vidmeta.probe.Fixtures;
import dev.vidmeta.probe.Fixtures.Fixture;
import dev.vidmeta.testing.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.rekognition.RekognitionClient;
import software.amazon.awssdk.services.rekognition.model.GetLabelDetectionResponse;
import software.amazon.awssdk.services.rekognition.model.IdempotentParameterMismatchException;
import software.amazon.awssdk.services.rekognition.model.StartLabelDetectionRequest;
import software.amazon.awssdk.services.rekognition.model.VideoJobStatus;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The local Rekognition on a state directory, stopped and started again on it as a crashed {@code local up} is
 * (closing writes nothing; the journal holds what it held at the moment the process died). On AWS a job, once its
 * JobId is returned, runs to its end and publishes its completion status to the NotificationChannel's topic
 * ("Calling Amazon Rekognition Video operations", https://docs.aws.amazon.com/rekognition/latest/dg/api-video.html),
 * and "If you use the same token with multiple StartLabelDetection requests, the same JobId is returned"
 * (ClientRequestToken, https://docs.aws.amazon.com/rekognition/latest/APIReference/API_StartLabelDetection.html).
 */
class LocalRekognitionRestartIT {

    private static final Fixtures FIXTURES = Fixtures.inTarget();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BUCKET = "videos";
    private static final String TOPIC = "arn:aws:sns:us-east-1:000000000000:rk";

    @TempDir
    static Path s3Dir;

    @TempDir
    Path stateDir;

    static LocalS3 s3;
    static S3Client s3Client;
    final List<String> published = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startS3() {
        s3 = LocalS3.start(s3Dir, e -> { });
        s3.createBucket(BUCKET, true);
        s3Client = LocalAws.client(S3Client.builder().forcePathStyle(true), s3.endpoint());
        s3Client.putObject(b -> b.bucket(BUCKET).key("clip.mp4"), RequestBody.fromFile(FIXTURES.path(Fixture.MP4_MOOV_AT_END)));
    }

    @AfterAll
    static void stopS3() {
        s3Client.close();
        s3.close();
    }

    private LocalRekognition start(Duration jobDuration) {
        return LocalRekognition.start(stateDir, s3Client, (topic, message) -> published.add(message), jobDuration);
    }

    private static StartLabelDetectionRequest labels(String token, float minConfidence) {
        return StartLabelDetectionRequest.builder().video(v -> v.s3Object(o -> o.bucket(BUCKET).name("clip.mp4")))
                .clientRequestToken(token).minConfidence(minConfidence).jobTag("labels-" + token)
                .notificationChannel(n -> n.snsTopicArn(TOPIC).roleArn("arn:aws:iam::000000000000:role/rk")).build();
    }

    @Test
    void runningJob_shouldEndAtItsOriginalDueTime_andStillNotify_afterARestart() throws Exception {
        // GIVEN a job due 2 s after its start, whose process stops before then
        String jobId;
        long started = System.currentTimeMillis();
        try (LocalRekognition first = start(Duration.ofSeconds(2));
                RekognitionClient client = LocalAws.client(RekognitionClient.builder(), first.endpoint())) {
            jobId = client.startLabelDetection(labels("token-1", 50f)).jobId();
        }
        assertThat(published).isEmpty();

        // WHEN the next run, whose own jobs would last an hour, starts on the same directory
        try (LocalRekognition next = start(Duration.ofHours(1));
                RekognitionClient client = LocalAws.client(RekognitionClient.builder(), next.endpoint())) {
            // THEN before it resumes, the job is there, running, and its token finds it
            assertThat(client.getLabelDetection(b -> b.jobId(jobId)).jobStatus()).isEqualTo(VideoJobStatus.IN_PROGRESS);
            assertThat(client.startLabelDetection(labels("token-1", 50f)).jobId()).isEqualTo(jobId);

            // AND once resumed it ends by its first due time, not an hour later, and publishes its completion
            next.resumeJobs();
            Await.until("the completion of job " + jobId, Duration.ofSeconds(60), () -> List.copyOf(published),
                    messages -> !messages.isEmpty());
            JsonNode message = JSON.readTree(published.getFirst());
            assertThat(message.get("JobId").asText()).isEqualTo(jobId);
            assertThat(message.get("Status").asText()).isEqualTo("SUCCEEDED");
            assertThat(message.get("API").asText()).isEqualTo("StartLabelDetection");
            assertThat(message.get("JobTag").asText()).isEqualTo("labels-token-1");
            assertThat(message.get("Timestamp").asLong()).isGreaterThanOrEqualTo(started + 2_000);
            GetLabelDetectionResponse done = client.getLabelDetection(b -> b.jobId(jobId));
            assertThat(done.jobStatus()).isEqualTo(VideoJobStatus.SUCCEEDED);
            assertThat(done.videoMetadata().codec()).isEqualTo("h264");
        }
    }

    @Test
    void endedJobsBeyondTheMemoryBound_shouldLeaveMemory_yetStillAnswerGet_andTheirToken() throws Exception {
        // GIVEN an instance that keeps one ended job in memory, and two jobs that ended
        try (LocalRekognition bounded = LocalRekognition.startKeepingInMemory(stateDir, s3Client,
                (topic, message) -> published.add(message), Duration.ofMillis(50), 1);
                RekognitionClient client = LocalAws.client(RekognitionClient.builder(), bounded.endpoint())) {
            String older = client.startLabelDetection(labels("token-3", 50f)).jobId();
            Await.until("the completion of job " + older, Duration.ofSeconds(60), () -> List.copyOf(published),
                    messages -> messages.size() == 1);
            String newer = client.startLabelDetection(labels("token-4", 50f)).jobId();
            Await.until("the completion of job " + newer, Duration.ofSeconds(60), () -> List.copyOf(published),
                    messages -> messages.size() == 2);

            // WHEN / THEN memory holds the newer one only
            Await.until("the older job to leave memory", Duration.ofSeconds(60), bounded::jobsInMemory, n -> n == 1);
            // AND the older one still answers Get* and its token, from the journal
            assertThat(client.getLabelDetection(b -> b.jobId(older)).jobStatus()).isEqualTo(VideoJobStatus.SUCCEEDED);
            assertThat(client.startLabelDetection(labels("token-3", 50f)).jobId()).isEqualTo(older);
            assertThat(client.getLabelDetection(b -> b.jobId(newer)).jobStatus()).isEqualTo(VideoJobStatus.SUCCEEDED);
        }
    }

    @Test
    void endedJob_shouldStillAnswerGet_andItsToken_afterARestart_withoutNotifyingAgain() throws Exception {
        // GIVEN a job that ended and notified
        String jobId;
        GetLabelDetectionResponse before;
        try (LocalRekognition first = start(Duration.ofMillis(50));
                RekognitionClient client = LocalAws.client(RekognitionClient.builder(), first.endpoint())) {
            jobId = client.startLabelDetection(labels("token-2", 60f)).jobId();
            Await.until("the completion of job " + jobId, Duration.ofSeconds(60), () -> List.copyOf(published),
                    messages -> !messages.isEmpty());
            before = client.getLabelDetection(b -> b.jobId(jobId));
        }

        // WHEN the next run starts on the same directory and resumes
        try (LocalRekognition next = start(Duration.ofMillis(50));
                RekognitionClient client = LocalAws.client(RekognitionClient.builder(), next.endpoint())) {
            next.resumeJobs();

            // THEN Get* answers as before the restart
            assertThat(client.getLabelDetection(b -> b.jobId(jobId))).isEqualTo(before);
            // AND the token still returns the job, and still refuses other parameters
            assertThat(client.startLabelDetection(labels("token-2", 60f)).jobId()).isEqualTo(jobId);
            assertThatThrownBy(() -> client.startLabelDetection(labels("token-2", 90f)))
                    .isInstanceOf(IdempotentParameterMismatchException.class);
        }
        // AND the ended job did not notify a second time
        assertThat(published).hasSize(1);
    }
}
