package dev.vidmeta.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.core.util.SdkAutoConstructList;
import software.amazon.awssdk.core.util.SdkAutoConstructMap;

/**
 * An SDK v2 model object as the JSON the service sent, using each member's wire name. This keeps the results
 * written to S3 and the summarizer's input in AWS's documented shape, without listing every field by hand.
 */
public final class SdkJson {

    /** How timestamps are written. */
    public enum Timestamps {
        /** Epoch seconds with milliseconds, as the AWS JSON protocols send them. */
        EPOCH_SECONDS,
        /** ISO-8601 text, as the AWS CLI prints them; for people and web pages. */
        ISO_8601
    }

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private SdkJson() {}

    /** With timestamps as the wire carries them. */
    public static ObjectNode toJson(SdkPojo pojo) {
        return toJson(pojo, Timestamps.EPOCH_SECONDS);
    }

    public static ObjectNode toJson(SdkPojo pojo, Timestamps timestamps) {
        ObjectNode out = F.objectNode();
        for (SdkField<?> field : pojo.sdkFields()) {
            Object value = field.getValueOrDefault(pojo);
            if (value == null || isAutoConstruct(value)) {
                continue;
            }
            String name = field.locationName() != null ? field.locationName() : field.memberName();
            out.set(name, value(value, timestamps));
        }
        return out;
    }

    private static JsonNode value(Object value, Timestamps timestamps) {
        if (value instanceof SdkPojo p) {
            return toJson(p, timestamps);
        }
        if (value instanceof List<?> list) {
            ArrayNode a = F.arrayNode();
            list.forEach(v -> a.add(value(v, timestamps)));
            return a;
        }
        if (value instanceof Map<?, ?> map) {
            ObjectNode o = F.objectNode();
            map.forEach((k, v) -> o.set(String.valueOf(k), value(v, timestamps)));
            return o;
        }
        if (value instanceof String s) {
            return F.textNode(s);
        }
        if (value instanceof Boolean b) {
            return F.booleanNode(b);
        }
        if (value instanceof Integer i) {
            return F.numberNode(i);
        }
        if (value instanceof Long l) {
            return F.numberNode(l);
        }
        if (value instanceof Float f) {
            return F.numberNode(new BigDecimal(Float.toString(f)));
        }
        if (value instanceof Double d) {
            return F.numberNode(d);
        }
        if (value instanceof Instant t) {
            return timestamps == Timestamps.ISO_8601
                    ? F.textNode(t.toString())
                    : F.numberNode(BigDecimal.valueOf(t.toEpochMilli()).movePointLeft(3));
        }
        if (value instanceof SdkBytes bytes) {
            return F.textNode(Base64.getEncoder().encodeToString(bytes.asByteArray()));
        }
        return F.textNode(value.toString());
    }

    /** The SDK fills absent lists and maps with "auto construct" placeholders; the wire had nothing there. */
    private static boolean isAutoConstruct(Object value) {
        return value instanceof SdkAutoConstructList<?>
                || value instanceof SdkAutoConstructMap<?, ?>;
    }
}
