package dev.vidmeta.local.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.vidmeta.local.LocalAws;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectVersion;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The local S3 keeps keys as S3 does: "The object key name consists of a sequence of Unicode characters encoded in
 * UTF-8, with a maximum length of 1,024 bytes" (Amazon S3 User Guide, "Naming Amazon S3 objects",
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html). Each key below is stored, read, listed,
 * reported in its events and deleted under exactly the key the client sent, whatever a filesystem path would make
 * of it.
 */
class LocalS3KeysIT {

    private static final String BUCKET = "vidmeta-uploads";

    @TempDir
    Path workDir;

    private final List<S3Event> events = new CopyOnWriteArrayList<>();
    private LocalS3 s3;
    private S3Client client;

    static List<String> keys() {
        return List.of(
                "bad/../escape.mp4",
                "./a.mp4",
                "a/./b.mp4",
                "long/" + "x".repeat(1_011) + ".mp4",             // one segment of 1,015 bytes
                "d/".repeat(511) + "ab",                          // 1,024 bytes in 512 segments
                "ünïcödé/日本語 クリップ.mp4",
                "emoji/🎬🎞️ clip.mp4");
    }

    @BeforeEach
    void start() {
        s3 = LocalS3.start(workDir, events::add);
        s3.createBucket(BUCKET, true);
        client = LocalAws.client(S3Client.builder().forcePathStyle(true), s3.endpoint());
    }

    @AfterEach
    void stop() {
        client.close();
        s3.close();
    }

    @ParameterizedTest
    @MethodSource("keys")
    void object_shouldBeStoredListedReportedAndDeleted_underItsLiteralKey(String key) {
        assertThat(key.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(1_024);

        // WHEN the key is PUT
        String versionId = client.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString("content of " + key))
                .versionId();

        // THEN it reads back, lists and is reported under that key, and only that key
        assertThat(client.getObjectAsBytes(b -> b.bucket(BUCKET).key(key)).asUtf8String())
                .isEqualTo("content of " + key);
        assertThat(client.headObject(b -> b.bucket(BUCKET).key(key)).versionId()).isEqualTo(versionId);
        assertThat(allKeys()).containsExactly(key);
        assertThat(client.listObjectsV2(b -> b.bucket(BUCKET).prefix(key)).contents())
                .extracting(S3Object::key).containsExactly(key);
        assertThat(events).singleElement().isInstanceOfSatisfying(ObjectCreated.class, created -> {
            assertThat(created.key()).isEqualTo(key);
            assertThat(created.versionId()).isEqualTo(versionId);
        });

        // WHEN it is deleted
        client.deleteObject(b -> b.bucket(BUCKET).key(key));

        // THEN it is gone under that key, and the deletion names it
        assertThatThrownBy(() -> client.getObjectAsBytes(b -> b.bucket(BUCKET).key(key)))
                .isInstanceOf(NoSuchKeyException.class);
        assertThat(allKeys()).isEmpty();
        assertThat(events).last().isInstanceOfSatisfying(ObjectDeleted.class,
                deleted -> assertThat(deleted.key()).isEqualTo(key));
    }

    @Test
    void dotSegments_shouldNameObjectsOfTheirOwn_notTheObjectsAPathWouldNormalizeTo() {
        // GIVEN an object the dot-segment keys would reach as paths
        client.putObject(b -> b.bucket(BUCKET).key("escape.mp4"), RequestBody.fromString("plain"));

        // WHEN keys that normalize to it are PUT
        client.putObject(b -> b.bucket(BUCKET).key("bad/../escape.mp4"), RequestBody.fromString("dotdot"));
        client.putObject(b -> b.bucket(BUCKET).key("./escape.mp4"), RequestBody.fromString("dot"));

        // THEN each is an object of its own, and the plain one keeps its content and its file
        assertThat(allKeys()).containsExactly("./escape.mp4", "bad/../escape.mp4", "escape.mp4");
        assertThat(client.getObjectAsBytes(b -> b.bucket(BUCKET).key("escape.mp4")).asUtf8String())
                .isEqualTo("plain");
        assertThat(client.getObjectAsBytes(b -> b.bucket(BUCKET).key("bad/../escape.mp4")).asUtf8String())
                .isEqualTo("dotdot");
        assertThat(s3.dataDir().resolve(BUCKET).resolve("escape.mp4")).hasContent("plain");
    }

