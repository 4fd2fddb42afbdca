package dev.vidmeta.probe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.vidmeta.record.JsonSize;
import java.util.ArrayList;
import java.util.List;

/**
 * The technical metadata as the state machine carries it: {@link TechnicalMetadata}'s JSON, bounded by
 * construction to {@link #BUDGET_BYTES} ({@link JsonSize#worstCase}), so that the "Probe And Analyze" Parallel
 * output stays under Step Functions' 256 KiB whatever the file holds (hundreds of tracks, kilobyte-long titles).
 *
 * <p>Every text is cut to {@link #MAX_TEXT_CODE_POINTS}; then tracks are kept in order (video, audio, image,
 * text, other; within a kind, as MediaInfo lists them) while they fit, and the ones left out are counted in
 * {@code tracksOmitted} ({@code {"text": 412}}). MediaInfo's whole report stays in S3 ({@code mediainfo}).
 */
public final class TechnicalSummary {

    /** The technical summary's share of the 256 KiB Parallel output; see ParallelOutputBoundTest for the sum. */
    public static final int BUDGET_BYTES = 32 * 1024;
    /** Longest text kept (titles, encoder strings): enough for any real value. */
    static final int MAX_TEXT_CODE_POINTS = 200;
    /** Room kept for {@code tracksOmitted}: five kinds with their counts. */
    private static final int OMITTED_RESERVE_BYTES = 100;
    private static final List<String> TRACK_KINDS = List.of("video", "audio", "image", "text", "other");
    private static final ObjectMapper JSON = new ObjectMapper();

    private TechnicalSummary() {}

    public static ObjectNode of(TechnicalMetadata metadata) {
        return bounded(metadata, BUDGET_BYTES);
    }

    static ObjectNode bounded(TechnicalMetadata metadata, int budgetBytes) {
        ObjectNode full = JSON.valueToTree(metadata);
        capTexts(full);
        ObjectNode out = JSON.createObjectNode();
        if (full.has("general")) {
            out.set("general", full.get("general"));
        }
        long available = budgetBytes - OMITTED_RESERVE_BYTES;
        if (JsonSize.worstCase(out) > available) {
            throw new IllegalStateException("the general track alone exceeds the technical summary's budget");
        }
        ObjectNode omitted = JSON.createObjectNode();
        for (String kind : TRACK_KINDS) {
            JsonNode tracks = full.path(kind);
            int kept = 0;
            ArrayNode list = null;
            for (JsonNode track : tracks) {
                if (omitted.isEmpty()) {
                    if (list == null) {
                        list = out.putArray(kind);
                    }
                    list.add(track);
                    if (JsonSize.worstCase(out) <= available) {
                        kept++;
                        continue;
                    }
                    list.remove(list.size() - 1);
                }
                omitted.put(kind, tracks.size() - kept);
                break;
            }
            if (list != null && list.isEmpty()) {
                out.remove(kind);
            }
        }
        if (!omitted.isEmpty()) {
            out.set("tracksOmitted", omitted);
        }
        return out;
    }

    private static void capTexts(JsonNode node) {
        if (node instanceof ObjectNode object) {
            List<String> names = new ArrayList<>();
            object.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                JsonNode value = object.get(name);
                if (value.isTextual()) {
                    object.put(name, JsonSize.cap(value.textValue(), MAX_TEXT_CODE_POINTS));
                } else {
                    capTexts(value);
                }
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                if (array.get(i).isTextual()) {
                    array.set(i, TextNode.valueOf(JsonSize.cap(array.get(i).textValue(), MAX_TEXT_CODE_POINTS)));
                } else {
                    capTexts(array.get(i));
                }
            }
        }
    }
}
