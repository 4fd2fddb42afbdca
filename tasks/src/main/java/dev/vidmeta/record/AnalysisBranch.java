package dev.vidmeta.record;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The "Analyze With Rekognition" branch's result as "Merge Record" receives it, decoded once: the callback's (or
 * the start function's) {@code {status, reason?, analyses?}} or, from the state's Catch, {@code {status:
 * FAILED|TIMED_OUT, error, cause}}.
 *
 * @param outcome its status, as written and as read
 * @param analyses each analysis by name, in the order written; empty when there are none
 * @param analysesJson the analyses as written, which the record keeps whole; null when there are none
 */
public record AnalysisBranch(
        BranchOutcome<BranchStatus> outcome, Map<String, Analysis> analyses, ObjectNode analysesJson) {

    /**
     * One analysis (celebrities, labels, ...): its envelope, and where its full results were kept.
     *
     * @param resultsUri the full results in the results bucket, or null
     */
    public record Analysis(BranchOutcome<BranchStatus> outcome, String resultsUri) {}

    /** Jackson's way in: a JSON null or a missing branch stays null, which the record reads as "no result". */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static AnalysisBranch read(JsonNode node) {
        Map<String, Analysis> analyses = new LinkedHashMap<>();
        ObjectNode json = node.get("analyses") instanceof ObjectNode byName ? byName : null;
        if (json != null) {
            for (Map.Entry<String, JsonNode> e : json.properties()) {
                BranchOutcome<BranchStatus> outcome =
                        BranchOutcome.read(e.getValue(), BranchStatus.class, BranchStatus.FAILED);
                analyses.put(e.getKey(), new Analysis(outcome, BranchOutcome.text(e.getValue(), "resultsUri")));
            }
        }
        return new AnalysisBranch(BranchOutcome.read(node, BranchStatus.class, BranchStatus.FAILED), analyses, json);
    }

    public BranchStatus status() {
        return outcome.status();
    }
}
