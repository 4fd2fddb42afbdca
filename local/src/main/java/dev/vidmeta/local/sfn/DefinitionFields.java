package dev.vidmeta.local.sfn;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads one field of a definition's state, catcher or retrier, checking its JSON type and its JSONata templates
 * ({@link Expressions#check}); a field that is not what the States Language allows is an
 * {@link InvalidDefinitionException} naming the state and the field. Used by {@link DefinitionParser} and
 * {@link ErrorHandlers}.
 */
final class DefinitionFields {

    private DefinitionFields() {}

    /**
     * The Output template; {@code "Output": null} is kept apart from an absent Output, since a state with
     * {@code "Output": null} outputs null (the Pass state's Output, like every JSONata field, is a literal unless
     * it is a {% %} template: https://docs.aws.amazon.com/step-functions/latest/dg/state-pass.html and
     * https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html). It becomes a template that
     * yields null, so the engine needs no second notion of "present".
     */
    static Object output(Map<String, Object> raw) {
        return raw.containsKey("Output") && raw.get("Output") == null ? Expressions.NULL_TEMPLATE : raw.get("Output");
    }

    static Map<String, Object> assign(Map<String, Object> raw, String where) {
        if (!raw.containsKey("Assign")) {
            return Map.of();
        }
        Map<String, Object> assign = object(raw.get("Assign"), where + " field Assign");
        for (String variable : assign.keySet()) {
            if (!variable.matches("[A-Za-z_][A-Za-z0-9_]*") || variable.equals("states")) {
                throw new InvalidDefinitionException(where + ": '" + variable + "' is not a valid variable name");
            }
        }
        check(assign, where, "Assign");
        return assign;
    }

    static void allowOnly(Map<String, Object> raw, String where, Set<String> allowed) {
        for (String field : raw.keySet()) {
            if (!allowed.contains(field)) {
                throw new InvalidDefinitionException(where + ": field " + field + " is not supported here");
            }
        }
    }

    static void check(Object value, String where, String field) {
        try {
            Expressions.check(value);
        } catch (IllegalArgumentException e) {
            throw new InvalidDefinitionException(where + " field " + field + ": " + e.getMessage());
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(Object value, String what) {
        if (!(value instanceof Map)) {
            throw new InvalidDefinitionException(what + " must be a JSON object");
        }
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object value, String where, String field) {
        if (!(value instanceof List)) {
            throw new InvalidDefinitionException(where + ": " + field + " must be a JSON array");
        }
        return (List<Object>) value;
    }

    static String string(Object value, String where, String field) {
        if (!(value instanceof String s) || s.isEmpty()) {
            throw new InvalidDefinitionException(where + ": " + field + " must be a non-empty string");
        }
        return s;
    }

    static int positiveInt(Object value, String where, String field) {
        int n = nonNegativeInt(value, where, field);
        if (n == 0) {
            throw new InvalidDefinitionException(where + ": " + field + " must be a positive integer");
        }
        return n;
    }

    static int nonNegativeInt(Object value, String where, String field) {
        if (!(value instanceof Integer n) || n < 0) {
            throw new InvalidDefinitionException(where + ": " + field + " must be a non-negative integer, was "
                    + value);
        }
        return n;
    }
}
