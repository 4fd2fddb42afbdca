package dev.vidmeta.local.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vidmeta.local.LocalAws;
import dev.vidmeta.testing.Await;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

/** The local DynamoDB (dynalite behind its Node front) through the SDK's DynamoDbClient. */
class LocalDynamoDbIT {

    private static final String TABLE = "records";

    @TempDir
    Path workDir;

    @Test
    void putAndGet_shouldRoundTrip_andHonourConditions() {
        try (var db = LocalDynamoDb.startInMemory();
                var client = LocalAws.client(DynamoDbClient.builder(), db.endpoint())) {
            LocalDynamoDb.createTable(client, table());
            var item = Map.of("pk", s("clip.mp4"), "status", s("PROBED"));

            client.putItem(b -> b.tableName(TABLE).item(item));

            assertThat(client.getItem(b -> b.tableName(TABLE).key(Map.of("pk", s("clip.mp4")))).item())
                    .isEqualTo(item);
            assertThatThrownBy(() -> client.putItem(b -> b.tableName(TABLE).item(item)
                    .conditionExpression("attribute_not_exists(pk)")))
                    .isInstanceOf(ConditionalCheckFailedException.class);
        }
    }

    @Test
    void server_shouldListenOnLoopbackOnly_onAPortOfItsOwn() {
        try (var first = LocalDynamoDb.startInMemory(); var second = LocalDynamoDb.startInMemory()) {
            assertThat(first.endpoint().getHost()).isEqualTo("127.0.0.1");
            assertThat(first.endpoint().getPort()).isPositive().isNotEqualTo(second.endpoint().getPort());
        }
    }

    @Test
    void persistentTables_shouldSurviveARestart_underWorkDirDynamodb() {
        try (var db = LocalDynamoDb.startPersistent(workDir);
                var client = LocalAws.client(DynamoDbClient.builder(), db.endpoint())) {
            LocalDynamoDb.createTable(client, table());
            client.putItem(b -> b.tableName(TABLE).item(Map.of("pk", s("kept"))));
        }
        try (var db = LocalDynamoDb.startPersistent(workDir);
                var client = LocalAws.client(DynamoDbClient.builder(), db.endpoint())) {
            assertThat(client.getItem(b -> b.tableName(TABLE).key(Map.of("pk", s("kept")))).item())
                    .containsEntry("pk", s("kept"));
        }
        assertThat(workDir.resolve("dynamodb/data")).isDirectory();
    }

    @Test
    void secondServer_onTheSameWorkDir_shouldSayTheWorkDirIsInUse() {
        try (var db = LocalDynamoDb.startPersistent(workDir)) {
            assertThatThrownBy(() -> LocalDynamoDb.startPersistent(workDir).close())
                    .hasMessageContaining("work dir in use by another local runtime");
        }
    }

    @Test
    void deleteTable_shouldBeAsynchronous_asOnAws() {
        // DeleteTable API reference: "DeleteTable is an asynchronous operation": the table is DELETING first.
        try (var db = LocalDynamoDb.startInMemory();
                var client = LocalAws.client(DynamoDbClient.builder(), db.endpoint())) {
            LocalDynamoDb.createTable(client, table());

            var deleting = client.deleteTable(b -> b.tableName(TABLE)).tableDescription().tableStatusAsString();

            assertThat(deleting).isEqualTo("DELETING");
            Await.until("the table to be gone", () -> client.listTables().tableNames(), names -> !names.contains(TABLE));
            assertThatThrownBy(() -> client.describeTable(b -> b.tableName(TABLE)))
                    .isInstanceOf(ResourceNotFoundException.class);
        }
    }

