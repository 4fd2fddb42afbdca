package dev.vidmeta.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.vidmeta.analysis.AnalysisStarter;
import dev.vidmeta.aws.S3ObjectHeads;
import dev.vidmeta.record.ObjectKeyResolver;
import dev.vidmeta.record.ObjectRef;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.rekognition.RekognitionClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * Called by the "Analyze With Rekognition" state ({@code lambda:invoke.waitForTaskToken}): starts the
 * configured Rekognition Video jobs for the object version and stores the task token by JobId. An object whose
 * first bytes show a format Rekognition Video cannot read (one ranged GET, {@code StoredVideoFormat}) starts no
 * job: its analyses are SKIPPED with the reason.
 *
 * <p>Input sample:
 * <pre>{@code
 * {"taskToken": "AQCEAAAAKgAAAA...", "executionId": "arn:aws:states:eu-west-1:111122223333:execution:vidmeta:4f1c...",
 *  "executionName": "4f1c...", "object": {"bucket": "uploads", "key": "clips/a.mp4", "versionId": "IYV3p45B...",
 *  "etag": "b1946ac9...", "size": 31457280, "sequencer": "617f08299329d189"}}
 * }</pre>
 *
 * <p>Jobs start only once the execution holds a Rekognition slot per job ({@code AnalysisAdmission}); with no
 * free slot the execution joins the waiting list and this returns at once, its task still waiting on the same
 * token, until a job's end wakes it. Step Functions ignores what this returns: the task completes through
 * SendTaskSuccess/SendTaskFailure, from the SNS callback or from here (refusals, jobs already finished).
 * Rekognition refusing a start with its slot held (LimitExceeded: the account runs jobs our slots do not count)
 * makes this throw {@code dev.vidmeta.analysis.RekognitionBusyException}, which the state machine retries.
 */
public final class StartAnalysisHandler implements RequestStreamHandler {

    private static final Logger LOG = LoggerFactory.getLogger(StartAnalysisHandler.class);

    private final AnalysisStarter starter;
    private final ObjectKeyResolver keys;

    public StartAnalysisHandler() {
        this(TaskConfig.fromEnvironment(), S3Client.create(), DynamoDbClient.create(), RekognitionClient.create(),
                SfnClient.create());
    }

    /** The local runtime's: the same wiring as on AWS, with its clients. */
    public static StartAnalysisHandler wired(TaskConfig config, S3Client s3, DynamoDbClient dynamoDb,
            RekognitionClient rekognition, SfnClient sfn) {
        return new StartAnalysisHandler(config, s3, dynamoDb, rekognition, sfn);
    }

    private StartAnalysisHandler(
            TaskConfig config, S3Client s3, DynamoDbClient dynamoDb, RekognitionClient rekognition, SfnClient sfn) {
        this(Wiring.analysisStarter(config, s3, dynamoDb, rekognition, sfn, Clock.systemUTC()),
                new ObjectKeyResolver(new S3ObjectHeads(s3)));
    }

    public StartAnalysisHandler(AnalysisStarter starter, ObjectKeyResolver keys) {
        this.starter = starter;
        this.keys = keys;
    }

    /** The state's payload. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Input(String taskToken, String executionId, String executionName, ObjectRef object) {}

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        Input in = Handlers.read(input, Input.class);
        if (in.taskToken() == null || in.object() == null || in.executionId() == null) {
            throw new IllegalArgumentException("input needs taskToken, executionId and object");
        }
        AnalysisStarter.Started started = Handlers.run(context, () -> {
            Handlers.logContext(in.executionName(), in.object());
            // Rekognition reads the object by name: the event's key decoded, or as sent (ObjectKeyResolver)
            ObjectKeyResolver.Resolution key = keys.resolve(in.object());
            AnalysisStarter.Started s = starter.start(in.taskToken(), in.executionId(), key.object(), key.reason());
            LOG.info("started {} Rekognition job(s) {}, refused {}, answered at once: {}, waiting for a slot: {}",
                    s.jobs().size(), s.jobs().keySet(), s.refused().keySet(), s.answered(), s.queued());
            return s;
        });
        Handlers.write(output, Map.of("jobs", started.jobs().keySet(), "refused", started.refused().keySet(),
                "answered", started.answered(), "queued", started.queued()));
    }
}
