package dev.vidmeta.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vidmeta.local.LocalAws;
import dev.vidmeta.probe.SourceException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.services.s3.S3Client;

/** S3RangedReader against the local S3 (s3proxy): ranges, pinning and error kinds as S3 answers them. */
class S3RangedReaderIT {

    @RegisterExtension
    static final LocalS3Extension S3 = new LocalS3Extension("plain", "versioned+versions");

    static S3Client client;

    @BeforeAll
    static void client() {
        client = S3.client();
    }

    @Test
    void read_shouldReturnBoundedRanges_andLearnTheSizeFromTheFirstResponse() throws IOException {
        // GIVEN a 100 KB object
        byte[] content = put("plain", "ranges.bin", 1);
        try (S3RangedReader reader = S3RangedReader.create(client, "plain", "ranges.bin")) {
            byte[] a = new byte[1000];
            byte[] b = new byte[5000];

            // WHEN two ranges are read and then the size asked
            int na = reader.read(0, a, 0, a.length);
            int nb = reader.read(50_000, b, 0, b.length);
            long size = reader.size();

            // THEN the bytes are the object's, and the size came with the first Content-Range (no HEAD)
            assertThat(na).isEqualTo(1000);
            assertThat(nb).isEqualTo(5000);
            assertThat(a).isEqualTo(Arrays.copyOfRange(content, 0, 1000));
            assertThat(b).isEqualTo(Arrays.copyOfRange(content, 50_000, 55_000));
            assertThat(size).isEqualTo(100_000);
            assertThat(reader.requestCount()).isEqualTo(2);
            assertThat(reader.bytesRead()).isEqualTo(6000);
        }
    }

    @Test
    void stream_shouldBeOneGetObject_cutAtTheObjectsEnd() throws IOException {
        byte[] content = put("plain", "stream.bin", 7);
        try (S3RangedReader reader = S3RangedReader.create(client, "plain", "stream.bin")) {
            byte[] got;
            try (InputStream stream = reader.stream(40_000, 1_000_000)) {
                got = stream.readAllBytes();
            }

            assertThat(got).isEqualTo(Arrays.copyOfRange(content, 40_000, 100_000));
            assertThat(reader.requestCount()).isEqualTo(1);
            assertThat(reader.bytesRead()).isEqualTo(60_000);
        }
    }

    @Test
    void stream_closedEarly_shouldCountWhatWasRead_andFreeItsConnection() throws IOException {
        // GIVEN a 16 MB object and a client with a single connection: a stream that kept it would
        // leave the next request waiting for the pool
        byte[] content = new byte[16 << 20];
        new Random(8).nextBytes(content);
        client.putObject(p -> p.bucket("plain").key("big.bin"), RequestBody.fromBytes(content));
        try (S3Client oneConnection = S3Client.builder()
                        .endpointOverride(S3.server().endpoint())
                        .region(LocalAws.region())
                        .credentialsProvider(LocalAws.credentials())
                        .forcePathStyle(true)
                        .httpClientBuilder(ApacheHttpClient.builder().maxConnections(1)
                                .connectionAcquisitionTimeout(Duration.ofSeconds(5)))
                        .build();
                S3RangedReader reader = S3RangedReader.create(oneConnection, "plain", "big.bin")) {
            // WHEN a stream over the whole object is closed after 100 KB
            try (InputStream stream = reader.stream(0, content.length)) {
                assertThat(stream.readNBytes(100_000)).isEqualTo(Arrays.copyOf(content, 100_000));
            }

            // THEN only those bytes count, and the next request gets a connection
            assertThat(reader.bytesRead()).isEqualTo(100_000);
            byte[] tail = new byte[10];
            assertThat(reader.read(content.length - 10, tail, 0, 10)).isEqualTo(10);
            assertThat(tail).isEqualTo(Arrays.copyOfRange(content, content.length - 10, content.length));
        }
    }

    @Test
    void read_shouldStopAtTheEnd_andAnswerMinusOnePastIt_withoutARequest() throws IOException {
        byte[] content = put("plain", "end.bin", 2);
        try (S3RangedReader reader = S3RangedReader.create(client, "plain", "end.bin")) {
            byte[] tail = new byte[500];

            int n = reader.read(99_800, tail, 0, tail.length);
            int past = reader.read(100_000, tail, 0, tail.length);

            assertThat(n).isEqualTo(200);
            assertThat(Arrays.copyOf(tail, 200)).isEqualTo(Arrays.copyOfRange(content, 99_800, 100_000));
            assertThat(past).isEqualTo(-1);
            assertThat(reader.requestCount()).isEqualTo(1);
        }
    }

    @Test
    void size_shouldComeFromHeadObject_whenNothingWasReadYet() throws IOException {
        put("plain", "head.bin", 3);
        try (S3RangedReader reader = S3RangedReader.create(client, "plain", "head.bin")) {
            assertThat(reader.size()).isEqualTo(100_000);
            assertThat(reader.requestCount()).isEqualTo(1);
        }
    }

    @Test
    void read_shouldFailChanged_whenTheKeyIsOverwrittenBetweenReads() throws IOException {
        // GIVEN an unversioned object, pinned by its ETag on the first read
        put("plain", "overwritten.bin", 4);
        try (S3RangedReader reader = S3RangedReader.create(client, "plain", "overwritten.bin")) {
            reader.read(0, new byte[10], 0, 10);

            // WHEN the key gets new content
            put("plain", "overwritten.bin", 5);

            // THEN S3 refuses the If-Match (412) and the reader says CHANGED
            assertKind(() -> reader.read(10, new byte[10], 0, 10), SourceException.Kind.CHANGED);
        }
    }

