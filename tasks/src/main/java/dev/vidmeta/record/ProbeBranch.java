package dev.vidmeta.record;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The "Probe Media" branch's result as "Merge Record" receives it, decoded once: the probe function's output
 * ({@code {status, reason?, technical?, mediainfo?, stats?}}) or, from the state's Catch, {@code {status: FAILED,
 * error, cause}}.
 *
 * @param outcome its status, as written and as read
 * @param technical the technical summary, or null
 * @param mediainfo where MediaInfo's full report was kept, or null
 */
public record ProbeBranch(BranchOutcome<ProbeStatus> outcome, JsonNode technical, String mediainfo) {

    /** Jackson's way in: a JSON null or a missing branch stays null, which the record reads as "no result". */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static ProbeBranch read(JsonNode node) {
        return new ProbeBranch(BranchOutcome.read(node, ProbeStatus.class, ProbeStatus.FAILED),
                node.hasNonNull("technical") ? node.get("technical") : null,
                BranchOutcome.text(node, "mediainfo"));
    }

    public ProbeStatus status() {
        return outcome.status();
    }
}
