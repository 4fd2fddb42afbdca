package dev.vidmeta.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.vidmeta.analysis.JobCompletion;
import dev.vidmeta.analysis.JobState;
import dev.vidmeta.aws.DynamoDbTaskTokenStore;
import dev.vidmeta.aws.RekognitionVideoAnalyzer;
import dev.vidmeta.aws.S3ResultStore;
import dev.vidmeta.aws.SfnTaskCallbacks;
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
 */
public final class SnsCallbackHandler implements RequestStreamHandler {

    private static final Logger LOG = LoggerFactory.getLogger(SnsCallbackHandler.class);

    private final JobCompletion completion;
    private final EmfMetrics metrics;
    private final Clock clock;

    public SnsCallbackHandler() {
        this(TaskConfig.fromEnvironment(), S3Client.create(), DynamoDbClient.create(), RekognitionClient.create(),
                SfnClient.create());
    }

    public SnsCallbackHandler(
            TaskConfig config, S3Client s3, DynamoDbClient dynamoDb, RekognitionClient rekognition, SfnClient sfn) {
        // The topic and role are only needed to start jobs; the callback only reads results.
        var analyzer = new RekognitionVideoAnalyzer(rekognition, null, null);
        var location = config.resultLocation();
        this.clock = Clock.systemUTC();
        this.completion = new JobCompletion(analyzer, new DynamoDbTaskTokenStore(dynamoDb, config.taskTokenTableName()),
                new SfnTaskCallbacks(sfn), new S3ResultStore(s3, location.bucket()), location, config.analyses(),
                clock);
        this.metrics = new EmfMetrics(System.out, clock).dimension("Function", "SnsCallback");
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        JsonNode event = Handlers.JSON.readTree(input);
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
        JobCompletion.Handled handled = completion.onJobFinished(jobId, new JobState(status, null));
        LOG.info("Rekognition job {} {}: {} waiter(s), {} task(s) answered", jobId, status, handled.waiters(),
                handled.answered());
        if (handled.waitMillis() >= 0) {
            metrics.put("RekognitionJobWaitTime", handled.waitMillis(), "Milliseconds");
        }
        metrics.put("RekognitionJobs" + (("SUCCEEDED".equals(status)) ? "Succeeded" : "Failed"), 1, "Count");
        metrics.flush();
        return true;
    }
}