    @Test
    void forEtag_shouldFailChanged_onTheFirstRead_whenTheKeyWasOverwrittenAfterTheEvent() throws IOException {
        // GIVEN an upload whose event carried its ETag (bare, as S3 events do), then an overwrite
        put("plain", "announced.bin", 7);
        String announced = client.headObject(h -> h.bucket("plain").key("announced.bin")).eTag().replace("\"", "");
        put("plain", "announced.bin", 8);

        // WHEN a reader pinned to the announced ETag reads
        try (S3RangedReader reader = S3RangedReader.forEtag(client, "plain", "announced.bin", announced)) {
            // THEN it never reads the overwrite as if it were the upload
            assertKind(() -> reader.read(0, new byte[10], 0, 10), SourceException.Kind.CHANGED);
        }
    }

    @Test
    void forEtag_shouldRead_whenTheObjectIsStillTheAnnouncedOne() throws IOException {
        // GIVEN an upload and the ETag its event carried
        byte[] content = put("plain", "unchanged.bin", 9);
        String announced = client.headObject(h -> h.bucket("plain").key("unchanged.bin")).eTag().replace("\"", "");

        // WHEN a reader pinned to it reads
        byte[] target = new byte[10];
        try (S3RangedReader reader = S3RangedReader.forEtag(client, "plain", "unchanged.bin", announced)) {
            // THEN it gets the bytes
            assertThat(reader.read(0, target, 0, 10)).isEqualTo(10);
        }
        assertThat(target).isEqualTo(Arrays.copyOf(content, 10));
    }

    @Test
    void read_shouldKeepReadingTheFirstVersion_whenAVersionedKeyIsOverwritten() throws IOException {
        // GIVEN a versioned object, pinned to its version on the first read
        byte[] first = put("versioned", "video.bin", 6);
        try (S3RangedReader reader = S3RangedReader.create(client, "versioned", "video.bin")) {
            reader.read(0, new byte[10], 0, 10);

            // WHEN the key gets a new version
            put("versioned", "video.bin", 7);

            // THEN the reader still reads the version it started with
            byte[] later = new byte[1000];
            reader.read(50_000, later, 0, later.length);
            assertThat(later).isEqualTo(Arrays.copyOfRange(first, 50_000, 51_000));
        }
    }

    @Test
    void forVersion_shouldReadThatVersion_andFailNotFound_forAnUnknownOne() throws IOException {
        byte[] first = put("versioned", "named.bin", 8);
        String firstVersion = client.headObject(h -> h.bucket("versioned").key("named.bin")).versionId();
        put("versioned", "named.bin", 9);

        try (S3RangedReader reader = S3RangedReader.forVersion(client, "versioned", "named.bin", firstVersion)) {
            byte[] got = new byte[100];
            reader.read(0, got, 0, got.length);
            assertThat(got).isEqualTo(Arrays.copyOf(first, 100));
        }
        try (S3RangedReader reader = S3RangedReader.forVersion(client, "versioned", "named.bin", "no-such-version")) {
            assertKind(() -> reader.read(0, new byte[10], 0, 10), SourceException.Kind.NOT_FOUND);
        }
    }

    @Test
    void read_shouldFailNotFound_whenTheKeyIsMissing_orVanishesMidRead() throws IOException {
        try (S3RangedReader reader = S3RangedReader.create(client, "plain", "missing.bin")) {
            assertKind(() -> reader.read(0, new byte[10], 0, 10), SourceException.Kind.NOT_FOUND);
        }
        try (S3RangedReader reader = S3RangedReader.create(client, "plain", "missing.bin")) {
            assertKind(reader::size, SourceException.Kind.NOT_FOUND);
        }
        put("plain", "vanishing.bin", 10);
        try (S3RangedReader reader = S3RangedReader.create(client, "plain", "vanishing.bin")) {
            reader.read(0, new byte[10], 0, 10);
            client.deleteObject(d -> d.bucket("plain").key("vanishing.bin"));
            assertKind(() -> reader.read(10, new byte[10], 0, 10), SourceException.Kind.NOT_FOUND);
        }
    }

    @Test
    void read_shouldFailAccessDenied_whenTheRequestsAreUnsigned() throws IOException {
        // The local S3 takes any key pair (as LocalStack and moto do) but refuses unsigned requests with 403.
        put("plain", "private.bin", 11);
        try (S3Client stranger = S3Client.builder()
                        .endpointOverride(S3.server().endpoint())
                        .forcePathStyle(true)
                        .region(LocalAws.region())
                        .credentialsProvider(AnonymousCredentialsProvider.create())
                        .build();
                S3RangedReader reader = S3RangedReader.create(stranger, "plain", "private.bin")) {
            assertKind(() -> reader.read(0, new byte[10], 0, 10), SourceException.Kind.ACCESS_DENIED);
        }
    }

    @Test
    void read_shouldFailUnavailable_whenNothingListens() throws IOException {
        try (S3Client nowhere = LocalAws.client(S3Client.builder().forcePathStyle(true),
                        URI.create("http://127.0.0.1:1"));
                S3RangedReader reader = S3RangedReader.create(nowhere, "plain", "any.bin")) {
            assertKind(() -> reader.read(0, new byte[10], 0, 10), SourceException.Kind.UNAVAILABLE);
        }
    }

    private static void assertKind(ThrowingCallable call, SourceException.Kind kind) {
        assertThatThrownBy(call).isInstanceOfSatisfying(SourceException.class,
                e -> assertThat(e.kind()).isEqualTo(kind));
    }

    private static byte[] put(String bucket, String key, long seed) {
        byte[] content = new byte[100_000];
        new Random(seed).nextBytes(content);
        client.putObject(p -> p.bucket(bucket).key(key), RequestBody.fromBytes(content));
        return content;
    }
}
