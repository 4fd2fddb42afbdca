package dev.vidmeta.local.s3;

import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.StringJoiner;

/**
 * Maps an S3 object key to a name s3proxy's filesystem store can hold, and back.
 *
 * <p>S3 keeps a key literally: "The object key name consists of a sequence of Unicode characters encoded in UTF-8,
 * with a maximum length of 1,024 bytes" (Amazon S3 User Guide, "Naming Amazon S3 objects",
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html). The filesystem store turns a key into a
 * path, and a path cannot hold every key: it normalizes {@code .}, {@code ..} and empty segments away
 * ({@code bad/../escape.mp4} became {@code escape.mp4}), a file name holds 255 bytes, and names starting with
 * {@code .mpus-} or {@code .s3proxy-} are the store's own bookkeeping.
 *
 * <p>The mapping works segment by segment ({@code /} separates segments) and leaves an ordinary segment as it is,
 * so files on disk keep their keys' names and data written before this mapping still reads. Any other segment is
 * stored as {@code %} followed by the segment, with {@code %} and NUL written as {@code %25} and {@code %00}; when
 * that is longer than {@link #MAX_NAME_BYTES} it is cut into several directory levels, each but the last ending
 * in a bare {@code %}. A stored segment starting with {@code %} is therefore always an encoded one, which is why
 * an ordinary segment may not start with it. A key ending in {@code /} keeps its final {@code /}: the store keeps
 * such a key as a directory.
 */
final class FilesystemKeys {

    /**
     * The longest name one segment may take on disk. A file name holds 255 bytes on the filesystems the local
     * runtime runs on, and s3proxy adds to the names it is given: an upload's temporary file is the name plus
     * {@code -<uuid>} (37 bytes), and a multipart upload's part is {@code .mpus-<uuid>-} (43 bytes) plus the key
     * plus {@code -<part number>} (up to 6 bytes). 255 - 37 - 43 - 6 = 169.
     */
    static final int MAX_NAME_BYTES = 169;

    /**
     * Orders keys as S3 lists them: "List results are always returned in UTF-8 binary order" (S3 User Guide, "Listing
     * object keys programmatically", https://docs.aws.amazon.com/AmazonS3/latest/userguide/ListingKeysUsingAPIs.html).
     */
    static final Comparator<String> UTF8_ORDER = FilesystemKeys::compareUtf8;

    private static final char MARK = '%';

    private FilesystemKeys() { }

    /** The name the filesystem store keeps {@code key} under. */
    static String encode(String key) {
        boolean directory = key.endsWith("/");
        String body = directory ? key.substring(0, key.length() - 1) : key;
        StringJoiner stored = new StringJoiner("/", "", directory ? "/" : "");
        for (String segment : body.split("/", -1)) {
            stored.add(encodeSegment(segment));
        }
        return stored.toString();
    }

    /**
     * The key a stored name stands for, or null when the name is not one {@link #encode} writes (a file the store
     * keeps for itself, or one put there by hand): such a name could not be read back by its key.
     */
    static String decode(String stored) {
        boolean directory = stored.endsWith("/");
        String body = directory ? stored.substring(0, stored.length() - 1) : stored;
        StringJoiner key = new StringJoiner("/", "", directory ? "/" : "");
        StringBuilder continued = null;
        for (String name : body.split("/", -1)) {
            if (name.isEmpty() || name.charAt(0) != MARK) {
                if (continued != null) {
                    return null;
                }
                key.add(name);
                continue;
            }
            StringBuilder segment = continued == null ? new StringBuilder() : continued;
            boolean more = unescape(name, segment);
            if (more) {
                continued = segment;
            } else {
                continued = null;
                key.add(segment);
            }
        }
        if (continued != null) {
            return null;
        }
        String decoded = key.toString();
        return encode(decoded).equals(stored) ? decoded : null;
    }

    /**
     * The stored prefix under which every key starting with {@code prefix} is stored: the encoded form of the
     * prefix's whole segments, or null for the whole bucket. (A partial last segment may encode differently from
     * the segment it begins, so it is matched after decoding.)
     */
    static String storedDirectory(String prefix) {
        int slash = prefix == null ? -1 : prefix.lastIndexOf('/');
        return slash < 0 ? null : encode(prefix.substring(0, slash + 1));
    }

    private static String encodeSegment(String segment) {
        if (isOrdinary(segment)) {
            return segment;
        }
        // Cut between characters (never inside an escape or a surrogate pair) so that each name holds at most
        // MAX_NAME_BYTES: the leading mark, the piece, and the trailing mark of a name that continues.
        StringJoiner names = new StringJoiner("/");
        StringBuilder piece = new StringBuilder();
        int pieceBytes = 0;
        for (int i = 0; i < segment.length(); ) {
            int cp = segment.codePointAt(i);
            i += Character.charCount(cp);
            String unit = cp == MARK ? "%25" : cp == 0 ? "%00" : Character.toString(cp);
            int unitBytes = utf8Length(unit);
            if (pieceBytes + unitBytes > MAX_NAME_BYTES - 2) {
                names.add(MARK + piece.toString() + MARK);
                piece.setLength(0);
                pieceBytes = 0;
            }
            piece.append(unit);
            pieceBytes += unitBytes;
        }
        names.add(MARK + piece.toString());
        return names.toString();
    }

    private static boolean isOrdinary(String segment) {
        return !segment.isEmpty()
                && !segment.equals(".")
                && !segment.equals("..")
                && segment.charAt(0) != MARK
                && !segment.startsWith(".mpus-")
                && !segment.startsWith(".s3proxy-")
                && segment.indexOf('\0') < 0
                && utf8Length(segment) <= MAX_NAME_BYTES;
    }

    /** Appends what one encoded name holds to {@code segment}; true when the segment continues in the next name. */
    private static boolean unescape(String name, StringBuilder segment) {
        for (int i = 1; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c != MARK) {
                segment.append(c);
            } else if (i == name.length() - 1) {
                return true;
            } else if (name.startsWith("25", i + 1)) {
                segment.append(MARK);
                i += 2;
            } else if (name.startsWith("00", i + 1)) {
                segment.append('\0');
                i += 2;
            } else {
                segment.append(c); // not an escape encode writes; decode's round-trip check refuses the name
            }
        }
        return false;
    }

    private static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    /** UTF-8 byte order is code point order, which UTF-16 order ({@link String#compareTo}) is not. */
    private static int compareUtf8(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Boolean.compare(i < a.length(), j < b.length());
    }
}
