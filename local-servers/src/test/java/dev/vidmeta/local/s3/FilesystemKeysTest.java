package dev.vidmeta.local.s3;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * S3 keys are kept literally ("Naming Amazon S3 objects", S3 user guide: any UTF-8 sequence up to 1,024 bytes); the
 * names the filesystem store gets for them must be names a filesystem can hold, and lead back to the same key.
 */
class FilesystemKeysTest {

    static List<String> keys() {
        return List.of("in/clip.mp4", "bad/../escape.mp4", "./a.mp4", "a/./b.mp4", "..", ".", "a//b.mp4",
                "/leading.mp4", "/", "//", "dir/", "dir/sub/", "%percent/100%.mp4", "%", "%25", "%%/x",
                ".mpus-mine/x", "a/.s3proxy-versions", ".s3proxy-slash", "nul\0in/key", "ünïcödé/日本語.mp4",
                "emoji/🎬🎞️.mp4", "x".repeat(1015) + ".mp4", "a/" + "é".repeat(500) + "/",
                "🎬".repeat(256), "%".repeat(1024), "a/".repeat(512), "a/b".repeat(300));
    }

    @ParameterizedTest
    @MethodSource("keys")
    void decode_shouldReturnTheLiteralKey_forEveryEncodedKey(String key) {
        // WHEN the key is stored and its stored name read back
        String stored = FilesystemKeys.encode(key);

        // THEN the name leads back to exactly the key
        assertThat(FilesystemKeys.decode(stored)).isEqualTo(key);
    }

    @ParameterizedTest
    @MethodSource("keys")
    void encode_shouldGiveNamesAFilesystemCanHold_forEveryKey(String key) {
        // WHEN the key is stored
        String stored = FilesystemKeys.encode(key);

        // THEN no name in its path is empty, "." or "..", holds NUL, is one of the store's own, or is too long
        String body = stored.endsWith("/") ? stored.substring(0, stored.length() - 1) : stored;
        for (String name : body.split("/", -1)) {
            assertThat(name).as(stored).isNotEmpty().isNotIn(".", "..").doesNotContain("\0")
                    .doesNotStartWith(".mpus-").doesNotStartWith(".s3proxy-");
            assertThat(name.getBytes(StandardCharsets.UTF_8).length).as(name)
                    .isLessThanOrEqualTo(FilesystemKeys.MAX_NAME_BYTES);
        }
        assertThat(stored.endsWith("/")).isEqualTo(key.endsWith("/"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"in/clip.mp4", "a/b/c.txt", ".hidden/x", "100%.mp4", "dir/", "ünïcödé/🎬.mp4"})
    void encode_shouldKeepOrdinaryKeysAsTheyAre_soDataWrittenBeforeStillReads(String key) {
        assertThat(FilesystemKeys.encode(key)).isEqualTo(key);
    }

    @Test
    void encode_shouldGiveDistinctNames_toKeysThatOnlyDifferInDotsAndSlashes() {
        // GIVEN keys a path would normalize to one another
        List<String> keys = List.of("escape.mp4", "bad/../escape.mp4", "./escape.mp4", "/escape.mp4",
                "bad//escape.mp4", "bad/escape.mp4", "%escape.mp4", "%25escape.mp4");

        // THEN each gets a name of its own
        assertThat(keys.stream().map(FilesystemKeys::encode)).doesNotHaveDuplicates();
    }

    @Test
    void decode_shouldRefuseNames_thatNoKeyIsStoredUnder() {
        // a name the store keeps for itself, an empty segment, an unfinished continuation, an unknown escape
        assertThat(Arrays.asList(FilesystemKeys.decode("a//b"), FilesystemKeys.decode("%abc%"),
                FilesystemKeys.decode("%a%zz"), FilesystemKeys.decode("x/../y"), FilesystemKeys.decode("/")))
                .containsOnlyNulls();
    }

    @Test
    void storedDirectory_shouldBeAPrefixOfEveryStoredKey_underTheLiteralPrefix() {
        String longSegment = "y".repeat(400);
        for (String prefix : List.of("in/", "in/cl", "bad/..", "bad/../", longSegment + "/", "/", "a//")) {
            for (String key : List.of(prefix + "clip.mp4", prefix + "../x", prefix + longSegment)) {
                String directory = FilesystemKeys.storedDirectory(prefix);
                assertThat(FilesystemKeys.encode(key)).as(key).startsWith(directory == null ? "" : directory);
            }
        }
        assertThat(FilesystemKeys.storedDirectory("clip")).isNull();
        assertThat(FilesystemKeys.storedDirectory(null)).isNull();
    }

    @Test
    void utf8Order_shouldOrderKeysByCodePoint_asS3ListsThem() {
        // GIVEN U+FF5E (3 UTF-8 bytes) and U+1F3AC (4 bytes, a surrogate pair in UTF-16, which sorts it lower)
        List<String> keys = new ArrayList<>(List.of("🎬", "～", "a", "ab", "é"));

        keys.sort(FilesystemKeys.UTF8_ORDER);

        assertThat(keys).containsExactly("a", "ab", "é", "～", "🎬");
    }
}
