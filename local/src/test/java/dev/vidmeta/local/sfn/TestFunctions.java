package dev.vidmeta.local.sfn;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vidmeta.local.lambda.LambdaInvoker;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real, in-memory {@link LambdaInvoker} for the conformance suite: functions are Java lambdas from JSON
 * value to JSON value, invoked with Lambda's JSON boundary (payloads cross as text) and Lambda's error
 * document for a function that throws. Every call is recorded, so tests assert on exactly what crossed.
 */
final class TestFunctions implements LambdaInvoker {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** A function body: receives the parsed payload, returns the result to serialize. */
    @FunctionalInterface
    interface Body {
        Object apply(Object payload) throws Exception;
    }

    /** Thrown by a body to fail as a Lambda function does, with this errorType. */
    static final class FunctionError extends RuntimeException {
        final String errorType;

        FunctionError(String errorType, String message) {
            super(message);
            this.errorType = errorType;
        }
    }

    record Call(String function, Object payload) {
    }

    private final Map<String, Body> functions = new ConcurrentHashMap<>();
    private final List<Call> calls = new CopyOnWriteArrayList<>();

    TestFunctions define(String name, Body body) {
        functions.put(name, body);
        return this;
    }

    List<Call> calls() {
        return List.copyOf(calls);
    }

    List<Call> callsTo(String function) {
        return calls.stream().filter(c -> c.function().equals(function)).toList();
    }

    @Override
    public Invocation invoke(String functionName, String payloadJson) {
        Body body = functions.get(functionName);
        if (body == null) {
            throw new LambdaServiceException("Lambda.ResourceNotFoundException", "Function not found: "
                    + functionName);
        }
        try {
            Object payload = MAPPER.readValue(payloadJson, Object.class);
            calls.add(new Call(functionName, payload));
            return new Invocation(200, MAPPER.writeValueAsString(body.apply(payload)), null);
        } catch (FunctionError e) {
            return new Invocation(200, errorDocument(e.errorType, e.getMessage()), "Unhandled");
        } catch (LambdaServiceException e) {
            throw e;
        } catch (Exception e) {
            return new Invocation(200, errorDocument(e.getClass().getName(), e.getMessage()), "Unhandled");
        }
    }

    private static String errorDocument(String type, String message) {
        try {
            return MAPPER.writeValueAsString(Map.of("errorType", type, "errorMessage", String.valueOf(message),
                    "stackTrace", List.of()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
