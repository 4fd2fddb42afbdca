package dev.vidmeta.local.sfn;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionException;

/**
 * What every state's evaluation shares: the {@code $states} object, Assign, the checks on values a field
 * returns, the payload quota, and the errors of the engine itself.
 */
final class Evaluation {

    /** Payload size quota for state input/output, task arguments/results and variables (256 KiB). */
    static final int MAX_PAYLOAD_BYTES = 256 * 1024;
    private static final DateTimeFormatter ISO_MILLIS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private Evaluation() {
    }

    /** {@code $states} for an evaluation: input, context, and result or errorOutput where they exist. */
    static Map<String, Object> states(Run run, Object input, Object result, Map<String, Object> errorOutput) {
        Execution ex = run.execution;
        Map<String, Object> execution = new LinkedHashMap<>();
        execution.put("Id", ex.arn);
        execution.put("Input", ex.input);
        execution.put("Name", ex.name);
        execution.put("RoleArn", ex.machine.roleArn());
        execution.put("StartTime", ISO_MILLIS.format(ex.startDate));
        execution.put("RedriveCount", ex.redriveCount());
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("EnteredTime", ISO_MILLIS.format(run.enteredTime));
        state.put("Name", run.stateName);
        state.put("RetryCount", run.retryCount);
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("Execution", execution);
        context.put("State", state);
        context.put("StateMachine", Map.of("Id", ex.machine.arn(), "Name", ex.machine.name()));
        Map<String, Object> st = new LinkedHashMap<>();
        st.put("input", input);
        st.put("context", context);
        if (result != null) {
            st.put("result", result);
        }
        if (errorOutput != null) {
            st.put("errorOutput", errorOutput);
        }
        return st;
    }

    /** Assign values are all evaluated against the variables as they were when the state was entered. */
    static Map<String, Object> assign(Map<String, Object> template, Map<String, Object> st, Run run,
            String field) {
        if (template.isEmpty()) {
            return Map.of();
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : template.entrySet()) {
            Object value = Expressions.evaluate(e.getValue(), st, run.scope, field + "/" + e.getKey());
            checkSize(value, "variable '" + e.getKey() + "'");
            values.put(e.getKey(), value);
        }
        return values;
    }

    static String stringResult(Object template, Map<String, Object> st, Run run, String field) {
        Object value = Expressions.evaluate(template, st, run.scope, field);
        if (!(value instanceof String s)) {
            throw StatesError.inState(StatesError.QUERY_EVALUATION, field + " of state '" + run.stateName
                    + "' must be a string, was a " + Json.typeName(value));
        }
        return s;
    }

    /** A TimeoutSeconds or HeartbeatSeconds field: an integer from 1 to 99999999, or null when absent. */
    static Integer seconds(Object template, Map<String, Object> st, Run run, String field) {
        if (template == null) {
            return null;
        }
        Object value = Expressions.evaluate(template, st, run.scope, field);
        if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.longValue() < 1
                || n.longValue() > 99_999_999L) {
            throw StatesError.inState(StatesError.QUERY_EVALUATION, field + " of state '" + run.stateName
                    + "' must be an integer from 1 to 99999999, was " + Json.write(value));
        }
        return n.intValue();
    }

    static void checkSize(Object value, String what) {
        if (Json.utf8Size(Json.write(value)) > MAX_PAYLOAD_BYTES) {
            throw StatesError.inState(StatesError.DATA_LIMIT_EXCEEDED, "The size of " + what + " exceeds the maximum"
                    + " payload size of " + MAX_PAYLOAD_BYTES + " bytes");
        }
    }

    /** {@code {"Error", "Cause"}}, as in {@code $states.errorOutput}. */
    static Map<String, Object> errorOutput(StatesError error) {
        Map<String, Object> output = new LinkedHashMap<>();
        output.put("Error", error.error());
        output.put("Cause", error.cause());
        return output;
    }

    static StatesError asStatesError(Throwable t) {
        Throwable cause = t instanceof CompletionException && t.getCause() != null
                ? t.getCause() : t;
        return cause instanceof StatesError e ? e : internalError(cause);
    }

    static StatesError internalError(Throwable cause) {
        return StatesError.inState(StatesError.RUNTIME, "Internal error in the local Step Functions engine: "
                + cause);
    }

    /** An error raised in the run's current state, with the state prefix on its cause if it is the engine's. */
    static StatesError placed(StatesError error, Run run) {
        return error.placed(run.stateName, run.enteredEventId);
    }

    /** Parses a Wait Timestamp as the ASL requires: RFC 3339 with an uppercase T and Z or an offset. */
    static Instant parseTimestamp(String text, String where) {
        Instant instant = parseTimestamp(text);
        if (instant == null) {
            throw new InvalidDefinitionException(where + ": " + timestampCause(text));
        }
        return instant;
    }

    static Instant parseTimestampAtRuntime(String text) {
        Instant instant = parseTimestamp(text);
        if (instant == null) {
            throw StatesError.inState(StatesError.QUERY_EVALUATION, timestampCause(text));
        }
        return instant;
    }

    private static Instant parseTimestamp(String text) {
        try {
            return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /**
     * AWS's cause for a Timestamp it cannot parse (Wait state:
     * https://docs.aws.amazon.com/step-functions/latest/dg/state-wait.html). The guide does not quote the text;
     * this is the text AWS records, as the recorded executions show it.
     */
    private static String timestampCause(String text) {
        return "The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: " + text;
    }
}
