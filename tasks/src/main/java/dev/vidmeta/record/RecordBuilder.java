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
        if (isPresent(input.failure())) {
            JsonNode f = input.failure();
            reasons.add(f.path("state").asText("Probe And Analyze") + " failed: " + describeError(f));
            if (!isPresent(input.probe()) && !isPresent(input.analysis())) {
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

    private static Part probePart(JsonNode probe, ObjectNode item, List<String> reasons) {
        String status = partStatus("probe", probe, item, reasons);
        if (status == null) {
            return Part.FAILED;
        }
        JsonNode technical = probe.get("technical");
        if (isPresent(technical)) {
            item.set("technical", technical);
            TechnicalIndex.of(technical).writeTo(item);
        }
        if (probe.hasNonNull("mediainfo")) {
            item.put("mediainfoUri", probe.get("mediainfo").asText());
        }
        // a missing or unknown status reads as FAILED, which is no result to trust
        return switch (Statuses.named(ProbeStatus.class, status, ProbeStatus.FAILED)) {
            case OK -> Part.OK;
            case TRUNCATED -> {
                reasons.add("probe: truncated" + suffix(probe.path("reason").asText("")));
                yield Part.DEGRADED;
            }
            case NOT_MEDIA, EMPTY -> {
                reasons.add("probe: not a media file" + suffix(probe.path("reason").asText("")));
                yield Part.NOT_MEDIA;
            }
            case UNREADABLE, LIMIT_EXCEEDED, SOURCE_CHANGED, ACCESS_DENIED, NOT_FOUND, FAILED -> {
                // the status as written: one of these, or an unknown one, which is no result to trust
                reasons.add("probe: " + status + suffix(reasonOf(probe)));
                yield Part.FAILED;
            }
        };
    }

    private static Part analysisPart(JsonNode analysis, ObjectNode item, List<String> reasons) {
        String status = partStatus("analysis", analysis, item, reasons);
        if (status == null) {
            return Part.FAILED;
        }
        JsonNode analyses = analysis.get("analyses");
        boolean someFailed = false;
        boolean someOk = false;
        if (analyses instanceof ObjectNode byName) {
            item.set("analyses", byName);
            ObjectNode uris = JSON.createObjectNode();
            for (Map.Entry<String, JsonNode> e : byName.properties()) {
                JsonNode one = e.getValue();
                String oneStatus = one.path("status").asText("");
                if (one.hasNonNull("resultsUri")) {
                    uris.put(e.getKey(), one.get("resultsUri").asText());
                }
                switch (BranchStatus.of(oneStatus)) {
                    case OK -> someOk = true;
                    case SKIPPED -> reasons.add("analysis " + e.getKey() + ": skipped"
                            + suffix(one.path("reason").asText("")));
                    case FAILED, TIMED_OUT -> {
                        someFailed = true;
                        reasons.add("analysis " + e.getKey() + ": " + oneStatus + suffix(one.path("reason").asText("")));
                    }
                }
            }
            if (!uris.isEmpty()) {
                item.set("rekognitionUris", uris);
            }
        }
        return switch (BranchStatus.of(status)) {
            case OK -> someFailed ? (someOk ? Part.DEGRADED : Part.FAILED) : Part.OK;
            case SKIPPED -> {
                if (!(analyses instanceof ObjectNode byName) || byName.isEmpty()) {
                    // Without per-analysis entries the overall reason is the only one.
                    reasons.add("analysis: skipped" + suffix(analysis.path("reason").asText("")));
                }
                yield Part.REFUSED;
            }
            case TIMED_OUT -> {
                reasons.add("analysis: timed out" + suffix(reasonOf(analysis)));
                yield Part.FAILED;
            }
            case FAILED -> {
                // the status as written: FAILED, or an unknown one, which is no result to trust
                reasons.add("analysis: " + status + suffix(reasonOf(analysis)));
                yield Part.FAILED;
            }
        };
    }

    /** Records a branch's status as {@code <part>Status}; null (and a reason) when the branch sent nothing. */
    private static String partStatus(String part, JsonNode result, ObjectNode item, List<String> reasons) {
        if (!isPresent(result)) {
            item.put(part + "Status", "MISSING");
            reasons.add(part + ": no result");
            return null;
        }
        String status = result.path("status").asText(BranchStatus.FAILED.name());
        item.put(part + "Status", status);
        return status;
    }

    /** A readable reason from a status object: its reason, or the error name and message of a caught failure. */
    private static String reasonOf(JsonNode part) {
        if (part.hasNonNull("reason")) {
            return part.get("reason").asText();
        }
        return describeError(part);
    }

    /**
     * Step Functions puts a Lambda error's JSON document ({@code errorMessage}, {@code errorType}, stack trace)
     * in {@code Cause}; only the message is worth keeping.
     */
    static String describeError(JsonNode failure) {
        String error = failure.path("error").asText("");
        String cause = failure.path("cause").asText("");
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

    private static boolean isPresent(JsonNode node) {
        return node != null && !node.isNull() && !node.isMissingNode();
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
