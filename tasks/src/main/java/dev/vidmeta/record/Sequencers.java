package dev.vidmeta.record;

import java.util.Comparator;
import java.util.Locale;

/**
 * Orders S3 event sequencers.
 *
 * <p>S3 documents the sequencer as a hexadecimal string that orders events for one key only, and whose length
 * varies: "The sequencers can be of different lengths. To compare these values, first right pad the shorter
 * value with zeros, and then do a lexicographical comparison" (Amazon S3 User Guide, "Event message structure",
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html). Its own examples
 * have 16 digits ({@code 617f08299329d189}, EventBridge) and 18 ({@code 0055AED6DCD90281E5}, notifications).
 *
 * <p>Right-padding both values to any common width gives the same order as right-padding the shorter one to the
 * longer one's length, so the record stores {@link #sortKey}, the sequencer right-padded to a fixed
 * {@value #SORT_KEY_LENGTH} digits, and DynamoDB's byte-order string comparison in the write condition is S3's
 * order. Hex digits are upper-cased first: S3 compares hexadecimal values, and its examples use both cases.
 */
public final class Sequencers {

    /** Wide enough for any sequencer S3 has produced (they are 16 to 18 digits today) with room to grow. */
    public static final int SORT_KEY_LENGTH = 64;

    /** S3's event order: the later event is the greater one. */
    public static final Comparator<String> ORDER = Comparator.comparing(Sequencers::sortKey);

    private Sequencers() {}

    /** The fixed-width form stored in the record; a missing sequencer sorts before (or with) every real one. */
    public static String sortKey(String sequencer) {
        String s = normalize(sequencer);
        if (s.length() > SORT_KEY_LENGTH) {
            throw new IllegalArgumentException(
                    "sequencer longer than " + SORT_KEY_LENGTH + " hex digits: " + sequencer);
        }
        return s + "0".repeat(SORT_KEY_LENGTH - s.length());
    }

    private static String normalize(String sequencer) {
        if (sequencer == null) {
            return "";
        }
        String s = sequencer.trim().toUpperCase(Locale.ROOT);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'))) {
                throw new IllegalArgumentException("not a hexadecimal S3 sequencer: " + sequencer);
            }
        }
        return s;
    }
}
