package dev.vidmeta.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vidmeta.local.lambda.LocalFunction;
import dev.vidmeta.local.sns.LocalSns;
import dev.vidmeta.probe.Fixtures;
import dev.vidmeta.probe.Fixtures.Fixture;
import dev.vidmeta.testing.Await;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.rekognition.RekognitionClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The runtime takes up, after a restart on its work dir, the Rekognition job a stop cut off: the job still ends
 * and its completion still reaches the subscribed function through SNS and Lambda ("Calling Amazon Rekognition
 * Video operations", https://docs.aws.amazon.com/rekognition/latest/dg/api-video.html: the completion status is
 * published to the NotificationChannel's topic). The runtime is closed, not killed, here; what a kill -9 leaves is
 * the same on disk, since nothing is written on close (cli's LocalUpCrashIT kills a real process).
 */
class LocalRuntimeRestartIT {

    private static final Fixtures FIXTURES = Fixtures.inTarget();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOPIC = "AmazonRekognition-vidmeta";

    @TempDir
    Path workDir;

    private static LocalDeployment deployment(List<String> callbackPayloads) {
        return LocalDeployment.builder()
                .bucket("uploads", true)
                .topic(TOPIC)
                .function(LocalFunction.of("rekognition-callback", env -> (RequestStreamHandler) (in, out, ctx) ->
                        callbackPayloads.add(new String(in.readAllBytes(), StandardCharsets.UTF_8)), Map.of()))
                .subscription(TOPIC, "rekognition-callback")
                .build();
    }

    private LocalRuntime.Options options(Duration rekognitionJob) {
        return LocalRuntime.Options.defaults(workDir).withRekognitionJobDuration(rekognitionJob)
                .withSnsDelivery(LocalSns.DeliveryPolicy.fast());
    }

    @Test
    void rekognitionJobRunningAtAStop_shouldStillNotifyTheSubscribedFunction_afterTheRestart() throws Exception {
        // GIVEN a job, due 5 s after it starts, that notifies the deployed topic, and a runtime stopped before then
        List<String> beforeTheStop = new CopyOnWriteArrayList<>();
        String jobId;
        try (var runtime = LocalRuntime.start(deployment(beforeTheStop), options(Duration.ofSeconds(5)));
                var s3 = LocalAws.client(S3Client.builder().forcePathStyle(true), runtime.endpoints().get("S3"));
                var rekognition = LocalAws.client(RekognitionClient.builder(), runtime.endpoints().get("REKOGNITION"))) {
            s3.putObject(b -> b.bucket("uploads").key("in/clip.mp4"),
                    RequestBody.fromFile(FIXTURES.path(Fixture.MP4_MOOV_AT_END)));
            jobId = rekognition.startCelebrityRecognition(b -> b
                    .video(v -> v.s3Object(o -> o.bucket("uploads").name("in/clip.mp4")))
                    .notificationChannel(n -> n.snsTopicArn(LocalAws.arn("sns", TOPIC))
                            .roleArn(LocalAws.roleArn("rekognition")))
                    .jobTag("celebrities")).jobId();
        }
        assertThat(beforeTheStop).as("the job ended before the stop; the machine is too slow for this test").isEmpty();

        // WHEN the runtime starts again on the work dir, with jobs that would now last an hour
        List<String> afterTheRestart = new CopyOnWriteArrayList<>();
        try (var runtime = LocalRuntime.start(deployment(afterTheRestart), options(Duration.ofHours(1)))) {
            // THEN the job ends by its first due time, and the function receives its completion
            Await.until("the callback function's invocation", Duration.ofSeconds(60), () -> List.copyOf(afterTheRestart),
                    payloads -> !payloads.isEmpty());
            JsonNode message = JSON.readTree(JSON.readTree(afterTheRestart.getFirst()).at("/Records/0/Sns/Message")
                    .asText());
            assertThat(message.get("JobId").asText()).isEqualTo(jobId);
            assertThat(message.get("Status").asText()).isEqualTo("SUCCEEDED");
            assertThat(message.get("JobTag").asText()).isEqualTo("celebrities");
        }
    }
}
