package dev.vidmeta.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vidmeta.cli.console.StateStatuses;
import dev.vidmeta.events.ObjectCreatedEvent;
import dev.vidmeta.local.sfn.ExecutionListener;
import dev.vidmeta.local.sfn.HistoryEvent;
import dev.vidmeta.record.ObjectRef;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Live progress of the executions a local run starts: each state with its status and duration, fed by the
 * local Step Functions engine's {@link ExecutionListener} (every history event as it is recorded, no polling).
 *
 * <p>Statuses follow the console's reading of a history ({@link StateStatuses}), so a state whose error went to
 * a Catch shows CAUGHT ERROR here as it does there. Two renderings: on a terminal a block redrawn in place;
 * elsewhere (a pipe, a CI log) one line per change of a state's status.
 */
final class ExecutionProgress implements ExecutionListener {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CLEAR_LINE = "\u001b[2K";

    /** One state's latest run; {@code exited} is null while it runs. */
    record StateRun(String name, String status, Instant entered, Instant exited) {

        Duration duration(Instant now) {
            return entered == null ? Duration.ZERO : Duration.between(entered, exited == null ? now : exited);
        }
    }

    /**
     * An execution as its history shows it: RUNNING until an Execution{Succeeded,Failed,TimedOut,Aborted}
     * event; {@code error} and {@code cause} come from that event.
     */
    record Snapshot(String status, Instant started, Instant stopped, List<StateRun> states, String error,
            String cause) {

        boolean done() {
            return !status.equals("RUNNING");
        }
    }

    private final Map<String, List<HistoryEvent>> histories = new ConcurrentHashMap<>();

    @Override
    public void onEvent(String executionArn, HistoryEvent event) {
        List<HistoryEvent> events = histories.computeIfAbsent(executionArn, arn -> new ArrayList<>());
        synchronized (events) {
            events.add(event);
        }
    }

    /**
     * The execution started by the Object Created event of this object version, or null while there is none.
     * The state machine's input is the event unchanged, so its {@code detail.object} names the object.
     */
    String executionOf(String bucket, String key, String versionId) {
        for (var entry : histories.entrySet()) {
            List<HistoryEvent> events = events(entry.getKey());
            if (events.isEmpty() || !events.getFirst().type().equals("ExecutionStarted")
                    || events.getFirst().details() == null) {
                continue;
            }
            Object input = events.getFirst().details().get("input");
            ObjectRef object = ObjectCreatedEvent.objectOf(input == null ? null : input.toString());
            if (object != null && object.bucket().equals(bucket) && object.key().equals(key)
                    && (versionId == null || versionId.equals(object.versionId()))) {
                return entry.getKey();
            }
        }
        return null;
    }

