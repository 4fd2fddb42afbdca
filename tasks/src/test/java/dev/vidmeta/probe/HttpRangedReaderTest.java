package dev.vidmeta.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpRangedReaderTest {

    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d+)");

    /** A range-serving origin on 127.0.0.1 that records what crossed the wire. */
    private HttpServer server;
    private volatile byte[] content;
    private volatile String etag;
    private volatile int forcedStatus;
    private volatile boolean honourIfMatch = true;
    private final List<String> ranges = new CopyOnWriteArrayList<>();
    private final List<String> ifMatches = new CopyOnWriteArrayList<>();
    private final Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();

    @BeforeEach
    void startServer() throws IOException {
        content = randomBytes(100_000, 1);
        etag = "\"v1\"";
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/media/", this::serve);
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private void serve(HttpExchange exchange) throws IOException {
        clientPorts.add(exchange.getRemoteAddress().getPort());
        String range = exchange.getRequestHeaders().getFirst("Range");
        String ifMatch = exchange.getRequestHeaders().getFirst("If-Match");
        ranges.add(range);
        ifMatches.add(String.valueOf(ifMatch));
        byte[] body = content;
        exchange.getResponseHeaders().add("ETag", etag);
        if (forcedStatus != 0) {
            exchange.sendResponseHeaders(forcedStatus, -1);
            exchange.close();
            return;
        }
        if (honourIfMatch && ifMatch != null && !ifMatch.equals(etag)) {
            exchange.sendResponseHeaders(412, -1);
            exchange.close();
            return;
        }
        Matcher m = RANGE.matcher(range);
        if (!m.matches() || Long.parseLong(m.group(1)) >= body.length) {
            exchange.getResponseHeaders().add("Content-Range", "bytes */" + body.length);
            exchange.sendResponseHeaders(416, -1);
            exchange.close();
            return;
        }
        int first = Integer.parseInt(m.group(1));
        int last = (int) Math.min(Long.parseLong(m.group(2)), body.length - 1);
        exchange.getResponseHeaders().add("Content-Range", "bytes " + first + "-" + last + "/" + body.length);
        exchange.sendResponseHeaders(206, last - first + 1);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body, first, last - first + 1);
        }
    }

    private URI uri(String query) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/media/clip.mp4" + query);
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
            assertThat(ranges).containsExactly("bytes=0-999", "bytes=50000-54999");
            assertThat(clientPorts).hasSize(1);
            assertThat(reader.requestCount()).isEqualTo(2);
            assertThat(reader.bytesRead()).isEqualTo(6000);
            assertThat(reader.size()).isEqualTo(100_000);
        }
    }

    @Test
    void read_shouldPinTheFirstEtag_withIfMatch() throws IOException {
        try (HttpRangedReader reader = HttpRangedReader.open(uri(""))) {
            reader.read(0, new byte[10], 0, 10);
            reader.read(10, new byte[10], 0, 10);

            assertThat(ifMatches).containsExactly("null", "\"v1\"");
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
            assertThat(ranges).containsExactly("bytes=99800-100299");
        }
    }

    @Test
    void size_shouldComeFromOneByteRangedGet_whenNothingWasReadYet() throws IOException {
        try (HttpRangedReader reader = HttpRangedReader.open(uri(""))) {
            assertThat(reader.size()).isEqualTo(100_000);
            assertThat(ranges).containsExactly("bytes=0-0");
        }
    }

    @Test
    void read_shouldFailChanged_whenObjectIsReplacedBetweenRequests() throws IOException {
        try (HttpRangedReader reader = HttpRangedReader.open(uri(""))) {
            reader.read(0, new byte[10], 0, 10);
            content = randomBytes(100_000, 2);
            etag = "\"v2\"";

            assertThatThrownBy(() -> reader.read(10, new byte[10], 0, 10))
                    .isInstanceOfSatisfying(SourceException.class,
                            e -> assertThat(e.kind()).isEqualTo(SourceException.Kind.CHANGED));
        }
    }

    @Test
    void read_shouldFailChanged_whenServerIgnoresIfMatch_butEtagDiffers() throws IOException {
        honourIfMatch = false;
        try (HttpRangedReader reader = HttpRangedReader.open(uri(""))) {
            reader.read(0, new byte[10], 0, 10);
            etag = "\"v2\"";

            assertThatThrownBy(() -> reader.read(10, new byte[10], 0, 10))
                    .isInstanceOfSatisfying(SourceException.class,
                            e -> assertThat(e.kind()).isEqualTo(SourceException.Kind.CHANGED));
        }
    }

    @Test
    void read_shouldFailChanged_whenSizeDiffers() throws IOException {
        honourIfMatch = false;
        try (HttpRangedReader reader = HttpRangedReader.open(uri(""))) {
            reader.read(0, new byte[10], 0, 10);
            content = randomBytes(90_000, 1);

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
        forcedStatus = status;
        try (HttpRangedReader reader = HttpRangedReader.open(uri(""))) {
            assertThatThrownBy(() -> reader.read(0, new byte[10], 0, 10))
                    .isInstanceOfSatisfying(SourceException.class, e -> assertThat(e.kind()).isEqualTo(kind));
        }
    }

    @Test
    void read_shouldFailUnavailable_whenNothingListens() throws IOException {
        URI closed = uri("");
        server.stop(0);
        try (HttpRangedReader reader = HttpRangedReader.open(closed)) {
            assertThatThrownBy(() -> reader.read(0, new byte[10], 0, 10))
                    .isInstanceOfSatisfying(SourceException.class,
                            e -> assertThat(e.kind()).isEqualTo(SourceException.Kind.UNAVAILABLE));
        }
    }

    @Test
    void describeAndErrors_shouldNeverContainTheQueryString() throws IOException {
        String signed = "?X-Amz-Signature=deadbeef&X-Amz-Credential=AKIAEXAMPLE";
        forcedStatus = 403;
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