    @Test
    void timeToLive_shouldBeKeptInTheWorkDir_acrossRestarts() {
        try (var db = LocalDynamoDb.startPersistent(workDir);
                var client = LocalAws.client(DynamoDbClient.builder(), db.endpoint())) {
            LocalDynamoDb.createTable(client, table());
            assertThat(ttlStatus(client)).isEqualTo(TimeToLiveStatus.DISABLED);

            var answer = client.updateTimeToLive(b -> b.tableName(TABLE)
                    .timeToLiveSpecification(t -> t.enabled(true).attributeName("expiresAt")));

            assertThat(answer.timeToLiveSpecification().attributeName()).isEqualTo("expiresAt");
        }
        try (var db = LocalDynamoDb.startPersistent(workDir);
                var client = LocalAws.client(DynamoDbClient.builder(), db.endpoint())) {
            assertThat(ttlStatus(client)).isEqualTo(TimeToLiveStatus.ENABLED);
            assertThat(client.describeTimeToLive(b -> b.tableName(TABLE)).timeToLiveDescription().attributeName())
                    .isEqualTo("expiresAt");
        }
    }

    @Test
    void timeToLive_ofARecreatedTable_shouldStartDisabled() {
        try (var db = LocalDynamoDb.startInMemory();
                var client = LocalAws.client(DynamoDbClient.builder(), db.endpoint())) {
            LocalDynamoDb.createTable(client, table());
            client.updateTimeToLive(b -> b.tableName(TABLE)
                    .timeToLiveSpecification(t -> t.enabled(true).attributeName("expiresAt")));

            LocalDynamoDb.deleteTable(client, TABLE);
            LocalDynamoDb.createTable(client, table());

            assertThat(ttlStatus(client)).isEqualTo(TimeToLiveStatus.DISABLED);
        }
    }

    @Test
    void timeToLive_ofAMissingTable_shouldBeResourceNotFound() {
        try (var db = LocalDynamoDb.startInMemory();
                var client = LocalAws.client(DynamoDbClient.builder(), db.endpoint())) {
            assertThatThrownBy(() -> client.updateTimeToLive(b -> b.tableName("nope")
                    .timeToLiveSpecification(t -> t.enabled(true).attributeName("expiresAt"))))
                    .isInstanceOf(ResourceNotFoundException.class);
        }
    }

    /**
     * Which items TTL deletes: "Using DynamoDB Time to Live (TTL)", DynamoDB developer guide
     * (time-to-live-ttl-before-you-start.html): a top-level Number in epoch seconds, in the past, and no more than
     * five years in the past; items without it, or with another type, are ignored.
     */
    @Test
    void timeToLive_shouldDeleteExpiredItems_andOnlyThose_perTheTtlDeveloperGuide() {
        try (var db = LocalDynamoDb.start(LocalDynamoDb.Options.inMemory().withTtlSweep(Duration.ofMillis(50)));
                var client = LocalAws.client(DynamoDbClient.builder(), db.endpoint())) {
            // GIVEN a table with TTL on expiresAt, and items on every side of the rule
            LocalDynamoDb.createTable(client, table());
            client.updateTimeToLive(b -> b.tableName(TABLE)
                    .timeToLiveSpecification(t -> t.enabled(true).attributeName("expiresAt")));
            long now = Instant.now().getEpochSecond();
            put(client, "expired", Map.of("expiresAt", n(now - 60)));
            put(client, "future", Map.of("expiresAt", n(now + 3600)));
            put(client, "string-typed", Map.of("expiresAt", s(Long.toString(now - 60))));
            put(client, "no-attribute", Map.of());
            put(client, "six-years-ago", Map.of("expiresAt", n(now - 6L * 366 * 24 * 3600)));

            // WHEN the sweeper runs; THEN only the expired Number goes
            Await.until("the expired item to be deleted", () -> keys(client), keys -> !keys.contains("expired"));
            assertThat(keys(client)).containsExactlyInAnyOrder("future", "string-typed", "no-attribute", "six-years-ago");
        }
    }

