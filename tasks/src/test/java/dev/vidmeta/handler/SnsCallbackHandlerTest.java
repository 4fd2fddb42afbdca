package dev.vidmeta.handler;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vidmeta.analysis.Analysis;
import dev.vidmeta.analysis.AnalysisAdmission;
import dev.vidmeta.analysis.AnalysisRequest;
import dev.vidmeta.analysis.AnalysisStarter;
import dev.vidmeta.analysis.JobCompletion;
import dev.vidmeta.analysis.JobState;
import dev.vidmeta.analysis.WaitingList;
import dev.vidmeta.record.ObjectRef;
import dev.vidmeta.record.ResultLocation;
import dev.vidmeta.testing.Fakes;
import dev.vidmeta.testing.RepoFiles;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The callback reads the SNS event Lambda receives ("Using Lambda with Amazon SNS", event example,
 * https://docs.aws.amazon.com/lambda/latest/dg/with-sns.html) whose Message is Rekognition's completion status
 * ("Calling Amazon Rekognition Video operations", https://docs.aws.amazon.com/rekognition/latest/dg/api-video.html):
 * the payloads in {@code events/}.
 */
class SnsCallbackHandlerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String JOB_ID = "6de014b0-2121-4bf0-9e31-856a18719e22";
    private static final ObjectRef OBJECT = new ObjectRef("vidmeta-uploads-111122223333", "uploads/2026/keynote.mp4",
            "IYV3p45BT0ac8hjHg1houSdS1a.Mro8e", "b1946ac92492d2347c6235b4d2611184", 31457280L, "617f08299329d189",
            null, null, null);
    private static final Instant REGISTERED = Instant.parse("2026-11-21T05:12:47Z");
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-21T05:15:13Z"), ZoneOffset.UTC);

    private final Fakes.TaskTokens tokens = new Fakes.TaskTokens();
    private final Fakes.Callbacks callbacks = new Fakes.Callbacks();
    private final Fakes.Rekognition rekognition = new Fakes.Rekognition();
    private final ByteArrayOutputStream emf = new ByteArrayOutputStream();
    private final Fakes.Waiting waiting = new Fakes.Waiting();
    private final SnsCallbackHandler handler = new SnsCallbackHandler(
            new AnalysisStarter(rekognition, (object, length) -> new byte[0], tokens,
                    new JobCompletion(rekognition, tokens, callbacks, new Fakes.Results("results"),
                            new ResultLocation("results", ""), AnalysisRequest.parseList("celebrities"), CLOCK),
                    new AnalysisAdmission(new Fakes.Slots(), waiting, callbacks, rekognition,
                            List.of(Analysis.CELEBRITIES), 20, Duration.ofHours(4), 3600, CLOCK),
                    AnalysisRequest.parseList("celebrities"), 3600, CLOCK),
            new EmfMetrics(new PrintStream(emf, true, StandardCharsets.UTF_8), CLOCK));

    private JsonNode handle(String event) throws Exception {
        return Invocations.invoke(handler, event);
    }

    private void waitsForTheJob(String jobId) {
        tokens.register("w1", "token-1", OBJECT, Map.of(jobId, Analysis.CELEBRITIES), Map.of(),
                REGISTERED.toEpochMilli(), REGISTERED.getEpochSecond() + 3600);
    }

    @Test
    void handleRequest_shouldSendTaskSuccess_withTheSummary_whenTheJobSucceeded() throws Exception {
        // GIVEN an execution waiting for the job the notification names
        waitsForTheJob(JOB_ID);
        rekognition.finish(JOB_ID, new JobState("SUCCEEDED", null),
                RepoFiles.event("rekognition-get-celebrity-recognition.json"));

        // WHEN SNS delivers Rekognition's notification
        JsonNode output = handle(RepoFiles.text("events/rekognition-sns-succeeded.json"));

        // THEN SendTaskSuccess carries every celebrity, strongest first, and where the full results are
        assertThat(output).isEqualTo(JSON.readTree("{\"handled\": 1}"));
        assertThat(callbacks.sent()).singleElement().satisfies(sent -> {
            assertThat(sent.taskToken()).isEqualTo("token-1");
            assertThat(JSON.readTree(sent.output())).isEqualTo(JSON.readTree("""
                    {"status": "OK", "analyses": {"celebrities": {"jobId": "6de014b0-2121-4bf0-9e31-856a18719e22",
                      "status": "OK", "resultsUri": "s3://results/vidmeta-uploads-111122223333/uploads/2026/keynote.mp4/IYV3p45BT0ac8hjHg1houSdS1a.Mro8e/rekognition/celebrities.json",
                      "summary": {"videoMetadata": {"Codec": "h264", "DurationMillis": 67301, "Format": "QuickTime / MOV",
                        "FrameRate": 29.97, "FrameHeight": 720, "FrameWidth": 1280, "ColorRange": "LIMITED"},
                       "distinct": 2, "truncated": false, "celebrities": [
                        {"name": "Werner Vogels", "id": "23iZ1oP", "urls": ["www.wikidata.org/wiki/Q2536951"],
                         "maxConfidence": 99.95, "firstSeenMs": 0, "lastSeenMs": 61000, "appearances": 3},
                        {"name": "Jane Example", "id": "1ZB4pV",
                         "urls": ["www.wikidata.org/wiki/Q99999999", "www.imdb.com/name/nm0000000"],
                         "maxConfidence": 97.12, "firstSeenMs": 2002, "lastSeenMs": 2002, "appearances": 1}]}}}}
                    """));
        });
        // AND one EMF line: the wait since the token was stored, and a succeeded job
        JsonNode line = JSON.readTree(emf.toString(StandardCharsets.UTF_8));
        assertThat(line.path("Function").asText()).isEqualTo("SnsCallback");
        assertThat(line.path("RekognitionJobWaitTime").asDouble()).isEqualTo(146_000.0);
        assertThat(line.path("RekognitionJobsSucceeded").asDouble()).isEqualTo(1.0);
    }

    @Test
    void handleRequest_shouldWakeAWaiter_whenTheLeaseSweepScheduleFires() throws Exception {
        // GIVEN an execution waiting for a slot, and free slots (nothing else will drain: no job ends)
        waiting.add(new WaitingList.Waiter("w9", "token-9", "arn:aws:states:eu-west-1:111122223333:execution:vidmeta:e9",
                OBJECT, REGISTERED.toEpochMilli(), REGISTERED.getEpochSecond() + 3600));

        // WHEN EventBridge's schedule invokes the function
        JsonNode output = handle(RepoFiles.text("events/eventbridge-scheduled-event.json"));

        // THEN it drained: the waiter's job started under its token, and nothing was answered yet
        assertThat(output).isEqualTo(JSON.readTree("{\"reconciled\": 0, \"woken\": 1}"));
        assertThat(rekognition.starts()).extracting(Fakes.Rekognition.Start::uri).containsExactly(OBJECT.uri());
        assertThat(tokens.registrations()).extracting(Fakes.TaskTokens.Registration::taskToken)
                .containsExactly("token-9");
        assertThat(waiting.all()).isEmpty();
        assertThat(callbacks.sent()).isEmpty();
    }

    @Test
    void handleRequest_shouldFailTheTask_withTheStatusMessageFromGet_whenTheJobFailed() throws Exception {
        waitsForTheJob("a3b2c1d0-7e6f-4a5b-9c8d-0e1f2a3b4c5d");
        rekognition.finish("a3b2c1d0-7e6f-4a5b-9c8d-0e1f2a3b4c5d",
                new JobState("FAILED", "Access denied to the S3 object"), null);

        JsonNode output = handle(RepoFiles.text("events/rekognition-sns-failed.json"));

        assertThat(output).isEqualTo(JSON.readTree("{\"handled\": 1}"));
        assertThat(callbacks.sent()).containsExactly(new Fakes.Callbacks.Sent("token-1", null,
                "RekognitionJobFailed", "celebrities: Access denied to the S3 object"));
        assertThat(JSON.readTree(emf.toString(StandardCharsets.UTF_8)).path("RekognitionJobsFailed").asDouble())
                .isEqualTo(1.0);
    }

    /**
     * SNS and Lambda's asynchronous invocation deliver at least once ("Amazon SNS message delivery retries",
     * https://docs.aws.amazon.com/sns/latest/dg/sns-message-delivery-retries.html; "How Lambda handles errors and
     * retries with asynchronous invocation",
     * https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html), and the local runtime
     * delivers again what a crash cut off: the same event may come twice.
     */
    @Test
    void handleRequest_shouldAnswerTheTaskOnce_whenTheSameNotificationIsDeliveredTwice() throws Exception {
        // GIVEN an execution waiting for the job, and the notification delivered once
        waitsForTheJob(JOB_ID);
        rekognition.finish(JOB_ID, new JobState("SUCCEEDED", null),
                RepoFiles.event("rekognition-get-celebrity-recognition.json"));
        String event = RepoFiles.text("events/rekognition-sns-succeeded.json");
        handle(event);

        // WHEN the same event is delivered again
        JsonNode again = handle(event);

        // THEN it is acknowledged, and the task was answered by the first delivery only
        assertThat(again).isEqualTo(JSON.readTree("{\"handled\": 1}"));
        assertThat(callbacks.sent()).singleElement().extracting(Fakes.Callbacks.Sent::taskToken).isEqualTo("token-1");
        assertThat(tokens.markedSent()).containsExactly("w1");
    }

    @Test
    void handleRequest_shouldAcknowledgeWithoutAnswering_whenTheMessageIsNotARekognitionNotification() throws Exception {
        waitsForTheJob(JOB_ID);
        String event = RepoFiles.text("events/rekognition-sns-succeeded.json")
                .replaceFirst("\"Message\": \"[^\\n]*\",", "\"Message\": \"not json\",");

        JsonNode output = handle(event);

        assertThat(output).isEqualTo(JSON.readTree("{\"handled\": 0}"));
        assertThat(callbacks.sent()).isEmpty();
        assertThat(rekognition.reads()).isEmpty();
        assertThat(emf.size()).isZero();
    }
}