    /**
     * ListObjectsV2 with a delimiter rolls every key whose rest holds the delimiter up to one CommonPrefixes entry,
     * and lists keys and prefixes together in UTF-8 binary order
     * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html).
     */
    @Test
    void listByPrefixAndDelimiter_shouldRollUpLiteralSegments_intoCommonPrefixes_pageByPage() {
        // GIVEN keys under in/, some of whose segments a path cannot hold as they are
        String longSegment = "s".repeat(600);
        for (String key : List.of("in/a.mp4", "in/sub/b.mp4", "in/../c.mp4", "in/./d.mp4", "in/" + longSegment
                + "/e.mp4", "in//f.mp4", "in/🎬.mp4", "in/～.mp4", "out/g.mp4", "inbox.mp4")) {
            client.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString(key));
        }

        // WHEN in/ is listed with delimiter /, two entries a page
        List<ListObjectsV2Response> pages = client.listObjectsV2Paginator(b -> b.bucket(BUCKET).prefix("in/")
                .delimiter("/").maxKeys(2)).stream().toList();

        // THEN the keys directly under in/ and the common prefixes below it come back literally, in UTF-8 order
        assertThat(pages).hasSize(4); // 8 entries: 3 keys, 5 prefixes
        assertThat(pages.stream().flatMap(p -> p.contents().stream()).map(S3Object::key))
                .containsExactly("in/a.mp4", "in/～.mp4", "in/🎬.mp4");
        assertThat(pages.stream().flatMap(p -> p.commonPrefixes().stream()).map(CommonPrefix::prefix))
                .containsExactly("in/../", "in/./", "in//", "in/" + longSegment + "/", "in/sub/");

