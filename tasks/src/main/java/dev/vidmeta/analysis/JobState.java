package dev.vidmeta.analysis;

import java.util.Locale;

/** A Rekognition job's status ({@code IN_PROGRESS}, {@code SUCCEEDED}, {@code FAILED}; SNS also says ERROR). */
public record JobState(String status, String statusMessage) {

    public boolean finished() {
        return !"IN_PROGRESS".equals(status);
    }

    public boolean succeeded() {
        return "SUCCEEDED".equals(status);
    }

    /**
     * Rekognition reports a file it cannot decode as a FAILED job; that is a limit of the service, not a failure
     * of the pipeline, so the analysis is SKIPPED with Rekognition's message ("Unsupported codec/format.").
     */
    public boolean unsupportedMedia() {
        String m = statusMessage == null ? "" : statusMessage.toLowerCase(Locale.ROOT);
        return !succeeded() && m.contains("unsupported");
    }
}
