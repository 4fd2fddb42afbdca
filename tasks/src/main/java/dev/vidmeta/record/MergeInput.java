package dev.vidmeta.record;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * What the "Merge Record" state sends: the normalized object, then either a skip reason, a Parallel failure,
 * or the two branch status objects. See {@code events/merge-record-input*.json}.
 *
 * @param probe the "Probe Media" branch result: {@code {status, reason?, technical?, mediainfo?, stats?}} or,
 *     from its Catch, {@code {status: FAILED, error, cause}}
 * @param analysis the "Analyze With Rekognition" branch result: {@code {status, reason?, analyses?}} or, from its
 *     Catch, {@code {status: FAILED|TIMED_OUT, error, cause}}
 * @param failure set when the Parallel state itself failed: {@code {state, error, cause}}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record MergeInput(
        ObjectRef object,
        String skipReason,
        JsonNode probe,
        JsonNode analysis,
        JsonNode failure,
        Execution execution) {

    /** The execution that produced this input ({@code $states.context.Execution}). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Execution(String id, String name, String startTime) {}
}
