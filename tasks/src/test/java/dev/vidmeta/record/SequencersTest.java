package dev.vidmeta.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * The order S3 documents: "The sequencers can be of different lengths. To compare these values, first right pad
 * the shorter value with zeros, and then do a lexicographical comparison" (Amazon S3 User Guide, "Event message
 * structure", https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html).
 */
class SequencersTest {

    /** AWS's own examples: 16 digits (EventBridge event message structure) and 18 (event message structure). */
    private static final String EVENTBRIDGE_EXAMPLE = "617f08299329d189";
    private static final String NOTIFICATION_EXAMPLE = "0055AED6DCD90281E5";

    @Test
    void sortKey_shouldRightPadAwsExamples_andOrderThemAsTheDocumentSays() {
        // GIVEN AWS's two documented sequencers, of lengths 16 and 18
        // WHEN both are turned into sort keys
        String sixteen = Sequencers.sortKey(EVENTBRIDGE_EXAMPLE);
        String eighteen = Sequencers.sortKey(NOTIFICATION_EXAMPLE);

        // THEN each is right-padded (its digits first), and the order is that of "617F...D18900" vs "0055AE...E5"
        assertThat(sixteen).hasSize(Sequencers.SORT_KEY_LENGTH).startsWith("617F08299329D189").matches("[0-9A-F]+0{48}");
        assertThat(eighteen).startsWith("0055AED6DCD90281E5").endsWith("0".repeat(46));
        assertThat(Sequencers.ORDER.compare(EVENTBRIDGE_EXAMPLE, NOTIFICATION_EXAMPLE)).isPositive();
    }

    @Test
    void order_shouldFollowRightPadding_whereLeftPaddingWouldDisagree() {
        // GIVEN a 16-digit and an 18-digit sequencer that left-padding orders the other way round:
        // right-padded "617F08299329D18A00" > "617F08299329D18901", left-padded "00617F..." < "617F..."
        String sixteen = "617F08299329D18A";
        String eighteen = "617F08299329D18901";

        // WHEN / THEN the 16-digit one is the later event
        assertThat(Sequencers.ORDER.compare(sixteen, eighteen)).isPositive();
        assertThat(Sequencers.sortKey(sixteen).compareTo(Sequencers.sortKey(eighteen))).isPositive();
    }

    @Test
    void sortKey_shouldBeEqual_whenSequencersDifferOnlyByTrailingZerosOrCase() {
        // Right-padding makes trailing zeros meaningless, as in AWS's lifecycle example "617b398000000000"
        assertThat(Sequencers.sortKey("617b3980")).isEqualTo(Sequencers.sortKey("617B398000000000"));
        assertThat(Sequencers.sortKey("00617f08299329d189")).isNotEqualTo(Sequencers.sortKey("617F08299329D189"));
    }

    @Test
    void order_shouldPutAwsDeleteExampleAfterAwsCreateExample() {
        // GIVEN the EventBridge examples for the same key: created "617f08299329d189", deleted "617f0837b476e463"
        // THEN the deletion is the later event
        assertThat(Sequencers.ORDER.compare("617f0837b476e463", EVENTBRIDGE_EXAMPLE)).isPositive();
    }

    @Test
    void sortKey_shouldSortMissingSequencerFirst() {
        assertThat(Sequencers.sortKey(null)).isEqualTo("0".repeat(64));
        assertThat(Sequencers.ORDER.compare(null, "1")).isNegative();
    }

    @Test
    void sortKey_shouldReject_whenNotHex() {
        assertThatThrownBy(() -> Sequencers.sortKey("12XY"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("12XY");
    }
}
