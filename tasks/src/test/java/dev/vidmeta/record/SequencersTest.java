package dev.vidmeta.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SequencersTest {

    @Test
    void compare_shouldPadTheShorterSequencer_whenLengthsDiffer() {
        // GIVEN "FF" and "0100": padded to equal length, "00FF" comes before "0100"
        assertThat(Sequencers.compare("FF", "0100")).isNegative();
        assertThat(Sequencers.compare("0100", "FF")).isPositive();
        // Plain string comparison would get this wrong: "FF" > "0100" lexically.
        assertThat("FF".compareTo("0100")).isPositive();
    }

    @Test
    void compare_shouldIgnoreCase_andTreatEqualValuesAsEqual() {
        assertThat(Sequencers.compare("00617f08299329d189", "00617F08299329D189")).isZero();
        assertThat(Sequencers.compare("617F08299329D189", "00617F08299329D189")).isZero();
    }

    @Test
    void compare_shouldOrderRealS3Sequencers() {
        assertThat(Sequencers.compare("00617F08299329D189", "00617F0A5B2C8D7E11")).isNegative();
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
