package dev.vidmeta.record;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the record, keeps it under the item size limit by offloading to S3, and writes it conditionally; for an
 * "Object Deleted" event, marks it DELETED instead (see {@link RecordDeletion}).
 */
public final class RecordMerger {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final RecordStore records;
    private final ResultStore results;
    private final ResultLocation location;
    private final ObjectKeyResolver keys;

    public RecordMerger(RecordStore records, ResultStore results, ResultLocation location, ObjectKeyResolver keys) {
        this.records = records;
        this.results = results;
        this.location = location;
        this.keys = keys;
    }

    /** What the "Merge Record" state gets back. */
    public record Merged(String status, RecordStore.Outcome outcome, List<String> reasons, String detailsUri) {}

    public Merged merge(MergeInput input, Instant now) {
        if (input.deletion() != null) {
            RecordDeletion deletion = RecordDeletion.of(input.withObject(deletedKey(input.object())), now);
            RecordStore.Outcome outcome = records.markDeleted(deletion);
            List<String> reasons = new ArrayList<>();
            deletion.changes().withArray("reasons").forEach(r -> reasons.add(r.asText()));
            return new Merged(RecordStatus.DELETED.name(), outcome, reasons, null);
        }
        // The last resort writes from the event alone: asking S3 again could fail it as the merge failed.
        ObjectKeyResolver.Resolution key = input.lastResort()
                ? ObjectKeyResolver.unconfirmed(input.object()) : keys.resolve(input.object());
        MergeInput resolved = input.withObject(key.object());
        VideoRecord record = RecordBuilder.build(resolved, now);
        record.item().put("keyForm", key.form().name());
        if (!key.eventKey().equals(key.object().key())) {
            record.item().put("eventKey", key.eventKey());
        }
        if (key.reason() != null && !mentioned(record, key.reason())) {
            record.item().withArray("reasons").add(key.reason());
        }
        String detailsUri = null;
        if (record.approximateBytes() > VideoRecord.MAX_ITEM_BYTES) {
            byte[] details = toBytes(record);
            detailsUri = results.putJson(location.keyFor(resolved.object(), "record-details.json"), details);
            record = record.withDetailsOffloaded(detailsUri);
        }
        RecordStore.Outcome outcome = records.put(record);
        List<String> reasons = new ArrayList<>();
        record.item().withArray("reasons").forEach(r -> reasons.add(r.asText()));
        return new Merged(record.status().name(), outcome, reasons, detailsUri);
    }

    /** True when a reason already says {@code text} (the probe's NOT_FOUND reason names an unmatched key). */
    private static boolean mentioned(VideoRecord record, String text) {
        for (var reason : record.item().withArray("reasons")) {
            if (reason.asText().contains(text)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A deleted object cannot be confirmed with HeadObject, so the reading of its key is the one that has a
     * record (decoded first); with none, the decoded one, the encoding S3 documents for notifications.
     */
    private ObjectRef deletedKey(ObjectRef event) {
        List<String> candidates = ObjectKeys.candidates(event.key());
        for (String key : candidates) {
            ObjectRef candidate = ObjectKeyResolver.withKey(event, key);
            if (records.exists(candidate.recordId())) {
                return candidate;
            }
        }
        return ObjectKeyResolver.withKey(event, candidates.getFirst());
    }

    private static byte[] toBytes(VideoRecord record) {
        try {
            return JSON.writeValueAsString(record.details()).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serializes", e);
        }
    }
}
