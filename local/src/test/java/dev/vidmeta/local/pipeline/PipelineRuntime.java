package dev.vidmeta.local.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vidmeta.aws.JsonAttributeValues;
import dev.vidmeta.local.LocalAws;
import dev.vidmeta.local.LocalRuntime;
import dev.vidmeta.local.PipelineDeployment;
import dev.vidmeta.local.sfn.LocalStepFunctions;
import dev.vidmeta.local.sns.LocalSns;
import dev.vidmeta.testing.Await;
import dev.vidmeta.testing.RepoFiles;
import dev.vidmeta.testing.SfnExecutions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/** The whole local pipeline for end-to-end tests, with SDK clients as a user would hold them. */
final class PipelineRuntime implements AutoCloseable {

    /** Workflow time runs ten times faster: retries, waits and the analysis timeout. */
    static final double TIME_SCALE = 0.1;

    final PipelineDeployment.Settings settings;
    final LocalRuntime runtime;
    final S3Client s3;
    final DynamoDbClient dynamoDb;
    final SfnClient sfn;

    PipelineRuntime(Path workDir, PipelineDeployment.Settings settings, Duration rekognitionJob) {
        this(workDir, settings, rekognitionJob, TIME_SCALE);
    }

    PipelineRuntime(Path workDir, PipelineDeployment.Settings settings, Duration rekognitionJob, double timeScale) {
        this.settings = settings;
        var options = new LocalRuntime.Options(workDir, false, rekognitionJob, LocalSns.DeliveryPolicy.fast(),
                LocalStepFunctions.Options.defaults().withTimeScale(timeScale));
        this.runtime = LocalRuntime.start(PipelineDeployment.create(settings,
                PipelineDeployment.definitionTemplate(RepoFiles.root())), options);
        this.s3 = LocalAws.client(S3Client.builder().forcePathStyle(true), runtime.s3().endpoint());
        this.dynamoDb = LocalAws.client(DynamoDbClient.builder(), runtime.endpoints().get("DYNAMODB"));
        this.sfn = LocalAws.client(SfnClient.builder(), runtime.endpoints().get("SFN"));
    }

    /** Uploads a file; returns the new version id. */
    String upload(String key, Path file) {
        return s3.putObject(b -> b.bucket(settings.sourceBucket()).key(key), RequestBody.fromFile(file)).versionId();
    }

    /** Waits until no execution runs any more and at least {@code expected} have ended. */
    List<ExecutionListItem> awaitExecutions(int expected, Duration timeout) {
        return Await.until(expected + " executions to end and none to run", timeout, this::executions,
                all -> all.size() >= expected && all.stream().noneMatch(e -> e.status() == ExecutionStatus.RUNNING));
    }

    List<ExecutionListItem> executions() {
        return SfnExecutions.executions(sfn, runtime.stateMachineArn());
    }

    /** The record of {@code key} in the source bucket, as JSON; null when there is none. */
    ObjectNode record(String key) {
        var item = dynamoDb.getItem(b -> b.tableName(settings.recordTable()).consistentRead(true)
                .key(Map.of("pk", AttributeValue.fromS(settings.sourceBucket() + "/" + key)))).item();
        return item == null || item.isEmpty() ? null : JsonAttributeValues.toJson(item);
    }

    /** Reads an s3:// URI the pipeline wrote. */
    JsonNode readJson(String s3Uri) {
        String rest = s3Uri.substring("s3://".length());
        int slash = rest.indexOf('/');
        byte[] bytes = s3.getObjectAsBytes(b -> b.bucket(rest.substring(0, slash)).key(rest.substring(slash + 1)))
                .asByteArray();
        try {
            return new ObjectMapper().readTree(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        s3.close();
        dynamoDb.close();
        sfn.close();
        runtime.close();
    }
}
