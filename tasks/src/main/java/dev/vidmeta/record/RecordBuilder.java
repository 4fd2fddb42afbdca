package dev.vidmeta.record;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns what "Merge Record" receives into the one record: identity, a status with readable reasons, the
 * technical summary, the analysis summaries and pointers to the full results.
 *
 * <p>Status rules: a skip reason gives SKIPPED; a file the probe recognises as not media gives SKIPPED unless
 * Rekognition found something; both parts done (an analysis Rekognition refused for a documented reason counts
 * as done) gives COMPLETE; one part usable gives PARTIAL; nothing usable gives FAILED. A truncated file's probe
 * (TRUNCATED) is usable but never done: its record is at best PARTIAL.
 */
public final class RecordBuilder {

    /** Longest reason kept; causes can carry whole stack traces. */
    static final int MAX_REASON_CHARS = 1_000;

    private static final ObjectMapper JSON = new ObjectMapper();

    private RecordBuilder() {}

    public static VideoRecord build(MergeInput input, Instant now) {
        ObjectRef o = input.object();
        if (o == null) {
            throw new IllegalArgumentException("merge input without an object reference");
        }
        ObjectNode item = JSON.createObjectNode();
        item.put("pk", o.recordId());
        item.put("bucket", o.bucket());
        item.put("objectKey", o.key());
        putIfPresent(item, "versionId", o.versionId());
        putIfPresent(item, "etag", o.etag());
        if (o.size() != null) {
            item.put("size", o.size());
        }
        putIfPresent(item, "sequencer", o.sequencer());
        item.put("sequencerKey", Sequencers.sortKey(o.sequencer()));
        putIfPresent(item, "eventReason", o.reason());

        String uploadedAt = o.eventTime() != null ? o.eventTime()
                : input.execution() != null && input.execution().startTime() != null
                        ? input.execution().startTime() : now.toString();
        item.put("uploadedAt", uploadedAt);
        item.put("uploadDate", uploadedAt.length() >= 10 ? uploadedAt.substring(0, 10) : uploadedAt);
        item.put("recordedAt", now.toString());
        if (input.execution() != null) {
            putIfPresent(item, "executionArn", input.execution().id());
            putIfPresent(item, "executionName", input.execution().name());
        }

        List<String> reasons = new ArrayList<>();
        RecordStatus status = decide(input, item, reasons);
        item.put("status", status.name());
        ArrayNode reasonArray = item.putArray("reasons");
        reasons.forEach(r -> reasonArray.add(truncate(r)));
        return new VideoRecord(item);
    }

    private static RecordStatus decide(MergeInput input, ObjectNode item, List<String> reasons) {
        if (input.skipReason() != null && !input.skipReason().isEmpty()) {
            reasons.add("skipped: " + input.skipReason());
            return RecordStatus.SKIPPED;
        }
        if (input.failure() != null) {
            MergeInput.Failure f = input.failure();
            reasons.add((f.state() == null ? "Probe And Analyze" : f.state()) + " failed: "
                    + describeError(f.error(), f.cause()));
            if (input.probe() == null && input.analysis() == null) {
                return RecordStatus.FAILED;
            }
        }
        Part probe = probePart(input.probe(), item, reasons);
        Part analysis = analysisPart(input.analysis(), item, reasons);

        if (probe == Part.NOT_MEDIA && analysis != Part.OK) {
            return RecordStatus.SKIPPED;
        }
        boolean probeUsable = probe == Part.OK || probe == Part.DEGRADED;
        boolean analysisUsable = analysis == Part.OK || analysis == Part.DEGRADED || analysis == Part.REFUSED;
        if (probe == Part.OK && (analysis == Part.OK || analysis == Part.REFUSED)) {
            return RecordStatus.COMPLETE;
        }
        if (probeUsable || analysisUsable) {
            return RecordStatus.PARTIAL;
        }
        return RecordStatus.FAILED;
    }

    /** How one branch ended, from the record's point of view. */
    private enum Part { OK, DEGRADED, REFUSED, NOT_MEDIA, FAILED }

