package dev.vidmeta.probe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vidmeta.aws.LocalS3Extension;
import dev.vidmeta.aws.S3RangedReader;
import dev.vidmeta.probe.Fixtures.Fixture;
import dev.vidmeta.record.ProbeStatus;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The probe's S3 path as the Lambda runs it -- MediaProbe over PrefetchingReader over
 * S3RangedReader -- against the local S3, compared with {@code mediainfo --Output=JSON <file>}.
 */
class ProbeOverS3IT {

    private static final Fixtures FIXTURES = Fixtures.inTarget();

    @RegisterExtension
    static final LocalS3Extension S3 = new LocalS3Extension("media");

    static S3Client client;

    @BeforeAll
    static void client() {
        client = S3.client();
    }

    static Stream<Fixture> media() {
        return Stream.of(Fixture.values()).filter(Fixture::isMedia);
    }

    @ParameterizedTest
    @MethodSource("media")
    void probe_shouldMatchTheCliOnTheLocalFile_whenReadFromS3(Fixture fixture) throws Exception {
        // GIVEN the fixture uploaded to S3
        Path file = upload(fixture);

        // WHEN it is probed through the prefetcher over ranged GetObject calls
        ProbeResult result;
        try (RangedReader reader = PrefetchingReader.wrap(S3RangedReader.create(client, "media", fixture.fileName()))) {
            result = MediaProbe.create().probe(reader, fixture.fileName());
        }

        // THEN MediaInfo's report is the CLI's, field for field but for the file-system ones
        assertThat(result.status()).isEqualTo(ProbeStatus.OK);
        JsonNode expected = MediaInfoCli.withoutFileSystemFields(MediaInfoCli.report(file));
        JsonNode actual = MediaInfoCli.withoutFileSystemFields(result.mediaInfo());
        assertThat(MediaInfoCli.differences(expected, actual)).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(value = Fixture.class, names = {"MP4_MOOV_AT_END", "MP4_FASTSTART", "MOV_PRORES"})
    void probe_shouldCostAtMostThreeRequests_forMp4AndMov(Fixture fixture) throws Exception {
        upload(fixture);

        try (RangedReader reader = PrefetchingReader.wrap(S3RangedReader.create(client, "media", fixture.fileName()))) {
            ProbeResult result = MediaProbe.create().probe(reader, fixture.fileName());

            assertThat(result.status()).isEqualTo(ProbeStatus.OK);
            assertThat(reader.requestCount()).isLessThanOrEqualTo(3);
        }
    }

    private static Path upload(Fixture fixture) {
        Path file = FIXTURES.path(fixture);
        client.putObject(p -> p.bucket("media").key(fixture.fileName()), RequestBody.fromFile(file));
        return file;
    }
}
