package dev.vidmeta.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vidmeta.probe.Fixtures.Fixture;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ContainerSnifferTest {

    private static final Fixtures FIXTURES = Fixtures.inTarget();

    @ParameterizedTest
    @CsvSource({
        "MP4_MOOV_AT_END, 0", "MP4_FASTSTART, 0", "MP4_FRAGMENTED, 0", "MOV_PRORES, 0", "MP4_HEVC_HDR10, 0",
        "AUDIO_ONLY, 0", "MPEG_TS, 0",
        "MKV_H264_OPUS, 0.5", "WEBM_VP9_OPUS, 0.5", "IMAGE_PNG, 0.5", "PDF, 0.5", "RANDOM_BYTES, 0.5"})
    void parseSpeed_shouldBeZeroOnlyForIsoBmffAndMpegTs_whenSniffingFirstBytes(Fixture fixture, String expected)
            throws IOException {
        // GIVEN the first 64 KiB of a fixture, as the probe's first read returns them
        byte[] head = new byte[64 * 1024];
        int length;
        try (InputStream in = Files.newInputStream(FIXTURES.path(fixture))) {
            length = in.readNBytes(head, 0, head.length);
        }

        // WHEN the ParseSpeed is chosen
        // THEN Matroska/WebM and anything unknown keep the CLI's default
        assertThat(ContainerSniffer.parseSpeed(head, length)).isEqualTo(expected);
    }
}