    @Test
    void crossOriginRequests_shouldBeRefused_soThatNoWebPageReachesTheTables() throws Exception {
        try (var db = LocalDynamoDb.startInMemory()) {
            var request = HttpRequest.newBuilder(db.endpoint())
                    .header("Origin", "https://example.com")
                    .header("Content-Type", "application/x-amz-json-1.0")
                    .header("X-Amz-Target", "DynamoDB_20120810.ListTables")
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build();

            var answer = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());

            assertThat(answer.statusCode()).isEqualTo(403);
            assertThat(answer.body()).contains("AccessDeniedException").doesNotContain("TableNames");
        }
    }

    @Test
    void requestsFromAnotherSite_withoutOrigin_shouldBeRefused_byFetchMetadata() throws Exception {
        try (var db = LocalDynamoDb.startInMemory()) {
            var request = HttpRequest.newBuilder(db.endpoint())
                    .header("Sec-Fetch-Site", "cross-site")
                    .header("Content-Type", "application/x-amz-json-1.0")
                    .header("X-Amz-Target", "DynamoDB_20120810.ListTables")
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build();

            var answer = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());

            assertThat(answer.statusCode()).isEqualTo(403);
            assertThat(answer.body()).contains("AccessDeniedException");
        }
    }

    @Test
    void unsignedRequests_shouldBeRefused_withAwsError() throws Exception {
        try (var db = LocalDynamoDb.startInMemory()) {
            var request = HttpRequest.newBuilder(URI.create(db.endpoint() + "/"))
                    .header("Content-Type", "application/x-amz-json-1.0")
                    .header("X-Amz-Target", "DynamoDB_20120810.ListTables")
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build();

            var answer = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());

            assertThat(answer.statusCode()).isEqualTo(400);
            assertThat(answer.body()).contains("MissingAuthenticationTokenException");
        }
    }

    @Test
    void start_shouldTakeThePrestartedChild_andGiveItItsOptions() {
        long prestarted = LocalDynamoDb.prestart().orElseThrow();

        try (var db = LocalDynamoDb.startPersistent(workDir);
                var client = LocalAws.client(DynamoDbClient.builder(), db.endpoint())) {
            assertThat(db.pid()).isEqualTo(prestarted);
            LocalDynamoDb.createTable(client, table());
            assertThat(workDir.resolve("dynamodb/data")).isDirectory();
        }
        try (var next = LocalDynamoDb.startInMemory()) {
            assertThat(next.pid()).isNotEqualTo(prestarted);
        }
    }

    @Test
    void workDir_withQuotesBackslashesAndSpaces_shouldReachTheChildIntact() {
        Path odd = workDir.resolve("a \"quoted\" \\ dir");
        try (var db = LocalDynamoDb.startPersistent(odd);
                var client = LocalAws.client(DynamoDbClient.builder(), db.endpoint())) {
            LocalDynamoDb.createTable(client, table());
        }
        assertThat(odd.resolve("dynamodb/data")).isDirectory();
    }

    @Test
    @Timeout(30)
    void front_shouldSayWhyItCannotStart_onItsFirstLine() throws Exception {
        // fail() before the options arrive: an argument is refused, with a reason, not a stack trace.
        Process front = new ProcessBuilder(LocalDynamoDb.node(),
                Path.of(System.getProperty("vidmeta.dynalite.dir"), "server.js").toString(), "--path", "x").start();

        String first = new String(front.getInputStream().readAllBytes()).lines().findFirst().orElse("");

        assertThat(front.waitFor()).isEqualTo(1);
        assertThat(first).isEqualTo("{\"error\":\"no arguments expected, options come on stdin: --path x\"}");
    }

    @Test
    void close_shouldEndTheNodeProcess() {
        var db = LocalDynamoDb.startInMemory();
        long pid = db.pid();

        db.close();

        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isIn(Optional.empty(), Optional.of(false));
    }

    private static TimeToLiveStatus ttlStatus(DynamoDbClient client) {
        return client.describeTimeToLive(b -> b.tableName(TABLE)).timeToLiveDescription().timeToLiveStatus();
    }

    private static void put(DynamoDbClient client, String pk, Map<String, AttributeValue> attributes) {
        var item = new HashMap<>(attributes);
        item.put("pk", s(pk));
        client.putItem(b -> b.tableName(TABLE).item(item));
    }

    private static List<String> keys(DynamoDbClient client) {
        return client.scan(b -> b.tableName(TABLE)).items().stream().map(item -> item.get("pk").s()).toList();
    }

    private static CreateTableRequest table() {
        return CreateTableRequest.builder().tableName(TABLE)
                .keySchema(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build())
                .attributeDefinitions(AttributeDefinition.builder().attributeName("pk")
                        .attributeType(ScalarAttributeType.S).build())
                .billingMode(BillingMode.PAY_PER_REQUEST).build();
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
