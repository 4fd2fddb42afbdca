package dev.vidmeta.record;

import java.util.Locale;

/**
 * Orders S3 event sequencers.
 *
 * <p>S3 documents the sequencer as a hexadecimal value that only orders events for the same key, and only after
 * the shorter string is left-padded with zeros to the length of the longer one. DynamoDB compares strings byte
 * by byte, so the record stores {@link #sortKey} (uppercase, padded to {@value #SORT_KEY_LENGTH} digits) and
 * the write condition compares that.
 */
public final class Sequencers {

    /** Wide enough for any sequencer S3 has produced (they are 16 to 18 digits today) with room to grow. */
    public static final int SORT_KEY_LENGTH = 64;

    private Sequencers() {}

    /** The fixed-width form stored in the record; a missing sequencer sorts before every real one. */
    public static String sortKey(String sequencer) {
        String s = normalize(sequencer);
        if (s.length() > SORT_KEY_LENGTH) {
            throw new IllegalArgumentException(
                    "sequencer longer than " + SORT_KEY_LENGTH + " hex digits: " + sequencer);
        }
        return pad(s, SORT_KEY_LENGTH);
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

    private static String pad(String s, int width) {
        return "0".repeat(width - s.length()) + s;
    }
}
