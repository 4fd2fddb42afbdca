package dev.vidmeta.probe;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The technical metadata the record keeps: the fields a media engineer filters on, typed, from
 * MediaInfo's JSON report. Absent values are null and left out of the JSON.
 *
 * <p>Units: durations in seconds, sizes in bytes, bit rates in bit/s, sampling rates in Hz, frame rates
 * in frames per second. Dates are ISO-8601 UTC ({@code 2024-05-01T10:00:00Z}) when MediaInfo gives a
 * UTC date, else MediaInfo's text.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record TechnicalMetadata(
        General general,
        List<Video> video,
        List<Audio> audio,
        List<Text> text,
        List<Image> image,
        List<Other> other) {

    /**
     * @param format container format (MediaInfo's Format: MPEG-4, Matroska, MPEG-TS, ...)
     * @param formatProfile container profile or brand (QuickTime, Base Media, ...)
     * @param encodedDate when the file was made: MP4/MOV's creation_time, Matroska's DateUTC
     * @param taggedDate when the file's tags were last changed (MP4/MOV modification_time)
     * @param recordedDate when the content was recorded, if a tag says so
     * @param encodingApplication the muxing application (Lavf60.3.100, HandBrake ...)
     * @param encodingLibrary the muxing library, when MediaInfo reports it apart from the application
     * @param truncated true when MediaInfo found the file shorter than its structure says ({@code IsTruncated},
     *     set by MediaInfoLib's {@code File__Analyze::IsTruncated}); absent otherwise
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record General(
            String format,
            String formatProfile,
            Double durationSeconds,
            Long fileSize,
            Long overallBitRate,
            String encodedDate,
            String taggedDate,
            String recordedDate,
            String encodingApplication,
            String encodingLibrary,
            String title,
            Boolean truncated) {
    }

    /**
     * @param codec MediaInfo's Format (AVC, HEVC, VP9, ProRes, ...)
     * @param codecId the container's codec identifier (avc1, V_MPEG4/ISO/AVC, ...)
     * @param frameRateMode CFR or VFR
     * @param hdrFormat e.g. "SMPTE ST 2086" or "Dolby Vision", when present
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Video(
            String id,
            String codec,
            String codecId,
            String profile,
            String level,
            Integer width,
            Integer height,
            Double displayAspectRatio,
            Double frameRate,
            String frameRateMode,
            Long frameCount,
            String scanType,
            Integer bitDepth,
            String chromaSubsampling,
            String colorSpace,
            String colourPrimaries,
            String transferCharacteristics,
            String matrixCoefficients,
            String hdrFormat,
            Double rotation,
            Double durationSeconds,
            Long bitRate,
            String language,
            String title,
            Boolean isDefault,
            Boolean isForced) {
    }

    /**
     * @param profile Format_Profile, or for AAC the object type (Format_AdditionalFeatures: LC, HE-AAC, ...)
     * @param channelLayout speaker layout (L R, C L R Ls Rs LFE, ...)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Audio(
            String id,
            String codec,
            String codecId,
            String profile,
            Integer channels,
            String channelLayout,
            Integer samplingRate,
            Integer bitDepth,
            Long bitRate,
            String bitRateMode,
            Double durationSeconds,
            String language,
            String title,
            Boolean isDefault,
            Boolean isForced) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Text(
            String id,
            String codec,
            String codecId,
            String language,
            String title,
            Boolean isDefault,
            Boolean isForced) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Image(
            String codec,
            Integer width,
            Integer height,
            Integer bitDepth,
            String colorSpace,
            String chromaSubsampling) {
    }

    /** A track that is neither audio, video, image nor text: time code, chapters menu, metadata, ... */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Other(
            String kind,
            String id,
            String type,
            String codec,
            String language,
            String title,
            Boolean isDefault,
            Boolean isForced) {
    }

    /** True when MediaInfo says the file is shorter than its own structure says. */
    public boolean truncated() {
        return Boolean.TRUE.equals(general.truncated());
    }

    /** True when MediaInfo found at least one audio, video or image track. */
    public boolean hasMedia() {
        return !video.isEmpty() || !audio.isEmpty() || !image.isEmpty();
    }

    /** Reads MediaInfo's JSON report ({@code {"media": {"track": [...]}}}); unknown fields are ignored. */
    public static TechnicalMetadata fromMediaInfo(JsonNode report) {
        General general = new General(null, null, null, null, null, null, null, null, null, null, null, null);
        List<Video> video = new ArrayList<>();
        List<Audio> audio = new ArrayList<>();
        List<Text> text = new ArrayList<>();
        List<Image> image = new ArrayList<>();
        List<Other> other = new ArrayList<>();
        for (JsonNode track : report.path("media").path("track")) {
            String type = track.path("@type").asText();
            switch (type) {
                case "General" -> general = general(track);
                case "Video" -> video.add(video(track));
                case "Audio" -> audio.add(audio(track));
                case "Text" -> text.add(text(track));
                case "Image" -> image.add(image(track));
                default -> other.add(other(type, track));
            }
        }
        return new TechnicalMetadata(general, List.copyOf(video), List.copyOf(audio), List.copyOf(text),
                List.copyOf(image), List.copyOf(other));
    }

    private static General general(JsonNode t) {
        return new General(
                MediaInfoFields.text(t, "Format"),
                MediaInfoFields.text(t, "Format_Profile"),
                MediaInfoFields.decimal(t, "Duration"),
                MediaInfoFields.integer(t, "FileSize"),
                MediaInfoFields.integer(t, "OverallBitRate"),
                MediaInfoFields.date(t, "Encoded_Date"),
                MediaInfoFields.date(t, "Tagged_Date"),
                MediaInfoFields.date(t, "Recorded_Date"),
                MediaInfoFields.text(t, "Encoded_Application"),
                MediaInfoFields.text(t, "Encoded_Library"),
                MediaInfoFields.text(t, "Title"),
                // MediaInfo fills it in the General track's "extra" object, and only with "Yes".
                "Yes".equals(t.path("extra").path("IsTruncated").asText()) ? Boolean.TRUE : null);
    }

    private static Video video(JsonNode t) {
        return new Video(
                MediaInfoFields.text(t, "ID"),
                MediaInfoFields.text(t, "Format"),
                MediaInfoFields.text(t, "CodecID"),
                MediaInfoFields.text(t, "Format_Profile"),
                MediaInfoFields.text(t, "Format_Level"),
                MediaInfoFields.smallInteger(t, "Width"),
                MediaInfoFields.smallInteger(t, "Height"),
                MediaInfoFields.decimal(t, "DisplayAspectRatio"),
                MediaInfoFields.decimal(t, "FrameRate"),
                MediaInfoFields.text(t, "FrameRate_Mode"),
                MediaInfoFields.integer(t, "FrameCount"),
                MediaInfoFields.text(t, "ScanType"),
                MediaInfoFields.smallInteger(t, "BitDepth"),
                MediaInfoFields.text(t, "ChromaSubsampling"),
                MediaInfoFields.text(t, "ColorSpace"),
                MediaInfoFields.text(t, "colour_primaries"),
                MediaInfoFields.text(t, "transfer_characteristics"),
                MediaInfoFields.text(t, "matrix_coefficients"),
                MediaInfoFields.text(t, "HDR_Format"),
                MediaInfoFields.decimal(t, "Rotation"),
                MediaInfoFields.decimal(t, "Duration"),
                MediaInfoFields.integer(t, "BitRate"),
                MediaInfoFields.text(t, "Language"),
                MediaInfoFields.text(t, "Title"),
                MediaInfoFields.yesNo(t, "Default"),
                MediaInfoFields.yesNo(t, "Forced"));
    }

    private static Audio audio(JsonNode t) {
        String profile = MediaInfoFields.text(t, "Format_Profile");
        return new Audio(
                MediaInfoFields.text(t, "ID"),
                MediaInfoFields.text(t, "Format"),
                MediaInfoFields.text(t, "CodecID"),
                profile != null ? profile : MediaInfoFields.text(t, "Format_AdditionalFeatures"),
                MediaInfoFields.smallInteger(t, "Channels"),
                MediaInfoFields.text(t, "ChannelLayout"),
                MediaInfoFields.smallInteger(t, "SamplingRate"),
                MediaInfoFields.smallInteger(t, "BitDepth"),
                MediaInfoFields.integer(t, "BitRate"),
                MediaInfoFields.text(t, "BitRate_Mode"),
                MediaInfoFields.decimal(t, "Duration"),
                MediaInfoFields.text(t, "Language"),
                MediaInfoFields.text(t, "Title"),
                MediaInfoFields.yesNo(t, "Default"),
                MediaInfoFields.yesNo(t, "Forced"));
    }

    private static Text text(JsonNode t) {
        return new Text(
                MediaInfoFields.text(t, "ID"),
                MediaInfoFields.text(t, "Format"),
                MediaInfoFields.text(t, "CodecID"),
                MediaInfoFields.text(t, "Language"),
                MediaInfoFields.text(t, "Title"),
                MediaInfoFields.yesNo(t, "Default"),
                MediaInfoFields.yesNo(t, "Forced"));
    }

    private static Image image(JsonNode t) {
        return new Image(
                MediaInfoFields.text(t, "Format"),
                MediaInfoFields.smallInteger(t, "Width"),
                MediaInfoFields.smallInteger(t, "Height"),
                MediaInfoFields.smallInteger(t, "BitDepth"),
                MediaInfoFields.text(t, "ColorSpace"),
                MediaInfoFields.text(t, "ChromaSubsampling"));
    }

    private static Other other(String kind, JsonNode t) {
        return new Other(
                kind,
                MediaInfoFields.text(t, "ID"),
                MediaInfoFields.text(t, "Type"),
                MediaInfoFields.text(t, "Format"),
                MediaInfoFields.text(t, "Language"),
                MediaInfoFields.text(t, "Title"),
                MediaInfoFields.yesNo(t, "Default"),
                MediaInfoFields.yesNo(t, "Forced"));
    }
}
