package dev.vidmeta.analysis;

/**
 * Rekognition is at its concurrent-job limit (20 stored-video jobs per account by default) or throttling.
 *
 * <p>Thrown out of the start Lambda on purpose: the state machine matches this class name
 * ({@code dev.vidmeta.analysis.RekognitionBusyException}, as the Java runtime reports it) and retries with
 * backoff and jitter long enough for running jobs to finish.
 */
public final class RekognitionBusyException extends RuntimeException {

    public RekognitionBusyException(String message, Throwable cause) {
        super(message, cause);
    }
}
