package dev.vidmeta.record;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What the "Merge Record" state sends: the normalized object, then either a skip reason, a Parallel failure,
 * or the two branch status objects. See {@code events/merge-record-input*.json}.
 *
 * <p>Jackson decodes it once, into typed parts; the JSON it reads is the state machine's, unchanged.
 *
 * @param probe the "Probe Media" branch result ({@link ProbeBranch}), or null when the branch sent none
 * @param analysis the "Analyze With Rekognition" branch result ({@link AnalysisBranch}), or null
 * @param failure set when the Parallel state itself failed, or by "Record Failure" after the merge failed
 * @param deletion set, by "Mark Deleted", for an EventBridge "Object Deleted" event: nothing else is then set
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record MergeInput(
        ObjectRef object,
        String skipReason,
        ProbeBranch probe,
        AnalysisBranch analysis,
        Failure failure,
        Execution execution,
        Deletion deletion) {

    public MergeInput(ObjectRef object, String skipReason, ProbeBranch probe, AnalysisBranch analysis,
            Failure failure, Execution execution) {
        this(object, skipReason, probe, analysis, failure, execution, null);
    }

    /** The same input about {@code resolved} (the event's object with its key resolved). */
    public MergeInput withObject(ObjectRef resolved) {
        return new MergeInput(resolved, skipReason, probe, analysis, failure, execution, deletion);
    }

    /** True for "Record Failure"'s input: the last resort after "Merge Record" or "Mark Deleted" failed. */
    public boolean lastResort() {
        String state = failure == null ? null : failure.state();
        return "Merge Record".equals(state) || "Mark Deleted".equals(state);
    }

    /**
     * A failure the branches could not catch: {@code {state, error, cause}}, written by the Parallel state's Catch
     * ("Probe And Analyze") or, with the failed state's name, by "Record Failure".
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Failure(String state, String error, String cause) {}

    /**
     * An "Object Deleted" event's own fields, as "Check Object" maps them (S3 User Guide, "EventBridge event
     * message structure", https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html).
     *
     * @param type {@code deletion-type}: {@code Delete Marker Created} or {@code Permanently Deleted}
     * @param reason {@code DeleteObject} (an S3 API call) or {@code Lifecycle Expiration}
     * @param time the event's time
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Deletion(String type, String reason, String time) {

        public static final String DELETE_MARKER_CREATED = "Delete Marker Created";
        public static final String PERMANENTLY_DELETED = "Permanently Deleted";
    }

    /** The execution that produced this input ({@code $states.context.Execution}). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Execution(String id, String name, String startTime) {}
}
