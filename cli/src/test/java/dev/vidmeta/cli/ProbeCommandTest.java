package dev.vidmeta.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vidmeta.probe.Fixtures;
import dev.vidmeta.probe.Fixtures.Fixture;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ProbeCommandTest {

    private static final Fixtures FIXTURES = Fixtures.inTarget();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine command = new CommandLine(new VidmetaCommand());
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

        // THEN the record is on stdout and nothing on stderr
        assertThat(exit).isZero();
        JsonNode record = JSON.readTree(out.toString());
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
    void probe_shouldExitThreeWithTheReason_whenPdf() {
        int exit = run("probe", FIXTURES.path(Fixture.PDF).toString());

        assertThat(exit).isEqualTo(ProbeCommand.NOT_MEDIA);
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString()).contains("NOT_MEDIA: recognized as PDF, which holds no audio, video or image");
    }

    @Test
    void probe_shouldExitFour_whenFileIsMissing() {
        int exit = run("probe", "/nonexistent/video.mp4");

        assertThat(exit).isEqualTo(ProbeCommand.SOURCE_FAILED);
        assertThat(err.toString()).contains("NOT_FOUND: no such file: /nonexistent/video.mp4");
    }

    @Test
    void probe_shouldSayNotYet_whenS3Location() {
        int exit = run("probe", "s3://bucket/key.mp4");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("probing s3:// locations is not available yet");
    }
}
