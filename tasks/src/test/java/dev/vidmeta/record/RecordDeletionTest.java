package dev.vidmeta.record;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vidmeta.testing.RepoFiles;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * What an "Object Deleted" event does to the record. The events are AWS's examples from the S3 User Guide,
 * "EventBridge event message structure" (https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html),
 * in our bucket: {@code deletion-type} "Delete Marker Created" (DeleteObject, Lifecycle Expiration) and
 * "Permanently Deleted".
 */
class RecordDeletionTest {

    private static final Instant NOW = Instant.parse("2026-11-22T09:30:05Z");

    /** What "Check Object" and "Mark Deleted" send for an Object Deleted event: its object, the key as sent. */
    static MergeInput input(String event) {
        JsonNode json = RepoFiles.event(event);
        JsonNode detail = json.get("detail");
        JsonNode o = detail.get("object");
        ObjectRef object = new ObjectRef(detail.get("bucket").get("name").asText(), o.get("key").asText(),
                o.path("version-id").asText(null), o.path("etag").asText(null), null, o.get("sequencer").asText(),
                json.get("time").asText(), json.get("id").asText(), detail.get("reason").asText());
        return new MergeInput(object, null, null, null, null,
                new MergeInput.Execution("arn:aws:states:eu-west-1:111122223333:execution:vidmeta:del", "del",
                        "2026-11-22T09:30:01Z"),
                new MergeInput.Deletion(detail.get("deletion-type").asText(), detail.get("reason").asText(),
                        json.get("time").asText()));
    }

    @Test
    void of_shouldMarkTheCurrentObjectDeleted_andKeepATombstone_whenADeleteMarkerWasCreated() {
        // WHEN
        RecordDeletion deletion = RecordDeletion.of(input("s3-object-deleted.json"), NOW);

        // THEN any record of the key is concerned, with the deletion's time, reason and sequencer
        assertThat(deletion.recordId()).isEqualTo("vidmeta-uploads-111122223333/uploads/2026/keynote.mp4");
        assertThat(deletion.versionId()).isNull();
        assertThat(deletion.sequencerKey()).isEqualTo(Sequencers.sortKey("617f0837b476e463"));
        assertThat(deletion.changes().get("status").asText()).isEqualTo("DELETED");
        assertThat(deletion.changes().get("deletedAt").asText()).isEqualTo("2026-11-22T09:30:00Z");
        assertThat(deletion.changes().at("/deletion/reason").asText()).isEqualTo("DeleteObject");
        assertThat(deletion.changes().at("/deletion/type").asText()).isEqualTo("Delete Marker Created");
        assertThat(deletion.changes().at("/deletion/versionId").asText()).isEqualTo("1QW9g1Z99LUNbvaaYVpW9xDlOLU.qxgF");
        assertThat(deletion.changes().get("reasons").get(0).asText())
                .isEqualTo("deleted: DeleteObject, Delete Marker Created at 2026-11-22T09:30:00Z"
                        + " (delete marker 1QW9g1Z99LUNbvaaYVpW9xDlOLU.qxgF)");
        assertThat(deletion.tombstone().status()).isEqualTo(RecordStatus.DELETED);
        assertThat(deletion.tombstone().item().get("objectKey").asText()).isEqualTo("uploads/2026/keynote.mp4");
    }

    @Test
    void of_shouldRecordLifecycleExpirationAsTheReason() {
        RecordDeletion deletion = RecordDeletion.of(input("s3-object-deleted-lifecycle.json"), NOW);

        assertThat(deletion.changes().at("/deletion/reason").asText()).isEqualTo("Lifecycle Expiration");
        assertThat(deletion.changes().get("reasons").get(0).asText())
                .startsWith("deleted: Lifecycle Expiration, Delete Marker Created at 2026-12-21T00:00:00Z");
        assertThat(deletion.versionId()).isNull();
    }

    @Test
    void of_shouldConcernOnlyTheDeletedVersion_andWriteNoTombstone_whenAVersionWasPermanentlyDeleted() {
        RecordDeletion deletion = RecordDeletion.of(input("s3-object-deleted-version.json"), NOW);

        assertThat(deletion.versionId()).isEqualTo("IYV3p45BT0ac8hjHg1houSdS1a.Mro8e");
        assertThat(deletion.tombstone()).isNull();
        assertThat(deletion.changes().get("reasons").get(0).asText())
                .isEqualTo("deleted: DeleteObject, Permanently Deleted at 2026-11-22T09:31:00Z"
                        + " (version IYV3p45BT0ac8hjHg1houSdS1a.Mro8e)");
    }

    @Test
    void of_shouldConcernTheCurrentObject_whenAnUnversionedObjectWasPermanentlyDeleted() {
        // GIVEN an unversioned bucket: S3 omits version-id
        MergeInput versioned = input("s3-object-deleted-version.json");
        ObjectRef o = versioned.object();
        MergeInput unversioned = new MergeInput(new ObjectRef(o.bucket(), o.key(), null, null, null, o.sequencer(),
                o.eventTime(), o.eventId(), o.reason()), null, null, null, null, null, versioned.deletion());

        RecordDeletion deletion = RecordDeletion.of(unversioned, NOW);

        assertThat(deletion.versionId()).isNull();
        assertThat(deletion.tombstone()).isNotNull();
    }
}
