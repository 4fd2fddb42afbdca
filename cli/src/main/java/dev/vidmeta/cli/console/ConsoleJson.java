package dev.vidmeta.cli.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.core.util.SdkAutoConstructList;
import software.amazon.awssdk.core.util.SdkAutoConstructMap;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * What the console's JSON endpoints send: SDK model objects in the service's own shape (member wire names,
 * timestamps as ISO-8601) and DynamoDB items as plain JSON documents.
 */
public final class ConsoleJson {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private ConsoleJson() {
    }

    /** A history event, an execution, ...: each set member under its wire name. */
    public static ObjectNode sdk(SdkPojo pojo) {
        ObjectNode out = F.objectNode();
        for (SdkField<?> field : pojo.sdkFields()) {
            Object value = field.getValueOrDefault(pojo);
            if (value == null || value instanceof SdkAutoConstructList<?> || value instanceof SdkAutoConstructMap<?, ?>) {
                continue;
            }
            out.set(field.locationName() != null ? field.locationName() : field.memberName(), sdkValue(value));
        }
        return out;
    }

    private static JsonNode sdkValue(Object value) {
        return switch (value) {
            case SdkPojo p -> sdk(p);
            case List<?> list -> {
                ArrayNode a = F.arrayNode();
                list.forEach(v -> a.add(sdkValue(v)));
                yield a;
            }
            case Map<?, ?> map -> {
                ObjectNode o = F.objectNode();
                map.forEach((k, v) -> o.set(String.valueOf(k), sdkValue(v)));
                yield o;
            }
            case Boolean b -> F.booleanNode(b);
            case Integer i -> F.numberNode(i);
            case Long l -> F.numberNode(l);
            case Instant t -> F.textNode(t.toString());
            default -> F.textNode(value.toString());
        };
    }

    /** A DynamoDB item as the document it stores: maps are objects, lists and sets arrays. */
    static ObjectNode item(Map<String, AttributeValue> item) {
        ObjectNode json = F.objectNode();
        item.forEach((k, v) -> json.set(k, attribute(v)));
        return json;
    }

    private static JsonNode attribute(AttributeValue v) {
        return switch (v.type()) {
            case S -> F.textNode(v.s());
            case N -> F.numberNode(new BigDecimal(v.n()));
            case BOOL -> F.booleanNode(v.bool());
            case NUL -> F.nullNode();
            case M -> item(v.m());
            case L -> {
                ArrayNode a = F.arrayNode();
                v.l().forEach(e -> a.add(attribute(e)));
                yield a;
            }
            case SS -> {
                ArrayNode a = F.arrayNode();
                v.ss().forEach(a::add);
                yield a;
            }
            case NS -> {
                ArrayNode a = F.arrayNode();
                v.ns().forEach(n -> a.add(new BigDecimal(n)));
                yield a;
            }
            case B -> F.textNode(java.util.Base64.getEncoder().encodeToString(v.b().asByteArray()));
            default -> F.textNode(String.valueOf(v));
        };
    }
}