        // AND a prefix ending inside a segment matches literally too
        assertThat(client.listObjectsV2(b -> b.bucket(BUCKET).prefix("in/.")).contents()).extracting(S3Object::key)
                .containsExactly("in/../c.mp4", "in/./d.mp4");
        assertThat(client.listObjectsV2(b -> b.bucket(BUCKET).prefix("in").delimiter("/")).commonPrefixes())
                .extracting(CommonPrefix::prefix).containsExactly("in/");
    }

    @Test
    void versionsOfADotSegmentKey_shouldEachStayReadable_andListUnderTheLiteralKey() {
        // GIVEN two versions of a key with a dot segment
        String key = "bad/../escape.mp4";
        String first = client.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString("first")).versionId();
        String second = client.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString("second"))
                .versionId();

        // WHEN its versions are listed
        List<ObjectVersion> versions = client.listObjectVersions(b -> b.bucket(BUCKET).prefix("bad/..")).versions();

        // THEN both are there under the literal key, newest first, each with its own content
        assertThat(versions).extracting(ObjectVersion::key, ObjectVersion::versionId, ObjectVersion::isLatest)
                .containsExactly(tuple(key, second, true), tuple(key, first, false));
        assertThat(client.getObjectAsBytes(b -> b.bucket(BUCKET).key(key).versionId(first)).asUtf8String())
                .isEqualTo("first");
        assertThat(client.getObjectAsBytes(b -> b.bucket(BUCKET).key(key).versionId(second)).asUtf8String())
                .isEqualTo("second");
    }

    @Test
    void keyOver1024Bytes_shouldBeRefused_withKeyTooLongError_perTheS3ErrorCodeList() {
        // GIVEN keys of exactly 1,024 UTF-8 bytes and of one more (é is 2 bytes)
        String longest = "é".repeat(512);
        String tooLong = longest + "x";

        // WHEN both are PUT
        client.putObject(b -> b.bucket(BUCKET).key(longest), RequestBody.fromString("fits"));

        // THEN the longest is kept, and the other refused as S3 refuses it, and neither read nor listed nor reported
        assertThatThrownBy(() -> client.putObject(b -> b.bucket(BUCKET).key(tooLong), RequestBody.fromString("no")))
                .isInstanceOfSatisfying(S3Exception.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("KeyTooLongError");
                    assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("Your key is too long.");
                });
        assertThatThrownBy(() -> client.getObjectAsBytes(b -> b.bucket(BUCKET).key(tooLong)))
                .isInstanceOfSatisfying(S3Exception.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("KeyTooLongError"));
        assertThat(allKeys()).containsExactly(longest);
        assertThat(events).singleElement().isInstanceOfSatisfying(ObjectCreated.class,
                created -> assertThat(created.key()).isEqualTo(longest));
    }

    @Test
    void multipartUpload_shouldCompleteUnderALongLiteralKey_andBeReportedUnderIt() {
        // GIVEN a key with a 1,015-byte segment
        String key = "long/" + "m".repeat(1_011) + ".mp4";

        // WHEN it is uploaded in two parts
        String uploadId = client.createMultipartUpload(b -> b.bucket(BUCKET).key(key)).uploadId();
        assertThat(client.listMultipartUploads(b -> b.bucket(BUCKET)).uploads()).singleElement()
                .satisfies(upload -> assertThat(upload.key()).isEqualTo(key));
        String part1 = client.uploadPart(b -> b.bucket(BUCKET).key(key).uploadId(uploadId).partNumber(1),
                RequestBody.fromString("a".repeat(5 * 1024 * 1024))).eTag();
        String part2 = client.uploadPart(b -> b.bucket(BUCKET).key(key).uploadId(uploadId).partNumber(2),
                RequestBody.fromString("b")).eTag();
        client.completeMultipartUpload(b -> b.bucket(BUCKET).key(key).uploadId(uploadId).multipartUpload(m -> m.parts(
                CompletedPart.builder().partNumber(1).eTag(part1).build(),
                CompletedPart.builder().partNumber(2).eTag(part2).build())));

        // THEN the object is there under the key, whole, and its event names the key
        assertThat(client.headObject(b -> b.bucket(BUCKET).key(key)).contentLength()).isEqualTo(5 * 1024 * 1024 + 1);
        assertThat(allKeys()).containsExactly(key);
        assertThat(events).last().isInstanceOfSatisfying(ObjectCreated.class, created -> {
            assertThat(created.key()).isEqualTo(key);
            assertThat(created.reason()).isEqualTo("CompleteMultipartUpload");
        });
    }

    @Test
    void ordinaryKeys_shouldKeepTheirPlainPaths_soDataWrittenBeforeStillReads() throws Exception {
        // GIVEN an ordinary key, written by a run that stored keys as plain paths (files at the key's path)
        Path bucketDir = s3.dataDir().resolve(BUCKET);
        client.putObject(b -> b.bucket(BUCKET).key("in/clip.mp4"), RequestBody.fromString("clip"));

        // THEN its file is at the key's own path, where such a run put it, and reads back by the key
        assertThat(bucketDir.resolve("in").resolve("clip.mp4")).hasContent("clip");
        Files.writeString(bucketDir.resolve("in").resolve("clip.mp4"), "clip written before");
        assertThat(client.getObjectAsBytes(b -> b.bucket(BUCKET).key("in/clip.mp4")).asUtf8String())
                .isEqualTo("clip written before");
    }

    private List<String> allKeys() {
        return client.listObjectsV2Paginator(b -> b.bucket(BUCKET)).contents().stream().map(S3Object::key).toList();
    }
}
