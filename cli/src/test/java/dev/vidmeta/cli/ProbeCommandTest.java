package dev.vidmeta.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vidmeta.probe.Fixtures;
import dev.vidmeta.probe.Fixtures.Fixture;
import dev.vidmeta.probe.RangeServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

class ProbeCommandTest {

    private static final Fixtures FIXTURES = Fixtures.inTarget();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine command = VidmetaCommand.commandLine();
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(err, true));
        return command.execute(args);
    }

    @Test
    void probe_shouldPrintTheNormalizedRecord_whenLocalVideo() throws Exception {
        // GIVEN the MKV fixture
        Path file = FIXTURES.path(Fixture.MKV_H264_OPUS);

        // WHEN probed from the command line
        int exit = run("probe", file.toString());

        // THEN the record is on stdout, status first, and nothing on stderr
        assertThat(exit).isZero();
        JsonNode record = JSON.readTree(out.toString());
        assertThat(record.fieldNames().next()).isEqualTo("status");
        assertThat(record.path("status").asText()).isEqualTo("OK");
        assertThat(record.has("reason")).isFalse();
        assertThat(record.path("general").path("format").asText()).isEqualTo("Matroska");
        assertThat(record.path("video").get(0).path("width").asInt()).isEqualTo(320);
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void probe_shouldPrintMediaInfosReport_whenAskedFor() throws Exception {
        Path file = FIXTURES.path(Fixture.MP4_FASTSTART);

        int exit = run("probe", "--mediainfo", file.toString());

        assertThat(exit).isZero();
        JsonNode report = JSON.readTree(out.toString());
        assertThat(report.path("media").path("@ref").asText()).isEqualTo(file.toString());
        assertThat(report.path("media").path("track").get(0).path("FileSize").asLong()).isEqualTo(Files.size(file));
    }

    @Test
    void probe_shouldPrintStatsAsOneJsonLine_whenAskedFor() throws Exception {
        Path file = FIXTURES.path(Fixture.MP4_FASTSTART);

        int exit = run("probe", "--stats", file.toString());

        assertThat(exit).isZero();
        assertThat(err.toString().lines()).hasSize(1);
        JsonNode stats = JSON.readTree(err.toString());
        assertThat(stats.path("status").asText()).isEqualTo("OK");
        assertThat(stats.path("requests").asLong()).isPositive();
        assertThat(stats.path("bytesRead").asLong()).isPositive().isLessThanOrEqualTo(2 * Files.size(file));
        assertThat(stats.has("wallMillis")).isTrue();
    }

    @Test
    void probe_shouldExitThree_andPrintTheStatusWithTheReason_whenPdf() throws Exception {
        int exit = run("probe", FIXTURES.path(Fixture.PDF).toString());

        assertThat(exit).isEqualTo(ProbeCommand.NOT_MEDIA);
        JsonNode printed = JSON.readTree(out.toString());
        assertThat(printed.path("status").asText()).isEqualTo("NOT_MEDIA");
        assertThat(printed.path("reason").asText()).isEqualTo("recognized as PDF, which holds no audio, video or image");
        assertThat(printed.path("general").path("format").asText()).isEqualTo("PDF");
        assertThat(err.toString()).contains("NOT_MEDIA: recognized as PDF, which holds no audio, video or image");
    }

    @Test
    void probe_shouldExitThree_andPrintTheTruncatedFilesMetadataWithItsFlag_whenMoovIsCut() throws Exception {
        // GIVEN an MP4 whose moov is partly cut off: MediaInfo reads its tracks and says IsTruncated
        Path file = FIXTURES.path(Fixture.MP4_MOOV_CUT);

        // WHEN probed
        int exit = run("probe", file.toString());

        // THEN it is not a clean OK: exit 3, status TRUNCATED with the reason, the tracks and the flag on stdout
        assertThat(exit).isEqualTo(ProbeCommand.NOT_MEDIA);
        JsonNode printed = JSON.readTree(out.toString());
        assertThat(printed.path("status").asText()).isEqualTo("TRUNCATED");
        assertThat(printed.path("reason").asText()).contains("IsTruncated");
        assertThat(printed.path("general").path("truncated").asBoolean()).isTrue();
        assertThat(printed.path("video").get(0).path("codec").asText()).isEqualTo("AVC");
    }

    @Test
    void probe_shouldPrintMediaInfosOwnReport_whenTruncatedAndAskedFor() throws Exception {
        int exit = run("probe", "--mediainfo", FIXTURES.path(Fixture.MP4_MDAT_CUT).toString());

        assertThat(exit).isEqualTo(ProbeCommand.NOT_MEDIA);
        JsonNode report = JSON.readTree(out.toString());
        assertThat(report.at("/media/track/0/extra/IsTruncated").asText()).isEqualTo("Yes");
    }

    @ParameterizedTest
    @CsvSource({"EMPTY, EMPTY, 3", "RANDOM_BYTES, NOT_MEDIA, 3", "MP4_TRUNCATED, UNREADABLE, 3"})
    void probe_shouldPrintOneStatusObjectPerFile_whenProbingBadInputs(Fixture fixture, String status, int code)
            throws Exception {
        // GIVEN a bad input, probed as a script probing a folder would, with and without --mediainfo
        int exit = run("probe", FIXTURES.path(fixture).toString());
        JsonNode printed = JSON.readTree(out.toString());

        // THEN stdout holds JSON with the status and the reason, and the exit code is kept
        assertThat(exit).isEqualTo(code);
        assertThat(printed.path("status").asText()).isEqualTo(status);
        assertThat(printed.path("reason").asText()).isNotBlank();
    }

    @Test
    void probe_shouldPrintTheStatusObject_whenAskedForMediaInfosReportOfAnEmptyFile() throws Exception {
        // GIVEN an empty file: MediaInfo never runs, so there is no report of its own to print
        int exit = run("probe", "--mediainfo", FIXTURES.path(Fixture.EMPTY).toString());

        assertThat(exit).isEqualTo(ProbeCommand.NOT_MEDIA);
        assertThat(JSON.readTree(out.toString()).path("status").asText()).isEqualTo("EMPTY");
    }

    @Test
    void probe_shouldExitFour_andPrintNotFound_whenFileIsMissing() throws Exception {
        int exit = run("probe", "/nonexistent/video.mp4");

        assertThat(exit).isEqualTo(ProbeCommand.SOURCE_FAILED);
        assertThat(err.toString()).contains("NOT_FOUND: no such file: /nonexistent/video.mp4");
        JsonNode printed = JSON.readTree(out.toString());
        assertThat(printed.path("status").asText()).isEqualTo("NOT_FOUND");
        assertThat(printed.path("reason").asText()).isEqualTo("no such file: /nonexistent/video.mp4");
    }

    @Test
    void probe_shouldReadAnHttpUrl_andNeverPrintItsQueryString() throws Exception {
        // GIVEN a presigned-looking URL to the MKV fixture on a local range-serving origin
        Path file = FIXTURES.path(Fixture.MKV_H264_OPUS);
        try (RangeServer origin = RangeServer.start(Files.readAllBytes(file))) {
            String url = origin.uri("clip.mkv?X-Amz-Credential=AKIDEXAMPLE&X-Amz-Signature=topsecret").toString();

            // WHEN probed with MediaInfo's own report and the stats line
            int exit = run("probe", "--mediainfo", "--stats", url);

            // THEN it read the object over HTTP ranges, and the signature appears nowhere
            assertThat(exit).isZero();
            JsonNode report = JSON.readTree(out.toString());
            assertThat(report.path("media").path("@ref").asText()).isEqualTo("clip.mkv");
            assertThat(report.path("media").path("track").get(0).path("Format").asText()).isEqualTo("Matroska");
            assertThat(origin.ranges()).isNotEmpty().allMatch(range -> range.matches("bytes=\\d+-\\d+"));
            assertThat(out.toString() + err).doesNotContain("topsecret").doesNotContain("AKIDEXAMPLE");
        }
    }

    @Test
    void probe_shouldReportAccessDenied_whenTheUrlIsRefused() throws Exception {
        try (RangeServer origin = RangeServer.start(new byte[100])) {
            origin.forceStatus(403);

            int exit = run("probe", origin.uri("clip.mp4?X-Amz-Signature=topsecret").toString());

            assertThat(exit).isEqualTo(ProbeCommand.SOURCE_FAILED);
            assertThat(err.toString()).contains("ACCESS_DENIED").doesNotContain("topsecret");
            assertThat(JSON.readTree(out.toString()).path("status").asText()).isEqualTo("ACCESS_DENIED");
            assertThat(out.toString()).doesNotContain("topsecret");
        }
    }

    @Test
    void probe_shouldBeAUsageError_whenS3LocationHasNoKey() {
        int exit = run("probe", "s3://bucket-only");

        assertThat(exit).isEqualTo(2);
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString()).contains("expected s3://bucket/key[?versionId=...]");
    }
}
