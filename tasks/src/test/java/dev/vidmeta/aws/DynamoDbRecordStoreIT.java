package dev.vidmeta.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vidmeta.aws.DynamoDbRecordStore;
import dev.vidmeta.aws.JsonAttributeValues;
import dev.vidmeta.aws.RecordTable;
import dev.vidmeta.local.dynamodb.LocalDynamoDb;
import dev.vidmeta.record.AnalysisBranch;
import dev.vidmeta.record.MergeInput;
import dev.vidmeta.record.ObjectRef;
import dev.vidmeta.testing.InMemoryDynamoDb;
import dev.vidmeta.record.ProbeBranch;
import dev.vidmeta.record.RecordBuilder;
import dev.vidmeta.record.RecordDeletion;
import dev.vidmeta.record.RecordStore;
import dev.vidmeta.record.VideoRecord;
import dev.vidmeta.testing.RepoFiles;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The record's conditional write and indexes, against DynamoDB Local. */
class DynamoDbRecordStoreIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TABLE = "records";
    @RegisterExtension
    static final InMemoryDynamoDb DYNAMODB = new InMemoryDynamoDb();
    private static DynamoDbClient client;

    private DynamoDbRecordStore store;

    @BeforeAll
    static void start() {
        client = DYNAMODB.client();
    }

    @BeforeEach
    void freshTable() {
        if (client.listTables().tableNames().contains(TABLE)) {
            LocalDynamoDb.deleteTable(client, TABLE);
        }
        LocalDynamoDb.createTable(client, RecordTable.createTableRequest(TABLE));
        store = new DynamoDbRecordStore(client, TABLE);
    }

    @Test
    void put_shouldWriteTheItemAsBuilt() throws Exception {
        VideoRecord record = RecordBuilder.build(JSON.treeToValue(RepoFiles.event("merge-record-input.json"),
                MergeInput.class), Instant.parse("2026-11-21T05:14:00Z"));

        assertThat(store.put(record)).isEqualTo(RecordStore.Outcome.WRITTEN);

        Map<String, AttributeValue> item = get(record.recordId());
        // DynamoDB numbers come back as decimals: compare numbers by value, everything else exactly.
        Comparator<JsonNode> byValue = (a, b) ->
                a.isNumber() && b.isNumber() ? a.decimalValue().compareTo(b.decimalValue()) : a.equals(b) ? 0 : 1;
        assertThat(JsonAttributeValues.toJson(item).equals(byValue, record.item()))
                .as("stored %s%nbuilt  %s", JsonAttributeValues.toJson(item), record.item()).isTrue();
    }

    @Test
    void put_shouldKeepTheNewerRecord_whenAnOlderVersionArrivesLast() {
        VideoRecord newer = record("v2", "00617F0A5B2C8D7E11", "COMPLETE");
        VideoRecord older = record("v1", "00617F08299329D189", "COMPLETE");

        assertThat(store.put(newer)).isEqualTo(RecordStore.Outcome.WRITTEN);
        assertThat(store.put(older)).isEqualTo(RecordStore.Outcome.KEPT_NEWER);

        assertThat(get(newer.recordId()).get("versionId").s()).isEqualTo("v2");
    }

    /**
     * S3 User Guide, "Event message structure": sequencers "can be of different lengths. To compare these values,
     * first right pad the shorter value with zeros, and then do a lexicographical comparison"
     * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html). The condition
     * runs inside DynamoDB, so this checks the stored form, not just the Java comparator.
     */
    @Test
    void put_shouldOrderSequencersOfDifferentLengths_byRightPadding() {
        // GIVEN "617F08299329D18A" (16 digits), right-padded "617F08299329D18A00", which is later than
        // "617F08299329D18901" (18 digits); left-padding ("00617F...") would order them the other way round
        VideoRecord newer = record("v2", "617F08299329D18A", "COMPLETE");
        VideoRecord older = record("v1", "617F08299329D18901", "COMPLETE");

        // WHEN the older arrives first, then the newer, then the older again
        store.put(older);
        assertThat(store.put(newer)).isEqualTo(RecordStore.Outcome.WRITTEN);
        assertThat(store.put(older)).isEqualTo(RecordStore.Outcome.KEPT_NEWER);

        // THEN the newer one stays
        assertThat(get(newer.recordId()).get("versionId").s()).isEqualTo("v2");
    }

    @Test
    void put_shouldKeepAwsEventBridgeExampleOverAwsNotificationExample() {
        // GIVEN AWS's documented sequencers "617f08299329d189" (16) and "0055AED6DCD90281E5" (18), right-padded
        VideoRecord later = record("v2", "617f08299329d189", "COMPLETE");
        VideoRecord earlier = record("v1", "0055AED6DCD90281E5", "COMPLETE");

        store.put(later);

        assertThat(store.put(earlier)).isEqualTo(RecordStore.Outcome.KEPT_NEWER);
        assertThat(get(later.recordId()).get("versionId").s()).isEqualTo("v2");
    }

    @Test
    void put_shouldNotDegradeACompleteRecord_whenTheSameEventIsReplayedAndFails() {
        VideoRecord complete = record("v1", "0A", "COMPLETE");
        VideoRecord failedReplay = record("v1", "0A", "FAILED");

        store.put(complete);

        assertThat(store.put(failedReplay)).isEqualTo(RecordStore.Outcome.KEPT_NEWER);
        assertThat(get(complete.recordId()).get("status").s()).isEqualTo("COMPLETE");
        assertThat(store.put(complete)).as("a replay that succeeds again is idempotent")
                .isEqualTo(RecordStore.Outcome.WRITTEN);
    }

    @Test
    void put_shouldUpgradeAPartialRecord_whenTheSameEventIsReplayedAndCompletes() {
        store.put(record("v1", "0A", "PARTIAL"));

        assertThat(store.put(record("v1", "0A", "COMPLETE"))).isEqualTo(RecordStore.Outcome.WRITTEN);
        assertThat(get("uploads/clip.mp4").get("status").s()).isEqualTo("COMPLETE");
    }

    @Test
    void indexes_shouldFindTheRecordByStatusAndByCodec() throws Exception {
        VideoRecord record = RecordBuilder.build(JSON.treeToValue(RepoFiles.event("merge-record-input.json"),
                MergeInput.class), Instant.parse("2026-11-21T05:14:00Z"));
        store.put(record);

        var byStatus = client.query(b -> b.tableName(TABLE).indexName(RecordTable.BY_STATUS)
                .keyConditionExpression("#s = :s").expressionAttributeNames(Map.of("#s", "status"))
                .expressionAttributeValues(Map.of(":s", AttributeValue.fromS("COMPLETE"))));
        var byCodec = client.query(b -> b.tableName(TABLE).indexName(RecordTable.BY_VIDEO_CODEC)
                .keyConditionExpression("videoCodec = :c AND uploadedAt BETWEEN :a AND :b")
                .expressionAttributeValues(Map.of(":c", AttributeValue.fromS("AVC"),
                        ":a", AttributeValue.fromS("2026-11-21"), ":b", AttributeValue.fromS("2026-11-22"))));
        var byDay = client.query(b -> b.tableName(TABLE).indexName(RecordTable.BY_UPLOAD_DATE)
                .keyConditionExpression("uploadDate = :d")
                .expressionAttributeValues(Map.of(":d", AttributeValue.fromS("2026-11-21"))));

        assertThat(byStatus.items()).singleElement().extracting(i -> i.get("pk").s()).isEqualTo(record.recordId());
        assertThat(byCodec.items()).singleElement().extracting(i -> i.get("container").s()).isEqualTo("MPEG-4");
        assertThat(byDay.items()).hasSize(1);
    }

    // Deletions: S3 User Guide, "EventBridge event message structure", detail field "deletion-type"
    // (https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html).

    @Test
    void markDeleted_shouldMarkTheRecordDeleted_keepItsMetadata_andRefuseAnOlderCreation_whenADeleteMarkerFollows() {
        // GIVEN a COMPLETE record of v1
        VideoRecord complete = record("v1", "617F08299329D189", "COMPLETE");
        store.put(complete);

        // WHEN a delete marker is created later (a 16-digit sequencer, later once right-padded)
        RecordStore.Outcome outcome = store.markDeleted(deletion("Delete Marker Created", "marker-1", "617F0837B476E4"));

        // THEN the record is DELETED, with the time and reason, and still has what was known of v1
        assertThat(outcome).isEqualTo(RecordStore.Outcome.WRITTEN);
        Map<String, AttributeValue> item = get(complete.recordId());
        assertThat(item.get("status").s()).isEqualTo("DELETED");
        assertThat(item.get("deletedAt").s()).isEqualTo("2026-11-22T09:30:00Z");
        assertThat(item.get("deletion").m().get("reason").s()).isEqualTo("DeleteObject");
        assertThat(item.get("deletion").m().get("type").s()).isEqualTo("Delete Marker Created");
        assertThat(item.get("versionId").s()).isEqualTo("v1");
        assertThat(item.get("probeStatus").s()).isEqualTo("OK");
        // AND the creation's event, replayed, cannot revive it
        assertThat(store.put(complete)).isEqualTo(RecordStore.Outcome.KEPT_NEWER);
        assertThat(get(complete.recordId()).get("status").s()).isEqualTo("DELETED");
        // AND a later upload does
        assertThat(store.put(record("v2", "617F0900", "COMPLETE"))).isEqualTo(RecordStore.Outcome.WRITTEN);
        assertThat(get(complete.recordId()).get("status").s()).isEqualTo("COMPLETE");
    }

    @Test
    void markDeleted_shouldLeaveTheRecordAlone_whenAnOlderNonCurrentVersionIsPermanentlyDeleted() {
        // GIVEN a COMPLETE record of v2
        store.put(record("v2", "617F0A00", "COMPLETE"));

        // WHEN v1 (an older version) is permanently deleted
        RecordStore.Outcome outcome = store.markDeleted(deletion("Permanently Deleted", "v1", "617F0B00"));

        // THEN nothing changed
        assertThat(outcome).isEqualTo(RecordStore.Outcome.KEPT_NEWER);
        assertThat(get("uploads/clip.mp4").get("status").s()).isEqualTo("COMPLETE");
        assertThat(get("uploads/clip.mp4")).doesNotContainKey("deletedAt");
    }

    @Test
    void markDeleted_shouldMarkTheRecordDeleted_whenItsOwnVersionIsPermanentlyDeleted() {
        store.put(record("v2", "617F0A00", "COMPLETE"));

        assertThat(store.markDeleted(deletion("Permanently Deleted", "v2", "617F0B00")))
                .isEqualTo(RecordStore.Outcome.WRITTEN);
        assertThat(get("uploads/clip.mp4").get("status").s()).isEqualTo("DELETED");
    }

    @Test
    void markDeleted_shouldKeepTheRecord_whenTheDeletionIsOlderThanIt() {
        // GIVEN a record of a re-upload that came after the deletion
        store.put(record("v3", "617F0C00", "COMPLETE"));

        assertThat(store.markDeleted(deletion("Delete Marker Created", "marker-1", "617F0B00")))
                .isEqualTo(RecordStore.Outcome.KEPT_NEWER);
        assertThat(get("uploads/clip.mp4").get("status").s()).isEqualTo("COMPLETE");
    }

    @Test
    void markDeleted_shouldWriteATombstone_thatAnOlderCreationCannotOverwrite_whenTheDeletionArrivesFirst() {
        // WHEN the deletion is recorded before the creation's execution writes its record
        assertThat(store.markDeleted(deletion("Delete Marker Created", "marker-1", "617F0B00")))
                .isEqualTo(RecordStore.Outcome.WRITTEN);

        // THEN the late creation is refused
        assertThat(store.put(record("v1", "617F0A00", "COMPLETE"))).isEqualTo(RecordStore.Outcome.KEPT_NEWER);
        assertThat(get("uploads/clip.mp4").get("status").s()).isEqualTo("DELETED");
    }

    private static RecordDeletion deletion(String type, String version, String sequencer) {
        return RecordDeletion.of(new MergeInput(
                new ObjectRef("uploads", "clip.mp4", version, null, null, sequencer, "2026-11-22T09:30:00Z", "ev",
                        "DeleteObject"),
                null, null, null, null, null,
                new MergeInput.Deletion(type, "DeleteObject", "2026-11-22T09:30:00Z")), Instant.now());
    }

    private static VideoRecord record(String version, String sequencer, String status) {
        MergeInput input = new MergeInput(
                new ObjectRef("uploads", "clip.mp4", version, "etag-" + version, 10L, sequencer,
                        "2026-11-21T05:00:00Z", null, "PutObject"),
                "SKIPPED".equals(status) ? "zero-byte object" : null,
                ProbeBranch.read(JSON.createObjectNode().put("status", "FAILED".equals(status) ? "UNREADABLE" : "OK")),
                AnalysisBranch.read(JSON.createObjectNode().put("status", "PARTIAL".equals(status)
                        || "FAILED".equals(status) ? "TIMED_OUT" : "OK")),
                null, null);
        VideoRecord record = RecordBuilder.build(input, Instant.now());
        assertThat(record.status().name()).isEqualTo(status);
        return record;
    }

    private static Map<String, AttributeValue> get(String pk) {
        return client.getItem(b -> b.tableName(TABLE).key(Map.of("pk", AttributeValue.fromS(pk)))
                .consistentRead(true)).item();
    }
}
