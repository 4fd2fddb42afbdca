package dev.vidmeta.record;

/** Persists the one record per object. */
public interface RecordStore {

    /** What happened to a write. */
    enum Outcome {
        /** The record is now this one. */
        WRITTEN,
        /**
         * A record for a newer version (higher sequencer), or a COMPLETE one for this version, was kept; for a
         * deletion, also: it deleted a version other than the recorded one.
         */
        KEPT_NEWER
    }

    /**
     * Writes {@code record} unless the stored record is for a newer S3 event, or is a COMPLETE record for the
     * same event and {@code record} is not COMPLETE (so a failed duplicate never degrades a good record).
     */
    Outcome put(VideoRecord record);

    /**
     * Applies {@code deletion}'s changes to the record when it is older than the deletion's sequencer and, for a
     * version's deletion, records that version; otherwise, when there is no record and the deletion has a
     * tombstone, writes the tombstone. KEPT_NEWER when nothing changed (a later event's record, another
     * version deleted, or no record to mark).
     */
    Outcome markDeleted(RecordDeletion deletion);

    /** True when a record with this id exists (a strongly consistent read). */
    boolean exists(String recordId);
}
