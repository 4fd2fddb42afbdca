package dev.vidmeta.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vidmeta.record.JsonSize;
import dev.vidmeta.record.ObjectRef;
import dev.vidmeta.record.ResultLocation;
import dev.vidmeta.testing.Fakes.Callbacks.Sent;
import dev.vidmeta.testing.Fakes;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A finished Rekognition job, as its SNS notification reports it, completes the tasks waiting on it with
 * SendTaskSuccess or SendTaskFailure (Step Functions developer guide, "Wait for a Callback with Task Token",
 * https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html#connect-wait-token). SNS, and
 * Lambda's asynchronous invocation, deliver at least once, so a notification may come twice
 * (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html).
 */
class JobCompletionTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectRef OBJECT = new ObjectRef("uploads", "clips/a.mp4", "v1", "etag1", 10L,
            "617f08299329d189", null, null, null);
    private static final ResultLocation LOCATION = new ResultLocation("results", "vidmeta/");
    private static final Instant REGISTERED = Instant.parse("2026-12-03T05:00:00Z");
    private static final Clock CLOCK = Clock.fixed(REGISTERED.plusSeconds(42), ZoneOffset.UTC);
    private static final JobState SUCCEEDED = new JobState("SUCCEEDED", null);

    private final Fakes.TaskTokens tokens = new Fakes.TaskTokens();
    private final Fakes.Callbacks callbacks = new Fakes.Callbacks();
    private final Fakes.Results results = new Fakes.Results("results");
    private final Fakes.Rekognition rekognition = new Fakes.Rekognition();

    private JobCompletion completion(String analyses) {
        return new JobCompletion(rekognition, tokens, callbacks, results, LOCATION, AnalysisRequest.parseList(analyses),
                CLOCK);
    }

    private void waits(String waiterId, String taskToken, Map<String, Analysis> jobs) {
        tokens.register(waiterId, taskToken, OBJECT, jobs, Map.of(), REGISTERED.toEpochMilli(),
                REGISTERED.getEpochSecond() + 3600);
    }

    /** Execution "w1" (token "token-1") waits for celebrity job "job-1", which succeeded. */
    private void celebrityJobSucceeded() throws Exception {
        waits("w1", "token-1", Map.of("job-1", Analysis.CELEBRITIES));
        rekognition.finish("job-1", SUCCEEDED, vogelsTwice());
    }

    /** A Get* response with one celebrity seen twice, in Rekognition's field names. */
    private static JsonNode vogelsTwice() throws Exception {
        return JSON.readTree("""
                {"JobStatus": "SUCCEEDED", "VideoMetadata": {"Codec": "h264", "DurationMillis": 67301},
                 "Celebrities": [
                  {"Timestamp": 0, "Celebrity": {"Name": "Werner Vogels", "Id": "23iZ1oP", "Confidence": 99.87,
                   "Urls": ["www.wikidata.org/wiki/Q2536951"]}},
                  {"Timestamp": 1001, "Celebrity": {"Name": "Werner Vogels", "Id": "23iZ1oP", "Confidence": 99.95,
                   "Urls": ["www.wikidata.org/wiki/Q2536951"]}}]}""");
    }

    private static final String VOGELS_RESULT = """
            {"jobId": "job-1", "status": "OK",
             "resultsUri": "s3://results/vidmeta/uploads/clips/a.mp4/v1/rekognition/celebrities.json",
             "summary": {"videoMetadata": {"Codec": "h264", "DurationMillis": 67301}, "distinct": 1,
              "truncated": false, "celebrities": [{"name": "Werner Vogels", "id": "23iZ1oP",
               "urls": ["www.wikidata.org/wiki/Q2536951"], "maxConfidence": 99.95, "firstSeenMs": 0,
               "lastSeenMs": 1001, "appearances": 2}]}}""";

    @Test
    void onJobFinished_shouldSendTheSummary_andKeepTheFullResults_whenTheWaitersOnlyJobSucceeds() throws Exception {
        // GIVEN one execution waiting for its celebrity job, which succeeded
        celebrityJobSucceeded();

        // WHEN its notification arrives
        JobCompletion.Handled handled = completion("celebrities").onJobFinished("job-1", SUCCEEDED);

        // THEN the full Get* result is kept in S3, and SendTaskSuccess carries the summary and where the rest is
        assertThat(results.documents()).containsOnlyKeys("vidmeta/uploads/clips/a.mp4/v1/rekognition/celebrities.json");
        assertThat(JSON.readTree(results.documents().values().iterator().next())).isEqualTo(vogelsTwice());
        assertThat(callbacks.sent()).singleElement().satisfies(sent -> {
            assertThat(sent.taskToken()).isEqualTo("token-1");
            assertThat(sent.error()).isNull();
            assertThat(JSON.readTree(sent.output())).isEqualTo(JSON.readTree(
                    "{\"status\": \"OK\", \"analyses\": {\"celebrities\": " + VOGELS_RESULT + "}}"));
        });
        assertThat(tokens.markedSent()).containsExactly("w1");
        assertThat(handled).isEqualTo(new JobCompletion.Handled(1, 1, 42_000));
    }

    @Test
    void onJobFinished_shouldAnswerOnlyOnceEveryJobIsIn_whenTheExecutionWaitsForTwoJobs() throws Exception {
        waits("w1", "token-1", Map.of("job-1", Analysis.CELEBRITIES, "job-2", Analysis.LABELS));
        rekognition.finish("job-1", SUCCEEDED, vogelsTwice())
                .finish("job-2", new JobState("FAILED", "Access denied to the S3 object"), null);
        JobCompletion completion = completion("celebrities,labels");

        // WHEN the first job's notification arrives
        JobCompletion.Handled first = completion.onJobFinished("job-1", SUCCEEDED);

        // THEN nothing is sent yet, but the result is recorded for the waiter
        assertThat(first.answered()).isZero();
        assertThat(callbacks.sent()).isEmpty();
        assertThat(tokens.resultsOf("w1")).containsOnlyKeys("celebrities");

        // WHEN the second (a failure) arrives: the task succeeds with what one analysis found, the other FAILED
        JobCompletion.Handled second = completion.onJobFinished("job-2",
                new JobState("FAILED", "Access denied to the S3 object"));

        assertThat(second.answered()).isEqualTo(1);
        assertThat(callbacks.sent()).singleElement().satisfies(sent -> assertThat(JSON.readTree(sent.output()))
                .isEqualTo(JSON.readTree("{\"status\": \"OK\", \"analyses\": {\"celebrities\": " + VOGELS_RESULT
                        + ", \"labels\": {\"jobId\": \"job-2\", \"status\": \"FAILED\","
                        + " \"reason\": \"Access denied to the S3 object\"}}}")));
        // the notification carried the message: no Get* call for it
        assertThat(rekognition.reads()).containsExactly("results celebrities job-1");
    }

    @Test
    void onJobFinished_shouldSendNothingAgain_whenTheNotificationIsRedelivered() throws Exception {
        celebrityJobSucceeded();
        JobCompletion completion = completion("celebrities");
        completion.onJobFinished("job-1", SUCCEEDED);

        // WHEN the same notification comes again
        JobCompletion.Handled again = completion.onJobFinished("job-1", SUCCEEDED);

        // THEN the task is not answered a second time
        assertThat(again).isEqualTo(new JobCompletion.Handled(1, 0, 42_000));
        assertThat(callbacks.sent()).hasSize(1);
        assertThat(tokens.markedSent()).containsExactly("w1");
    }

    @Test
    void onJobFinished_shouldSendTheFirstRecordedResult_whenTheFirstDeliveryStoppedBeforeAnswering() throws Exception {
        // GIVEN a first delivery recorded its result, then failed before SendTaskSuccess (the invocation is retried)
        waits("w1", "token-1", Map.of("job-1", Analysis.CELEBRITIES));
        String firstResult = "{\"jobId\":\"job-1\",\"status\":\"OK\",\"resultsUri\":\"s3://results/first\"}";
        tokens.recordResult("w1", "job-1", Analysis.CELEBRITIES, firstResult);
        rekognition.finish("job-1", SUCCEEDED, vogelsTwice());

        // WHEN the notification is delivered again
        JobCompletion.Handled handled = completion("celebrities").onJobFinished("job-1", SUCCEEDED);

        // THEN the answer that was never delivered is sent, with the result the first delivery recorded
        assertThat(handled.answered()).isEqualTo(1);
        assertThat(callbacks.sent()).singleElement().satisfies(sent -> assertThat(JSON.readTree(sent.output()))
                .isEqualTo(JSON.readTree("{\"status\": \"OK\", \"analyses\": {\"celebrities\": " + firstResult + "}}")));
        assertThat(tokens.resultsOf("w1")).containsExactly(Map.entry("celebrities", firstResult));
    }

    @Test
    void onJobFinished_shouldAcknowledgeWithoutReadingResults_whenNobodyWaitsForTheJob() {
        JobCompletion.Handled handled = completion("celebrities").onJobFinished("job-unknown", SUCCEEDED);

        assertThat(handled).isEqualTo(new JobCompletion.Handled(0, 0, -1));
        assertThat(rekognition.reads()).isEmpty();
        assertThat(results.documents()).isEmpty();
        assertThat(callbacks.sent()).isEmpty();
    }

    @Test
    void onJobFinished_shouldAcknowledge_whenTheWaitersTokenExpired() throws Exception {
        // GIVEN the waiter's item expired (TTL) while its job row is still there
        celebrityJobSucceeded();
        tokens.expire("w1");

        JobCompletion.Handled handled = completion("celebrities").onJobFinished("job-1", SUCCEEDED);

        // THEN nothing is sent and nothing is thrown: a retry could never succeed
        assertThat(handled).isEqualTo(new JobCompletion.Handled(1, 0, 42_000));
        assertThat(callbacks.sent()).isEmpty();
        assertThat(tokens.markedSent()).isEmpty();
    }

    @Test
    void onJobFinished_shouldMarkTheAnswerSent_whenTheTaskNoLongerWaits() throws Exception {
        // GIVEN Step Functions answers TaskTimedOut (or TaskDoesNotExist) for the token: the task is gone
        celebrityJobSucceeded();
        callbacks.gone("token-1");
        JobCompletion completion = completion("celebrities");

        // WHEN the notification arrives, and again
        completion.onJobFinished("job-1", SUCCEEDED);
        completion.onJobFinished("job-1", SUCCEEDED);

        // THEN one attempt, marked sent so that redeliveries stop there
        assertThat(callbacks.sent()).hasSize(1);
        assertThat(tokens.markedSent()).containsExactly("w1");
    }

    @Test
    void onJobFinished_shouldAnswerEveryExecution_whenDuplicatedEventsWaitForTheSameJob() throws Exception {
        waits("w1", "token-1", Map.of("job-1", Analysis.CELEBRITIES));
        waits("w2", "token-2", Map.of("job-1", Analysis.CELEBRITIES));
        rekognition.finish("job-1", SUCCEEDED, vogelsTwice());

        JobCompletion.Handled handled = completion("celebrities").onJobFinished("job-1", SUCCEEDED);

        // THEN the results are read once, and each execution gets the same answer under its own token
        assertThat(handled).isEqualTo(new JobCompletion.Handled(2, 2, 42_000));
        assertThat(rekognition.reads()).containsExactly("results celebrities job-1");
        assertThat(callbacks.sent()).extracting(Sent::taskToken).containsExactly("token-1", "token-2");
        assertThat(callbacks.sent().get(0).output()).isEqualTo(callbacks.sent().get(1).output());
    }

    @Test
    void onJobFinished_shouldFailTheTask_withRekognitionsMessage_whenEveryJobFailed() {
        // GIVEN the notification says FAILED; it does not carry the StatusMessage, the Get* response does
        waits("w1", "token-1", Map.of("job-1", Analysis.CELEBRITIES));
        rekognition.finish("job-1", new JobState("FAILED", "Internal service error"), null);

        completion("celebrities").onJobFinished("job-1", new JobState("FAILED", null));

        assertThat(rekognition.reads()).containsExactly("status celebrities job-1");
        assertThat(callbacks.sent()).containsExactly(
                new Sent("token-1", null, "RekognitionJobFailed", "celebrities: Internal service error"));
    }

    @Test
    void onJobFinished_shouldSkipTheAnalysis_notFailTheTask_whenRekognitionCannotDecodeTheVideo() throws Exception {
        waits("w1", "token-1", Map.of("job-1", Analysis.CELEBRITIES));
        rekognition.finish("job-1", new JobState("FAILED", "Unsupported codec/format."), null);

        completion("celebrities").onJobFinished("job-1", new JobState("FAILED", null));

        assertThat(callbacks.sent()).singleElement().satisfies(sent -> assertThat(JSON.readTree(sent.output()))
                .isEqualTo(JSON.readTree("""
                        {"status": "SKIPPED", "reason": "celebrities: Unsupported codec/format.",
                         "analyses": {"celebrities": {"jobId": "job-1", "status": "SKIPPED",
                          "reason": "Unsupported codec/format."}}}""")));
    }

    @Test
    void onJobFinished_shouldShareTheSummaryBudget_amongTheConfiguredAnalyses() throws Exception {
        // GIVEN 600 distinct celebrities: about 60 KB of summary entries
        ObjectNode many = JSON.createObjectNode();
        ArrayNode celebrities = many.putArray("Celebrities");
        for (int i = 0; i < 600; i++) {
            celebrities.addObject().put("Timestamp", i * 1000L).putObject("Celebrity")
                    .put("Name", "Celebrity number " + i).put("Id", "id" + i).put("Confidence", 99.0)
                    .putArray("Urls").add("www.wikidata.org/wiki/Q" + (1_000_000 + i));
        }
        rekognition.finish("job-1", SUCCEEDED, many).finish("job-2", SUCCEEDED, many);
        waits("w1", "token-1", Map.of("job-1", Analysis.CELEBRITIES));
        waits("w2", "token-2", Map.of("job-2", Analysis.CELEBRITIES));

        // WHEN one deployment analyses celebrities only, another all six analyses
        completion("celebrities").onJobFinished("job-1", SUCCEEDED);
        completion("celebrities,labels,text,faces,moderation,segments").onJobFinished("job-2", SUCCEEDED);

        // THEN the first keeps every celebrity; the second keeps what fits a sixth of the budget, and says so
        JsonNode alone = JSON.readTree(callbacks.sent().get(0).output()).path("analyses").path("celebrities")
                .path("summary");
        JsonNode sixth = JSON.readTree(callbacks.sent().get(1).output()).path("analyses").path("celebrities")
                .path("summary");
        assertThat(alone.path("truncated").asBoolean()).isFalse();
        assertThat(alone.path("celebrities")).hasSize(600);
        assertThat(sixth.path("truncated").asBoolean()).isTrue();
        assertThat(sixth.path("distinct").asInt()).isEqualTo(600);
        assertThat(JsonSize.worstCase(sixth)).isLessThanOrEqualTo(JobCompletion.SUMMARY_BUDGET_BYTES / 6)
                .isGreaterThan(JobCompletion.SUMMARY_BUDGET_BYTES / 6 - 200);
        assertThat(List.of(alone.path("celebrities").get(0).path("name").asText(),
                sixth.path("celebrities").get(0).path("name").asText())).containsOnly("Celebrity number 0");
    }
}
