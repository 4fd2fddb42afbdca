package dev.vidmeta.record;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vidmeta.record.ObjectKeyResolver.KeyForm;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Keys in S3 events. S3 User Guide, "Event message structure": "The object key name value is URL encoded. For
 * example, 'red flower.jpg' becomes 'red+flower.jpg'"
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html); "EventBridge
 * event message structure" (https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html) does not
 * say, so both readings must work, confirmed with HeadObject
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html).
 */
class ObjectKeyResolverTest {

    /** A bucket as HeadObject sees it: key -> version id -> ETag; records every HEAD. */
    static final class Bucket implements ObjectHeads {
        final Map<String, Map<String, String>> objects = new HashMap<>();
        final List<String> heads = new ArrayList<>();

        Bucket put(String key, String versionId, String etag) {
            objects.computeIfAbsent(key, k -> new HashMap<>()).put(versionId, etag);
            return this;
        }

        @Override
        public Head head(String bucket, String key, String versionId) {
            heads.add(key + (versionId == null ? "" : "?versionId=" + versionId));
            Map<String, String> versions = objects.get(key);
            if (versions == null) {
                return null;
            }
            if (versionId == null) {
                // unversioned bucket: the one object under the key
                var only = versions.entrySet().iterator().next();
                return new Head(only.getValue(), null);
            }
            String etag = versions.get(versionId);
            return etag == null ? null : new Head(etag, versionId);
        }
    }

    private static ObjectRef event(String key, String versionId, String etag) {
        return new ObjectRef("uploads", key, versionId, etag, 10L, "617f08299329d189", null, null, "PutObject");
    }

    /** Real keys, with what S3 notifications' form encoding makes of them. */
    static Stream<Arguments> keys() {
        return Stream.of(
                Arguments.of("clips/red flower.mp4", "clips/red+flower.mp4"),
                Arguments.of("clips/a+b.mp4", "clips/a%2Bb.mp4"),
                Arguments.of("clips/100% real.mp4", "clips/100%25+real.mp4"),
                Arguments.of("clips/a%2Bb.mp4", "clips/a%252Bb.mp4"),
                Arguments.of("clips/Été à Zürich.mov", "clips/%C3%89t%C3%A9+%C3%A0+Z%C3%BCrich.mov"),
                Arguments.of("clips/🎬 take 1.mp4", "clips/%F0%9F%8E%AC+take+1.mp4"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("keys")
    void encode_shouldFormEncode_keepingSlashes(String key, String encoded) {
        assertThat(ObjectKeys.encode(key)).isEqualTo(encoded);
        assertThat(ObjectKeys.decode(encoded)).isEqualTo(key);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("keys")
    void resolve_shouldFindTheRealKey_whenTheEventEncodesIt(String key, String encoded) {
        // GIVEN the object, and an event with its key URL-encoded (as S3 notifications send it)
        Bucket bucket = new Bucket().put(key, "v1", "etag1");

        // WHEN
        var resolution = new ObjectKeyResolver(bucket).resolve(event(encoded, "v1", "etag1"));

        // THEN the decoded reading matched, confirmed by the first HEAD, at the event's version
        assertThat(resolution.object().key()).isEqualTo(key);
        assertThat(resolution.form()).isEqualTo(KeyForm.DECODED);
        assertThat(resolution.eventKey()).isEqualTo(encoded);
        assertThat(bucket.heads).containsExactly(key + "?versionId=v1");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("keys")
    void resolve_shouldFindTheRealKey_whenTheEventSendsItRaw(String key, String encoded) {
        // GIVEN the object, and an event carrying the key unencoded (as some emulators send it)
        Bucket bucket = new Bucket().put(key, "v1", "etag1");

        // WHEN
        var resolution = new ObjectKeyResolver(bucket).resolve(event(key, "v1", "etag1"));

        // THEN the key is found: as sent, or with no request at all when both readings are the same
        assertThat(resolution.object().key()).isEqualTo(key);
        boolean ambiguous = ObjectKeys.candidates(key).size() > 1;
        assertThat(resolution.form()).isEqualTo(ambiguous ? KeyForm.RAW : KeyForm.PLAIN);
        assertThat(bucket.heads).hasSize(ambiguous ? 2 : 0);
    }

    @Test
    void resolve_shouldTakeTheRawKey_whenItLooksEncoded_andTheDecodedKeyHoldsAnotherObject() {
        // GIVEN two objects: "a+b.mp4" and one really named "a%2Bb.mp4", and a raw event for the second
        Bucket bucket = new Bucket().put("a+b.mp4", "other", "etag0").put("a%2Bb.mp4", "v7", "etag7");

        // WHEN
        var resolution = new ObjectKeyResolver(bucket).resolve(event("a%2Bb.mp4", "v7", "etag7"));

        // THEN the decoded reading exists but is not the announced version: the raw one is
        assertThat(resolution.form()).isEqualTo(KeyForm.RAW);
        assertThat(resolution.object().key()).isEqualTo("a%2Bb.mp4");
        assertThat(bucket.heads).containsExactly("a+b.mp4?versionId=v7", "a%2Bb.mp4?versionId=v7");
    }

    @Test
    void resolve_shouldConfirmByEtag_inAnUnversionedBucket() {
        // GIVEN "a b.mp4" holds another object than the event's, "a+b.mp4" the event's
        Bucket bucket = new Bucket().put("a b.mp4", null, "etag-other").put("a+b.mp4", null, "etag-event");

        var resolution = new ObjectKeyResolver(bucket).resolve(event("a+b.mp4", null, "etag-event"));

        assertThat(resolution.form()).isEqualTo(KeyForm.RAW);
        assertThat(bucket.heads).containsExactly("a b.mp4", "a+b.mp4");
    }

    @Test
    void resolve_shouldBeUnmatched_withAReasonNamingBothReadings_whenNeitherHoldsTheVersion() {
        Bucket bucket = new Bucket();

        var resolution = new ObjectKeyResolver(bucket).resolve(event("gone+clip.mp4", "v1", "e"));

        assertThat(resolution.matched()).isFalse();
        assertThat(resolution.form()).isEqualTo(KeyForm.UNMATCHED);
        assertThat(resolution.object().key()).isEqualTo("gone+clip.mp4");
        assertThat(resolution.reason()).isEqualTo("object key: neither \"gone clip.mp4\" (the event's key"
                + " URL-decoded, as S3 notifications encode keys) nor \"gone+clip.mp4\" (the key as sent) holds"
                + " version v1 in bucket uploads; it was deleted or changed since the event, never existed, or S3"
                + " refused access to it (a 403, which HeadObject also answers for a missing key without s3:ListBucket)");
    }

    @Test
    void resolve_shouldUseTheKeyAsSent_withoutAsking_whenItIsNotValidEncoding() {
        // "100%.mp4" has a stray '%': it can only be a raw key
        Bucket bucket = new Bucket();

        var resolution = new ObjectKeyResolver(bucket).resolve(event("100%.mp4", "v1", "e"));

        assertThat(resolution.form()).isEqualTo(KeyForm.PLAIN);
        assertThat(resolution.object().key()).isEqualTo("100%.mp4");
        assertThat(bucket.heads).isEmpty();
    }

    @Test
    void unconfirmed_shouldPreferTheDecodedReading_withoutAsking() {
        var resolution = ObjectKeyResolver.unconfirmed(event("red+flower.mp4", "v1", "e"));

        assertThat(resolution.object().key()).isEqualTo("red flower.mp4");
        assertThat(resolution.form()).isEqualTo(KeyForm.UNCONFIRMED);
    }
}
