package dev.vidmeta.record;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vidmeta.testing.RepoFiles;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordBuilderTest {

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private static final Instant NOW = Instant.parse("2026-11-21T05:14:00Z");

    private static MergeInput input(String event) throws Exception {
        return JSON.treeToValue(RepoFiles.event(event), MergeInput.class);
    }

    /** The sample input with one branch's result replaced by {@code json}, built into a record. */
    private static VideoRecord buildWith(String branch, String json) throws Exception {
        ObjectNode raw = (ObjectNode) RepoFiles.event("merge-record-input.json");
        raw.set(branch, JSON.readTree(json));
        return RecordBuilder.build(JSON.treeToValue(raw, MergeInput.class), NOW);
    }

    /** The record's status, one branch's status attribute, and its reasons, exactly. */
    private static void assertRecord(VideoRecord record, RecordStatus status, String branchStatusField,
            String branchStatus, String... reasons) {
        assertThat(record.status()).isEqualTo(status);
        assertThat(record.item().get(branchStatusField).asText()).isEqualTo(branchStatus);
        assertThat(reasons(record)).containsExactly(reasons);
    }

    private static List<String> reasons(VideoRecord record) {
        List<String> r = new ArrayList<>();
        record.item().get("reasons").forEach(n -> r.add(n.asText()));
        return r;
    }

    @Test
    void build_shouldBeComplete_withIdentityIndexesAndPointers_whenBothBranchesSucceeded() throws Exception {
        VideoRecord record = RecordBuilder.build(input("merge-record-input.json"), NOW);

        ObjectNode item = record.item();
        assertThat(record.status()).isEqualTo(RecordStatus.COMPLETE);
        assertThat(item.get("pk").asText()).isEqualTo("vidmeta-uploads-111122223333/uploads/2026/keynote.mp4");
        assertThat(item.get("versionId").asText()).isEqualTo("IYV3p45BT0ac8hjHg1houSdS1a.Mro8e");
        assertThat(item.get("etag").asText()).isEqualTo("b1946ac92492d2347c6235b4d2611184");
        assertThat(item.get("size").asLong()).isEqualTo(31457280L);
        assertThat(item.get("sequencerKey").asText()).hasSize(64).startsWith("617F08299329D18900");
        assertThat(item.get("uploadedAt").asText()).isEqualTo("2026-11-21T05:12:45Z");
        assertThat(item.get("uploadDate").asText()).isEqualTo("2026-11-21");
        assertThat(item.get("recordedAt").asText()).isEqualTo(NOW.toString());
        assertThat(item.get("executionArn").asText()).startsWith("arn:aws:states:");
        assertThat(item.get("container").asText()).isEqualTo("MPEG-4");
        assertThat(item.get("videoCodec").asText()).isEqualTo("AVC");
        assertThat(item.get("durationMs").asLong()).isEqualTo(67301);
        assertThat(item.get("mediainfoUri").asText()).endsWith("/mediainfo.json");
        assertThat(item.get("rekognitionUris").get("celebrities").asText()).endsWith("rekognition/celebrities.json");
        assertThat(item.get("analyses").get("celebrities").get("summary").get("celebrities").get(0)
                .get("name").asText()).isEqualTo("Werner Vogels");
        assertThat(reasons(record)).isEmpty();
    }

    @Test
    void build_shouldBePartial_withReadableReason_whenRekognitionWaitTimedOut() throws Exception {
        VideoRecord record = RecordBuilder.build(input("merge-record-input-partial.json"), NOW);

        assertThat(record.status()).isEqualTo(RecordStatus.PARTIAL);
        assertThat(record.item().get("analysisStatus").asText()).isEqualTo("TIMED_OUT");
        assertThat(reasons(record)).singleElement().asString()
                .startsWith("analysis: timed out").contains("lost notification");
        assertThat(record.item().get("container").asText()).isEqualTo("MPEG-4");
    }

    @Test
    void build_shouldBeFailed_andExtractLambdaErrorMessage_whenBothBranchesFailed() throws Exception {
        VideoRecord record = RecordBuilder.build(input("merge-record-input-failed.json"), NOW);

        assertThat(record.status()).isEqualTo(RecordStatus.FAILED);
        assertThat(reasons(record)).hasSize(2);
        assertThat(reasons(record).get(0)).startsWith("probe: FAILED (Lambda.Unknown");
        assertThat(reasons(record).get(1)).isEqualTo(
                "analysis: FAILED (RekognitionJobFailed: celebrities: Access denied to the S3 object)");
    }

    @Test
    void build_shouldBeSkipped_withTheCheckReason() throws Exception {
        VideoRecord record = RecordBuilder.build(input("merge-record-input-skipped.json"), NOW);

        assertThat(record.status()).isEqualTo(RecordStatus.SKIPPED);
        assertThat(reasons(record)).containsExactly("skipped: zero-byte object");
        assertThat(record.item().has("probeStatus")).isFalse();
    }

    @Test
    void build_shouldBeComplete_withSkipReason_whenRekognitionRefusedTheCodec() throws Exception {
        VideoRecord record = buildWith("analysis", "{\"status\":\"SKIPPED\",\"reason\":\"celebrities: Unsupported"
                + " codec/format.\",\"analyses\":{\"celebrities\":{\"status\":\"SKIPPED\",\"reason\":\"Unsupported"
                + " codec/format.\"}}}");

        assertRecord(record, RecordStatus.COMPLETE, "analysisStatus", "SKIPPED",
                "analysis celebrities: skipped (Unsupported codec/format.)");
    }

    @Test
    void build_shouldBePartial_withTheTruncationFlag_whenTheProbeSaysTruncated() throws Exception {
        // GIVEN both branches done, but the probe read a truncated file (MediaInfo's IsTruncated)
        ObjectNode raw = (ObjectNode) RepoFiles.event("merge-record-input.json");
        ObjectNode probe = (ObjectNode) raw.get("probe");
        probe.put("status", "TRUNCATED").put("reason", "MediaInfo reports the file as truncated (IsTruncated)");
        ((ObjectNode) probe.get("technical").get("general")).put("truncated", true);

        // WHEN the record is built
        VideoRecord record = RecordBuilder.build(JSON.treeToValue(raw, MergeInput.class), NOW);

        // THEN it is not COMPLETE: PARTIAL, saying why, with the technical summary and its flag kept
        assertThat(record.status()).isEqualTo(RecordStatus.PARTIAL);
        assertThat(record.item().get("probeStatus").asText()).isEqualTo("TRUNCATED");
        assertThat(reasons(record)).containsExactly(
                "probe: truncated (MediaInfo reports the file as truncated (IsTruncated))");
        assertThat(record.item().at("/technical/general/truncated").asBoolean()).isTrue();
        assertThat(record.item().get("container").asText()).isEqualTo("MPEG-4");
    }

    @Test
    void build_shouldBeSkipped_whenProbeSaysNotMedia_andRekognitionFoundNothing() throws Exception {
        ObjectNode raw = (ObjectNode) RepoFiles.event("merge-record-input.json");
        raw.set("probe", JSON.readTree("{\"status\":\"NOT_MEDIA\",\"reason\":\"PDF document\"}"));
        raw.set("analysis", JSON.readTree("{\"status\":\"FAILED\",\"error\":\"RekognitionJobFailed\","
                + "\"cause\":\"celebrities: Unsupported codec/format.\"}"));

        VideoRecord record = RecordBuilder.build(JSON.treeToValue(raw, MergeInput.class), NOW);

        assertThat(record.status()).isEqualTo(RecordStatus.SKIPPED);
        assertThat(reasons(record).get(0)).isEqualTo("probe: not a media file (PDF document)");
        assertThat(record.item().has("container")).isFalse();
    }

    @Test
    void build_shouldBePartial_keepingTheWrittenStatus_whenTheProbeBranchWroteAnUnknownStatus() throws Exception {
        // GIVEN the analysis done, and a probe status no ProbeStatus names (a typo in a producer)
        // WHEN the record is built
        VideoRecord record = buildWith("probe", "{\"status\":\"OKAY\",\"reason\":\"typo\"}");

        // THEN the probe counts as failed, never as done, and the record says what was written
        assertRecord(record, RecordStatus.PARTIAL, "probeStatus", "OKAY", "probe: OKAY (typo)");
    }

    @Test
    void build_shouldBePartial_withNoResultReason_whenTheProbeBranchSentJsonNull() throws Exception {
        // GIVEN the analysis done, and a probe branch that is JSON null
        ObjectNode raw = (ObjectNode) RepoFiles.event("merge-record-input.json");
        raw.putNull("probe");

        // WHEN the input is decoded and the record built
        MergeInput input = JSON.treeToValue(raw, MergeInput.class);
        VideoRecord record = RecordBuilder.build(input, NOW);

        // THEN the probe is no result at all, not a failed one
        assertThat(input.probe()).isNull();
        assertRecord(record, RecordStatus.PARTIAL, "probeStatus", "MISSING", "probe: no result");
    }

    @Test
    void build_shouldBeFailed_whenTheParallelStateItselfFailed() throws Exception {
        ObjectNode raw = JSON.createObjectNode();
        raw.set("object", RepoFiles.event("merge-record-input.json").get("object"));
        raw.putObject("failure").put("state", "Probe And Analyze").put("error", "States.DataLimitExceeded")
                .put("cause", "The state/task returned a result with a size exceeding the maximum");

        VideoRecord record = RecordBuilder.build(JSON.treeToValue(raw, MergeInput.class), NOW);

        assertThat(record.status()).isEqualTo(RecordStatus.FAILED);
        assertThat(reasons(record).get(0)).startsWith("Probe And Analyze failed: States.DataLimitExceeded");
    }

    @Test
    void withDetailsOffloaded_shouldDropLargeParts_butKeepIndexFields() throws Exception {
        VideoRecord record = RecordBuilder.build(input("merge-record-input.json"), NOW);

        VideoRecord small = record.withDetailsOffloaded("s3://results/x/record-details.json");

        JsonNode item = small.item();
        assertThat(item.has("technical")).isFalse();
        assertThat(item.get("analyses").get("celebrities").has("summary")).isFalse();
        assertThat(item.get("container").asText()).isEqualTo("MPEG-4");
        assertThat(item.get("detailsUri").asText()).isEqualTo("s3://results/x/record-details.json");
        assertThat(record.item().has("technical")).as("the original is untouched").isTrue();
    }
}
