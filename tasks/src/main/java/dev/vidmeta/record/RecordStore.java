package dev.vidmeta.record;

/** Persists the one record per object. */
public interface RecordStore {

    /** What happened to a write. */
    enum Outcome {
        /** The record is now this one. */
        WRITTEN,
        /** A record for a newer version (higher sequencer), or a COMPLETE one for this version, was kept. */
        KEPT_NEWER
    }

    /**
     * Writes {@code record} unless the stored record is for a newer S3 event, or is a COMPLETE record for the
     * same event and {@code record} is not COMPLETE (so a failed duplicate never degrades a good record).
     */
    Outcome put(VideoRecord record);
}
