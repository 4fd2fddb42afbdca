package dev.vidmeta.local.rekognition;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The stored-video Start/Get pairs: their names, the list each Get returns, and how it may be sorted. */
enum VideoApi {
    CELEBRITY("CelebrityRecognition", "Celebrities", Map.of(
            "TIMESTAMP", byTimestamp(),
            "ID", Comparator.comparing((JsonNode n) -> n.at("/Celebrity/Id").asText()).thenComparing(byTimestamp()))),
    LABEL("LabelDetection", "Labels", Map.of(
            "TIMESTAMP", byTimestamp().thenComparing(n -> n.at("/Label/Name").asText()),
            "NAME", Comparator.comparing((JsonNode n) -> n.at("/Label/Name").asText()).thenComparing(byTimestamp()))),
    FACE("FaceDetection", "Faces", Map.of()),
    TEXT("TextDetection", "TextDetections", Map.of()),
    CONTENT_MODERATION("ContentModeration", "ModerationLabels", Map.of(
            "TIMESTAMP", byTimestamp().thenComparing(n -> n.at("/ModerationLabel/Name").asText()),
            "NAME", Comparator.comparing((JsonNode n) -> n.at("/ModerationLabel/Name").asText())
                    .thenComparing(byTimestamp()))),
    SEGMENT("SegmentDetection", "Segments", Map.of());

    final String startOperation;
    final String getOperation;
    final String resultsField;
    /** Sort orders SortBy accepts; empty when the Get has no SortBy (it then returns time order). */
    final Map<String, Comparator<JsonNode>> sortOrders;

    VideoApi(String suffix, String resultsField, Map<String, Comparator<JsonNode>> sortOrders) {
        this.startOperation = "Start" + suffix;
        this.getOperation = "Get" + suffix;
        this.resultsField = resultsField;
        this.sortOrders = sortOrders;
    }

    Comparator<JsonNode> defaultOrder() {
        if (this == SEGMENT) {
            return Comparator.comparingLong(n -> n.path("StartTimestampMillis").asLong());
        }
        return sortOrders.getOrDefault("TIMESTAMP", byTimestamp());
    }

    static VideoApi byOperation(String operation) {
        for (VideoApi api : values()) {
            if (api.startOperation.equals(operation) || api.getOperation.equals(operation)) {
                return api;
            }
        }
        return null;
    }

    static List<String> operations() {
        return Arrays.stream(values()).flatMap(a -> Stream.of(a.startOperation, a.getOperation))
                .toList();
    }

    private static Comparator<JsonNode> byTimestamp() {
        return Comparator.comparingLong(n -> n.path("Timestamp").asLong());
    }
}
