package dev.vidmeta.analysis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vidmeta.record.JsonSize;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Condenses a Rekognition Get* result (all pages merged, AWS's JSON field names) into a summary that fits a
 * byte budget, so SendTaskSuccess stays under Step Functions' 256 KiB payload limit and the record under
 * DynamoDB's 400 KB. The full result is kept in S3; the summary says so with {@code truncated} when it had to
 * drop entries.
 *
 * <p>Celebrities, labels, text lines and moderation labels are grouped by identity: name (and id, URLs or
 * parent), highest confidence, first and last time seen in milliseconds, and the number of detections. Faces
 * have no identity, so they summarize as counts; segments as shots and technical cues.
 */
public final class ResultsSummarizer {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ResultsSummarizer() {}

    public static ObjectNode summarize(Analysis analysis, JsonNode results, float minConfidence, int budgetBytes) {
        ObjectNode summary = JSON.createObjectNode();
        JsonNode metadata = results.get("VideoMetadata");
        if (metadata != null && !metadata.isNull()) {
            summary.set("videoMetadata", metadata.isArray() && !metadata.isEmpty() ? metadata.get(0) : metadata);
        }
        JsonNode items = results.path(analysis.resultsField());
        List<ObjectNode> entries = switch (analysis) {
            case CELEBRITIES -> grouped(items, "Celebrity", minConfidence,
                    c -> c.hasNonNull("Id") ? c.get("Id").asText() : c.path("Name").asText(),
                    (c, out) -> {
                        out.put("name", c.path("Name").asText());
                        if (c.hasNonNull("Id")) {
                            out.put("id", c.get("Id").asText());
                        }
                        out.set("urls", c.has("Urls") ? c.get("Urls") : JSON.createArrayNode());
                    });
            case LABELS -> grouped(items, "Label", minConfidence, l -> l.path("Name").asText(),
                    (l, out) -> {
                        out.put("name", l.path("Name").asText());
                        ArrayNode parents = out.putArray("parents");
                        l.path("Parents").forEach(p -> parents.add(p.path("Name").asText()));
                        ArrayNode categories = out.putArray("categories");
                        l.path("Categories").forEach(c -> categories.add(c.path("Name").asText()));
                    });
            case TEXT -> grouped(filterTextLines(items), "TextDetection", minConfidence,
                    t -> t.path("DetectedText").asText(),
                    (t, out) -> out.put("text", t.path("DetectedText").asText()));
            case MODERATION -> grouped(items, "ModerationLabel", minConfidence, m -> m.path("Name").asText(),
                    (m, out) -> {
                        out.put("name", m.path("Name").asText());
                        out.put("parentName", m.path("ParentName").asText(""));
                    });
            case FACES -> faces(items, minConfidence, summary);
            case SEGMENTS -> segments(items, minConfidence, summary);
        };
        String listName = switch (analysis) {
            case CELEBRITIES -> "celebrities";
            case LABELS -> "labels";
            case TEXT -> "lines";
            case MODERATION -> "moderationLabels";
            case FACES -> "faceTimeline";
            case SEGMENTS -> "shots";
        };
        summary.put("distinct", entries.size());
        fit(summary, listName, entries, budgetBytes);
        return summary;
    }

    /** Groups detections by identity, strongest (most seen, then most confident) first. */
    private static List<ObjectNode> grouped(
            JsonNode items,
            String field,
            float minConfidence,
            Function<JsonNode, String> identity,
            BiConsumer<JsonNode, ObjectNode> describe) {
        Map<String, ObjectNode> byId = new LinkedHashMap<>();
        for (JsonNode item : items) {
            JsonNode d = item.path(field);
            double confidence = d.path("Confidence").asDouble(0);
            if (confidence < minConfidence) {
                continue;
            }
            long start = item.has("StartTimestampMillis") ? item.get("StartTimestampMillis").asLong()
                    : item.path("Timestamp").asLong(0);
            long end = item.has("EndTimestampMillis") ? item.get("EndTimestampMillis").asLong()
                    : item.path("Timestamp").asLong(0);
            String id = identity.apply(d);
            ObjectNode out = byId.get(id);
            if (out == null) {
                out = JSON.createObjectNode();
                describe.accept(d, out);
                out.put("maxConfidence", confidence);
                out.put("firstSeenMs", start);
                out.put("lastSeenMs", end);
                out.put("appearances", 0);
                byId.put(id, out);
            }
            out.put("maxConfidence", Math.max(out.get("maxConfidence").asDouble(), confidence));
            out.put("firstSeenMs", Math.min(out.get("firstSeenMs").asLong(), start));
            out.put("lastSeenMs", Math.max(out.get("lastSeenMs").asLong(), end));
            out.put("appearances", out.get("appearances").asInt() + 1);
        }
        List<ObjectNode> entries = new ArrayList<>(byId.values());
        entries.sort(Comparator.<ObjectNode>comparingInt(n -> n.get("appearances").asInt()).reversed()
                .thenComparing(Comparator.<ObjectNode>comparingDouble(n -> n.get("maxConfidence").asDouble())
                        .reversed()));
        return entries;
    }

    /** Text detection reports each line and each of its words; the lines are what a person reads. */
    private static JsonNode filterTextLines(JsonNode items) {
        ArrayNode lines = JSON.createArrayNode();
        for (JsonNode item : items) {
            if ("LINE".equals(item.path("TextDetection").path("Type").asText())) {
                lines.add(item);
            }
        }
        return lines;
    }

    /** Faces carry no identity: count them and keep one entry per second in which faces were seen. */
    private static List<ObjectNode> faces(JsonNode items, float minConfidence, ObjectNode summary) {
        long detections = 0;
        double max = 0;
        Map<Long, ObjectNode> perSecond = new LinkedHashMap<>();
        for (JsonNode item : items) {
            double confidence = item.path("Face").path("Confidence").asDouble(0);
            if (confidence < minConfidence) {
                continue;
            }
            detections++;
            max = Math.max(max, confidence);
            long ts = item.path("Timestamp").asLong(0);
            ObjectNode second = perSecond.computeIfAbsent(ts / 1000, s -> {
                ObjectNode n = JSON.createObjectNode();
                n.put("secondMs", s * 1000);
                n.put("faces", 0);
                return n;
            });
            second.put("faces", second.get("faces").asInt() + 1);
        }
        summary.put("detections", detections);
        summary.put("maxConfidence", max);
        return new ArrayList<>(perSecond.values());
    }

    private static List<ObjectNode> segments(JsonNode items, float minConfidence, ObjectNode summary) {
        List<ObjectNode> shots = new ArrayList<>();
        ObjectNode cues = JSON.createObjectNode();
        for (JsonNode s : items) {
            String type = s.path("Type").asText();
            if ("SHOT".equals(type)) {
                JsonNode shot = s.path("ShotSegment");
                if (shot.path("Confidence").asDouble(100) < minConfidence) {
                    continue;
                }
                ObjectNode n = JSON.createObjectNode();
                n.put("index", shot.path("Index").asLong());
                n.put("startMs", s.path("StartTimestampMillis").asLong());
                n.put("endMs", s.path("EndTimestampMillis").asLong());
                shots.add(n);
            } else if ("TECHNICAL_CUE".equals(type)) {
                JsonNode cue = s.path("TechnicalCueSegment");
                if (cue.path("Confidence").asDouble(100) < minConfidence) {
                    continue;
                }
                ObjectNode c = cues.has(cue.path("Type").asText()) ? (ObjectNode) cues.get(cue.path("Type").asText())
                        : cues.putObject(cue.path("Type").asText());
                c.put("count", c.path("count").asInt(0) + 1);
                c.put("durationMs", c.path("durationMs").asLong(0) + s.path("DurationMillis").asLong(0));
            }
        }
        summary.put("shotCount", shots.size());
        summary.set("technicalCues", cues);
        return shots;
    }

    /** Adds as many entries as fit the budget, in order; flags the summary when some were left out. */
    private static void fit(ObjectNode summary, String listName, List<ObjectNode> entries, int budgetBytes) {
        summary.put("truncated", false);
        ArrayNode list = summary.putArray(listName);
        long base = size(summary);
        if (base > budgetBytes) {
            throw new IllegalArgumentException("summary budget of " + budgetBytes + " bytes is below its fixed part");
        }
        long used = base;
        for (ObjectNode entry : entries) {
            long cost = size(entry) + 1; // the separating comma
            if (used + cost > budgetBytes) {
                summary.put("truncated", true);
                break;
            }
            list.add(entry);
            used += cost;
        }
    }

    /** Its size as Step Functions may count it: see {@link JsonSize#worstCase}. */
    static long size(JsonNode node) {
        return JsonSize.worstCase(node);
    }
}
