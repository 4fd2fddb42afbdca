package dev.vidmeta.cli.console;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Each state's status in one execution, read from its event history the way the Step Functions console
 * colours its graph, plus the state each event belongs to (the history's "Step" column).
 *
 * <p>Events are in the API's shape ({@code id}, {@code previousEventId}, {@code type},
 * {@code stateEnteredEventDetails.name}, ...). Events other than a state's entry and exit name no state; they
 * belong to the state their {@code previousEventId} chain leads back to. Rules, applied in history order so
 * that a retried or redriven state shows its latest attempt:
 * <ul>
 *   <li>entered: {@link Status#IN_PROGRESS};
 *   <li>a failure event (…Failed, …TimedOut) marks an error pending; a new attempt (…Scheduled) clears it;
 *   <li>exited with an error pending, or left for a Catch handler: {@link Status#CAUGHT_ERROR}; exited
 *       otherwise: {@link Status#SUCCEEDED};
 *   <li>a Fail state entered, or still in progress when the execution fails or times out: {@link Status#FAILED};
 *       when it is aborted: {@link Status#CANCELLED}.
 * </ul>
 * States absent from the map did not run.
 */
public record StateStatuses(Map<String, Status> states, Map<Long, String> eventStates) {

    public enum Status { IN_PROGRESS, SUCCEEDED, FAILED, CAUGHT_ERROR, CANCELLED }

    public static StateStatuses of(List<JsonNode> events) {
        Map<String, Status> states = new LinkedHashMap<>();
        Map<Long, String> owner = new HashMap<>();
        Map<Long, String> types = new HashMap<>();
        Map<String, Boolean> errorPending = new HashMap<>();
        Map<String, String> enteredType = new HashMap<>();
        Map<String, String> parentOf = new HashMap<>();
        for (JsonNode event : events) {
            long id = event.path("id").asLong();
            long previous = event.path("previousEventId").asLong();
            String type = event.path("type").asText();
            types.put(id, type);
            String own = stateName(event);
            String inherited = owner.get(previous);
            if (own == null) {
                own = isFrameEvent(type) ? enclosingFrame(inherited, type, enteredType, parentOf) : inherited;
            }
            if (own != null) {
                owner.put(id, own);
            }
            if (type.endsWith("StateEntered")) {
                // Entered straight after another state's failure: that state's error went to a Catch.
                if (inherited != null && isFailure(types.get(previous)) && !inherited.equals(own)) {
                    states.put(inherited, Status.CAUGHT_ERROR);
                    errorPending.remove(inherited);
                }
                enteredType.put(own, type);
                String previousType = types.get(previous);
                parentOf.put(own, previousType != null && isFrameEvent(previousType) && previousType.endsWith("Started")
                        ? inherited : inherited == null ? null : parentOf.get(inherited));
                states.put(own, type.equals("FailStateEntered") ? Status.FAILED : Status.IN_PROGRESS);
                errorPending.remove(own);
            } else if (type.endsWith("StateExited")) {
                states.put(own, Boolean.TRUE.equals(errorPending.remove(own)) ? Status.CAUGHT_ERROR : Status.SUCCEEDED);
            } else if (type.startsWith("Execution")) {
                Status closing = switch (type) {
                    case "ExecutionFailed", "ExecutionTimedOut" -> Status.FAILED;
                    case "ExecutionAborted" -> Status.CANCELLED;
                    default -> null;
                };
                if (closing != null) {
                    states.replaceAll((name, status) -> status == Status.IN_PROGRESS ? closing : status);
                }
            } else if (own != null && isFailure(type)) {
                errorPending.put(own, true);
            } else if (own != null && type.endsWith("Scheduled")) {
                errorPending.remove(own);
            }
        }
        return new StateStatuses(states, owner);
    }

    private static String stateName(JsonNode event) {
        for (String key : List.of("stateEnteredEventDetails", "stateExitedEventDetails")) {
            JsonNode name = event.path(key).path("name");
            if (name.isTextual()) {
                return name.asText();
            }
        }
        return null;
    }

    /** ParallelStateStarted, MapIterationFailed, ...: events of a Parallel or Map state, not of a state inside. */
    private static boolean isFrameEvent(String type) {
        return (type.startsWith("Parallel") || type.startsWith("Map")) && !type.endsWith("StateEntered")
                && !type.endsWith("StateExited");
    }

    /**
     * The Parallel or Map state an event such as ParallelStateSucceeded belongs to: the service may chain it to
     * the last event of a branch, so climb from that branch's state to the frame around it.
     */
    private static String enclosingFrame(String from, String type, Map<String, String> enteredType,
            Map<String, String> parentOf) {
        String prefix = type.startsWith("Parallel") ? "Parallel" : "Map";
        String candidate = from;
        for (int depth = 0; candidate != null && depth < 1000; depth++) {
            if ((prefix + "StateEntered").equals(enteredType.get(candidate))) {
                return candidate;
            }
            candidate = parentOf.get(candidate);
        }
        return from;
    }

    private static boolean isFailure(String type) {
        return type != null && !type.startsWith("Execution")
                && (type.endsWith("Failed") || type.endsWith("TimedOut") || type.endsWith("Aborted"));
    }
}
