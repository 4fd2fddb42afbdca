package dev.vidmeta.local.sfn;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;

/** Reading the fields of Step Functions API requests, and the values its responses share. */
final class ApiRequests {

    private ApiRequests() {
    }

    /**
     * Names of state machines and executions, by the rules in the API reference: 1-80 characters without
     * white space, brackets, wildcards, special or control characters.
     */
    static String validName(String name) {
        if (name.isEmpty() || name.length() > 80 || !name.chars().allMatch(ApiRequests::nameChar)) {
            throw new SfnApiException("InvalidName", "Invalid Name: '" + name + "'");
        }
        return name;
    }

    private static boolean nameChar(int c) {
        return !Character.isWhitespace(c) && "<>{}[]?*\"#%\\^|~`$&,;:/".indexOf(c) < 0
                && !(c <= 0x1f || (c >= 0x7f && c <= 0x9f));
    }

    static String required(Map<String, Object> request, String field) {
        Object value = request.get(field);
        if (!(value instanceof String s)) {
            throw new SfnApiException("ValidationException", "1 validation error detected: Value null at '"
                    + field + "' failed to satisfy constraint: Member must not be null");
        }
        return s;
    }

    static String optional(Map<String, Object> request, String field) {
        Object value = request.get(field);
        if (value != null && !(value instanceof String)) {
            throw new SfnApiException("ValidationException", "'" + field + "' must be a string");
        }
        return (String) value;
    }

    static int maxResults(Map<String, Object> request, int defaultMax) {
        Object value = request.get("maxResults");
        if (value == null || Objects.equals(value, 0)) {
            return defaultMax;
        }
        if (!(value instanceof Integer n) || n < 0 || n > 1000) {
            throw new SfnApiException("ValidationException", "maxResults must be between 0 and 1000");
        }
        return n;
    }

    static String cursorToken(long position) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString(("cursor:" + position).getBytes(StandardCharsets.UTF_8));
    }

    static long cursor(String token) {
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            if (decoded.startsWith("cursor:")) {
                return Long.parseLong(decoded.substring("cursor:".length()));
            }
        } catch (IllegalArgumentException e) {
            // Reported below.
        }
        throw new SfnApiException("InvalidToken", "Invalid Token: '" + token + "'");
    }

    /** Timestamps travel as epoch seconds with a fraction in the JSON 1.0 protocol. */
    static double epoch(Instant instant) {
        return instant.toEpochMilli() / 1000.0;
    }

    static void putIfNotNull(Map<String, Object> map, String key, Object value) {
        if (value != null) {
            map.put(key, value);
        }
    }
}
