package dev.vidmeta.probe;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.vidmeta.record.ProbeStatus;

/**
 * The probe's answer for one object: a status, always; the metadata when MediaInfo read something.
 *
 * @param status what happened
 * @param reason why, in words, for every status but OK (null for OK)
 * @param source {@link RangedReader#describe()} of the object: safe to log, no signature or credential
 * @param mediaInfo MediaInfo's own JSON report ({@code mediainfo --Output=JSON}), or null when MediaInfo never ran
 * @param metadata the normalized record, or null when MediaInfo recognized nothing
 * @param stats what reading cost
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProbeResult(
        ProbeStatus status,
        String reason,
        String source,
        JsonNode mediaInfo,
        TechnicalMetadata metadata,
        ProbeStats stats) {

    static ProbeResult failed(ProbeStatus status, String reason, String source, ProbeStats stats) {
        return new ProbeResult(status, reason, source, null, null, stats);
    }
}