    Snapshot snapshot(String executionArn) {
        List<HistoryEvent> events = events(executionArn);
        List<JsonNode> wire = new ArrayList<>(events.size());
        Map<String, Instant> entered = new HashMap<>();
        Map<String, Instant> exited = new HashMap<>();
        String status = "RUNNING";
        Instant started = null;
        Instant stopped = null;
        String error = null;
        String cause = null;
        for (HistoryEvent event : events) {
            wire.add(toWire(event));
            String type = event.type();
            Object name = event.details() == null ? null : event.details().get("name");
            if (type.endsWith("StateEntered") && name != null) {
                // A retried or redriven state shows its latest run.
                entered.put(name.toString(), event.timestamp());
                exited.remove(name.toString());
            } else if (type.endsWith("StateExited") && name != null) {
                exited.put(name.toString(), event.timestamp());
            } else if (type.equals("ExecutionStarted")) {
                started = event.timestamp();
            } else if (type.startsWith("Execution") && !type.equals("ExecutionRedriven")) {
                status = switch (type) {
                    case "ExecutionSucceeded" -> "SUCCEEDED";
                    case "ExecutionFailed" -> "FAILED";
                    case "ExecutionTimedOut" -> "TIMED_OUT";
                    case "ExecutionAborted" -> "ABORTED";
                    default -> status;
                };
                stopped = event.timestamp();
                if (event.details() != null) {
                    error = text(event.details().get("error"));
                    cause = text(event.details().get("cause"));
                }
            }
        }
        List<StateRun> states = new ArrayList<>();
        StateStatuses.of(wire).states().forEach((name, s) -> states.add(new StateRun(name, label(s),
                entered.get(name), exited.get(name))));
        return new Snapshot(status, started, stopped, List.copyOf(states), error, cause);
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

    /** The event as GetExecutionHistory returns it, the shape {@link StateStatuses} reads. */
    private static JsonNode toWire(HistoryEvent event) {
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

    private static String label(StateStatuses.Status status) {
        return switch (status) {
            case IN_PROGRESS -> "RUNNING";
            case CAUGHT_ERROR -> "CAUGHT ERROR";
            default -> status.name();
        };
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }

    static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.2f s", d.toMillis() / 1000.0);
    }

    /** Prints one execution's progress: redrawn in place on a terminal, else a line per status change. */
    static final class View {

        private final PrintWriter out;
        private final boolean live;
        private final Map<String, String> printed = new HashMap<>();
        private int drawnLines;

        View(PrintWriter out, boolean live) {
            this.out = out;
            this.live = live;
        }

        /** {@code label} names the execution (the object key); call on every tick and once after it ends. */
        void show(String label, Snapshot snapshot, Instant now) {
            if (live) {
                redraw(frame(label, snapshot, now));
            } else {
                for (StateRun state : snapshot.states()) {
                    if (!state.status().equals(printed.put(state.name(), state.status()))) {
                        // Printed once, so a running state's duration so far would only mislead.
                        out.println(state.exited() == null && state.status().equals("RUNNING")
                                ? String.format(Locale.ROOT, "  %-28s %s", state.name(), state.status())
                                : line(state, now));
                    }
                }
            }
            out.flush();
        }

        /** Forgets the lines drawn, so the next execution's block starts below this one's. */
        void finish(String label, Snapshot snapshot) {
            Duration total = snapshot.started() == null || snapshot.stopped() == null ? Duration.ZERO
                    : Duration.between(snapshot.started(), snapshot.stopped());
            out.println(label + ": execution " + snapshot.status() + " in " + seconds(total)
                    + (snapshot.error() == null ? "" : "  " + snapshot.error()
                    + (snapshot.cause() == null ? "" : ": " + snapshot.cause())));
            out.flush();
            drawnLines = 0;
            printed.clear();
        }

        private static List<String> frame(String label, Snapshot snapshot, Instant now) {
            List<String> lines = new ArrayList<>();
            Duration elapsed = snapshot.started() == null ? Duration.ZERO
                    : Duration.between(snapshot.started(), snapshot.stopped() == null ? now : snapshot.stopped());
            lines.add(label + "  " + snapshot.status() + "  " + seconds(elapsed));
            snapshot.states().forEach(state -> lines.add(line(state, now)));
            return lines;
        }

        private static String line(StateRun state, Instant now) {
            boolean running = state.exited() == null && state.status().equals("RUNNING");
            return String.format(Locale.ROOT, "  %-28s %-12s %9s", state.name(), state.status(),
                    running ? seconds(state.duration(now)) + "…" : seconds(state.duration(now))).stripTrailing();
        }

        /** Back to the block's first line, each line cleared and rewritten. */
        private void redraw(List<String> lines) {
            StringBuilder frame = new StringBuilder();
            if (drawnLines > 0) {
                frame.append("\u001b[").append(drawnLines).append('A');
            }
            frame.append('\r');
            for (String line : lines) {
                frame.append(CLEAR_LINE).append(line).append('\n');
            }
            drawnLines = lines.size();
            out.print(frame);
        }
    }
}
