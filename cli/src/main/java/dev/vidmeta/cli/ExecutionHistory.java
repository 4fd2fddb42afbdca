package dev.vidmeta.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vidmeta.aws.SdkJson;
import dev.vidmeta.cli.console.StateStatuses;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.GetExecutionHistoryResponse;

/**
 * An execution's event history, read through GetExecutionHistory (or recorded by the local engine, see
 * {@link ExecutionProgress}), with the readings the operate commands and the local runs' progress need: where
 * and why it failed, its status and elapsed time, and each state's status and duration. Which state an event belongs to and each
 * state's status come from {@link StateStatuses}, the rules the local console colours its graph by.
 *
 * <p>Events are handled as JSON named as on the wire ({@code type}, {@code id}, {@code previousEventId}, one
 * {@code *EventDetails} object), so every event type is covered without a getter per type.
 */
record ExecutionHistory(List<ObjectNode> events) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Where an execution ended unsuccessfully: the state, and the error and cause of its last event. */
    record Failure(String state, String error, String cause) {
    }

    /** One state's latest run; {@code status} null when it has not run. */
    record StateRun(String name, int depth, StateStatuses.Status status, Instant entered, Instant exited, String error) {

        /** Entry to exit, or to {@code now} while it runs; null when it has not run. */
        Duration duration(Instant now) {
            return entered == null ? null : Duration.between(entered, exited == null ? now : exited);
        }
    }

    /** The whole history, oldest first. */
    static ExecutionHistory fetch(SfnClient sfn, String executionArn) {
        List<ObjectNode> events = new ArrayList<>();
        String token = null;
        do {
            String next = token;
            GetExecutionHistoryResponse page = sfn.getExecutionHistory(b -> b.executionArn(executionArn)
                    .maxResults(1000).nextToken(next));
            page.events().forEach(e -> events.add(SdkJson.toJson(e, SdkJson.Timestamps.ISO_8601)));
            token = page.nextToken();
        } while (token != null);
        return new ExecutionHistory(events);
    }

    /** The last {@code count} events, oldest first: enough to explain how the execution ended. */
    static ExecutionHistory tail(SfnClient sfn, String executionArn, int count) {
        List<ObjectNode> events = new ArrayList<>();
        sfn.getExecutionHistory(b -> b.executionArn(executionArn).reverseOrder(true).maxResults(count))
                .events().forEach(e -> events.add(SdkJson.toJson(e, SdkJson.Timestamps.ISO_8601)));
        return new ExecutionHistory(events.reversed());
    }

    ArrayNode toJson() {
        ArrayNode array = JSON.createArrayNode();
        events.forEach(array::add);
        return array;
    }

    static String type(JsonNode event) {
        return event.path("type").asText();
    }

    /** The event's {@code *EventDetails} object, or a missing node. */
    static JsonNode details(JsonNode event) {
        for (var field : event.properties()) {
            if (field.getKey().endsWith("EventDetails")) {
                return field.getValue();
            }
        }
        return JSON.missingNode();
    }

    static Instant timestamp(JsonNode event) {
        return Instant.parse(event.path("timestamp").asText());
    }

    /** The state a *StateEntered or *StateExited event names, else null. */
    static String stateName(JsonNode event) {
        String type = type(event);
        return type.endsWith("StateEntered") || type.endsWith("StateExited") ? details(event).path("name").asText()
                : null;
    }

    private static boolean isFailure(String type) {
        return type.endsWith("Failed") || type.endsWith("TimedOut") || type.endsWith("Aborted");
    }

    /** How the execution ended unsuccessfully, or null when it has not (running, succeeded, or no end event). */
    Failure failure() {
        StateStatuses statuses = StateStatuses.of(List.copyOf(events));
        for (ObjectNode event : events.reversed()) {
            String type = type(event);
            if (type.equals("ExecutionFailed") || type.equals("ExecutionTimedOut") || type.equals("ExecutionAborted")) {
                JsonNode d = details(event);
                String error = text(d, "error");
                String cause = text(d, "cause");
                ObjectNode lastFailure = lastFailureBefore(event);
                if (error == null && lastFailure != null) {
                    error = text(details(lastFailure), "error");
                    cause = text(details(lastFailure), "cause");
                }
                String state = statuses.eventStates().get(event.path("id").asLong());
                if (state == null) {
                    state = lastUnsuccessful(statuses);
                }
                return new Failure(state, error == null ? type : error, cause);
            }
            if (type.equals("ExecutionSucceeded") || type.equals("ExecutionRedriven")
                    || type.equals("ExecutionStarted")) {
                return null;
            }
        }
        return null;
    }

    /** The Fail state the execution ended in (its ExecutionFailed follows that state's entry), else null. */
    String endedInFailState() {
        Map<Long, ObjectNode> byId = byId();
        for (ObjectNode event : events.reversed()) {
            if (type(event).equals("ExecutionFailed")) {
                ObjectNode previous = byId.get(event.path("previousEventId").asLong(0));
                return previous != null && type(previous).equals("FailStateEntered")
                        ? details(previous).path("name").asText() : null;
            }
        }
        return null;
    }

    /**
     * The execution's status as its history tells it: RUNNING until an Execution{Succeeded,Failed,TimedOut,
     * Aborted} event, and again after an ExecutionRedriven. The local runs read it here; the operate commands
     * ask DescribeExecution, which says the same.
     */
    String status() {
        for (ObjectNode event : events.reversed()) {
            switch (type(event)) {
                case "ExecutionSucceeded" -> { return "SUCCEEDED"; }
                case "ExecutionFailed" -> { return "FAILED"; }
                case "ExecutionTimedOut" -> { return "TIMED_OUT"; }
                case "ExecutionAborted" -> { return "ABORTED"; }
                case "ExecutionRedriven", "ExecutionStarted" -> { return "RUNNING"; }
                default -> { }
            }
        }
        return "RUNNING";
    }

    /** From ExecutionStarted to the last event when the execution has ended, else to {@code now}. */
    Duration elapsed(Instant now) {
        if (events.isEmpty() || !type(events.getFirst()).equals("ExecutionStarted")) {
            return Duration.ZERO;
        }
        Instant end = status().equals("RUNNING") ? now : timestamp(events.getLast());
        return Duration.between(timestamp(events.getFirst()), end);
    }

    /** The newest event's id, which is the number of events when this is a tail of the history. */
    long lastEventId() {
        return events.isEmpty() ? 0 : events.getLast().path("id").asLong();
    }

    private ObjectNode lastFailureBefore(ObjectNode end) {
        long endId = end.path("id").asLong();
        for (ObjectNode event : events.reversed()) {
            String type = type(event);
            if (event.path("id").asLong() < endId && isFailure(type) && !type.startsWith("Execution")) {
                return event;
            }
        }
        return null;
    }

    /** The last state, in history order, that did not succeed (the end of an aborted or timed-out run). */
    private static String lastUnsuccessful(StateStatuses statuses) {
        String last = null;
        for (var e : statuses.states().entrySet()) {
            if (e.getValue() != StateStatuses.Status.SUCCEEDED) {
                last = e.getKey();
            }
        }
        return last;
    }

    /**
     * Each state's latest run, in the order given ({@code states}: name to nesting depth, as in the definition),
     * then any state the history names that the list lacks.
     */
    List<StateRun> states(Map<String, Integer> states) {
        StateStatuses statuses = StateStatuses.of(List.copyOf(events));
        Map<String, Instant> entered = new HashMap<>();
        Map<String, Instant> exited = new HashMap<>();
        Map<String, String> errors = new HashMap<>();
        for (ObjectNode event : events) {
            String type = type(event);
            String name = stateName(event);
            if (name != null && type.endsWith("StateEntered")) {
                entered.put(name, timestamp(event));
                exited.remove(name);
                errors.remove(name);
            } else if (name != null) {
                exited.put(name, timestamp(event));
            } else if (isFailure(type) && !type.startsWith("Execution")) {
                String state = statuses.eventStates().get(event.path("id").asLong());
                if (state != null) {
                    errors.put(state, text(details(event), "error") == null ? type : text(details(event), "error"));
                }
            }
        }
        Map<String, Integer> order = new LinkedHashMap<>(states);
        statuses.states().keySet().forEach(n -> order.putIfAbsent(n, 0));
        List<StateRun> runs = new ArrayList<>();
        order.forEach((name, depth) -> {
            StateStatuses.Status status = statuses.states().get(name);
            runs.add(new StateRun(name, depth, status, entered.get(name), exited.get(name),
                    status == StateStatuses.Status.SUCCEEDED ? null : errors.get(name)));
        });
        return runs;
    }

    /** State names in definition order, nested states (Parallel branches, Map processors) one level deeper. */
    static Map<String, Integer> definitionStates(String definition) {
        Map<String, Integer> names = new LinkedHashMap<>();
        try {
            collect(JSON.readTree(definition), 0, names);
        } catch (JsonProcessingException e) {
            // An unreadable definition only costs the not-yet-started rows; the history still names the rest.
        }
        return names;
    }

    private static void collect(JsonNode machine, int depth, Map<String, Integer> names) {
        for (var state : machine.path("States").properties()) {
            names.put(state.getKey(), depth);
            for (JsonNode branch : state.getValue().path("Branches")) {
                collect(branch, depth + 1, names);
            }
            JsonNode processor = state.getValue().has("ItemProcessor") ? state.getValue().get("ItemProcessor")
                    : state.getValue().path("Iterator");
            collect(processor, depth + 1, names);
        }
    }

    private Map<Long, ObjectNode> byId() {
        Map<Long, ObjectNode> byId = new HashMap<>();
        events.forEach(e -> byId.put(e.path("id").asLong(), e));
        return byId;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
