package dev.vidmeta.probe;

import java.io.IOException;

/** The bytes of an object could not be read, for a reason the probe reports as a status. */
public final class SourceException extends IOException {

    /** Why the source failed. */
    public enum Kind {
        /** The object does not exist (any more). */
        NOT_FOUND,
        /** The caller may not read it. */
        ACCESS_DENIED,
        /** The object changed between requests: its ETag, version or size is not the one pinned. */
        CHANGED,
        /** A transient failure: network, throttling, 5xx. Worth a retry. */
        UNAVAILABLE,
        /** Reading it would exceed the bytes or time allowed for one object. Not worth a retry. */
        LIMIT_EXCEEDED
    }

    private final Kind kind;

    public SourceException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public SourceException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
