package dev.vidmeta.record;

/**
 * How the analysis branch, and each analysis in it, ended: the one vocabulary that the start and callback
 * functions write, the state machine's Catch outputs write ({@code statemachine/video-metadata.asl.json}), and
 * {@link RecordBuilder} reads. The probe branch has its own, richer {@link ProbeStatus}.
 */
public enum BranchStatus {
    /** Results were produced. */
    OK,
    /** Deliberately not done, with a reason: a format Rekognition Video cannot read, a video over its limits. */
    SKIPPED,
    /** Tried and failed, with a reason. */
    FAILED,
    /** The state's TimeoutSeconds ran out (States.Timeout, caught). */
    TIMED_OUT;

    /** The status a branch wrote; {@link #FAILED} for a missing or unknown one, which is no result to trust. */
    public static BranchStatus of(String name) {
        return Statuses.named(BranchStatus.class, name, FAILED);
    }
}
