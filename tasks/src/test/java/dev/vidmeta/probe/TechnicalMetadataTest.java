package dev.vidmeta.probe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vidmeta.probe.Fixtures.Fixture;
import dev.vidmeta.record.ProbeStatus;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The normalized record, read from what MediaInfo reports on fixtures made with known settings. */
class TechnicalMetadataTest {

    private static final Fixtures FIXTURES = Fixtures.inTarget();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static TechnicalMetadata metadataOf(Fixture fixture) throws IOException {
        Path file = FIXTURES.path(fixture);
        try (FileRangedReader reader = FileRangedReader.open(file)) {
            ProbeResult result = MediaProbe.create().probe(reader, file.getFileName().toString());
            assertThat(result.status()).isEqualTo(ProbeStatus.OK);
            return result.metadata();
        }
    }

    @Test
    void fromMediaInfo_shouldReadContainerAndTracks_whenMatroskaWithTaggedTracks() throws IOException {
        // GIVEN the MKV fixture: H.264 320x240 at 25 fps, mono Opus tagged fra/"Tone"
        // WHEN it is probed
        TechnicalMetadata metadata = metadataOf(Fixture.MKV_H264_OPUS);

        // THEN
        assertThat(metadata.general().format()).isEqualTo("Matroska");
        assertThat(metadata.general().title()).isEqualTo("vidmeta fixture");
        assertThat(metadata.general().durationSeconds()).isBetween(1.9, 2.1);
        assertThat(metadata.general().encodingApplication()).startsWith("Lavf");
        assertThat(metadata.video()).singleElement().satisfies(video -> {
            assertThat(video.codec()).isEqualTo("AVC");
            assertThat(video.codecId()).isEqualTo("V_MPEG4/ISO/AVC");
            assertThat(video.profile()).isEqualTo("High");
            assertThat(video.width()).isEqualTo(320);
            assertThat(video.height()).isEqualTo(240);
            assertThat(video.displayAspectRatio()).isEqualTo(1.333);
            assertThat(video.frameRate()).isEqualTo(25.0);
            assertThat(video.frameRateMode()).isEqualTo("CFR");
            assertThat(video.frameCount()).isEqualTo(50);
            assertThat(video.scanType()).isEqualTo("Progressive");
            assertThat(video.bitDepth()).isEqualTo(8);
            assertThat(video.chromaSubsampling()).isEqualTo("4:2:0");
        });
        assertThat(metadata.audio()).singleElement().satisfies(audio -> {
            assertThat(audio.codec()).isEqualTo("Opus");
            assertThat(audio.channels()).isEqualTo(1);
            assertThat(audio.samplingRate()).isEqualTo(48000);
            assertThat(audio.language()).isEqualTo("fr");
            assertThat(audio.title()).isEqualTo("Tone");
            assertThat(audio.isForced()).isFalse();
        });
    }

    @Test
    void fromMediaInfo_shouldReadTextTrackFlags_whenForcedSubtitles() throws IOException {
        TechnicalMetadata metadata = metadataOf(Fixture.MKV_SUBTITLES);

        assertThat(metadata.text()).singleElement().satisfies(text -> {
            assertThat(text.codec()).isEqualTo("UTF-8");
            assertThat(text.codecId()).isEqualTo("S_TEXT/UTF8");
            assertThat(text.language()).isEqualTo("en");
            assertThat(text.isForced()).isTrue();
            assertThat(text.isDefault()).isFalse();
        });
    }

    @Test
    void fromMediaInfo_shouldReadColourAndHdr_whenHevcHdr10() throws IOException {
        TechnicalMetadata metadata = metadataOf(Fixture.MP4_HEVC_HDR10);

        assertThat(metadata.video()).singleElement().satisfies(video -> {
            assertThat(video.codec()).isEqualTo("HEVC");
            assertThat(video.profile()).isEqualTo("Main 10");
            assertThat(video.bitDepth()).isEqualTo(10);
            assertThat(video.colourPrimaries()).isEqualTo("BT.2020");
            assertThat(video.transferCharacteristics()).isEqualTo("PQ");
            assertThat(video.hdrFormat()).isEqualTo("SMPTE ST 2086");
        });
    }

    @Test
    void fromMediaInfo_shouldNormalizeTheEncodedDate_whenMp4HasCreationTime() throws IOException {
        // GIVEN an MP4 muxed with creation_time=2024-05-01T10:00:00Z and mono AAC-LC audio
        TechnicalMetadata metadata = metadataOf(Fixture.MP4_MOOV_AT_END);

        assertThat(metadata.general().format()).isEqualTo("MPEG-4");
        assertThat(metadata.general().encodedDate()).isEqualTo("2024-05-01T10:00:00Z");
        assertThat(metadata.general().fileSize()).isEqualTo(FIXTURES.path(Fixture.MP4_MOOV_AT_END).toFile().length());
        assertThat(metadata.general().overallBitRate()).isPositive();
        assertThat(metadata.audio()).singleElement().satisfies(audio -> {
            assertThat(audio.codec()).isEqualTo("AAC");
            assertThat(audio.profile()).isEqualTo("LC");
            assertThat(audio.channelLayout()).isEqualTo("M");
        });
    }

    @Test
    void json_shouldOmitAbsentValues_whenSerialized() throws IOException {
        // GIVEN the record of an audio-only file: no video, text or image, no video fields
        TechnicalMetadata metadata = metadataOf(Fixture.AUDIO_ONLY);

        // WHEN it is written as JSON
        JsonNode json = JSON.readTree(JSON.writeValueAsString(metadata));

        // THEN absent values and empty track lists are left out, present ones are typed
        assertThat(json.toString()).doesNotContain("null");
        assertThat(json.has("video")).isFalse();
        assertThat(json.has("image")).isFalse();
        assertThat(json.path("audio").get(0).path("samplingRate").isInt()).isTrue();
        assertThat(json.path("audio").get(0).path("samplingRate").asInt()).isEqualTo(48000);
        assertThat(json.path("general").path("durationSeconds").isDouble()).isTrue();
        assertThat(JSON.treeToValue(json, TechnicalMetadata.class).audio()).isEqualTo(metadata.audio());
    }
}
