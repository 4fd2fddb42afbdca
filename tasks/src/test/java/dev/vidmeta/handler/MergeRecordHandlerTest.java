package dev.vidmeta.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vidmeta.record.ObjectHeads;
import dev.vidmeta.record.ObjectKeyResolver;
import dev.vidmeta.record.RecordMerger;
import dev.vidmeta.record.ResultLocation;
import dev.vidmeta.testing.Fakes;
import dev.vidmeta.testing.RepoFiles;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** "Merge Record" and "Record Failure" call this with the branches' outputs ({@code events/merge-record-input*.json}). */
class MergeRecordHandlerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-21T05:15:20Z"), ZoneOffset.UTC);

    private final Fakes.Records records = new Fakes.Records();
    /** The bucket holds the event's object, at the event's version and ETag. */
    private final ObjectHeads bucket = (name, key, versionId) ->
            new ObjectHeads.Head("b1946ac92492d2347c6235b4d2611184", versionId);
    private final ByteArrayOutputStream emf = new ByteArrayOutputStream();
    private final MergeRecordHandler handler = new MergeRecordHandler(
            new RecordMerger(records, new Fakes.Results("results"), new ResultLocation("results", ""),
                    new ObjectKeyResolver(bucket)),
            new EmfMetrics(new PrintStream(emf, true, StandardCharsets.UTF_8), CLOCK), CLOCK);

    private JsonNode handle(String input) throws Exception {
        return Invocations.invoke(handler, input);
    }

    @Test
    void handleRequest_shouldWriteAFailedRecord_withBothBranchesCauses_whenBothBranchesFailed() throws Exception {
        // WHEN "Merge Record" gets both branches' Catch outputs
        JsonNode output = handle(RepoFiles.text("events/merge-record-input-failed.json"));

        // THEN this item is written
        // (compared as JSON text: the item holds longs where parsed JSON holds ints)
        assertThat(records.puts).singleElement().satisfies(put ->
                assertThat(JSON.readTree(put.item().toString())).isEqualTo(JSON.readTree(EXPECTED_ITEM)));
        // AND the state gets the record's status and reasons
        ObjectNode expectedOutput = JSON.createObjectNode().put("status", "FAILED").put("outcome", "WRITTEN");
        expectedOutput.set("reasons", JSON.readTree(EXPECTED_ITEM).get("reasons"));
        expectedOutput.putNull("detailsUri");
        assertThat(output).isEqualTo(expectedOutput);
        JsonNode line = JSON.readTree(emf.toString(StandardCharsets.UTF_8));
        assertThat(line.path("Function").asText()).isEqualTo("MergeRecord");
        assertThat(line.path("Status").asText()).isEqualTo("FAILED");
        assertThat(line.path("RecordsWritten").asDouble()).isEqualTo(1.0);
    }

    @Test
    void handleRequest_shouldRefuseTheInput_andWriteNothing_whenItHasNoObject() {
        assertThatThrownBy(() -> handle("{\"probe\": {\"status\": \"OK\"}}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("merge input without an object reference");
        assertThat(records.puts).isEmpty();
        assertThat(emf.size()).isZero();
    }

    /** The recordedAt is the handler's clock; the rest comes from the input. */
    private static final String EXPECTED_ITEM = """
            {"pk": "vidmeta-uploads-111122223333/uploads/2026/keynote.mp4",
             "bucket": "vidmeta-uploads-111122223333", "objectKey": "uploads/2026/keynote.mp4",
             "versionId": "IYV3p45BT0ac8hjHg1houSdS1a.Mro8e", "etag": "b1946ac92492d2347c6235b4d2611184",
             "size": 31457280, "sequencer": "617f08299329d189",
             "sequencerKey": "617F08299329D189000000000000000000000000000000000000000000000000",
             "eventReason": "PutObject", "uploadedAt": "2026-11-21T05:12:45Z", "uploadDate": "2026-11-21",
             "recordedAt": "2026-11-21T05:15:20Z",
             "executionArn": "arn:aws:states:eu-west-1:111122223333:execution:vidmeta-video-metadata:4f1c2b7e-8a9d-4c3b-b2e1-0f6a7d8c9e10",
             "executionName": "4f1c2b7e-8a9d-4c3b-b2e1-0f6a7d8c9e10",
             "probeStatus": "FAILED", "analysisStatus": "FAILED", "status": "FAILED",
             "reasons": [
              "probe: FAILED (Lambda.Unknown: The cause could not be determined because Lambda did not return an error type. Returned payload: {\\"errorMessage\\":\\"2026-11-21T05:12:50.001Z 9c3e... Task timed out after 900.00 seconds\\"})",
              "analysis: FAILED (RekognitionJobFailed: celebrities: Access denied to the S3 object)"],
             "keyForm": "PLAIN"}
            """;
}
