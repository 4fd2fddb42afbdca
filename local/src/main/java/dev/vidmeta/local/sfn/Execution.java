package dev.vidmeta.local.sfn;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;

/**
 * One execution: what DescribeExecution reports, its history, and the top-level {@link Run}. Status changes
 * and history appends are synchronized on the execution; {@link #generation()} changes whenever the execution
 * stops or is redriven, which invalidates every continuation of the previous attempt.
 */
final class Execution {

    enum Status { RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED }

    final StateMachine machine;
    final String arn;
    final String name;
    final String inputJson;
    final Object input;
    final Instant startDate;
    private final ExecutionListener listener;

    private final List<HistoryEvent> history = new ArrayList<>();
    private volatile int generation;
    Status status = Status.RUNNING;
    Instant stopDate;
    String outputJson;
    String error;
    String cause;
    int redriveCount;
    Instant redriveDate;
    Run root;
    Future<?> timeoutTimer;

    Execution(StateMachine machine, String arn, String name, String inputJson, Object input, Instant startDate,
            ExecutionListener listener) {
        this.machine = machine;
        this.arn = arn;
        this.name = name;
        this.inputJson = inputJson;
        this.input = input;
        this.startDate = startDate;
        this.listener = listener;
    }

    int generation() {
        return generation;
    }

    /** Starts a new attempt (the first run or a redrive); returns its generation. Caller holds the lock. */
    int nextGeneration() {
        return ++generation;
    }

    /**
     * Appends an event. Its previousEventId is the last event of the same branch, so a Parallel branch's
     * events chain to one another as in Step Functions' history rather than interleaving.
     */
    HistoryEvent record(Run run, Instant now, String type, String detailsKey, Map<String, Object> details) {
        HistoryEvent event = append(run, now, type, detailsKey, details);
        publish(event);
        return event;
    }

    /**
     * Appends an event without telling the listener: for a caller that holds this execution's lock, so that a
     * status change and its event become visible together; it calls {@link #publish} after letting go.
     */
    synchronized HistoryEvent append(Run run, Instant now, String type, String detailsKey, Map<String, Object> details) {
        long id = history.size() + 1;
        long previous = run != null && run.lastEventId > 0 ? run.lastEventId : history.size();
        HistoryEvent event = new HistoryEvent(id, previous, now, type, detailsKey, details);
        history.add(event);
        if (run != null) {
            run.lastEventId = id;
        }
        return event;
    }

    /** Tells the listener, if any, of an appended event; never under this execution's lock. */
    void publish(HistoryEvent event) {
        if (listener != null) {
            try {
                listener.onEvent(arn, event);
            } catch (RuntimeException e) {
                // An observer must not break the execution it observes.
            }
        }
    }

    synchronized List<HistoryEvent> history() {
        return List.copyOf(history);
    }

    synchronized int historySize() {
        return history.size();
    }

    synchronized boolean isRunning() {
        return status == Status.RUNNING;
    }
}
