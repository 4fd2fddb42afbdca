package dev.vidmeta.record;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The one envelope of a branch's outcome, written and read. */
class BranchOutcomeTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void toJson_shouldWriteTheStatusName_andTheReasonOnlyWhenThereIsOne() {
        assertThat(BranchOutcome.of(BranchStatus.SKIPPED, "MKV: not MP4 or MOV").toJson().toString())
                .isEqualTo("{\"status\":\"SKIPPED\",\"reason\":\"MKV: not MP4 or MOV\"}");
        assertThat(BranchOutcome.ok().toJson().toString()).isEqualTo("{\"status\":\"OK\"}");
    }

    @Test
    void read_shouldRoundTrip_andReadAMissingOrUnknownStatusAsTheUnknownConstant_keepingWhatWasWritten()
            throws Exception {
        BranchOutcome<BranchStatus> timedOut = BranchOutcome.of(BranchStatus.TIMED_OUT, "States.Timeout");

        assertThat(read(timedOut.toJson())).isEqualTo(timedOut);
        assertThat(read(JSON.readTree("{\"status\":\"OKAY\"}")))
                .isEqualTo(new BranchOutcome<>(BranchStatus.FAILED, "OKAY", null, null, null));
        assertThat(read(JSON.readTree("{}"))).isEqualTo(BranchOutcome.of(BranchStatus.FAILED, null));
        assertThat(read(null)).isEqualTo(BranchOutcome.of(BranchStatus.FAILED, null));
    }

    @Test
    void read_shouldReadTheProbeBranchsStatus_andACaughtFailureAsItsReason() throws Exception {
        // GIVEN what the probe branch's Catch writes
        BranchOutcome<ProbeStatus> caught = BranchOutcome.read(JSON.readTree(
                "{\"status\":\"FAILED\",\"error\":\"Lambda.Unknown\",\"cause\":\"{\\\"errorMessage\\\":\\\"boom\\\"}\"}"),
                ProbeStatus.class, ProbeStatus.FAILED);

        // THEN the status is the probe's, and the reason the Lambda error's message
        assertThat(caught.status()).isEqualTo(ProbeStatus.FAILED);
        assertThat(caught.readableReason()).isEqualTo("Lambda.Unknown: boom");
        assertThat(BranchOutcome.read(JSON.readTree("{\"status\":\"TRUNCATED\"}"), ProbeStatus.class,
                ProbeStatus.FAILED).status()).isEqualTo(ProbeStatus.TRUNCATED);
    }

    private static BranchOutcome<BranchStatus> read(JsonNode node) {
        return BranchOutcome.read(node, BranchStatus.class, BranchStatus.FAILED);
    }
}
