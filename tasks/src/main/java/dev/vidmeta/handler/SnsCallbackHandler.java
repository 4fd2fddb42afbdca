package dev.vidmeta.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.vidmeta.analysis.AnalysisAdmission;
import dev.vidmeta.analysis.AnalysisStarter;
import dev.vidmeta.analysis.JobCompletion;
import dev.vidmeta.analysis.JobState;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.rekognition.RekognitionClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * Subscribed to the SNS topic Rekognition Video notifies; completes the tasks waiting in the
 * "Analyze With Rekognition" state.
 *
 * <p>Input sample (an SNSEvent; {@code events/rekognition-sns-succeeded.json}):
 * <pre>{@code
 * {"Records": [{"EventSource": "aws:sns", "Sns": {"MessageId": "95df01b4-...", "Message":
 *   "{\"JobId\":\"6de014b0-...\",\"Status\":\"SUCCEEDED\",\"API\":\"StartCelebrityRecognition\",
 *     \"JobTag\":\"celebrities-...\",\"Timestamp\":1795238112926,
 *     \"Video\":{\"S3ObjectName\":\"clips/a.mp4\",\"S3Bucket\":\"uploads\"}}"}}]}
 * }</pre>
 *
 * <p>A message that is not a Rekognition notification, or whose job nobody waits for, is logged and
 * acknowledged: retrying it could never succeed. Dependency failures are thrown. SNS invokes this function
 * asynchronously, so Lambda (not SNS) retries the event twice and then sends it to the function's on-failure
 * destination, the queue {@code vidmeta callbacks redeliver} reads (terraform/callback_failures.tf;
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html). Every delivery is
 * idempotent: a job's result is recorded once per waiter.
 *
 * <p>A job's end also frees its Rekognition slot and wakes the oldest execution waiting for one, starting its jobs
 * ({@code AnalysisAdmission}); a redelivered notification frees nothing and so wakes no one. An EventBridge
 * scheduled event ({@code "detail-type": "Scheduled Event"}) runs the same drain alone: it reconciles leases whose
 * notification never came even when no other job ends.
 */
public final class SnsCallbackHandler implements RequestStreamHandler {

    private static final Logger LOG = LoggerFactory.getLogger(SnsCallbackHandler.class);
    /** An EventBridge schedule's event ("Scheduled Event"): the sweep that reconciles leases when nothing else runs. */
    static final String SCHEDULED_EVENT = "Scheduled Event";

    private final AnalysisStarter starter;
    private final EmfMetrics metrics;

    public SnsCallbackHandler() {
        this(TaskConfig.fromEnvironment(), S3Client.create(), DynamoDbClient.create(), RekognitionClient.create(),
                SfnClient.create());
    }

    /** The local runtime's: the same wiring as on AWS, with its clients. */
    public static SnsCallbackHandler wired(TaskConfig config, S3Client s3, DynamoDbClient dynamoDb,
            RekognitionClient rekognition, SfnClient sfn) {
        return new SnsCallbackHandler(config, s3, dynamoDb, rekognition, sfn);
    }

    private SnsCallbackHandler(
            TaskConfig config, S3Client s3, DynamoDbClient dynamoDb, RekognitionClient rekognition, SfnClient sfn) {
        this(Wiring.analysisStarter(config, s3, dynamoDb, rekognition, sfn, Clock.systemUTC()),
                Wiring.metrics(Clock.systemUTC()));
    }

    /**
     * @param starter completes the ended job's waiters, releases its slot and starts the jobs of the waiters it wakes
     * @param metrics where the EMF lines go; the handler adds its {@code Function} dimension
     */
    public SnsCallbackHandler(AnalysisStarter starter, EmfMetrics metrics) {
        this.starter = starter;
        this.metrics = metrics.dimension("Function", "SnsCallback");
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        JsonNode event = Handlers.JSON.readTree(input);
        if (SCHEDULED_EVENT.equals(event.path("detail-type").asText())) {
            AnalysisAdmission.Drained drained = Handlers.run(context, starter::drain);
            LOG.info("scheduled sweep: {} lease(s) reconciled, {} waiter(s) woken, {} dropped", drained.reconciled(),
                    drained.woken(), drained.skipped());
            Handlers.write(output, Map.of("reconciled", drained.reconciled(), "woken", drained.woken()));
            return;
        }
        int handled = Handlers.run(context, () -> {
            int n = 0;
            for (JsonNode record : event.path("Records")) {
                if (handle(record.path("Sns"))) {
                    n++;
                }
            }
            return n;
        });
        Handlers.write(output, Map.of("handled", handled));
    }

    private boolean handle(JsonNode sns) {
        String messageId = sns.path("MessageId").asText("");
        JsonNode message;
        try {
            message = Handlers.JSON.readTree(sns.path("Message").asText(""));
        } catch (JsonProcessingException e) {
            LOG.warn("SNS message {} is not JSON; acknowledged", messageId);
            return false;
        }
        String jobId = message.path("JobId").asText("");
        String status = message.path("Status").asText("");
        if (jobId.isEmpty() || status.isEmpty()) {
            LOG.warn("SNS message {} is not a Rekognition job notification; acknowledged", messageId);
            return false;
        }
        MDC.put("jobId", jobId);
        MDC.put("bucket", message.path("Video").path("S3Bucket").asText(""));
        MDC.put("key", message.path("Video").path("S3ObjectName").asText(""));
        // The slot first: the next waiting video's job starts while this one's results are paged and recorded.
        // A drain that fails (throttling, a waiter it cannot start) must not keep this job's own execution
        // waiting: the job is answered first, then the failure fails the invocation, and Lambda's retry of it
        // finds the slot released and the task answered (both happen once) and drains again.
        RuntimeException drainFailure = null;
        try {
            AnalysisAdmission.Drained drained = starter.jobEnded(jobId);
            if (drained.woken() + drained.skipped() + drained.reconciled() > 0) {
                LOG.info("slot of job {} freed: {} waiter(s) woken, {} dropped, {} lease(s) reconciled", jobId,
                        drained.woken(), drained.skipped(), drained.reconciled());
            }
        } catch (RuntimeException e) {
            drainFailure = e;
        }
        JobCompletion.Handled handled = starter.completion().onJobFinished(jobId, new JobState(status, null));
        LOG.info("Rekognition job {} {}: {} waiter(s), {} task(s) answered", jobId, status, handled.waiters(),
                handled.answered());
        if (handled.waitMillis() >= 0) {
            metrics.put("RekognitionJobWaitTime", handled.waitMillis(), "Milliseconds");
        }
        metrics.put("RekognitionJobs" + (("SUCCEEDED".equals(status)) ? "Succeeded" : "Failed"), 1, "Count");
        metrics.flush();
        if (drainFailure != null) {
            throw drainFailure;
        }
        return true;
    }
}
