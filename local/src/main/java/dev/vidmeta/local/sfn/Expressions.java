package dev.vidmeta.local.sfn;

import com.dashjoin.jsonata.JException;
import com.dashjoin.jsonata.Jsonata;
import com.dashjoin.jsonata.Utils;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Evaluates JSONata templates as Step Functions does: a string value {@code "{% expr %}"} anywhere in a field
 * (at its top or nested in objects and arrays) is replaced by the expression's value; other values are
 * literals. Expressions see {@code $states} and the visible workflow variables, and nothing as their context
 * value, since Step Functions forbids a top-level {@code $}
 * (https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html).
 *
 * <p>Compiled expressions are cached: dashjoin's {@code Jsonata} evaluates on a per-thread copy, so one
 * compiled instance can serve concurrent executions.
 */
final class Expressions {

    /** A template that yields JSON null, for a field whose literal value is null. */
    static final String NULL_TEMPLATE = "{% null %}";

    private static final Map<String, Jsonata> COMPILED = new ConcurrentHashMap<>();

    private Expressions() {
    }

    /** Whether {@code value} is a JSONata template string rather than a literal. */
    static boolean isTemplate(Object value) {
        return value instanceof String s && s.startsWith("{%") && s.endsWith("%}") && s.length() >= 4;
    }

    /**
     * Compiles every template in {@code value} so that syntax errors surface when the definition is loaded.
     *
     * @throws IllegalArgumentException with the parser's message
     */
    static void check(Object value) {
        if (isTemplate(value)) {
            compile(body((String) value));
        } else if (value instanceof String s && s.startsWith("{%")) {
            throw new IllegalArgumentException("JSONata template " + abbreviate(s) + " does not end with %}");
        } else if (value instanceof Map<?, ?> map) {
            map.values().forEach(Expressions::check);
        } else if (value instanceof List<?> list) {
            list.forEach(Expressions::check);
        }
    }

