package dev.vidmeta.record;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * The most bytes a JSON value can take once serialized compactly as UTF-8, by any serializer.
 *
 * <p>Step Functions limits a state's input and output, and a task's result, to 256 KiB "as a UTF-8 encoded
 * string" ("Step Functions service quotas", https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html),
 * and a payload over it fails the execution with {@code States.DataLimitExceeded}, which {@code States.ALL} cannot
 * catch ("Handling errors in Step Functions workflows",
 * https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html). Which escapes Step Functions
 * uses when it re-serializes our JSON is not documented, so sizes are counted as if every character a
 * serializer may escape were escaped: a control or non-ASCII character as {@code \\uXXXX} (6 bytes; 12 for a
 * character outside the BMP, a surrogate pair), {@code "} and {@code \\} as 2 bytes. Numbers count at their
 * longest plausible form. Any real serialization is at most this long.
 */
public final class JsonSize {

    /** Longest reason a branch puts in its state output (a Rekognition message, a probe's reason). */
    public static final int MAX_REASON_CODE_POINTS = 500;

    /** Longest text of a double ({@code -1.7976931348623157E308}) and then some. */
    private static final int MAX_NUMBER_CHARS = 25;

    private JsonSize() {}

    public static long worstCase(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return 4;
        }
        if (node.isTextual()) {
            return text(node.textValue());
        }
        if (node.isBoolean()) {
            return 5;
        }
        if (node.isIntegralNumber()) {
            return node.asText().length();
        }
        if (node.isNumber()) {
            return MAX_NUMBER_CHARS;
        }
        long size = 2; // [] or {}
        int members = 0;
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> member : node.properties()) {
                size += text(member.getKey()) + 1 + worstCase(member.getValue());
                members++;
            }
        } else {
            for (JsonNode element : node) {
                size += worstCase(element);
                members++;
            }
        }
        return size + Math.max(0, members - 1);
    }

    /** A JSON string's worst-case size, quotes included. */
    public static long text(String s) {
        long size = 2;
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            i += Character.charCount(c);
            if (c == '"' || c == '\\') {
                size += 2;
            } else if (c >= 0x20 && c < 0x7f) {
                size += 1;
            } else {
                size += c > 0xffff ? 12 : 6;
            }
        }
        return size;
    }

    /** {@code s} cut to at most {@code maxCodePoints} code points, with an ellipsis when cut; null stays null. */
    public static String cap(String s, int maxCodePoints) {
        if (s == null || s.codePointCount(0, s.length()) <= maxCodePoints) {
            return s;
        }
        return s.substring(0, s.offsetByCodePoints(0, maxCodePoints - 1)) + "…";
    }
}
