package dev.vidmeta.probe;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads MediaInfo's JSON values, which are all strings ("2.008", "1920", "Yes"), into typed values.
 * A value that does not parse is treated as absent rather than failing the probe: the raw report is
 * kept next to the record anyway.
 */
final class MediaInfoFields {

    /** MediaInfo 23.04 prints "2024-05-01 10:00:00 UTC"; older versions "UTC 2024-05-01 10:00:00". */
    private static final Pattern UTC_DATE = Pattern.compile(
            "^(?:UTC )?(\\d{4}-\\d{2}-\\d{2})[ T](\\d{2}:\\d{2}:\\d{2})(\\.\\d+)?(?: UTC)?$");

    private MediaInfoFields() {
    }

    static String text(JsonNode track, String field) {
        JsonNode value = track.get(field);
        if (value == null || value.isNull() || value.isContainerNode()) {
            return null;
        }
        String text = value.asText().strip();
        return text.isEmpty() ? null : text;
    }

    static Double decimal(JsonNode track, String field) {
        String text = text(track, field);
        if (text == null) {
            return null;
        }
        try {
            return Double.valueOf(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static Long integer(JsonNode track, String field) {
        String text = text(track, field);
        if (text == null) {
            return null;
        }
        try {
            return Long.valueOf(text);
        } catch (NumberFormatException e) {
            // Some integers come as "1234.000" (bit rates of some parsers).
            Double decimal = decimal(track, field);
            return decimal == null ? null : Math.round(decimal);
        }
    }

    static Integer smallInteger(JsonNode track, String field) {
        Long value = integer(track, field);
        return value == null || value > Integer.MAX_VALUE || value < Integer.MIN_VALUE ? null : value.intValue();
    }

    static Boolean yesNo(JsonNode track, String field) {
        String text = text(track, field);
        if ("Yes".equalsIgnoreCase(text)) {
            return Boolean.TRUE;
        }
        if ("No".equalsIgnoreCase(text)) {
            return Boolean.FALSE;
        }
        return null;
    }

    /** A UTC date as ISO-8601 ({@code 2024-05-01T10:00:00Z}); any other date as MediaInfo wrote it. */
    static String date(JsonNode track, String field) {
        String text = text(track, field);
        if (text == null) {
            return null;
        }
        Matcher utc = UTC_DATE.matcher(text);
        if (utc.matches() && (text.startsWith("UTC ") || text.endsWith(" UTC"))) {
            return utc.group(1) + "T" + utc.group(2) + (utc.group(3) == null ? "" : utc.group(3)) + "Z";
        }
        return text;
    }
}
