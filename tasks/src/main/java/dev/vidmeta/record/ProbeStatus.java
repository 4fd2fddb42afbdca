package dev.vidmeta.record;

/**
 * The outcome of probing one object, and so the status of the "Probe Media" branch: the one vocabulary that the
 * probe returns, the probe function writes, the branch's Catch output writes
 * ({@code statemachine/video-metadata.asl.json}) and {@link RecordBuilder} reads. Every value except {@link #OK}
 * comes with a human-readable reason. The analysis branch has its own, {@link BranchStatus}.
 */
public enum ProbeStatus {
    /**
     * MediaInfo read at least one audio, video or image track. A still image counts: it is media to
     * MediaInfo, and whether a pipeline step (Rekognition Video) accepts it is that step's decision.
     */
    OK,
    /** The object has zero bytes. */
    EMPTY,
    /** MediaInfo does not recognize the format, or it recognizes a format that holds no audio, video or image (PDF, a lone subtitle file, ...). */
    NOT_MEDIA,
    /**
     * MediaInfo read tracks, but the file is shorter than its own structure says: MediaInfo's
     * {@code IsTruncated} (an upload cut short, a moov partly cut off). The metadata is kept but may be
     * incomplete or wrong (a duration from the header, say), so it is never reported as {@link #OK}.
     */
    TRUNCATED,
    /** A media container was recognized but no track could be read: truncated or damaged. */
    UNREADABLE,
    /** The probe hit a bound (bytes, reads or time) before MediaInfo finished; the metadata may be partial. */
    LIMIT_EXCEEDED,
    /** The object changed or vanished between two reads. */
    SOURCE_CHANGED,
    /** The caller may not read the object. */
    ACCESS_DENIED,
    /** The object does not exist. */
    NOT_FOUND,
    /**
     * The "Probe Media" task failed after its retries (its Lambda function errored or timed out): written only by
     * the state's Catch, never by the probe itself.
     */
    FAILED
}
