package dev.vidmeta.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vidmeta.probe.Fixtures.Fixture;
import dev.vidmeta.record.ProbeStatus;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MediaProbeTest {

    private static final Fixtures FIXTURES = Fixtures.inTarget();

    @TempDir
    Path temp;

    private static ProbeResult probe(Fixture fixture) throws IOException {
        return probe(FIXTURES.path(fixture), MediaProbe.create());
    }

    private static ProbeResult probe(Path file, MediaProbe probe) throws IOException {
        try (FileRangedReader reader = FileRangedReader.open(file)) {
            return probe.probe(reader, file.getFileName().toString());
        }
    }

    @Test
    void probe_shouldReportEmpty_whenZeroBytes() throws IOException {
        // GIVEN a zero-byte file
        // WHEN it is probed
        ProbeResult result = probe(Fixture.EMPTY);

        // THEN the status says so, and nothing was read
        assertThat(result.status()).isEqualTo(ProbeStatus.EMPTY);
        assertThat(result.reason()).contains("0 bytes");
        assertThat(result.mediaInfo()).isNull();
        assertThat(result.stats().requests()).isZero();
    }

    @Test
    void probe_shouldReportNotMedia_whenRandomBytes() throws IOException {
        ProbeResult result = probe(Fixture.RANDOM_BYTES);

        assertThat(result.status()).isEqualTo(ProbeStatus.NOT_MEDIA);
        assertThat(result.reason()).isEqualTo("MediaInfo does not recognize the format");
        assertThat(result.metadata()).isNull();
    }

    @Test
    void probe_shouldReportNotMedia_whenPdf() throws IOException {
        // GIVEN a PDF, which MediaInfo recognizes (and reports with a "Text" track)
        ProbeResult result = probe(Fixture.PDF);

        // THEN it is still not media
        assertThat(result.status()).isEqualTo(ProbeStatus.NOT_MEDIA);
        assertThat(result.reason()).isEqualTo("recognized as PDF, which holds no audio, video or image");
        assertThat(result.metadata().general().format()).isEqualTo("PDF");
    }

    @Test
    void probe_shouldReportUnreadable_whenMoovIsCutOff() throws IOException {
        ProbeResult result = probe(Fixture.MP4_TRUNCATED);

        assertThat(result.status()).isEqualTo(ProbeStatus.UNREADABLE);
        assertThat(result.reason()).isEqualTo(
                "recognized as MPEG-4 but no audio, video or image track could be read: the file is truncated");
    }

    /**
     * MediaInfo marks a file shorter than its structure says with {@code IsTruncated: Yes} in the General track
     * (MediaInfoLib's File__Analyze::IsTruncated, called by File_Mpeg4 when a top-level box ends past the file).
     */
    @ParameterizedTest
    @CsvSource({"MP4_MOOV_CUT", "MP4_MDAT_CUT"})
    void probe_shouldReportTruncated_whenTracksAreReadButTheFileIsCutShort(Fixture fixture) throws IOException {
        // GIVEN an MP4 cut short: in its moov (moov at the end), or in its mdat (faststart)
        // WHEN it is probed
        ProbeResult result = probe(fixture);

        // THEN the tracks are read, but the status and the technical summary say the file is truncated
        assertThat(result.status()).isEqualTo(ProbeStatus.TRUNCATED);
        assertThat(result.reason()).isEqualTo("MediaInfo reports the file as truncated (IsTruncated): it is shorter"
                + " than its own structure says, so the metadata may be incomplete");
        assertThat(result.metadata().video()).singleElement().satisfies(v -> assertThat(v.codec()).isEqualTo("AVC"));
        assertThat(result.metadata().general().truncated()).isTrue();
        assertThat(result.mediaInfo().at("/media/track/0/extra/IsTruncated").asText()).isEqualTo("Yes");
    }

    @Test
    void probe_shouldNotFlagTruncation_whenTheFileIsWhole() throws IOException {
        ProbeResult result = probe(Fixture.MP4_MOOV_AT_END);

        assertThat(result.status()).isEqualTo(ProbeStatus.OK);
        assertThat(result.metadata().general().truncated()).isNull();
    }

    @Test
    void probe_shouldStayWithinTheFile_whenBoxSizesAreAbsurd() throws IOException {
        // GIVEN an MP4 whose moov claims 4 GiB and whose next box claims 2^62 bytes
        Path file = FIXTURES.path(Fixture.MP4_ABSURD_BOX_SIZES);

        // WHEN it is probed
        ProbeResult result = probe(Fixture.MP4_ABSURD_BOX_SIZES);

        // THEN MediaInfo still finds the tracks it can, calls the file truncated (its boxes claim more bytes than
        // there are), and the probe never read past the file's bytes
        assertThat(result.status()).isEqualTo(ProbeStatus.TRUNCATED);
        assertThat(result.metadata().video()).hasSize(1);
        assertThat(result.stats().bytesRead()).isLessThanOrEqualTo(2 * Files.size(file));
    }

    @Test
    void probe_shouldReportAnImageTrack_whenPng() throws IOException {
        ProbeResult result = probe(Fixture.IMAGE_PNG);

        assertThat(result.status()).isEqualTo(ProbeStatus.OK);
        assertThat(result.metadata().image()).singleElement().satisfies(image -> {
            assertThat(image.codec()).isEqualTo("PNG");
            assertThat(image.width()).isEqualTo(64);
            assertThat(image.height()).isEqualTo(48);
        });
        assertThat(result.metadata().video()).isEmpty();
    }

    @Test
    void probe_shouldStopAtTheByteLimit_whenMediaInfoWantsMore() throws IOException {
        // GIVEN a limit far below what MediaInfo reads of an MPEG-TS (it reads all of a small one)
        Path file = FIXTURES.path(Fixture.MPEG_TS);
        MediaProbe probe = MediaProbe.create(MediaInfoLibrary.system(),
                new ProbeLimits(32 * 1024, 1000, 16 * 1024, Duration.ofSeconds(30)));

        // WHEN it is probed
        ProbeResult result = probe(file, probe);

        // THEN it stops at the limit and says so
        assertThat(result.status()).isEqualTo(ProbeStatus.LIMIT_EXCEEDED);
        assertThat(result.reason()).startsWith("MediaInfo was still reading after 32768 bytes (limit)");
        assertThat(result.stats().bytesRead()).isLessThanOrEqualTo(32 * 1024);
    }

    @Test
    void probe_shouldStopAtTheReadLimit_whenMediaInfoWantsMore() throws IOException {
        Path file = FIXTURES.path(Fixture.MPEG_TS);
        MediaProbe probe = MediaProbe.create(MediaInfoLibrary.system(),
                new ProbeLimits(1 << 30, 2, 4096, Duration.ofSeconds(30)));

        ProbeResult result = probe(file, probe);

        assertThat(result.status()).isEqualTo(ProbeStatus.LIMIT_EXCEEDED);
        assertThat(result.reason()).startsWith("MediaInfo was still reading after 2 reads (limit)");
        assertThat(result.stats().requests()).isEqualTo(2);
    }

    @Test
    void probe_shouldReportSourceChanged_whenTheFileShrinksDuringTheProbe() throws IOException {
        // GIVEN a copy of an MPEG-TS (read from start to end) that is cut in half after the first read
        Path file = temp.resolve("shrinking.ts");
        Files.copy(FIXTURES.path(Fixture.MPEG_TS), file);
        long half = Files.size(file) / 2;
        try (FileRangedReader files = FileRangedReader.open(file)) {
            RangedReader shrinking = new ForwardingReader(files) {
                @Override
                public int read(long offset, byte[] target, int targetOffset, int length) throws IOException {
                    int n = super.read(offset, target, targetOffset, length);
                    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                        channel.truncate(half);
                    }
                    return n;
                }
            };

            // WHEN it is probed
            ProbeResult result = MediaProbe.create().probe(shrinking, "shrinking.ts");

            // THEN the probe notices the object changed
            assertThat(result.status()).isEqualTo(ProbeStatus.SOURCE_CHANGED);
            assertThat(result.reason()).contains("ended at byte").contains("although its size was");
        }
    }

    @ParameterizedTest
    @CsvSource({"NOT_FOUND, NOT_FOUND", "ACCESS_DENIED, ACCESS_DENIED", "CHANGED, SOURCE_CHANGED"})
    void probe_shouldReportTheSourceFailure_whenTheSourceFailsForGood(SourceException.Kind kind,
            ProbeStatus expected) throws IOException {
        try (FileRangedReader files = FileRangedReader.open(FIXTURES.path(Fixture.MP4_FASTSTART))) {
            RangedReader failing = failingOnSecondRead(files, kind);

            ProbeResult result = MediaProbe.create().probe(failing, "faststart.mp4");

            assertThat(result.status()).isEqualTo(expected);
            assertThat(result.reason()).isEqualTo("source says " + kind);
        }
    }

    @Test
    void probe_shouldThrow_whenTheSourceIsUnavailable() throws IOException {
        // GIVEN a transient failure: retrying may succeed, so it must not become a result
        try (FileRangedReader files = FileRangedReader.open(FIXTURES.path(Fixture.MP4_FASTSTART))) {
            RangedReader failing = failingOnSecondRead(files, SourceException.Kind.UNAVAILABLE);

            assertThatThrownBy(() -> MediaProbe.create().probe(failing, "faststart.mp4"))
                    .isInstanceOf(SourceException.class)
                    .hasMessage("source says UNAVAILABLE");
        }
    }

    @Test
    void load_shouldSayHowToInstall_whenTheLibraryIsMissing() {
        assertThatThrownBy(() -> MediaInfoLibrary.load(List.of("/nonexistent/libmediainfo.so.0")))
                .isInstanceOf(MediaInfoUnavailableException.class)
                .hasMessageContaining("/nonexistent/libmediainfo.so.0")
                .hasMessageContaining("apt-get install libmediainfo0v5")
                .hasMessageContaining("MediaInfo_DLL_<version>_Lambda")
                .hasMessageContaining("/opt/lib");
    }

    private static RangedReader failingOnSecondRead(RangedReader delegate, SourceException.Kind kind) {
        return new ForwardingReader(delegate) {
            private int reads;

            @Override
            public int read(long offset, byte[] target, int targetOffset, int length) throws IOException {
                if (++reads == 2) {
                    throw new SourceException(kind, "source says " + kind);
                }
                return super.read(offset, target, targetOffset, length);
            }
        };
    }
}
