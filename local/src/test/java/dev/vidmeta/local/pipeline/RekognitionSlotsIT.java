package dev.vidmeta.local.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vidmeta.aws.TaskTokenTable;
import dev.vidmeta.local.LocalAws;
import dev.vidmeta.local.PipelineDeployment;
import dev.vidmeta.probe.Fixtures;
import dev.vidmeta.probe.Fixtures.Fixture;
import dev.vidmeta.testing.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.rekognition.RekognitionClient;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * Rekognition job slots through the whole local pipeline: Rekognition Video runs at most 20 concurrent stored-video
 * jobs per account by default ("Guidelines and quotas in Amazon Rekognition",
 * https://docs.aws.amazon.com/rekognition/latest/dg/limits.html); the pipeline leases a configured number of slots and
 * lets the rest wait on their task tokens (https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html#connect-wait-token).
 * The local Rekognition counts the jobs it ran at once; SNS delivers at least once, so a notification may come twice
 * ("Amazon SNS message delivery retries", https://docs.aws.amazon.com/sns/latest/dg/sns-message-delivery-retries.html).
 */
class RekognitionSlotsIT {

    private static final Fixtures FIXTURES = Fixtures.inTarget();
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * Long enough that the start's own status check (right after it registers the token) finds the job running, so
     * the job's end is the notification this test delivers; a job already finished there is completed by the start.
     */
    private static final Duration JOB_OUTLASTING_ITS_START = Duration.ofSeconds(4);

    @TempDir
    Path workDir;

    @Test
    void fiftyUploads_againstFiveSlots_shouldAllComplete_withNeverMoreThanFiveJobsRunning() throws Exception {
        // GIVEN 5 slots (Rekognition itself would run 20)
        var settings = PipelineDeployment.Settings.defaults().withRekognitionJobSlots(5);
        try (var p = new PipelineRuntime(workDir, settings, Duration.ofMillis(300))) {
            // WHEN 50 videos are uploaded at once
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<String>> uploads = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                String key = "burst/clip-" + i + ".mp4";
                uploads.add(pool.submit(() -> p.upload(key, FIXTURES.path(Fixture.MP4_MOOV_AT_END))));
            }
            for (Future<String> upload : uploads) {
                upload.get();
            }
            pool.shutdown();
            p.awaitExecutions(50, Duration.ofMinutes(4));

            // THEN every record is COMPLETE, at most 5 jobs ran at once, and Rekognition never refused a start
            Map<String, String> statuses = new LinkedHashMap<>();
            for (int i = 0; i < 50; i++) {
                ObjectNode record = p.record("burst/clip-" + i + ".mp4");
                statuses.put("clip-" + i, record == null ? "MISSING" : record.get("status").asText());
            }
            assertThat(statuses).as(statuses.toString()).allSatisfy((k, status) -> assertThat(status).isEqualTo("COMPLETE"));
            assertThat(p.runtime.rekognition().peakRunningJobs()).isBetween(1, 5);
            assertThat(p.runtime.rekognition().limitExceededResponses()).isZero();
            // and every slot came back
            assertThat(leases(p)).isEmpty();
        }
    }

    @Test
    void lostNotification_ofAJobStillRunning_shouldExpireItsLease_giveTheSlotToTheNextVideo_andRecordPartial() {
        // GIVEN one slot, leases of 1 s, jobs that run for ten minutes, and no notification ever delivered
        var settings = PipelineDeployment.Settings.defaults().withRekognitionJobSlots(1)
                .withRekognitionLease(Duration.ofSeconds(1)).withoutCallbackSubscription();
        try (var p = new PipelineRuntime(workDir, settings, Duration.ofMinutes(10))) {
            p.upload("lost/a.mp4", FIXTURES.path(Fixture.MP4_MOOV_AT_END));
            JsonNode leaseA = Await.until("a's job to hold the slot", Duration.ofMinutes(1), () -> leases(p),
                    l -> l.size() == 1 && l.elements().next().has("jobId")).elements().next();
            long expiresAt = leaseA.get("leaseExpiresAt").asLong();
            Await.until("a's lease to expire", Duration.ofSeconds(30), () -> System.currentTimeMillis() > expiresAt);

            // WHEN the next video arrives and finds the slot held
            p.upload("lost/b.mp4", FIXTURES.path(Fixture.MP4_MOOV_AT_END));

            // THEN a's lease is reconciled (its job is IN_PROGRESS past the lease): a ends PARTIAL saying why
            ObjectNode a = Await.until("a's record", Duration.ofMinutes(1), () -> p.record("lost/a.mp4"),
                    r -> r != null);
            assertThat(a.get("status").asText()).as(a.toString()).isEqualTo("PARTIAL");
            assertThat(a.get("probeStatus").asText()).isEqualTo("OK");
            assertThat(a.get("reasons").toString()).contains("held its slot past the lease of 1 s")
                    .contains("no completion notification arrived");
            // AND b got the slot and started its job
            JsonNode leaseB = Await.until("b's job to hold the slot", Duration.ofMinutes(1), () -> leases(p),
                    l -> l.size() == 1 && l.elements().next().has("jobId")
                            && !l.elements().next().get("jobId").equals(leaseA.get("jobId"))).elements().next();
            assertThat(leaseB.get("jobId").asText()).isNotEqualTo(leaseA.get("jobId").asText());
            assertThat(waiting(p)).isEmpty();
        }
    }

    @Test
    void duplicatedNotification_shouldWakeExactlyOneWaiter() throws Exception {
        // GIVEN one slot, held by a's job; b and c waiting; notifications not delivered by SNS but by this test
        var settings = PipelineDeployment.Settings.defaults().withRekognitionJobSlots(1).withoutCallbackSubscription();
        try (var p = new PipelineRuntime(workDir, settings, JOB_OUTLASTING_ITS_START)) {
            String jobA = uploadAndHoldTheSlot(p, "dup/a.mp4");
            p.upload("dup/b.mp4", FIXTURES.path(Fixture.MP4_MOOV_AT_END));
            awaitWaiting(p, 1);
            p.upload("dup/c.mp4", FIXTURES.path(Fixture.MP4_MOOV_AT_END));
            awaitWaiting(p, 2);

            // WHEN a's notification arrives twice at once
            awaitFinished(p, jobA);
            ExecutorService twice = Executors.newFixedThreadPool(2);
            List<Future<String>> deliveries = List.of(
                    twice.submit(() -> invokeCallback(p, notification(jobA, "m-1"))),
                    twice.submit(() -> invokeCallback(p, notification(jobA, "m-1"))));
            for (Future<String> delivery : deliveries) {
                assertThat(delivery.get()).contains("\"handled\":1");
            }
            twice.shutdown();

            // THEN a is COMPLETE, one waiter holds the slot with its job started, and the other still waits. Which
            // one is not fixed: both deliveries drain, and a drain that loses the oldest waiter to the other tries
            // the next (first in, first out within the ten waiters a drain reads, when drains race)
            ObjectNode a = Await.until("a's record", Duration.ofMinutes(1), () -> p.record("dup/a.mp4"), r -> r != null);
            assertThat(a.get("status").asText()).isEqualTo("COMPLETE");
            JsonNode slots = leases(p);
            assertThat(slots).hasSize(1);
            JsonNode lease = slots.elements().next();
            assertThat(lease.has("jobId")).as(slots.toString()).isTrue();
            assertThat(lease.get("jobId").asText()).isNotEqualTo(jobA);
            assertThat(waiting(p)).extracting(w -> w.get("object").get("key").asText())
                    .singleElement().isIn("dup/b.mp4", "dup/c.mp4");
            assertThat(p.runtime.rekognition().peakRunningJobs()).isEqualTo(1);
        }
    }

    @Test
    void stoppedWaitingExecution_shouldNeitherHoldNorReceiveASlot() throws Exception {
        // GIVEN one slot held by a's job, b and c waiting
        var settings = PipelineDeployment.Settings.defaults().withRekognitionJobSlots(1).withoutCallbackSubscription();
        try (var p = new PipelineRuntime(workDir, settings, JOB_OUTLASTING_ITS_START)) {
            String jobA = uploadAndHoldTheSlot(p, "stop/a.mp4");
            p.upload("stop/b.mp4", FIXTURES.path(Fixture.MP4_MOOV_AT_END));
            JsonNode b = awaitWaiting(p, 1).get(0);
            p.upload("stop/c.mp4", FIXTURES.path(Fixture.MP4_MOOV_AT_END));
            awaitWaiting(p, 2);
            assertThat(leases(p)).as("a waiting execution holds no slot").hasSize(1);

            // WHEN b's execution is stopped while it waits, and then a's job ends
            p.sfn.stopExecution(s -> s.executionArn(b.get("executionId").asText()).error("test.Stopped"));
            Await.until("b to stop", Duration.ofSeconds(30), () -> p.sfn.describeExecution(
                    d -> d.executionArn(b.get("executionId").asText())).status() == ExecutionStatus.ABORTED);
            awaitFinished(p, jobA);
            assertThat(invokeCallback(p, notification(jobA, "m-1"))).contains("\"handled\":1");

            // THEN b is dropped without a slot, and c gets it
            JsonNode slots = leases(p);
            assertThat(slots).hasSize(1);
            JsonNode lease = slots.elements().next();
            assertThat(lease.has("jobId")).isTrue();
            assertThat(waiting(p)).isEmpty();
            ObjectNode a = Await.until("a's record", Duration.ofMinutes(1), () -> p.record("stop/a.mp4"), r -> r != null);
            assertThat(a.get("status").asText()).isEqualTo("COMPLETE");
            Await.until("only c to run, waiting for its job", Duration.ofMinutes(1), () -> p.executions().stream()
                    .filter(e -> e.status() == ExecutionStatus.RUNNING).count(), running -> running == 1);
            assertThat(p.record("stop/b.mp4")).as("a stopped execution writes no record").isNull();
            assertThat(p.runtime.rekognition().peakRunningJobs()).isEqualTo(1);
        }
    }

    /** Uploads and waits until its job holds the one slot; returns the JobId. */
    private static String uploadAndHoldTheSlot(PipelineRuntime p, String key) {
        p.upload(key, FIXTURES.path(Fixture.MP4_MOOV_AT_END));
        return Await.until(key + "'s job to hold the slot", Duration.ofMinutes(1), () -> leases(p),
                l -> l.size() == 1 && l.elements().next().has("jobId")).elements().next().get("jobId").asText();
    }

    /** Until Rekognition reports the job finished (its notification is then the test's to deliver). */
    private static void awaitFinished(PipelineRuntime p, String jobId) {
        try (RekognitionClient rekognition = LocalAws.client(RekognitionClient.builder(),
                p.runtime.endpoints().get("REKOGNITION"))) {
            Await.until("job " + jobId + " to finish", Duration.ofMinutes(1), () -> rekognition
                    .getCelebrityRecognition(g -> g.jobId(jobId).maxResults(1)).jobStatusAsString(),
                    status -> !"IN_PROGRESS".equals(status));
        }
    }

    private static List<JsonNode> awaitWaiting(PipelineRuntime p, int n) {
        return Await.until(n + " waiter(s)", Duration.ofMinutes(1), () -> waiting(p), w -> w.size() == n);
    }

    /** The slots item's leases (lease key -> lease), as JSON. */
    private static JsonNode leases(PipelineRuntime p) {
        var item = p.dynamoDb.getItem(b -> b.tableName(p.settings.taskTokenTable()).consistentRead(true)
                .key(TaskTokenTable.SLOTS_KEY)).item();
        if (item == null || item.isEmpty()) {
            return JSON.createObjectNode();
        }
        return dev.vidmeta.aws.JsonAttributeValues.toJson(item).get("leases");
    }

    /** The waiting list, oldest first, with each waiter's object parsed. */
    private static List<JsonNode> waiting(PipelineRuntime p) {
        var items = p.dynamoDb.query(q -> q.tableName(p.settings.taskTokenTable()).consistentRead(true)
                .keyConditionExpression("jobId = :p")
                .expressionAttributeValues(Map.of(":p", AttributeValue.fromS(TaskTokenTable.WAITING_PARTITION))))
                .items();
        List<JsonNode> waiters = new ArrayList<>();
        for (var item : items) {
            ObjectNode w = dev.vidmeta.aws.JsonAttributeValues.toJson(item);
            try {
                w.set("object", JSON.readTree(w.get("object").asText()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            waiters.add(w);
        }
        return waiters;
    }

    /** Rekognition's completion message for a job, in the SNS event Lambda receives (events/rekognition-sns-*.json). */
    private static String notification(String jobId, String messageId) {
        ObjectNode message = JSON.createObjectNode().put("JobId", jobId).put("Status", "SUCCEEDED")
                .put("API", "StartCelebrityRecognition").put("Timestamp", 1795238112926L);
        ObjectNode sns = JSON.createObjectNode().put("MessageId", messageId).put("Message", message.toString());
        ObjectNode record = JSON.createObjectNode().put("EventSource", "aws:sns");
        record.set("Sns", sns);
        ObjectNode event = JSON.createObjectNode();
        event.putArray("Records").add(record);
        return event.toString();
    }

    /** Invokes the callback function as SNS would (synchronously here, to know when it is done). */
    private static String invokeCallback(PipelineRuntime p, String event) {
        try (LambdaClient lambda = LocalAws.client(LambdaClient.builder(), p.runtime.endpoints().get("LAMBDA"))) {
            var response = lambda.invoke(b -> b.functionName(PipelineDeployment.SNS_CALLBACK)
                    .payload(SdkBytes.fromUtf8String(event)));
            assertThat(response.functionError()).as(response.payload().asUtf8String()).isNull();
            return response.payload().asUtf8String();
        }
    }
}
