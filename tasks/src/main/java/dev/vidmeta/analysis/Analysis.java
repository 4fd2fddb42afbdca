package dev.vidmeta.analysis;

import java.util.Locale;

/**
 * The stored-video analyses Rekognition offers. {@code code} is the name used in configuration
 * ({@code ANALYSES}), in the record and in result file names.
 */
public enum Analysis {
    CELEBRITIES("celebrities", "Celebrities"),
    LABELS("labels", "Labels"),
    FACES("faces", "Faces"),
    TEXT("text", "TextDetections"),
    MODERATION("moderation", "ModerationLabels"),
    SEGMENTS("segments", "Segments");

    private final String code;
    private final String resultsField;

    Analysis(String code, String resultsField) {
        this.code = code;
        this.resultsField = resultsField;
    }

    public String code() {
        return code;
    }

    /** The array in the Get* response that pages through the detections. */
    public String resultsField() {
        return resultsField;
    }

    public static Analysis fromCode(String code) {
        for (Analysis a : values()) {
            if (a.code.equals(code.trim().toLowerCase(Locale.ROOT))) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown analysis '" + code + "'; expected one of "
                + "celebrities, labels, faces, text, moderation, segments");
    }
}
