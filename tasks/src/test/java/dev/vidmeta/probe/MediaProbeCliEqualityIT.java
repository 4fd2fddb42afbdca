package dev.vidmeta.probe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vidmeta.probe.Fixtures.Fixture;
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

    static Stream<Fixture> fixturesMediaInfoReads() {
        return Arrays.stream(Fixture.values()).filter(f -> f != Fixture.EMPTY);
    }

    @ParameterizedTest
    @MethodSource("fixturesMediaInfoReads")
    void probe_shouldPrintTheSameJsonAsTheCli(Fixture fixture) throws Exception {
        // GIVEN a fixture and the CLI's report on it
        Path file = FIXTURES.path(fixture);
        JsonNode expected = MediaInfoCli.withoutFileSystemFields(MediaInfoCli.report(file));

        // WHEN the probe reads it through ranged reads
        ProbeResult result;
        try (FileRangedReader reader = FileRangedReader.open(file)) {
            result = MediaProbe.create().probe(reader, file.toString());
        }

        // THEN the reports are equal, field for field
        JsonNode actual = MediaInfoCli.withoutFileSystemFields(result.mediaInfo());
        assertThat(MediaInfoCli.differences(expected, actual)).as("differences from the CLI on %s", fixture)
                .isEmpty();
    }
}
