package dev.vidmeta.record;

/** The outcome the record reports for one object version. */
public enum RecordStatus {
    /** Every part produced its result (an analysis Rekognition refused for a documented reason counts as done). */
    COMPLETE,
    /** One part failed or timed out; the other part's results are in the record. */
    PARTIAL,
    /** Nothing usable was produced. */
    FAILED,
    /** The object was deliberately not processed: outside the watched prefixes, zero bytes, our own output, not media. */
    SKIPPED,
    /**
     * The object is gone: a delete marker hides it, or its recorded version was deleted (EventBridge "Object
     * Deleted"). The record keeps what was known about it, plus when and why it was deleted.
     */
    DELETED
}
