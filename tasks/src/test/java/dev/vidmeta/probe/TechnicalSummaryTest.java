package dev.vidmeta.probe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vidmeta.record.JsonSize;
import org.junit.jupiter.api.Test;

/**
 * The technical summary rides in the "Probe And Analyze" Parallel output, which Step Functions limits to 256 KiB
 * ("Step Functions service quotas", https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html); a
 * larger one raises States.DataLimitExceeded, which States.ALL cannot catch
 * (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html).
 */
class TechnicalSummaryTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** A character JSON serializers may escape as \\u0001: six bytes each, the worst case. */
    private static final String WORST = "\u0001";

    /** A MediaInfo report of a file with one video, two audio and {@code subtitles} text tracks. */
    private static ObjectNode report(int subtitles, String title) {
        ObjectNode report = JSON.createObjectNode();
        ArrayNode tracks = report.putObject("media").putArray("track");
        tracks.addObject().put("@type", "General").put("Format", "Matroska").put("Title", title)
                .put("Encoded_Application", title).put("Duration", "5400.000");
        tracks.addObject().put("@type", "Video").put("ID", "1").put("Format", "AVC").put("Width", "1920")
                .put("Height", "1080").put("Title", title);
        tracks.addObject().put("@type", "Audio").put("ID", "2").put("Format", "AAC").put("Language", "en");
        tracks.addObject().put("@type", "Audio").put("ID", "3").put("Format", "AC-3").put("Language", "fr");
        for (int i = 0; i < subtitles; i++) {
            tracks.addObject().put("@type", "Text").put("ID", String.valueOf(4 + i)).put("Format", "UTF-8")
                    .put("Language", "x" + i).put("Title", title);
        }
        return report;
    }

    @Test
    void of_shouldKeepEveryTrack_whenTheyFit() {
        TechnicalMetadata metadata = TechnicalMetadata.fromMediaInfo(report(3, "Feature"));

        ObjectNode summary = TechnicalSummary.of(metadata);

        assertThat(summary).isEqualTo(JSON.valueToTree(metadata));
        assertThat(summary.has("tracksOmitted")).isFalse();
    }

    @Test
    void of_shouldCapTheTrackList_andCountWhatWasLeftOut_whenHundredsOfTracksWithLongTitles() {
        // GIVEN 600 subtitle tracks, every title 5,000 characters that each escape to 6 bytes
        TechnicalMetadata metadata = TechnicalMetadata.fromMediaInfo(report(600, WORST.repeat(5000)));

        // WHEN summarized
        ObjectNode summary = TechnicalSummary.of(metadata);

        // THEN it fits its budget, however serialized; video and audio come first, and the summary says how many
        // text tracks it left out
        assertThat(JsonSize.worstCase(summary)).isLessThanOrEqualTo(TechnicalSummary.BUDGET_BYTES);
        assertThat(summary.at("/video/0/codec").asText()).isEqualTo("AVC");
        assertThat(summary.at("/video/0/title").asText()).hasSize(TechnicalSummary.MAX_TEXT_CODE_POINTS).endsWith("…");
        assertThat(summary.get("audio")).hasSize(2);
        int kept = summary.get("text").size();
        assertThat(kept).isBetween(1, 599);
        assertThat(summary.at("/tracksOmitted/text").asInt()).isEqualTo(600 - kept);
        assertThat(summary.at("/general/format").asText()).isEqualTo("Matroska");
    }
}
