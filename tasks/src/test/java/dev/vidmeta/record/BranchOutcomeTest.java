package dev.vidmeta.record;

import static org.assertj.core.api.Assertions.assertThat;

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
    void read_shouldRoundTrip_andReadAMissingOrUnknownStatusAsFailed() throws Exception {
        BranchOutcome timedOut = BranchOutcome.of(BranchStatus.TIMED_OUT, "States.Timeout");

        assertThat(BranchOutcome.read(timedOut.toJson())).isEqualTo(timedOut);
        assertThat(BranchOutcome.read(JSON.readTree("{\"status\":\"OKAY\"}")).status()).isEqualTo(BranchStatus.FAILED);
        assertThat(BranchOutcome.read(JSON.readTree("{}")).status()).isEqualTo(BranchStatus.FAILED);
        assertThat(BranchOutcome.read(null)).isEqualTo(BranchOutcome.of(BranchStatus.FAILED, null));
    }
}
