package dev.vidmeta.local.sfn;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;

/**
 * One execution: what DescribeExecution reports, its history, and the top-level {@link Run}. Each state change
 * (start, succeed, fail, stop or time out, redrive) is a method here that changes the status and appends its
 * event under this execution's lock, so that DescribeExecution never shows a status whose closing event
 * GetExecutionHistory lacks. Every event goes through {@link #append}, the one place that also journals it.
 * {@link #generation()} changes whenever the execution stops or is redriven, which invalidates every
 * continuation of the previous attempt.
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
    private Journals.Journal journal = Journals.Journal.NONE;
    private volatile int generation;
    private Status status = Status.RUNNING;
    private Instant stopDate;
    private String outputJson;
    private String error;
    private String cause;
    private int redriveCount;
    private Instant redriveDate;
    private volatile Run root;
    private Future<?> timeoutTimer;
    /** When the machine's TimeoutSeconds ends the current attempt; null without one. */
    private Instant timeoutAt;

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

    Run root() {
        return root;
    }

    // ---------------------------------------------------------------- state changes

    /** Records ExecutionStarted with a new top-level run; returns the attempt's generation. */
    int start(Instant now) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("input", inputJson);
        details.put("inputDetails", Map.of("truncated", false));
        details.put("roleArn", machine.roleArn());
        HistoryEvent started;
        int gen;
        synchronized (this) {
            gen = ++generation;
            root = new Run(this, null, machine.definition().root(), new Scope(null), input, -1);
            root.restart(gen);
            started = append(root, now, "ExecutionStarted", "executionStartedEventDetails", details);
        }
        publish(started);
        return gen;
    }

    /**
     * Reopens a closed execution (RedriveExecution): records ExecutionRedriven and restarts the top-level run;
     * returns the attempt's generation.
     */
    int redrive(Instant now) {
        HistoryEvent redriven;
        int gen;
        synchronized (this) {
            gen = ++generation;
            status = Status.RUNNING;
            redriveCount++;
            redriveDate = now;
            stopDate = null;
            error = null;
            cause = null;
            outputJson = null;
            redriven = append(null, now, "ExecutionRedriven", "executionRedrivenEventDetails",
                    Map.of("redriveCount", redriveCount));
            root.restart(gen);
        }
        publish(redriven);
        return gen;
    }

    /** Ends attempt {@code gen} as SUCCEEDED with {@code output}; false if that attempt is no longer running. */
    boolean succeed(int gen, Run run, Object output, Instant now) {
        String json = Json.write(output);
        HistoryEvent succeeded;
        synchronized (this) {
            if (generation != gen || status != Status.RUNNING) {
                return false;
            }
            close(Status.SUCCEEDED, now, null, null);
            outputJson = json;
            succeeded = append(run, now, "ExecutionSucceeded", "executionSucceededEventDetails",
                    Map.of("output", json, "outputDetails", Map.of("truncated", false)));
        }
        publish(succeeded);
        return true;
    }

    /** Ends attempt {@code gen} as FAILED; false if that attempt is no longer running. */
    boolean fail(int gen, Run run, StatesError failure, Instant now) {
        HistoryEvent failed;
        synchronized (this) {
            if (generation != gen || status != Status.RUNNING) {
                return false;
            }
            close(Status.FAILED, now, failure.error(), failure.cause());
            failed = append(run, now, "ExecutionFailed", "executionFailedEventDetails",
                    errorDetails(failure.error(), failure.cause()));
        }
        publish(failed);
        return true;
    }

    /**
     * Ends a running execution as ABORTED (StopExecution) or TIMED_OUT and aborts its runs; false if it was not
     * running.
     */
    boolean stop(Status newStatus, String stopError, String stopCause, Instant now) {
        HistoryEvent stopped;
        synchronized (this) {
            if (status != Status.RUNNING) {
                return false;
            }
            close(newStatus, now, stopError, stopCause);
            stopped = newStatus == Status.TIMED_OUT
                    ? append(null, now, "ExecutionTimedOut", "executionTimedOutEventDetails",
                            errorDetails(stopError, stopCause))
                    : append(null, now, "ExecutionAborted", "executionAbortedEventDetails",
                            errorDetails(stopError, stopCause));
        }
        if (root != null) {
            root.abort();
        }
        publish(stopped);
        return true;
    }

    /** Caller holds the lock. Every close ends the attempt's generation, so its continuations stop. */
    private void close(Status newStatus, Instant now, String closeError, String closeCause) {
        status = newStatus;
        stopDate = now;
        error = closeError;
        cause = closeCause;
        generation++;
        if (timeoutTimer != null) {
            timeoutTimer.cancel(false);
        }
    }

    /**
     * The machine's TimeoutSeconds of the current attempt: its deadline, journaled so that a restarted engine
     * keeps it, and its timer, cancelled when the execution closes.
     */
    synchronized void timeout(Instant at, Future<?> timer) {
        if (!at.equals(timeoutAt)) {
            timeoutAt = at;
            journal.write(Map.of("line", "timeout", "at", at.toEpochMilli()));
        }
        timeoutTimer = timer;
    }

    synchronized Instant timeoutAt() {
        return timeoutAt;
    }

    /**
     * Sets what the journal says of this execution ({@link JournalReplay}): the top-level run, the status and
     * what came with it, and the generation that the runs still in progress carry.
     */
    synchronized void restore(Run restoredRoot, int gen, Summary restored, Instant restoredTimeoutAt) {
        root = restoredRoot;
        generation = gen;
        status = restored.status();
        stopDate = restored.stopDate();
        outputJson = restored.outputJson();
        error = restored.error();
        cause = restored.cause();
        redriveCount = restored.redriveCount();
        redriveDate = restored.redriveDate();
        timeoutAt = restoredTimeoutAt;
    }

    private static Map<String, Object> errorDetails(String error, String cause) {
        Map<String, Object> details = new LinkedHashMap<>();
        ApiRequests.putIfNotNull(details, "error", error);
        ApiRequests.putIfNotNull(details, "cause", cause);
        return details;
    }

    // ---------------------------------------------------------------- history

    /** Where this execution's events and checkpoints go from now on. */
    synchronized void journal(Journals.Journal newJournal) {
        journal = newJournal;
    }

    /** Appends an event and tells the listener. */
    HistoryEvent record(Run run, Instant now, String type, String detailsKey, Map<String, Object> details) {
        return record(run, now, type, detailsKey, details, Map.of());
    }

    /**
     * Appends an event with {@code resume}: what the engine needs, beyond the event, to resume the run after a
     * restart; it goes to the journal only, never to the API's history ({@link JournalReplay}).
     */
    HistoryEvent record(Run run, Instant now, String type, String detailsKey, Map<String, Object> details,
            Map<String, Object> resume) {
        HistoryEvent event = append(run, now, type, detailsKey, details, resume);
        publish(event);
        return event;
    }

    /** Journals a checkpoint of {@code run} that is no history event: a Wait's or a retry's deadline, say. */
    synchronized void checkpoint(Run run, String kind, Map<String, Object> fields) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("line", kind);
        line.put("run", run.path);
        line.putAll(fields);
        journal.write(line);
    }

    /**
     * The one way into the history. Its previousEventId is the last event of the same branch, so a Parallel
     * branch's events chain to one another as in Step Functions' history rather than interleaving. A caller that
     * holds the lock to change the status with the event calls {@link #publish} after letting go.
     */
    private HistoryEvent append(Run run, Instant now, String type, String detailsKey,
            Map<String, Object> details) {
        return append(run, now, type, detailsKey, details, Map.of());
    }

    private synchronized HistoryEvent append(Run run, Instant now, String type, String detailsKey,
            Map<String, Object> details, Map<String, Object> resume) {
        long id = history.size() + 1;
        long previous = run != null && run.lastEventId > 0 ? run.lastEventId : history.size();
        HistoryEvent event = new HistoryEvent(id, previous, now, type, detailsKey, details);
        history.add(event);
        if (run != null) {
            run.lastEventId = id;
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("line", "event");
        line.put("run", run == null ? null : run.path);
        line.put("id", id);
        line.put("previousEventId", previous);
        line.put("timestamp", now.toEpochMilli());
        line.put("type", type);
        line.put("detailsKey", detailsKey);
        line.put("details", details);
        line.putAll(resume);
        journal.write(line);
        return event;
    }

    /** Puts an event read back from the journal into the history, as it was. */
    synchronized void restore(HistoryEvent event) {
        history.add(event);
    }

    /** Tells the listener, if any, of an appended event; never under this execution's lock. */
    private void publish(HistoryEvent event) {
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

    // ---------------------------------------------------------------- what DescribeExecution reports

    /** The $states.context.Execution.RedriveCount of every state: read without building a whole summary. */
    synchronized int redriveCount() {
        return redriveCount;
    }

    /** A consistent copy of what DescribeExecution and ListExecutions report. */
    synchronized Summary summary() {
        return new Summary(arn, machine.arn(), name, status, startDate, stopDate, redriveCount, redriveDate,
                outputJson, error, cause, history.size());
    }

    /** What the API reports of an execution, as one consistent copy. */
    record Summary(String arn, String machineArn, String name, Status status, Instant startDate,
            Instant stopDate, int redriveCount, Instant redriveDate, String outputJson, String error,
            String cause, int historySize) {
    }
}
