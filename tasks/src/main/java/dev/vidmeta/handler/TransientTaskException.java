package dev.vidmeta.handler;

/**
 * A dependency failed in a way worth retrying (throttling or a 5xx after the SDK's own retries, a network
 * error, S3 briefly unavailable). The state machine retries this class name with backoff and jitter.
 */
public final class TransientTaskException extends RuntimeException {

    public TransientTaskException(String message, Throwable cause) {
        super(message, cause);
    }
}
