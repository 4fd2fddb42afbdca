package dev.vidmeta.record;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vidmeta.record.ObjectKeyResolverTest.Bucket;
import dev.vidmeta.testing.Fakes;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The merge resolves the event's key before it writes (S3 User Guide, "Event message structure": "The object
 * key name value is URL encoded", https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html),
 * and sends "Object Deleted" events to the store's deletion ("EventBridge event message structure",
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html).
 */
class RecordMergerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-11-22T09:30:05Z");

    private final Fakes.Records store = new Fakes.Records();
    private final Bucket bucket = new Bucket();
    private final Fakes.Results results = new Fakes.Results("results");
    private final RecordMerger merger = new RecordMerger(store, results,
            new ResultLocation("results", ""), new ObjectKeyResolver(bucket));

    private static ObjectRef object(String key) {
        return new ObjectRef("uploads", key, "v1", "etag1", 10L, "617f08299329d189", "2026-11-21T05:12:45Z",
                "ev", "PutObject");
    }

    private static MergeInput completed(ObjectRef object) {
        return new MergeInput(object, null, ProbeBranch.read(JSON.createObjectNode().put("status", "OK")),
                AnalysisBranch.read(JSON.createObjectNode().put("status", "OK")), null, null);
    }

    @Test
    void merge_shouldWriteTheRecordUnderTheDecodedKey_whenHeadObjectConfirmsIt() {
        // GIVEN "clips/red flower.mp4" at v1, announced as "clips/red+flower.mp4"
        bucket.put("clips/red flower.mp4", "v1", "etag1");

        // WHEN
        RecordMerger.Merged merged = merger.merge(completed(object("clips/red+flower.mp4")), NOW);

        // THEN the item written is keyed on the real key and says how the event's key was read
        assertThat(merged.status()).isEqualTo("COMPLETE");
        VideoRecord written = store.puts.getFirst();
        assertThat(written.recordId()).isEqualTo("uploads/clips/red flower.mp4");
        assertThat(written.item().get("objectKey").asText()).isEqualTo("clips/red flower.mp4");
        assertThat(written.item().get("keyForm").asText()).isEqualTo("DECODED");
        assertThat(written.item().get("eventKey").asText()).isEqualTo("clips/red+flower.mp4");
    }

    @Test
    void merge_shouldRecordTheKeyAsSent_withAReason_whenNeitherReadingHoldsTheObject() {
        RecordMerger.Merged merged = merger.merge(completed(object("gone+clip.mp4")), NOW);

        VideoRecord written = store.puts.getFirst();
        assertThat(written.recordId()).isEqualTo("uploads/gone+clip.mp4");
        assertThat(written.item().get("keyForm").asText()).isEqualTo("UNMATCHED");
        assertThat(merged.reasons()).anySatisfy(r -> assertThat(r)
                .startsWith("object key: neither \"gone clip.mp4\"").contains("nor \"gone+clip.mp4\""));
    }

    @Test
    void merge_shouldNotAskS3_forTheLastResortRecord() {
        // GIVEN Record Failure's input after Merge Record failed
        MergeInput lastResort = new MergeInput(object("clips/red+flower.mp4"), null, null, null,
                new MergeInput.Failure("Merge Record", "E", "c"), null);

        merger.merge(lastResort, NOW);

        assertThat(bucket.heads).isEmpty();
        assertThat(store.puts.getFirst().recordId()).isEqualTo("uploads/clips/red flower.mp4");
        assertThat(store.puts.getFirst().item().get("keyForm").asText()).isEqualTo("UNCONFIRMED");
        assertThat(store.puts.getFirst().status()).isEqualTo(RecordStatus.FAILED);
    }

    @Test
    void merge_shouldMarkTheRecordThatExists_whenADeletedObjectsKeyReadsTwoWays() {
        // GIVEN a record under the raw reading only (its object was announced raw)
        store.existing.add("uploads/a+b.mp4");
        MergeInput deleted = new MergeInput(object("a+b.mp4"), null, null, null, null, null,
                new MergeInput.Deletion("Delete Marker Created", "DeleteObject", "2026-11-22T09:30:00Z"));

        // WHEN
        RecordMerger.Merged merged = merger.merge(deleted, NOW);

        // THEN that record is the one marked, and no record is written
        assertThat(merged.status()).isEqualTo("DELETED");
        assertThat(store.deletions).singleElement()
                .satisfies(d -> assertThat(d.recordId()).isEqualTo("uploads/a+b.mp4"));
        assertThat(store.puts).isEmpty();
    }

    @Test
    void merge_shouldTombstoneTheDecodedReading_whenNoRecordExistsForADeletedObject() {
        MergeInput deleted = new MergeInput(object("a+b.mp4"), null, null, null, null, null,
                new MergeInput.Deletion("Delete Marker Created", "DeleteObject", "2026-11-22T09:30:00Z"));

        merger.merge(deleted, NOW);

        assertThat(store.deletions.getFirst().recordId()).isEqualTo("uploads/a b.mp4");
        assertThat(store.deletions.getFirst().tombstone().item().get("objectKey").asText()).isEqualTo("a b.mp4");
    }

    @Test
    void merge_shouldKeepTheLargePartsInS3_andWriteAnItemUnderDynamoDbsLimit_whenTheRecordIsTooLarge() throws Exception {
        // GIVEN an analysis summary of about 400 KB: DynamoDB items are at most 400 KB ("Service, account, and
        // table quotas in Amazon DynamoDB", https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html)
        bucket.put("clips/a.mp4", "v1", "etag1");
        ObjectNode analysis = JSON.createObjectNode().put("status", "OK");
        ArrayNode labels = analysis.putObject("analyses").putObject("labels").put("status", "OK")
                .putObject("summary").putArray("labels");
        for (int i = 0; i < 6000; i++) {
            labels.addObject().put("name", "Label number " + i).put("maxConfidence", 99.5).put("appearances", i);
        }
        MergeInput input = new MergeInput(object("clips/a.mp4"), null,
                ProbeBranch.read(JSON.createObjectNode().put("status", "OK")), AnalysisBranch.read(analysis), null,
                null);

        // WHEN
        RecordMerger.Merged merged = merger.merge(input, NOW);

        // THEN the technical metadata and summaries are kept whole in S3, and the item points there
        String detailsKey = "uploads/clips/a.mp4/v1/record-details.json";
        assertThat(merged.detailsUri()).isEqualTo("s3://results/" + detailsKey);
        assertThat(results.documents()).containsOnlyKeys(detailsKey);
        JsonNode details = JSON.readTree(results.documents().get(detailsKey));
        assertThat(details.path("analyses").path("labels").path("summary").path("labels")).hasSize(6000);
        VideoRecord written = store.puts.getFirst();
        assertThat(written.approximateBytes()).isLessThanOrEqualTo(VideoRecord.MAX_ITEM_BYTES);
        assertThat(written.item().path("analyses").path("labels").has("summary")).isFalse();
        assertThat(written.item().path("detailsUri").asText()).isEqualTo(merged.detailsUri());
        assertThat(merged.reasons()).contains("record: technical metadata and analysis summaries were too large for "
                + "DynamoDB and are kept in s3://results/" + detailsKey);
    }
}
