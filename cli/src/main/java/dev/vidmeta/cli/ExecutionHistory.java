package dev.vidmeta.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.GetExecutionHistoryResponse;

/**
 * An execution's event history, read through GetExecutionHistory, with the two readings the operate commands
 * need: where and why it failed, and each state's status and duration (as the console colours its graph).
 *
 * <p>Events are handled as JSON named as on the wire ({@code type}, {@code id}, {@code previousEventId}, one
 * {@code *EventDetails} object), so every event type is covered without a getter per type. Inside a Parallel
 * branch {@code previousEventId} points at the branch's previous event, so following it from a failure leads
 * to the state the failure happened in.
 */
record ExecutionHistory(List<ObjectNode> events) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Where an execution ended unsuccessfully: the state, and the error and cause of its last event. */
    record Failure(String state, String error, String cause) {
    }

    /** One state's latest run. */
    record StateRun(String name, int depth, StateStatus status, Instant entered, Instant exited, String error) {
    }

    enum StateStatus { NOT_STARTED, RUNNING, SUCCEEDED, CAUGHT_ERROR, FAILED, ABORTED }

    /** The whole history, oldest first. */
    static ExecutionHistory fetch(SfnClient sfn, String executionArn) {
        List<ObjectNode> events = new ArrayList<>();
        String token = null;
        do {
            String next = token;
            GetExecutionHistoryResponse page = sfn.getExecutionHistory(b -> b.executionArn(executionArn)
                    .maxResults(1000).nextToken(next));
            page.events().forEach(e -> events.add(json(e)));
            token = page.nextToken();
        } while (token != null);
        return new ExecutionHistory(events);
    }

    /** The last {@code count} events, oldest first: enough to explain how the execution ended. */
    static ExecutionHistory tail(SfnClient sfn, String executionArn, int count) {
        List<ObjectNode> events = new ArrayList<>();
        sfn.getExecutionHistory(b -> b.executionArn(executionArn).reverseOrder(true).maxResults(count))
                .events().forEach(e -> events.add(json(e)));
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
        Map<Long, ObjectNode> byId = byId();
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
                String state = enclosingState(event, byId);
                if (state == null) {
                    state = lastOpenState();
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

    /** Follows previousEventId back to the nearest *StateEntered; null if the chain leaves the known events. */
    private static String enclosingState(JsonNode event, Map<Long, ObjectNode> byId) {
        JsonNode current = event;
        for (int steps = 0; current != null && steps < 100_000; steps++) {
            if (type(current).endsWith("StateEntered")) {
                return details(current).path("name").asText();
            }
            long previous = current.path("previousEventId").asLong(0);
            current = previous == 0 ? null : byId.get(previous);
        }
        return null;
    }

    /** The latest state entered and never exited. */
    private String lastOpenState() {
        Map<String, Boolean> open = new LinkedHashMap<>();
        for (ObjectNode event : events) {
            String name = stateName(event);
            if (name != null) {
                open.remove(name);
                open.put(name, type(event).endsWith("StateEntered"));
            }
        }
        String last = null;
        for (var e : open.entrySet()) {
            if (e.getValue()) {
                last = e.getKey();
            }
        }
        return last;
    }

    /**
     * Each state's latest run, in the order given ({@code states}: name to nesting depth, as in the definition),
     * then any state the history names that the list lacks. {@code executionStatus} decides what an unfinished
     * state is: still RUNNING, or FAILED/ABORTED with its execution.
     */
    List<StateRun> states(Map<String, Integer> states, String executionStatus) {
        Map<Long, ObjectNode> byId = byId();
        Map<String, Instant> entered = new HashMap<>();
        Map<String, Instant> exited = new HashMap<>();
        Map<String, String> errors = new HashMap<>();
        for (ObjectNode event : events) {
            String type = type(event);
            if (type.equals("ExecutionRedriven")) {
                // A redrive re-enters the states that did not succeed; their old failures no longer apply.
                errors.clear();
            }
            String name = stateName(event);
            if (name != null && type.endsWith("StateEntered")) {
                entered.put(name, timestamp(event));
                exited.remove(name);
                errors.remove(name);
            } else if (name != null) {
                exited.put(name, timestamp(event));
            } else if (isFailure(type) && !type.startsWith("Execution")) {
                String state = enclosingState(event, byId);
                if (state != null) {
                    JsonNode d = details(event);
                    errors.put(state, text(d, "error") == null ? type : text(d, "error"));
                }
            }
        }
        Map<String, Integer> order = new LinkedHashMap<>(states);
        entered.keySet().stream().filter(n -> !order.containsKey(n)).sorted().forEach(n -> order.put(n, 0));
        List<StateRun> runs = new ArrayList<>();
        order.forEach((name, depth) -> {
            Instant in = entered.get(name);
            Instant out = exited.get(name);
            String error = errors.get(name);
            StateStatus status;
            if (in == null) {
                status = StateStatus.NOT_STARTED;
            } else if (out != null) {
                status = error == null ? StateStatus.SUCCEEDED : StateStatus.CAUGHT_ERROR;
            } else if ("RUNNING".equals(executionStatus)) {
                status = StateStatus.RUNNING;
            } else if ("ABORTED".equals(executionStatus)) {
                status = StateStatus.ABORTED;
            } else {
                status = StateStatus.FAILED;
            }
            runs.add(new StateRun(name, depth, status, in, out, error));
        });
        return runs;
    }

    /** State names in definition order, nested states (Parallel branches, Map processors) one level deeper. */
    static Map<String, Integer> definitionStates(String definition) {
        Map<String, Integer> names = new LinkedHashMap<>();
        try {
            collect(JSON.readTree(definition), 0, names);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
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

    /** An SDK model object as the JSON the service sends, with timestamps as ISO-8601 (as the AWS CLI prints). */
    static ObjectNode json(SdkPojo pojo) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        for (SdkField<?> field : pojo.sdkFields()) {
            Object value = field.getValueOrDefault(pojo);
            if (value != null) {
                out.set(field.locationName(), value(value));
            }
        }
        return out;
    }

    private static JsonNode value(Object value) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        return switch (value) {
            case SdkPojo pojo -> json(pojo);
            case String s -> f.textNode(s);
            case Long l -> f.numberNode(l);
            case Integer i -> f.numberNode(i);
            case Boolean b -> f.booleanNode(b);
            case Instant t -> f.textNode(t.toString());
            case List<?> list -> {
                ArrayNode a = f.arrayNode();
                list.forEach(v -> a.add(value(v)));
                yield a;
            }
            case Map<?, ?> map -> {
                ObjectNode o = f.objectNode();
                map.forEach((k, v) -> o.set(String.valueOf(k), value(v)));
                yield o;
            }
            default -> f.textNode(String.valueOf(value));
        };
    }
}
