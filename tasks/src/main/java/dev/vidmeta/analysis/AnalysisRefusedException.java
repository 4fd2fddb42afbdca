package dev.vidmeta.analysis;

/**
 * Rekognition refused to start a job for this object, for a reason retrying cannot fix.
 *
 * @see #skip()
 */
public final class AnalysisRefusedException extends Exception {

    private final boolean skip;

    public AnalysisRefusedException(String message, boolean skip, Throwable cause) {
        super(message, cause);
        this.skip = skip;
    }

    /**
     * True for documented limits of the service (too large, too long, unsupported format): the analysis is
     * SKIPPED. False for problems with the object or the setup (missing, unreadable): the analysis FAILED.
     */
    public boolean skip() {
        return skip;
    }
}
