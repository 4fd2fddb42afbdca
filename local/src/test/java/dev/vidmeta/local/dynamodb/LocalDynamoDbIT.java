package dev.vidmeta.local.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.dynamodbv2.local.monitoring.Telemetry;
import dev.vidmeta.local.LocalAws;
import dev.vidmeta.local.s3.LocalS3;
import dev.vidmeta.testing.Await;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.s3.S3Client;

/** DynamoDB Local through the SDK's DynamoDbClient. */
class LocalDynamoDbIT {

    @TempDir
    Path workDir;

    @Test
    void putAndGet_shouldRoundTrip_andHonourConditions() {
        try (var db = LocalDynamoDb.startInMemory();
                var client = LocalAws.client(DynamoDbClient.builder(), db.endpoint())) {
            createTable(client);
            var item = Map.of("pk", s("clip.mp4"), "status", s("PROBED"));

            client.putItem(b -> b.tableName("records").item(item));

            assertThat(client.getItem(b -> b.tableName("records").key(Map.of("pk", s("clip.mp4")))).item())
                    .isEqualTo(item);
            assertThatThrownBy(() -> client.putItem(b -> b.tableName("records").item(item)
                    .conditionExpression("attribute_not_exists(pk)")))
                    .isInstanceOf(ConditionalCheckFailedException.class);
        }
    }

    @Test
    void server_shouldListenOnLoopbackOnly_withTelemetryOff() {
        try (var db = LocalDynamoDb.startInMemory()) {
            assertThat(db.endpoint().getHost()).isEqualTo("127.0.0.1");
            assertThat(db.endpoint().getPort()).isPositive();
            assertThat(Telemetry.getTelemetry()).isEmpty();
        }
    }

    @Test
    void persistentTables_shouldSurviveARestart() {
        try (var db = LocalDynamoDb.startPersistent(workDir);
                var client = LocalAws.client(DynamoDbClient.builder(), db.endpoint())) {
            createTable(client);
            client.putItem(b -> b.tableName("records").item(Map.of("pk", s("kept"))));
        }
        try (var db = LocalDynamoDb.startPersistent(workDir);
                var client = LocalAws.client(DynamoDbClient.builder(), db.endpoint())) {
            assertThat(client.getItem(b -> b.tableName("records").key(Map.of("pk", s("kept")))).item())
                    .containsEntry("pk", s("kept"));
        }
    }

    @Test
    void dynamoDbLocal_andS3Proxy_shouldRunSideBySide_onTheOneJetty() {
        // Both servers are Jetty apps and the build pins one Jetty (12.1.x) for both.
        try (var db = LocalDynamoDb.startInMemory();
                var s3 = LocalS3.start(workDir, e -> { });
                var dynamo = LocalAws.client(DynamoDbClient.builder(), db.endpoint());
                var s3Client = LocalAws.client(S3Client.builder().forcePathStyle(true), s3.endpoint())) {
            s3.createBucket("side-by-side", false);
            s3Client.putObject(b -> b.bucket("side-by-side").key("k"), RequestBody.fromString("v"));
            createTable(dynamo);

            assertThat(s3Client.getObjectAsBytes(b -> b.bucket("side-by-side").key("k")).asUtf8String()).isEqualTo("v");
            assertThat(dynamo.listTables().tableNames()).containsExactly("records");
            assertThat(org.eclipse.jetty.util.Jetty.VERSION).startsWith("12.1.");
        }
    }

    @Test
    void close_shouldEndDynamoDbLocalsBackgroundJobs() {
        // GIVEN a server that served a request, which starts DynamoDB Local's background jobs
        List<Thread> before = backgroundJobThreads();
        var db = LocalDynamoDb.startInMemory();
        try (var client = LocalAws.client(DynamoDbClient.builder(), db.endpoint())) {
            client.listTables();
        }
        assertThat(backgroundJobThreads()).as("jobs started by this server").isNotEqualTo(before);

        // WHEN it stops
        db.close();

        // THEN their threads end (non-daemon threads that used to sleep on for up to 7.5 minutes, so that a
        // JVM that had closed the server could not exit)
        Await.until("the server's background job threads to end", LocalDynamoDbIT::backgroundJobThreads,
                before::containsAll);
    }

    /** Live threads inside DynamoDB Local's job code. */
    private static List<Thread> backgroundJobThreads() {
        return Thread.getAllStackTraces().entrySet().stream()
                .filter(thread -> Arrays.stream(thread.getValue())
                        .anyMatch(frame -> frame.getClassName().startsWith("com.amazonaws.services.dynamodbv2.local.shared.jobs.")))
                .map(Map.Entry::getKey)
                .toList();
    }

    private static void createTable(DynamoDbClient client) {
        client.createTable(b -> b.tableName("records")
                .keySchema(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build())
                .attributeDefinitions(AttributeDefinition.builder().attributeName("pk")
                        .attributeType(ScalarAttributeType.S).build())
                .billingMode(BillingMode.PAY_PER_REQUEST));
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }
}
