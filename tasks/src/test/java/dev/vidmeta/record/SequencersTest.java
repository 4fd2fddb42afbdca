package dev.vidmeta.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SequencersTest {

    @Test
    void sortKey_shouldIgnoreCaseAndLeadingZeros_whenSequencersAreEqual() {
        assertThat(Sequencers.sortKey("00617f08299329d189")).isEqualTo(Sequencers.sortKey("617F08299329D189"));
    }

    @Test
    void sortKey_shouldOrderRealS3Sequencers() {
        assertThat(Sequencers.sortKey("00617F08299329D189").compareTo(Sequencers.sortKey("00617F0A5B2C8D7E11")))
                .isNegative();
    }

    @Test
    void sortKey_shouldPadTo64UppercaseDigits_soStringOrderIsEventOrder() {
        String older = Sequencers.sortKey("FF");
        String newer = Sequencers.sortKey("0100");
        assertThat(older).hasSize(64).endsWith("00FF");
        assertThat(older.compareTo(newer)).isNegative();
        assertThat(Sequencers.sortKey("abc")).endsWith("ABC");
    }

    @Test
    void sortKey_shouldSortMissingSequencerFirst() {
        assertThat(Sequencers.sortKey(null)).isEqualTo("0".repeat(64));
    }

    @Test
    void sortKey_shouldReject_whenNotHex() {
        assertThatThrownBy(() -> Sequencers.sortKey("12XY"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("12XY");
    }
}
