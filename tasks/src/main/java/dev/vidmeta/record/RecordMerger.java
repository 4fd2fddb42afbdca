package dev.vidmeta.record;

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

    public RecordMerger(RecordStore records, ResultStore results, ResultLocation location) {
        this.records = records;
        this.results = results;
        this.location = location;
    }

    /** What the "Merge Record" state gets back. */
    public record Merged(String status, RecordStore.Outcome outcome, List<String> reasons, String detailsUri) {}

    public Merged merge(MergeInput input, Instant now) {
        if (input.deletion() != null) {
            RecordDeletion deletion = RecordDeletion.of(input, now);
            RecordStore.Outcome outcome = records.markDeleted(deletion);
            List<String> reasons = new ArrayList<>();
            deletion.changes().withArray("reasons").forEach(r -> reasons.add(r.asText()));
            return new Merged(RecordStatus.DELETED.name(), outcome, reasons, null);
        }
        VideoRecord record = RecordBuilder.build(input, now);
        String detailsUri = null;
        if (record.approximateBytes() > VideoRecord.MAX_ITEM_BYTES) {
            byte[] details = toBytes(record);
            detailsUri = results.putJson(location.keyFor(input.object(), "record-details.json"), details);
            record = record.withDetailsOffloaded(detailsUri);
        }
        RecordStore.Outcome outcome = records.put(record);
        List<String> reasons = new ArrayList<>();
        record.item().withArray("reasons").forEach(r -> reasons.add(r.asText()));
        return new Merged(record.status().name(), outcome, reasons, detailsUri);
    }

    private static byte[] toBytes(VideoRecord record) {
        try {
            return JSON.writeValueAsString(record.details()).getBytes(StandardCharsets.UTF_8);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serializes", e);
        }
    }
}