    private static Part probePart(ProbeBranch probe, ObjectNode item, List<String> reasons) {
        if (!partStatus("probe", probe == null ? null : probe.outcome(), item, reasons)) {
            return Part.FAILED;
        }
        if (probe.technical() != null) {
            item.set("technical", probe.technical());
            TechnicalIndex.of(probe.technical()).writeTo(item);
        }
        if (probe.mediainfo() != null) {
            item.put("mediainfoUri", probe.mediainfo());
        }
        BranchOutcome<ProbeStatus> outcome = probe.outcome();
        return switch (outcome.status()) {
            case OK -> Part.OK;
            case TRUNCATED -> {
                reasons.add("probe: truncated" + suffix(outcome.reason()));
                yield Part.DEGRADED;
            }
            case NOT_MEDIA, EMPTY -> {
                reasons.add("probe: not a media file" + suffix(outcome.reason()));
                yield Part.NOT_MEDIA;
            }
            case UNREADABLE, LIMIT_EXCEEDED, SOURCE_CHANGED, ACCESS_DENIED, NOT_FOUND, FAILED -> {
                // the status as written: one of these, or an unknown one, which is no result to trust
                reasons.add("probe: " + outcome.written() + suffix(outcome.readableReason()));
                yield Part.FAILED;
            }
        };
    }

    private static Part analysisPart(AnalysisBranch analysis, ObjectNode item, List<String> reasons) {
        if (!partStatus("analysis", analysis == null ? null : analysis.outcome(), item, reasons)) {
            return Part.FAILED;
        }
        boolean someFailed = false;
        boolean someOk = false;
        if (analysis.analysesJson() != null) {
            item.set("analyses", analysis.analysesJson());
            ObjectNode uris = JSON.createObjectNode();
            for (Map.Entry<String, AnalysisBranch.Analysis> e : analysis.analyses().entrySet()) {
                BranchOutcome<BranchStatus> one = e.getValue().outcome();
                if (e.getValue().resultsUri() != null) {
                    uris.put(e.getKey(), e.getValue().resultsUri());
                }
                switch (one.status()) {
                    case OK -> someOk = true;
                    case SKIPPED -> reasons.add("analysis " + e.getKey() + ": skipped" + suffix(one.reason()));
                    case FAILED, TIMED_OUT -> {
                        someFailed = true;
                        reasons.add("analysis " + e.getKey() + ": " + one.written() + suffix(one.reason()));
                    }
                }
            }
            if (!uris.isEmpty()) {
                item.set("rekognitionUris", uris);
            }
        }
        BranchOutcome<BranchStatus> outcome = analysis.outcome();
        return switch (outcome.status()) {
            case OK -> someFailed ? (someOk ? Part.DEGRADED : Part.FAILED) : Part.OK;
            case SKIPPED -> {
                if (analysis.analyses().isEmpty()) {
                    // Without per-analysis entries the overall reason is the only one.
                    reasons.add("analysis: skipped" + suffix(outcome.reason()));
                }
                yield Part.REFUSED;
            }
            case TIMED_OUT -> {
                reasons.add("analysis: timed out" + suffix(outcome.readableReason()));
                yield Part.FAILED;
            }
            case FAILED -> {
                // the status as written: FAILED, or an unknown one, which is no result to trust
                reasons.add("analysis: " + outcome.written() + suffix(outcome.readableReason()));
                yield Part.FAILED;
            }
        };
    }

    /** Records a branch's status as {@code <part>Status}; false (and a reason) when the branch sent nothing. */
    private static boolean partStatus(String part, BranchOutcome<?> outcome, ObjectNode item, List<String> reasons) {
        if (outcome == null) {
            item.put(part + "Status", "MISSING");
            reasons.add(part + ": no result");
            return false;
        }
        item.put(part + "Status", outcome.written());
        return true;
    }

    /**
     * Step Functions puts a Lambda error's JSON document ({@code errorMessage}, {@code errorType}, stack trace)
     * in {@code Cause}; only the message is worth keeping.
     */
    static String describeError(String error, String cause) {
        error = error == null ? "" : error;
        cause = cause == null ? "" : cause;
        String message = cause;
        if (cause.startsWith("{")) {
            try {
                JsonNode parsed = JSON.readTree(cause);
                if (parsed.hasNonNull("errorMessage")) {
                    message = parsed.get("errorMessage").asText();
                }
            } catch (JsonProcessingException notJson) {
                message = cause;
            }
        }
        if (error.isEmpty()) {
            return message;
        }
        return message.isEmpty() ? error : error + ": " + message;
    }

    private static String suffix(String reason) {
        return reason == null || reason.isEmpty() ? "" : " (" + reason + ")";
    }

    private static void putIfPresent(ObjectNode item, String field, String value) {
        if (value != null && !value.isEmpty()) {
            item.put(field, value);
        }
    }

    private static String truncate(String reason) {
        return reason.length() <= MAX_REASON_CHARS ? reason : reason.substring(0, MAX_REASON_CHARS - 1) + "…";
    }
}
