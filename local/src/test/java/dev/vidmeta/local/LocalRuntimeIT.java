package dev.vidmeta.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vidmeta.local.events.LocalEventBridge;
import dev.vidmeta.local.lambda.LocalFunction;
import dev.vidmeta.local.lambda.LocalLambda;
import dev.vidmeta.local.sns.LocalSns;
import dev.vidmeta.probe.Fixtures;
import dev.vidmeta.probe.Fixtures.Fixture;
import dev.vidmeta.testing.Await;
import dev.vidmeta.testing.SfnExecutions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.rekognition.RekognitionClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/** The runtime as a whole: servers up on loopback, the deployment in place, and the wiring between them. */
class LocalRuntimeIT {

    private static final Fixtures FIXTURES = Fixtures.inTarget();

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path workDir;

    @Test
    void runtime_shouldDeploy_andWireS3ToEventBridge_andRekognitionThroughSnsToTheCallbackFunction() throws Exception {
        // GIVEN a deployment shaped like the project's: watched bucket, results bucket, table, topic, callback
        List<String> callbackPayloads = new CopyOnWriteArrayList<>();
        List<Map<String, String>> callbackEnv = new CopyOnWriteArrayList<>();
        var deployment = LocalDeployment.builder()
                .sourceBucket("uploads")
                .bucket("results", false)
                .table(CreateTableRequest.builder().tableName("records")
                        .keySchema(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build())
                        .attributeDefinitions(AttributeDefinition.builder().attributeName("pk")
                                .attributeType(ScalarAttributeType.S).build())
                        .billingMode(BillingMode.PAY_PER_REQUEST).build())
                .topic("AmazonRekognition-vidmeta")
                .function(LocalFunction.of("rekognition-callback", env -> {
                    callbackEnv.add(env);
                    return (RequestStreamHandler) (in, out, ctx) ->
                            callbackPayloads.add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                }, Map.of("RECORD_TABLE_NAME", "records")))
                .subscription("AmazonRekognition-vidmeta", "rekognition-callback")
                .build();
        var options = LocalRuntime.Options.defaults(workDir).withRekognitionJobDuration(Duration.ofMillis(100))
                .withSnsDelivery(LocalSns.DeliveryPolicy.fast());

        try (var runtime = LocalRuntime.start(deployment, options);
                var s3 = LocalAws.client(S3Client.builder().forcePathStyle(true), runtime.endpoints().get("S3"));
                var dynamo = LocalAws.client(DynamoDbClient.builder(), runtime.endpoints().get("DYNAMODB"));
                var rekognition = LocalAws.client(RekognitionClient.builder(), runtime.endpoints().get("REKOGNITION"))) {
            List<String> busEvents = new CopyOnWriteArrayList<>();
            runtime.eventBridge().putRule("observer", LocalEventBridge.objectCreatedPattern("uploads"), busEvents::add);

            // THEN every endpoint is on loopback and the resources exist
            assertThat(runtime.endpoints().values()).allSatisfy(uri -> assertThat(uri.getHost()).isEqualTo("127.0.0.1"));
            assertThat(dynamo.listTables().tableNames()).containsExactly("records");
            assertThat(s3.getBucketVersioning(b -> b.bucket("uploads")).statusAsString()).isEqualTo("Enabled");

            // WHEN a video lands in the watched bucket, and one in the results bucket
            s3.putObject(b -> b.bucket("uploads").key("in/clip.mp4"),
                    RequestBody.fromFile(FIXTURES.path(Fixture.MP4_MOOV_AT_END)));
            s3.putObject(b -> b.bucket("results").key("out.json"), RequestBody.fromString("{}"));

            // THEN only the watched bucket's event reaches the rule
            Await.until("the watched bucket's event on the bus", () -> busEvents.size() == 1);
            assertThat(JSON.readTree(busEvents.getFirst()).at("/detail/object/key").asText()).isEqualTo("in/clip.mp4");

            // WHEN Rekognition is asked to notify the deployed topic
            String jobId = rekognition.startCelebrityRecognition(b -> b
                    .video(v -> v.s3Object(o -> o.bucket("uploads").name("in/clip.mp4")))
                    .notificationChannel(n -> n.snsTopicArn(LocalAws.arn("sns", "AmazonRekognition-vidmeta"))
                            .roleArn(LocalAws.roleArn("rekognition")))
                    .jobTag("celebrities")).jobId();

            // THEN the callback function receives the SNS envelope around Rekognition's message
            Await.until("the callback function's invocation", () -> callbackPayloads.size() == 1);
            JsonNode message = JSON.readTree(JSON.readTree(callbackPayloads.getFirst()).at("/Records/0/Sns/Message").asText());
            assertThat(message.get("JobId").asText()).isEqualTo(jobId);
            assertThat(message.get("Status").asText()).isEqualTo("SUCCEEDED");
            // and the function's environment is Terraform's plus the platform's, endpoints included
            assertThat(callbackEnv.getFirst())
                    .containsEntry("RECORD_TABLE_NAME", "records")
                    .containsEntry("AWS_REGION", LocalAws.REGION)
                    .containsEntry("AWS_ENDPOINT_URL_DYNAMODB", runtime.endpoints().get("DYNAMODB").toString())
                    .containsEntry("AWS_LAMBDA_FUNCTION_NAME", "rekognition-callback");
        }
    }

