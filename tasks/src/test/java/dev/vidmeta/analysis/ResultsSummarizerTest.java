package dev.vidmeta.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vidmeta.record.JsonSize;
import dev.vidmeta.testing.RepoFiles;
import org.junit.jupiter.api.Test;

class ResultsSummarizerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void summarize_shouldGroupCelebritiesById_withConfidenceTimesAndCount() {
        // GIVEN a GetCelebrityRecognition response with three detections of one person and one of another
        JsonNode results = RepoFiles.event("rekognition-get-celebrity-recognition.json");

        // WHEN
        ObjectNode summary = ResultsSummarizer.summarize(Analysis.CELEBRITIES, results, 0, 64 * 1024);

        // THEN
        assertThat(summary.get("distinct").asInt()).isEqualTo(2);
        assertThat(summary.get("truncated").asBoolean()).isFalse();
        JsonNode werner = summary.get("celebrities").get(0);
        assertThat(werner.get("name").asText()).isEqualTo("Werner Vogels");
        assertThat(werner.get("id").asText()).isEqualTo("23iZ1oP");
        assertThat(werner.get("urls").get(0).asText()).isEqualTo("www.wikidata.org/wiki/Q2536951");
        assertThat(werner.get("maxConfidence").asDouble()).isEqualTo(99.95);
        assertThat(werner.get("firstSeenMs").asLong()).isZero();
        assertThat(werner.get("lastSeenMs").asLong()).isEqualTo(61000);
        assertThat(werner.get("appearances").asInt()).isEqualTo(3);
        JsonNode jane = summary.get("celebrities").get(1);
        assertThat(jane.get("name").asText()).isEqualTo("Jane Example");
        assertThat(jane.get("appearances").asInt()).isEqualTo(1);
        assertThat(summary.get("videoMetadata").get("Codec").asText()).isEqualTo("h264");
    }

    @Test
    void summarize_shouldDropDetectionsBelowMinimumConfidence() {
        JsonNode results = RepoFiles.event("rekognition-get-celebrity-recognition.json");

        ObjectNode summary = ResultsSummarizer.summarize(Analysis.CELEBRITIES, results, 98.0f, 64 * 1024);

        assertThat(summary.get("celebrities")).hasSize(1);
        assertThat(summary.get("celebrities").get(0).get("appearances").asInt()).isEqualTo(3);
    }

    @Test
    void summarize_shouldStayWithinBudget_andSayItTruncated_whenThousandsOfCelebrities() {
        // GIVEN 20,000 distinct celebrities, far beyond any budget
        ObjectNode results = JSON.createObjectNode();
        ArrayNode items = results.putArray("Celebrities");
        for (int i = 0; i < 20_000; i++) {
            ObjectNode c = items.addObject().put("Timestamp", i * 40L).putObject("Celebrity");
            c.put("Name", "Person " + i).put("Id", "id" + i).put("Confidence", 90.0);
            c.putArray("Urls").add("www.wikidata.org/wiki/Q" + i);
        }
        int budget = 16 * 1024;

        // WHEN
        ObjectNode summary = ResultsSummarizer.summarize(Analysis.CELEBRITIES, results, 0, budget);

        // THEN
        assertThat(ResultsSummarizer.size(summary)).isLessThanOrEqualTo(budget);
        assertThat(summary.get("truncated").asBoolean()).isTrue();
        assertThat(summary.get("distinct").asInt()).isEqualTo(20_000);
        assertThat(summary.get("celebrities").size()).isBetween(50, 20_000 - 1);
    }

    /**
     * The celebrity list at its budget: counted as Step Functions may serialize it ({@code JsonSize.worstCase}), since
     * its 256 KiB quota applies to the task output ("Step Functions service quotas",
     * https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html).
     */
    @Test
    void summarize_shouldFillTheCelebrityListToItsBudget_countingEveryEscape_whenNamesAreEmojiAndControlCharacters()
            throws Exception {
        // GIVEN 2,000 celebrities whose names are emoji (12 bytes escaped as a surrogate pair) and control characters
        ObjectNode results = JSON.createObjectNode();
        ArrayNode items = results.putArray("Celebrities");
        for (int i = 0; i < 2000; i++) {
            ObjectNode c = items.addObject().put("Timestamp", i * 40L).putObject("Celebrity");
            c.put("Name", "\uD83C\uDFAC\u0001".repeat(20) + i).put("Id", "id" + i).put("Confidence", 90.0);
            c.putArray("Urls").add("www.wikidata.org/wiki/Q" + i);
        }
        int budget = 128 * 1024 / 6;

        // WHEN summarized at one analysis' share of the summaries' budget
        ObjectNode summary = ResultsSummarizer.summarize(Analysis.CELEBRITIES, results, 0, budget);

        // THEN the list fills the budget: within it however serialized, and the next celebrity would not fit
        long size = JsonSize.worstCase(summary);
        assertThat(size).isLessThanOrEqualTo(budget);
        assertThat((long) JSON.writeValueAsBytes(summary).length).isLessThanOrEqualTo(size);
        assertThat(summary.get("truncated").asBoolean()).isTrue();
        int kept = summary.get("celebrities").size();
        ObjectNode withNext = summary.deepCopy();
        ObjectNode next = ResultsSummarizer.summarize(Analysis.CELEBRITIES, results, 0, Integer.MAX_VALUE)
                .get("celebrities").get(kept).deepCopy();
        withNext.withArray("celebrities").add(next);
        assertThat(JsonSize.worstCase(withNext)).isGreaterThan(budget);
    }

    @Test
    void summarize_shouldGroupLabels_usingSegmentTimes() {
        JsonNode results = RepoFiles.event("rekognition-get-label-detection.json");

        ObjectNode summary = ResultsSummarizer.summarize(Analysis.LABELS, results, 0, 64 * 1024);

        JsonNode person = summary.get("labels").get(0);
        assertThat(person.get("name").asText()).isEqualTo("Person");
        assertThat(person.get("appearances").asInt()).isEqualTo(2);
        assertThat(person.get("firstSeenMs").asLong()).isZero();
        assertThat(person.get("lastSeenMs").asLong()).isEqualTo(9000);
        assertThat(summary.get("labels").get(1).get("parents").get(0).asText()).isEqualTo("Electrical Device");
    }

    @Test
    void summarize_shouldCountShotsAndTechnicalCues() {
        JsonNode results = RepoFiles.event("rekognition-get-segment-detection.json");

        ObjectNode summary = ResultsSummarizer.summarize(Analysis.SEGMENTS, results, 0, 64 * 1024);

        assertThat(summary.get("shotCount").asInt()).isEqualTo(2);
        assertThat(summary.get("shots").get(1).get("startMs").asLong()).isEqualTo(30030);
        assertThat(summary.get("technicalCues").get("BlackFrames").get("count").asInt()).isEqualTo(1);
        assertThat(summary.get("technicalCues").get("BlackFrames").get("durationMs").asLong()).isEqualTo(1001);
        assertThat(summary.get("videoMetadata").get("Codec").asText()).isEqualTo("h264");
    }

    @Test
    void summarize_shouldKeepOnlyTextLines() {
        ObjectNode results = JSON.createObjectNode();
        ArrayNode items = results.putArray("TextDetections");
        items.addObject().put("Timestamp", 100).putObject("TextDetection")
                .put("DetectedText", "AWS re:Invent").put("Type", "LINE").put("Confidence", 98.5);
        items.addObject().put("Timestamp", 100).putObject("TextDetection")
                .put("DetectedText", "AWS").put("Type", "WORD").put("Confidence", 99.1);

        ObjectNode summary = ResultsSummarizer.summarize(Analysis.TEXT, results, 0, 64 * 1024);

        assertThat(summary.get("lines")).hasSize(1);
        assertThat(summary.get("lines").get(0).get("text").asText()).isEqualTo("AWS re:Invent");
    }
}
