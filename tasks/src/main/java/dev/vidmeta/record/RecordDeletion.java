package dev.vidmeta.record;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * What an EventBridge "Object Deleted" event does to the record, decided from the event alone.
 *
 * <p>S3 sets {@code deletion-type} to "Delete Marker Created" when a delete marker now hides a versioned object
 * ({@code version-id} is then the marker's), and to "Permanently Deleted" when an unversioned object, or one
 * version of a versioned object ({@code version-id}), is gone (S3 User Guide, "EventBridge event message
 * structure", https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html). So:
 * <ul>
 *   <li>a delete marker, or the permanent deletion of an unversioned object, means the key's current object is
 *       gone: the record becomes DELETED, and when there is no record yet (the creation's execution is still
 *       running, or its event comes late) a DELETED tombstone is written, so the creation cannot revive it;</li>
 *   <li>the permanent deletion of one version marks the record DELETED only when that is the recorded version
 *       ({@link #versionId}); deleting an older, non-current version leaves the record alone.</li>
 * </ul>
 * Either way the sequencer rule holds: only an event later than the record's changes it, and the record takes
 * the deletion's sequencer, so an older "Object Created" (or its replay) cannot overwrite it afterwards.
 *
 * @param versionId the recorded version this deletion concerns; null when it concerns the current object
 * @param changes the attributes to set on the existing record (the rest of the record stays, queryable)
 * @param tombstone the record to write when there is none; null when a missing record should stay missing
 */
public record RecordDeletion(
        String recordId, String sequencerKey, String versionId, ObjectNode changes, VideoRecord tombstone) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static RecordDeletion of(MergeInput input, Instant now) {
        ObjectRef o = input.object();
        MergeInput.Deletion d = input.deletion();
        if (o == null || d == null) {
            throw new IllegalArgumentException("a deletion needs the object reference and the deletion");
        }
        boolean markerCreated = MergeInput.Deletion.DELETE_MARKER_CREATED.equals(d.type());
        // An unknown deletion-type is read as the narrower "Permanently Deleted": at worst a record stays.
        String versionId = !markerCreated && o.versioned() ? o.versionId() : null;
        String deletedAt = d.time() != null ? d.time() : o.eventTime() != null ? o.eventTime() : now.toString();

        ObjectNode changes = JSON.createObjectNode();
        changes.put("status", RecordStatus.DELETED.name());
        changes.putArray("reasons").add("deleted: " + describe(d) + " at " + deletedAt
                + (versionId != null ? " (version " + versionId + ")" : markerCreated && o.versioned()
                        ? " (delete marker " + o.versionId() + ")" : ""));
        changes.put("deletedAt", deletedAt);
        ObjectNode deletion = changes.putObject("deletion");
        putIfPresent(deletion, "type", d.type());
        putIfPresent(deletion, "reason", d.reason());
        putIfPresent(deletion, "versionId", o.versionId());
        putIfPresent(deletion, "eventId", o.eventId());
        if (input.execution() != null) {
            putIfPresent(deletion, "executionArn", input.execution().id());
        }
        if (o.sequencer() != null) {
            changes.put("sequencer", o.sequencer());
        }
        String sequencerKey = Sequencers.sortKey(o.sequencer());
        changes.put("sequencerKey", sequencerKey);
        changes.put("recordedAt", now.toString());

        VideoRecord tombstone = null;
        if (versionId == null) {
            ObjectNode item = JSON.createObjectNode();
            item.put("pk", o.recordId());
            item.put("bucket", o.bucket());
            item.put("objectKey", o.key());
            item.setAll(changes);
            tombstone = new VideoRecord(item);
        }
        return new RecordDeletion(o.recordId(), sequencerKey, versionId, changes, tombstone);
    }

    private static String describe(MergeInput.Deletion d) {
        String reason = d.reason() == null || d.reason().isEmpty() ? "Object Deleted" : d.reason();
        return d.type() == null || d.type().isEmpty() ? reason : reason + ", " + d.type();
    }

    private static void putIfPresent(ObjectNode node, String field, String value) {
        if (value != null && !value.isEmpty()) {
            node.put(field, value);
        }
    }
}
