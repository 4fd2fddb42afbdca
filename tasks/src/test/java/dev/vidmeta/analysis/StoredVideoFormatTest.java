package dev.vidmeta.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vidmeta.probe.Fixtures;
import dev.vidmeta.probe.Fixtures.Fixture;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Rekognition Video reads "MPEG-4 and MOV" files "encoded using the H.264 codec" (Amazon Rekognition FAQ,
 * https://aws.amazon.com/rekognition/faqs/; "Working with stored video analysis operations",
 * https://docs.aws.amazon.com/rekognition/latest/dg/video.html), while the API reference's Video type lists
 * ".mp4, .mov and .avi" (https://docs.aws.amazon.com/rekognition/latest/APIReference/API_Video.html). The check
 * reads only the first {@link StoredVideoFormat#HEAD_BYTES}, as the start Lambda's one ranged GET does.
 */
class StoredVideoFormatTest {

    private static final Fixtures FIXTURES = Fixtures.inTarget();

    @TempDir
    Path temp;

    private static StoredVideoFormat.Verdict checkHeadOf(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return StoredVideoFormat.check(in.readNBytes(StoredVideoFormat.HEAD_BYTES));
        }
    }

    @ParameterizedTest
    @CsvSource({
        "MKV_H264_OPUS, Matroska/WebM",
        "WEBM_VP9_OPUS, Matroska/WebM",
        "MPEG_TS, MPEG-TS",
        "IMAGE_PNG, in a format that is not MPEG-4 or MOV",
        "PDF, in a format that is not MPEG-4 or MOV",
        "RANDOM_BYTES, in a format that is not MPEG-4 or MOV"})
    void check_shouldSkip_whenTheContainerIsNeitherMpeg4NorMov_whateverItsCodec(Fixture fixture, String container)
            throws IOException {
        // GIVEN a container Rekognition Video does not read (an MKV holds H.264, and is still refused)
        // WHEN its first bytes are checked
        StoredVideoFormat.Verdict verdict = checkHeadOf(FIXTURES.path(fixture));

        // THEN no job: the analyses are SKIPPED with the reason
        assertThat(verdict.skip()).isTrue();
        assertThat(verdict.reason()).isEqualTo("the object is " + container
                + "; Rekognition Video reads MPEG-4 and MOV files encoded with H.264 only");
    }

    @ParameterizedTest
    @CsvSource({
        "mxf, mpeg2video, MXF",
        "mpeg, mpeg1video, MPEG-PS",
        "mpegts, mpeg2video, MPEG-TS"})
    void check_shouldSkip_otherBroadcastContainers(String format, String codec, String container) throws Exception {
        Path file = ffmpeg("clip." + format, "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-t", "1",
                "-c:v", codec, "-f", format);

        StoredVideoFormat.Verdict verdict = checkHeadOf(file);

        assertThat(verdict.skip()).isTrue();
        assertThat(verdict.reason()).startsWith("the object is " + container + ";");
    }

    @ParameterizedTest
    @CsvSource({"MP4_FASTSTART", "MP4_FRAGMENTED", "MP4_FRAGMENTED_SIDX"})
    void check_shouldStart_whenTheMoovListsH264(Fixture fixture) throws IOException {
        StoredVideoFormat.Verdict verdict = checkHeadOf(FIXTURES.path(fixture));

        assertThat(verdict.skip()).isFalse();
        assertThat(verdict.reason()).isEqualTo("MPEG-4/MOV with H.264 video");
    }

    @ParameterizedTest
    @CsvSource({
        "MP4_HEVC_HDR10, hvc1",
        "MP4_MPEG4_PART2, mp4v",
        "MOV_PRORES, apco"})
    void check_shouldSkip_whenAFaststartMoovListsNoH264(Fixture fixture, String sampleEntry) throws Exception {
        // GIVEN the file remuxed with its moov first, so that the first bytes hold it
        Path file = ffmpeg("faststart-" + FIXTURES.path(fixture).getFileName(), "-i", FIXTURES.path(fixture).toString(),
                "-c", "copy", "-movflags", "+faststart");

        StoredVideoFormat.Verdict verdict = checkHeadOf(file);

        assertThat(verdict.skip()).isTrue();
        assertThat(verdict.reason()).isEqualTo("the MPEG-4/MOV file's video is " + sampleEntry
                + ", not H.264 (avc1/avc3), the only codec Rekognition Video reads");
    }

    @Test
    void check_shouldSkip_whenAFaststartMoovHasNoVideoTrack() throws Exception {
        Path file = ffmpeg("audio.m4a", "-i", FIXTURES.path(Fixture.AUDIO_ONLY).toString(), "-c", "copy",
                "-movflags", "+faststart");

        StoredVideoFormat.Verdict verdict = checkHeadOf(file);

        assertThat(verdict.skip()).isTrue();
        assertThat(verdict.reason()).startsWith("the MPEG-4/MOV file has no video track");
    }

    @ParameterizedTest
    @CsvSource({"MP4_MOOV_AT_END", "MP4_MPEG4_PART2"})
    void check_shouldStart_whenTheMoovIsNotInTheFirstBytes(Fixture fixture) throws IOException {
        // GIVEN an MP4 whose moov is written after its mdat (ffmpeg's default): its codec is not in the first
        // bytes, so Rekognition decides, and its job failure, if any, is recorded
        Path file = FIXTURES.path(fixture);
        assertThat(Fixtures.topLevelBoxOffset(file, "moov")).isGreaterThan(StoredVideoFormat.HEAD_BYTES);

        StoredVideoFormat.Verdict verdict = checkHeadOf(file);

        assertThat(verdict.skip()).isFalse();
        assertThat(verdict.reason()).startsWith("MPEG-4/MOV whose moov is not within the first");
    }

    @Test
    void check_shouldStart_whenAvi_whichTheApiReferenceLists() throws Exception {
        Path file = ffmpeg("clip.avi", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-t", "1",
                "-c:v", "mpeg4", "-f", "avi");

        StoredVideoFormat.Verdict verdict = checkHeadOf(file);

        assertThat(verdict.skip()).isFalse();
        assertThat(verdict.reason()).startsWith("AVI");
    }

    private Path ffmpeg(String name, String... args) throws IOException, InterruptedException {
        Path out = temp.resolve(name);
        List<String> command = new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-y"));
        command.addAll(List.of(args));
        command.add(out.toString());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return out;
    }
}