    @Test
    void upload_toTheWatchedBucket_shouldStartAnExecution_withTheEventAsInput_thatInvokesTheFunction() throws Exception {
        // GIVEN a state machine whose one Task hands the object's bucket and key to a function
        List<String> invocations = new CopyOnWriteArrayList<>();
        String definition = """
                {"QueryLanguage": "JSONata", "StartAt": "Probe Media", "States": {
                  "Probe Media": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                    "Arguments": {"FunctionName": "%s",
                      "Payload": {"bucket": "{%% $states.input.detail.bucket.name %%}",
                                  "key": "{%% $states.input.detail.object.key %%}"}},
                    "Output": "{%% $states.result.Payload %%}", "End": true}}}
                """.formatted(LocalLambda.arnOf("probe"));
        var deployment = LocalDeployment.builder()
                .sourceBucket("uploads")
                .function(LocalFunction.of("probe", env -> (RequestStreamHandler) (in, out, ctx) -> {
                    byte[] payload = in.readAllBytes();
                    invocations.add(new String(payload, StandardCharsets.UTF_8));
                    out.write(payload);
                }, Map.of()))
                .stateMachine("video-metadata", definition)
                .build();

        try (var runtime = LocalRuntime.start(deployment, LocalRuntime.Options.defaults(workDir));
                var s3 = LocalAws.client(S3Client.builder().forcePathStyle(true), runtime.endpoints().get("S3"));
                var sfn = LocalAws.client(SfnClient.builder(), runtime.endpoints().get("SFN"))) {
            // WHEN a video with an awkward key is uploaded
            s3.putObject(b -> b.bucket("uploads").key("in/My Clip+1.mp4"), RequestBody.fromString("bytes"));

            // THEN one execution runs, its input is the S3 event itself, and the function saw the key as the event
            // sent it: URL-encoded, as S3 notifications encode keys (S3 User Guide, "Event message structure",
            // https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html)
            var execution = Await.until("the upload's execution to succeed",
                    () -> SfnExecutions.executions(sfn, runtime.stateMachineArn()),
                    all -> all.stream().anyMatch(e -> e.status() == ExecutionStatus.SUCCEEDED));
            assertThat(execution).hasSize(1);
            // in the same account as the other stand-ins' ARNs (the SNS topic, the S3 event's account)
            assertThat(runtime.stateMachineArn()).isEqualTo(LocalAws.arn("states", "stateMachine:video-metadata"));
            assertThat(execution.getFirst().executionArn()).startsWith(LocalAws.arn("states", "execution:video-metadata:"));
            var described = sfn.describeExecution(b -> b.executionArn(execution.getFirst().executionArn()));
            JsonNode input = JSON.readTree(described.input());
            assertThat(input.get("detail-type").asText()).isEqualTo("Object Created");
            assertThat(input.at("/detail/object/key").asText()).isEqualTo("in/My+Clip%2B1.mp4");
            assertThat(JSON.readTree(described.output()))
                    .isEqualTo(JSON.readTree("{\"bucket\":\"uploads\",\"key\":\"in/My+Clip%2B1.mp4\"}"));
            assertThat(invocations).hasSize(1);
        }
    }
}
