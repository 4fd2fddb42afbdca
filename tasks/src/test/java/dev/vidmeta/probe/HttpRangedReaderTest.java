package dev.vidmeta.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpRangedReaderTest {

    private byte[] content;
    private RangeServer server;

    @BeforeEach
    void startServer() throws IOException {
        content = randomBytes(100_000, 1);
        server = RangeServer.start(content);
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    private URI uri(String query) {
        return server.uri("clip.mp4" + query);
    }

    @Test
    void read_shouldSendBoundedRanges_overOneKeptAliveConnection() throws IOException {
        // GIVEN a reader on the origin
        try (HttpRangedReader reader = HttpRangedReader.open(uri(""))) {
            byte[] a = new byte[1000];
            byte[] b = new byte[5000];

            // WHEN it reads two ranges
            int na = reader.read(0, a, 0, a.length);
            int nb = reader.read(50_000, b, 0, b.length);

            // THEN each read was one bounded request on the same connection, with the right bytes
            assertThat(na).isEqualTo(1000);
            assertThat(nb).isEqualTo(5000);
            assertThat(a).isEqualTo(Arrays.copyOfRange(content, 0, 1000));
            assertThat(b).isEqualTo(Arrays.copyOfRange(content, 50_000, 55_000));
            assertThat(server.ranges()).containsExactly("bytes=0-999", "bytes=50000-54999");
            assertThat(server.clientPorts()).hasSize(1);
            assertThat(reader.requestCount()).isEqualTo(2);
            assertThat(reader.bytesRead()).isEqualTo(6000);
            assertThat(reader.size()).isEqualTo(100_000);
        }
    }

    @Test
    void stream_readToItsEnd_shouldBeOneRequest_andKeepTheConnection() throws IOException {
        try (HttpRangedReader reader = HttpRangedReader.open(uri(""))) {
            byte[] got;
            try (InputStream stream = reader.stream(10_000, 60_000)) {
                got = stream.readAllBytes();
            }
            reader.read(0, new byte[10], 0, 10);

            assertThat(got).isEqualTo(Arrays.copyOfRange(content, 10_000, 60_000));
            assertThat(server.ranges()).containsExactly("bytes=10000-59999", "bytes=0-9");
            assertThat(server.clientPorts()).hasSize(1);
            assertThat(reader.bytesRead()).isEqualTo(50_010);
        }
    }

    @Test
    void stream_closedEarly_shouldDropTheConnection_ratherThanReadOutTheRest() throws Exception {
        // GIVEN a 64 MB object
        server.replace(randomBytes(64 << 20, 2), "\"big\"");
        try (HttpRangedReader reader = HttpRangedReader.open(uri(""))) {
            // WHEN a stream over all of it is closed after 100 KB
            try (InputStream stream = reader.stream(0, 64 << 20)) {
                stream.readNBytes(100_000);
            }

            // THEN the server could not send the rest: the connection was dropped, not drained
            for (int i = 0; i < 100 && server.bodiesCut() == 0; i++) {
                Thread.sleep(50);
            }
            assertThat(server.bodiesCut()).isEqualTo(1);
            assertThat(server.bodyBytesSent()).isLessThan(32 << 20);
            assertThat(reader.bytesRead()).isEqualTo(100_000);

            // AND the reader goes on with a new connection
            byte[] tail = new byte[10];
            assertThat(reader.read((64 << 20) - 10, tail, 0, 10)).isEqualTo(10);
            assertThat(server.clientPorts()).hasSize(2);
        }
    }

    @Test
    void stream_shouldEndAtTheObjectsEnd_whenTheRangeRunsPastIt() throws IOException {
        try (HttpRangedReader reader = HttpRangedReader.open(uri(""));
                InputStream stream = reader.stream(99_000, 200_000)) {
            assertThat(stream.readAllBytes()).isEqualTo(Arrays.copyOfRange(content, 99_000, 100_000));
        }
    }

    @Test
    void stream_shouldFailUnavailable_whenTheBodyEndsBeforeItsRange() throws IOException {
        // GIVEN a server that promises the range but sends only 1000 bytes of it
        server.cutBodiesAfter(1000);
        try (HttpRangedReader reader = HttpRangedReader.open(uri(""));
                InputStream stream = reader.stream(0, 50_000)) {
            // WHEN the stream is read to the end THEN the short body is an error, not an early end
            assertThatThrownBy(stream::readAllBytes)
                    .isInstanceOfSatisfying(SourceException.class,
                            e -> assertThat(e.kind()).isEqualTo(SourceException.Kind.UNAVAILABLE));
        }
    }

    @Test
    void read_shouldPinTheFirstEtag_withIfMatch() throws IOException {
        try (HttpRangedReader reader = HttpRangedReader.open(uri(""))) {
            reader.read(0, new byte[10], 0, 10);
            reader.read(10, new byte[10], 0, 10);

            assertThat(server.ifMatches()).containsExactly("null", "\"v1\"");
        }
    }

    @Test
    void read_shouldStopAtTheEnd_andReturnMinusOnePastIt() throws IOException {
        try (HttpRangedReader reader = HttpRangedReader.open(uri(""))) {
            byte[] tail = new byte[500];

            int n = reader.read(99_800, tail, 0, tail.length);
            int past = reader.read(100_000, tail, 0, tail.length);

            assertThat(n).isEqualTo(200);
            assertThat(Arrays.copyOf(tail, 200)).isEqualTo(Arrays.copyOfRange(content, 99_800, 100_000));
            // The size is known from the first Content-Range, so reading past the end costs no request.
            assertThat(past).isEqualTo(-1);
            assertThat(server.ranges()).containsExactly("bytes=99800-100299");
        }
    }

    @Test
    void size_shouldComeFromOneByteRangedGet_whenNothingWasReadYet() throws IOException {
        try (HttpRangedReader reader = HttpRangedReader.open(uri(""))) {
            assertThat(reader.size()).isEqualTo(100_000);
            assertThat(server.ranges()).containsExactly("bytes=0-0");
        }
    }

    @Test
    void read_shouldFailChanged_whenObjectIsReplacedBetweenRequests() throws IOException {
        try (HttpRangedReader reader = HttpRangedReader.open(uri(""))) {
            reader.read(0, new byte[10], 0, 10);
            server.replace(randomBytes(100_000, 2), "\"v2\"");

            assertThatThrownBy(() -> reader.read(10, new byte[10], 0, 10))
                    .isInstanceOfSatisfying(SourceException.class,
                            e -> assertThat(e.kind()).isEqualTo(SourceException.Kind.CHANGED));
        }
    }

    @Test
    void read_shouldFailChanged_whenServerIgnoresIfMatch_butEtagDiffers() throws IOException {
        server.ignoreIfMatch();
        try (HttpRangedReader reader = HttpRangedReader.open(uri(""))) {
            reader.read(0, new byte[10], 0, 10);
            server.replace(content, "\"v2\"");

            assertThatThrownBy(() -> reader.read(10, new byte[10], 0, 10))
                    .isInstanceOfSatisfying(SourceException.class,
                            e -> assertThat(e.kind()).isEqualTo(SourceException.Kind.CHANGED));
        }
    }

    @Test
    void read_shouldFailChanged_whenSizeDiffers() throws IOException {
        server.ignoreIfMatch();
        try (HttpRangedReader reader = HttpRangedReader.open(uri(""))) {
            reader.read(0, new byte[10], 0, 10);
            server.replace(randomBytes(90_000, 1), "\"v1\"");

            assertThatThrownBy(() -> reader.read(10, new byte[10], 0, 10))
                    .isInstanceOfSatisfying(SourceException.class,
                            e -> assertThat(e.kind()).isEqualTo(SourceException.Kind.CHANGED));
        }
    }

    @Test
    void read_shouldMapHttpStatusToKind() throws IOException {
        assertKindFor(404, SourceException.Kind.NOT_FOUND);
        assertKindFor(403, SourceException.Kind.ACCESS_DENIED);
        assertKindFor(503, SourceException.Kind.UNAVAILABLE);
        assertKindFor(500, SourceException.Kind.UNAVAILABLE);
    }

    private void assertKindFor(int status, SourceException.Kind kind) throws IOException {
        server.forceStatus(status);
        try (HttpRangedReader reader = HttpRangedReader.open(uri(""))) {
            assertThatThrownBy(() -> reader.read(0, new byte[10], 0, 10))
                    .isInstanceOfSatisfying(SourceException.class, e -> assertThat(e.kind()).isEqualTo(kind));
        }
    }

    @Test
    void read_shouldFailUnavailable_whenNothingListens() throws IOException {
        URI closed = uri("");
        server.close();
        try (HttpRangedReader reader = HttpRangedReader.open(closed)) {
            assertThatThrownBy(() -> reader.read(0, new byte[10], 0, 10))
                    .isInstanceOfSatisfying(SourceException.class,
                            e -> assertThat(e.kind()).isEqualTo(SourceException.Kind.UNAVAILABLE));
        }
    }

    @Test
    void describeAndErrors_shouldNeverContainTheQueryString() throws IOException {
        String signed = "?X-Amz-Signature=deadbeef&X-Amz-Credential=AKIAEXAMPLE";
        server.forceStatus(403);
        try (HttpRangedReader reader = HttpRangedReader.open(uri(signed))) {
            assertThat(reader.describe()).isEqualTo(uri("").toString());
            assertThatThrownBy(() -> reader.read(0, new byte[10], 0, 10))
                    .hasMessageNotContaining("deadbeef")
                    .hasMessageNotContaining("AKIA")
                    .hasMessageContaining("/media/clip.mp4");
        }
    }

    private static byte[] randomBytes(int n, long seed) {
        byte[] bytes = new byte[n];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
