package dev.vidmeta.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vidmeta.probe.FileRangedReader;
import dev.vidmeta.probe.Fixtures;
import dev.vidmeta.probe.Fixtures.Fixture;
import dev.vidmeta.probe.MediaProbe;
import dev.vidmeta.probe.ObjectProbe;
import dev.vidmeta.probe.RangedReader;
import dev.vidmeta.probe.SourceException;
import dev.vidmeta.record.ObjectHeads;
import dev.vidmeta.record.ObjectKeyResolver;
import dev.vidmeta.record.ResultLocation;
import dev.vidmeta.testing.Fakes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * "Probe Media" reads exactly the object version the event announced: by its version id (S3 user guide,
 * "Retrieving object versions", https://docs.aws.amazon.com/AmazonS3/latest/userguide/RetrievingObjectVersions.html)
 * or, unversioned, only while its ETag is the event's ({@code If-Match}, GetObject API reference,
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html).
 */
class ProbeMediaHandlerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Fixtures FIXTURES = Fixtures.inTarget();
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-21T05:12:50Z"), ZoneOffset.UTC);

    /** The source's reads, by which of the three ways they were opened. */
    private final List<String> opened = new ArrayList<>();
    private RangedReader nextReader;
    private final ObjectProbe.Source source = new ObjectProbe.Source() {
        @Override
        public RangedReader version(String bucket, String key, String versionId) {
            opened.add("version " + bucket + "/" + key + " " + versionId);
            return nextReader;
        }

        @Override
        public RangedReader etag(String bucket, String key, String etag) {
            opened.add("etag " + bucket + "/" + key + " " + etag);
            return nextReader;
        }

        @Override
        public RangedReader latest(String bucket, String key) {
            opened.add("latest " + bucket + "/" + key);
            return nextReader;
        }
    };
    /** The bucket holds "clips/faststart.mp4" only. */
    private final ObjectHeads bucket = (name, key, versionId) ->
            key.equals("clips/faststart.mp4") ? new ObjectHeads.Head("etag1", versionId) : null;
    private final Fakes.Results results = new Fakes.Results("results");
    private final ByteArrayOutputStream emf = new ByteArrayOutputStream();
    private final ProbeMediaHandler handler = new ProbeMediaHandler(
            new ObjectProbe(new ObjectKeyResolver(bucket), source, MediaProbe.create(), results,
                    new ResultLocation("results", "vidmeta/")),
            new EmfMetrics(new PrintStream(emf, true, StandardCharsets.UTF_8), CLOCK));

    private static String input(String key, String versionId, String etag) {
        return "{\"executionName\": \"4f1c\", \"object\": {\"bucket\": \"uploads\", \"key\": \"" + key + "\""
                + (versionId == null ? "" : ", \"versionId\": \"" + versionId + "\"")
                + (etag == null ? "" : ", \"etag\": \"" + etag + "\"") + ", \"size\": 1000}}";
    }

    private void serves(Fixture fixture) {
        try {
            nextReader = FileRangedReader.open(FIXTURES.path(fixture));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void handleRequest_shouldProbeTheEventsVersion_andKeepMediaInfosReport() throws Exception {
        // GIVEN the announced version is an MP4
        serves(Fixture.MP4_FASTSTART);

        // WHEN
        JsonNode output = Invocations.invoke(handler, input("clips/faststart.mp4", "v1", "etag1"));

        // THEN that version is read, MediaInfo's report is kept beside the object's other results
        assertThat(opened).containsExactly("version uploads/clips/faststart.mp4 v1");
        String reportKey = "vidmeta/uploads/clips/faststart.mp4/v1/mediainfo.json";
        assertThat(results.documents()).containsOnlyKeys(reportKey);
        assertThat(JSON.readTree(results.documents().get(reportKey)).path("media").path("@ref").asText())
                .isEqualTo("faststart.mp4");
        assertThat(output.path("status").asText()).isEqualTo("OK");
        assertThat(output.path("mediainfo").asText()).isEqualTo("s3://results/" + reportKey);
        assertThat(output.path("technical").path("general").path("format").asText()).isEqualTo("MPEG-4");
        // AND one EMF line with the reads it took
        JsonNode line = JSON.readTree(emf.toString(StandardCharsets.UTF_8));
        assertThat(line.path("Function").asText()).isEqualTo("ProbeMedia");
        assertThat(line.path("ProbeRequests").asDouble()).isEqualTo(output.path("stats").path("requests").asDouble())
                .isPositive();
        assertThat(line.path("ProbeBytes").asDouble()).isEqualTo(output.path("stats").path("bytesRead").asDouble());
    }

    @Test
    void handleRequest_shouldReadByETag_inAnUnversionedBucket_andTheLatestObject_whenTheEventHasNeither()
            throws Exception {
        serves(Fixture.MP4_FASTSTART);
        Invocations.invoke(handler, input("clips/faststart.mp4", null, "etag1"));
        serves(Fixture.MP4_FASTSTART);
        Invocations.invoke(handler, input("clips/faststart.mp4", null, null));

        assertThat(opened).containsExactly("etag uploads/clips/faststart.mp4 etag1", "latest uploads/clips/faststart.mp4");
    }

    @Test
    void handleRequest_shouldAnswerNotFound_withoutReading_whenTheKeyNamesNoObjectEitherWay() throws Exception {
        JsonNode output = Invocations.invoke(handler, input("clips/gone+clip.mp4", "v1", "etag1"));

        assertThat(opened).isEmpty();
        assertThat(output.path("status").asText()).isEqualTo("NOT_FOUND");
        assertThat(output.path("reason").asText()).contains("clips/gone+clip.mp4");
        assertThat(results.documents()).isEmpty();
        assertThat(emf.size()).isZero();
    }

    @Test
    void handleRequest_shouldThrowTheRetriedException_whenTheSourceIsUnavailable() {
        // GIVEN S3 keeps answering 503 Slow Down
        nextReader = new RangedReader() {
            @Override
            public long size() throws IOException {
                throw new SourceException(SourceException.Kind.UNAVAILABLE, "503 Slow Down");
            }

            @Override
            public int read(long offset, byte[] target, int targetOffset, int length) throws IOException {
                throw new SourceException(SourceException.Kind.UNAVAILABLE, "503 Slow Down");
            }

            @Override
            public long requestCount() {
                return 1;
            }

            @Override
            public long bytesRead() {
                return 0;
            }

            @Override
            public String describe() {
                return "unavailable";
            }

            @Override
            public void close() {
            }
        };

        // THEN the error the state machine's Retry names (statemachine/video-metadata.asl.json)
        assertThatThrownBy(() -> Invocations.invoke(handler, input("clips/faststart.mp4", "v1", "etag1")))
                .isInstanceOf(TransientTaskException.class)
                .hasMessageStartingWith("reading s3://uploads/clips/faststart.mp4 failed: ")
                .hasMessageContaining("503 Slow Down");
        assertThat(results.documents()).isEmpty();
    }
}