    /**
     * Evaluates {@code template} for the field named {@code field}. Fields are named as Step Functions names them
     * in causes: relative to the state, {@code /} before each object key and {@code [i]} for each array element,
     * as in {@code 'Output/result'}.
     *
     * @throws StatesError States.QueryEvaluationError when an expression fails, yields nothing, or yields a value
     *         JSON cannot hold
     */
    static Object evaluate(Object template, Map<String, Object> states, Scope scope, String field) {
        if (isTemplate(template)) {
            String expression = body((String) template);
            Jsonata compiled = compile(expression);
            Jsonata.Frame frame = compiled.createFrame();
            frame.bind("states", states);
            if (scope != null) {
                // A variable assigned null holds null, not "undefined" (which is what dashjoin makes of a Java
                // null binding): https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html
                scope.visible().forEach((name, value) -> frame.bind(name, value == null ? Jsonata.NULL_VALUE : value));
            }
            Object result;
            try {
                result = compiled.evaluate(null, frame);
            } catch (JException | IllegalArgumentException | ClassCastException e) {
                throw StatesError.inState(StatesError.QUERY_EVALUATION, "An error occurred while evaluating the"
                        + " JSONata expression " + quote(expression) + " of field '" + field + "': "
                        + e.getMessage());
            }
            if (result == null) {
                throw StatesError.inState(StatesError.QUERY_EVALUATION, "The JSONata expression "
                        + quote(expression) + " specified for the field '" + field
                        + "' returned nothing (undefined).");
            }
            try {
                return Json.normalize(result);
            } catch (IllegalArgumentException e) {
                // A value JSON cannot hold, such as a function (a built-in like $sum, or a lambda). AWS's exact
                // words for this case are not documented; this text follows the shape of its recorded siblings
                // ("The JSONata expression '...' specified for the field '...' returned ...").
                throw StatesError.inState(StatesError.QUERY_EVALUATION, "The JSONata expression "
                        + quote(expression) + " specified for the field '" + field
                        + "' returned an unsupported result type.");
            }
        }
        if (template instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                out.put((String) e.getKey(), evaluate(e.getValue(), states, scope, field + "/" + e.getKey()));
            }
            return out;
        }
        if (template instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            for (int i = 0; i < list.size(); i++) {
                out.add(evaluate(list.get(i), states, scope, field + "[" + i + "]"));
            }
            return out;
        }
        return template;
    }

    /** The expression of a {@code {% %}} template, as causes quote it. */
    static String expression(Object template) {
        return isTemplate(template) ? quote(body((String) template)) : "'" + Json.write(template) + "'";
    }

    private static String body(String template) {
        return template.substring(2, template.length() - 2).strip();
    }

    private static String quote(String expression) {
        return "'" + expression + "'";
    }

    private static String abbreviate(String s) {
        return "'" + (s.length() > 120 ? s.substring(0, 117) + "..." : s) + "'";
    }

    private static Jsonata compile(String expression) {
        Jsonata cached = COMPILED.get(expression);
        if (cached != null) {
            return cached;
        }
        Jsonata compiled;
        try {
            compiled = Jsonata.jsonata(expression);
        } catch (JException e) {
            throw new IllegalArgumentException("invalid JSONata expression " + abbreviate(expression) + ": "
                    + e.getMessage(), e);
        }
        // Keep JSON null apart from "undefined": dashjoin otherwise returns both as Java null.
        compiled.setOutputConvertNulls(false);
        registerStepFunctionsFunctions(compiled);
        COMPILED.putIfAbsent(expression, compiled);
        return COMPILED.get(expression);
    }

    /**
     * The functions Step Functions adds to JSONata, and its removal of {@code $eval}, as "JSONata functions
     * provided by Step Functions" describes them
     * (https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html#jsonata-functions-provided-by-sfn).
     */
    private static void registerStepFunctionsFunctions(Jsonata compiled) {
        // A version 4 (random) UUID.
        compiled.registerFunction("uuid", () -> UUID.randomUUID().toString());
        // JSON text to its value; the text "null" is JSON null, which dashjoin would otherwise read as undefined.
        compiled.registerFunction("parse", (String text) -> {
            Object value = Json.parse(text);
            return value == null ? Jsonata.NULL_VALUE : value;
        });
        compiled.registerFunction("partition", (List<?> array, Number size) -> partition(array, size.intValue()));
        compiled.registerFunction("range", Jsonata.function("range",
                (Number start, Number end, Number step) -> range(start.longValue(), end.longValue(),
                        step.longValue()), null));
        compiled.registerFunction("hash", (String data, String algorithm) -> hash(data, algorithm));
        // $random([seed]): a number n with 0 <= n < 1; the same seed gives the same number. JSONata's own $random
        // takes no argument. How AWS derives the number from a seed is not documented, so only the documented
        // properties (range, reproducibility) hold here.
        Jsonata.FnVarArgs<Object> random = args -> {
            if (args.isEmpty() || args.get(0) == null) {
                return ThreadLocalRandom.current().nextDouble();
            }
            if (!(args.get(0) instanceof Number seed)) {
                throw new IllegalArgumentException("$random seed must be a number, was " + args.get(0));
            }
            return new Random(seed.longValue()).nextDouble();
        };
        compiled.registerFunction("random", Jsonata.function("random", random, null));
        compiled.registerFunction("eval", (Object ignored) -> {
            throw new IllegalArgumentException("$eval is not available in Step Functions; use $parse");
        });
    }

    private static List<Object> partition(List<?> array, int size) {
        if (size <= 0) {
            throw new IllegalArgumentException("$partition chunk size must be positive, was " + size);
        }
        List<Object> chunks = new ArrayList<>();
        for (int i = 0; i < array.size(); i += size) {
            chunks.add(new ArrayList<>(array.subList(i, Math.min(array.size(), i + size))));
        }
        return chunks;
    }

    /**
     * The values from start to end by step, as a JSONata sequence: like any JSONata sequence, one value is that
     * value itself and none is undefined. So {@code $range(1, 9, 9)} is {@code 1}, as on AWS, not {@code [1]}.
     */
    private static List<Object> range(long start, long end, long step) {
        if (step == 0) {
            throw new IllegalArgumentException("$range step must not be 0");
        }
        List<Object> values = Utils.createSequence();
        for (long v = start; step > 0 ? v <= end : v >= end; v += step) {
            values.add(v);
            if (values.size() > 1000) {
                throw new IllegalArgumentException("$range may produce at most 1000 values");
            }
        }
        return values;
    }

    private static String hash(String data, String algorithm) {
        String javaName = switch (algorithm) {
            case "MD5", "SHA-1", "SHA-256", "SHA-384", "SHA-512" -> algorithm;
            default -> throw new IllegalArgumentException("$hash algorithm must be one of MD5, SHA-1, SHA-256,"
                    + " SHA-384, SHA-512, was " + algorithm);
        };
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(javaName)
                    .digest(data.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
