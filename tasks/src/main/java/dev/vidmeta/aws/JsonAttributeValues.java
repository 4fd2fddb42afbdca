package dev.vidmeta.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Converts JSON documents to DynamoDB attribute values and back (objects are maps, arrays are lists). */
public final class JsonAttributeValues {

    private JsonAttributeValues() {}

    public static Map<String, AttributeValue> toItem(ObjectNode json) {
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        json.properties().forEach(e -> item.put(e.getKey(), toValue(e.getValue())));
        return item;
    }

    public static AttributeValue toValue(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return AttributeValue.fromNul(true);
        }
        if (node.isObject()) {
            Map<String, AttributeValue> m = new LinkedHashMap<>();
            node.properties().forEach(e -> m.put(e.getKey(), toValue(e.getValue())));
            return AttributeValue.fromM(m);
        }
        if (node.isArray()) {
            List<AttributeValue> l = new ArrayList<>(node.size());
            node.forEach(v -> l.add(toValue(v)));
            return AttributeValue.fromL(l);
        }
        if (node.isBoolean()) {
            return AttributeValue.fromBool(node.booleanValue());
        }
        if (node.isNumber()) {
            return AttributeValue.fromN(node.decimalValue().toPlainString());
        }
        return AttributeValue.fromS(node.asText());
    }

    public static ObjectNode toJson(Map<String, AttributeValue> item) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        item.forEach((k, v) -> json.set(k, toJson(v)));
        return json;
    }

    public static JsonNode toJson(AttributeValue v) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        return switch (v.type()) {
            case S -> f.textNode(v.s());
            case N -> {
                BigDecimal d = new BigDecimal(v.n());
                yield d.scale() <= 0 && d.precision() - d.scale() < 19 ? f.numberNode(d.longValueExact()) : f.numberNode(d);
            }
            case BOOL -> f.booleanNode(v.bool());
            case NUL -> f.nullNode();
            case M -> toJson(v.m());
            case L -> {
                ArrayNode a = f.arrayNode();
                v.l().forEach(e -> a.add(toJson(e)));
                yield a;
            }
            case SS -> {
                ArrayNode a = f.arrayNode();
                v.ss().forEach(a::add);
                yield a;
            }
            case NS -> {
                ArrayNode a = f.arrayNode();
                v.ns().forEach(n -> a.add(new BigDecimal(n)));
                yield a;
            }
            case B -> f.textNode(Base64.getEncoder().encodeToString(v.b().asByteArray()));
            default -> throw new IllegalArgumentException("unsupported attribute type " + v.type());
        };
    }
}
