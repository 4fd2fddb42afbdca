package dev.vidmeta.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vidmeta.local.events.ObjectCreatedEvent;
import dev.vidmeta.local.sfn.ExecutionListener;
import dev.vidmeta.local.sfn.HistoryEvent;
import dev.vidmeta.record.ObjectKeys;
import dev.vidmeta.record.ObjectRef;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The histories of the executions a local run starts, fed by the local Step Functions engine's
 * {@link ExecutionListener} (every history event as it is recorded, no polling), and read as
 * {@link ExecutionHistory}, so {@code demo} and {@code local run} show each state's status and duration exactly as
 * {@code watch} does (see {@link StatesView}).
 */
final class ExecutionProgress implements ExecutionListener {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, List<HistoryEvent>> histories = new ConcurrentHashMap<>();

    @Override
    public void onEvent(String executionArn, HistoryEvent event) {
        List<HistoryEvent> events = histories.computeIfAbsent(executionArn, arn -> new ArrayList<>());
        synchronized (events) {
            events.add(event);
        }
    }

    /**
     * The execution started by the Object Created event of this object version ({@code versionId} null: any
     * version), or null while there is none. The state machine's input is the event unchanged.
     */
    String executionOf(String bucket, String key, String versionId) {
        for (String arn : histories.keySet()) {
            List<HistoryEvent> events = events(arn);
            if (events.isEmpty() || !events.getFirst().type().equals("ExecutionStarted")
                    || events.getFirst().details() == null) {
                continue;
            }
            Object input = events.getFirst().details().get("input");
            ObjectRef object = ObjectCreatedEvent.objectOf(input == null ? null : input.toString());
            // the event's key is URL-encoded (the local S3 sends it as S3 notifications do), or raw
            if (object != null && object.bucket().equals(bucket) && ObjectKeys.candidates(object.key()).contains(key)
                    && (versionId == null || versionId.equals(object.versionId()))) {
                return arn;
            }
        }
        return null;
    }

    /** The history recorded so far, oldest first, in the shape GetExecutionHistory returns. */
    ExecutionHistory history(String executionArn) {
        return new ExecutionHistory(events(executionArn).stream().map(ExecutionProgress::toWire).toList());
    }

    private List<HistoryEvent> events(String executionArn) {
        List<HistoryEvent> events = histories.getOrDefault(executionArn, List.of());
        List<HistoryEvent> copy;
        synchronized (events) {
            copy = new ArrayList<>(events);
        }
        // The engine notifies outside its lock: parallel branches may deliver out of id order.
        copy.sort(Comparator.comparingLong(HistoryEvent::id));
        return copy;
    }

    /** The event as GetExecutionHistory returns it (ISO-8601 timestamp), the shape {@link ExecutionHistory} reads. */
    private static ObjectNode toWire(HistoryEvent event) {
        ObjectNode node = JSON.createObjectNode();
        node.put("id", event.id());
        node.put("previousEventId", event.previousEventId());
        node.put("timestamp", event.timestamp().toString());
        node.put("type", event.type());
        if (event.detailsKey() != null && event.details() != null) {
            node.set(event.detailsKey(), JSON.valueToTree(event.details()));
        }
        return node;
    }
}
