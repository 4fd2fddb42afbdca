package dev.vidmeta.record;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The two readings of an S3 event's object key.
 *
 * <p>S3 event notifications URL-encode the key: "The object key name value is URL encoded. For example, 'red
 * flower.jpg' becomes 'red+flower.jpg' (Amazon S3 returns 'application/x-www-form-urlencoded' as the content
 * type in the response)" (Amazon S3 User Guide, "Event message structure",
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html). The page on
 * EventBridge events ("EventBridge event message structure", .../userguide/ev-events.html) does not say
 * whether {@code detail.object.key} is encoded too; AWS's own tooling decodes it, other emulators send it raw.
 * So a key is read both ways, decoded first, and {@link ObjectKeyResolver} asks S3 which one holds the
 * announced object. A raw key can itself look encoded (an object really named {@code a%2Bb.mp4}), which is
 * why the decision is S3's, not a guess from the text.
 */
public final class ObjectKeys {

    private ObjectKeys() {}

    /**
     * The key as form encoding writes it ({@code application/x-www-form-urlencoded}: a space becomes '+'), with
     * '/' kept, as the local S3 puts it in events. S3 documents only the space; a decoder reads any
     * percent-encoding, so {@link #decode} does not depend on which other characters S3 encodes.
     */
    public static String encode(String key) {
        return URLEncoder.encode(key, StandardCharsets.UTF_8).replace("%2F", "/");
    }

    /** The form-decoded key ('+' is a space); null when the key is not valid form encoding (a stray '%'). */
    public static String decode(String eventKey) {
        try {
            return URLDecoder.decode(eventKey, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException notEncoded) {
            return null;
        }
    }

    /**
     * The keys an event's key may name, most likely first: the decoded key, then the key as sent. One element
     * when both readings agree (no '+' and no '%': the usual case) or when the key does not decode.
     */
    public static List<String> candidates(String eventKey) {
        String decoded = decode(eventKey);
        if (decoded == null || decoded.isEmpty() || decoded.equals(eventKey)) {
            return List.of(eventKey);
        }
        return List.of(decoded, eventKey);
    }
}
