package dev.vidmeta.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vidmeta.local.LocalAws;
import dev.vidmeta.local.LocalDeployment;
import dev.vidmeta.local.LocalRuntime;
import dev.vidmeta.local.lambda.LocalFunction;
import dev.vidmeta.local.lambda.LocalLambda;
import dev.vidmeta.local.sns.LocalSns;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * The local runtime with a small pipeline for the operate commands: an upload to {@value #SOURCE} starts an
 * execution that pauses, then writes one item per object to the table {@value #TABLE}; a missing table ends in
 * the Fail state "Record Not Written", and a function made to break ({@link #breakFunction}) fails the
 * execution at "Write Record" without a Catch, which is what RedriveExecution resumes.
 *
 * <p>The commands run in-process exactly as from the shell; the SDK finds the runtime through the system
 * properties equivalent to the {@code AWS_ENDPOINT_URL_<SERVICE>} variables {@code vidmeta local up} prints.
 */
final class OperateRuntime implements AutoCloseable {

    static final String SOURCE = "uploads";
    /** Versioned like the source bucket, but unwatched: objects stored "before the pipeline", for backfill. */
    static final String ARCHIVE = "archive";
    static final String TABLE = "records";
    static final String MACHINE = "video-metadata";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LocalRuntime runtime;
    final S3Client s3;
    final SfnClient sfn;
    final DynamoDbClient dynamo;
    final AtomicBoolean broken = new AtomicBoolean();

    /** Program output of one command. */
    record Run(int exit, String out, String err) {
    }

    OperateRuntime(Path workDir) {
        String definition = """
                {"QueryLanguage": "JSONata", "StartAt": "Check Object", "States": {
                  "Check Object": {"Type": "Pass", "Next": "Pause"},
                  "Pause": {"Type": "Wait", "Seconds": 1, "Next": "Write Record"},
                  "Write Record": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                    "Arguments": {"FunctionName": "%s", "Payload": "{%% $states.input %%}"},
                    "Output": "{%% $states.result.Payload %%}",
                    "Catch": [{"ErrorEquals": ["software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException"],
                               "Next": "Record Not Written"}],
                    "End": true},
                  "Record Not Written": {"Type": "Fail", "Error": "vidmeta.RecordNotWritten",
                    "Cause": "the record table is missing"}}}
                """.formatted(LocalLambda.arnOf("write-record"));
        var deployment = LocalDeployment.builder()
                .sourceBucket(SOURCE)
                .bucket(ARCHIVE, true)
                .table(recordTable())
                .function(LocalFunction.of("write-record", this::writeRecordHandler, Map.of("RECORD_TABLE_NAME", TABLE))
                        .withTimeout(Duration.ofSeconds(30)))
                .stateMachine(MACHINE, definition)
                .build();
        var options = new LocalRuntime.Options(workDir, false, Duration.ofMillis(100), LocalSns.DeliveryPolicy.fast(),
                new dev.vidmeta.local.sfn.LocalStepFunctions.Options(LocalAws.REGION, LocalAws.ACCOUNT_ID, 0.3,
                        Clock.systemUTC(), null));
        runtime = LocalRuntime.start(deployment, options);
        Map<String, URI> endpoints = runtime.endpoints();
        s3 = LocalAws.client(S3Client.builder().forcePathStyle(true), endpoints.get("S3"));
        sfn = LocalAws.client(SfnClient.builder(), endpoints.get("SFN"));
        dynamo = LocalAws.client(DynamoDbClient.builder(), endpoints.get("DYNAMODB"));
        // What `vidmeta local up` tells users to export, as the SDK's equivalent system properties.
        System.setProperty("aws.region", LocalAws.REGION);
        System.setProperty("aws.accessKeyId", LocalAws.ACCESS_KEY_ID);
        System.setProperty("aws.secretAccessKey", LocalAws.SECRET_ACCESS_KEY);
        System.setProperty("aws.endpointUrlSfn", endpoints.get("SFN").toString());
        System.setProperty("aws.endpointUrlS3", endpoints.get("S3").toString());
        System.setProperty("aws.endpointUrlDynamoDb", endpoints.get("DYNAMODB").toString());
    }

    static CreateTableRequest recordTable() {
        return CreateTableRequest.builder().tableName(TABLE)
                .keySchema(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build())
                .attributeDefinitions(AttributeDefinition.builder().attributeName("pk")
                        .attributeType(ScalarAttributeType.S).build())
                .billingMode(BillingMode.PAY_PER_REQUEST).build();
    }

    private Object writeRecordHandler(Map<String, String> env) {
        DynamoDbClient client = LocalAws.client(DynamoDbClient.builder(), URI.create(env.get("AWS_ENDPOINT_URL_DYNAMODB")));
        return (RequestStreamHandler) (in, out, context) -> {
            if (broken.get()) {
                throw new IllegalStateException("the function is broken on purpose");
            }
            JsonNode event = JSON.readTree(in);
            String pk = event.at("/detail/bucket/name").asText() + "/" + event.at("/detail/object/key").asText();
            client.putItem(b -> b.tableName(env.get("RECORD_TABLE_NAME")).item(Map.of(
                    "pk", AttributeValue.fromS(pk),
                    "etag", AttributeValue.fromS(event.at("/detail/object/etag").asText()))));
            out.write(JSON.createObjectNode().put("status", "COMPLETE").put("pk", pk).toString().getBytes());
        };
    }

    /** What {@code vidmeta local up} tells a shell to export. */
    Map<String, String> shellEnvironment() {
        Map<String, String> env = new java.util.HashMap<>();
        env.put("AWS_REGION", LocalAws.REGION);
        env.put("AWS_ACCESS_KEY_ID", LocalAws.ACCESS_KEY_ID);
        env.put("AWS_SECRET_ACCESS_KEY", LocalAws.SECRET_ACCESS_KEY);
        runtime.endpoints().forEach((service, uri) -> env.put("AWS_ENDPOINT_URL_" + service, uri.toString()));
        return env;
    }

    String machineArn() {
        return runtime.stateMachineArn();
    }

    void upload(String key) {
        upload(SOURCE, key);
    }

    /**
     * One PutObject. A burst of uploads sometimes meets a connection the local S3 has just closed while the
     * client waits for "100 Continue", which the SDK does not retry; one retry here keeps the setup (not what
     * these tests are about) from failing on it.
     */
    void upload(String bucket, String key) {
        try {
            s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString("not really a video: " + key));
        } catch (java.io.UncheckedIOException e) {
            s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString("not really a video: " + key));
        }
    }

    int records() {
        return dynamo.scan(b -> b.tableName(TABLE)).count();
    }

    List<ExecutionListItem> executions() {
        return sfn.listExecutions(b -> b.stateMachineArn(machineArn()).maxResults(1000)).executions();
    }

    /** Waits (at most 30 s) until exactly {@code count} executions exist and none is running. */
    List<ExecutionListItem> awaitSettled(int count) {
        await(() -> {
            List<ExecutionListItem> all = executions();
            return all.size() == count && all.stream().noneMatch(e -> e.status() == ExecutionStatus.RUNNING);
        });
        return executions();
    }

    static void await(BooleanSupplier condition) {
        Instant deadline = Instant.now().plusSeconds(30);
        while (!condition.getAsBoolean()) {
            assertThat(Instant.now()).as("waited 30 s for a condition").isBefore(deadline);
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** Runs {@code vidmeta <args>} in-process, pointed at this runtime's state machine and table. */
    Run vidmeta(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cli = VidmetaCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        String[] all = java.util.stream.Stream.concat(java.util.Arrays.stream(args),
                java.util.stream.Stream.of("--state-machine-arn", machineArn())).toArray(String[]::new);
        int exit = cli.execute(all);
        return new Run(exit, out.toString(), err.toString());
    }

    @Override
    public void close() {
        s3.close();
        sfn.close();
        dynamo.close();
        runtime.close();
    }
}
