package dev.vidmeta.local.sfn;

import dev.vidmeta.local.sfn.Definition.Branch;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

/**
 * The progress of one branch: the whole execution, a Parallel branch or a Map iteration. It remembers the state
 * it is in, that state's input and the variables at entry, and the child runs of an active Parallel or Map
 * state, which is exactly what RedriveExecution needs to resume from the failed state and re-run only the
 * failed or aborted branches and iterations.
 *
 * <p>A run is advanced by one engine thread at a time (each step hands over to the next), so its fields need
 * visibility, not locking.
 */
final class Run {

    enum Status { RUNNING, SUCCEEDED, FAILED, ABORTED }

    final Execution execution;
    final Run parent;
    final Branch branch;
    final Scope scope;
    /** Input to the branch's StartAt state. */
    final Object branchInput;
    /** Branch or iteration index; -1 for the execution's top-level run. */
    final int index;
    /** Names the run in the journal: "" for the top-level run, then "/<index>" per level. */
    final String path;

    volatile Status status = Status.RUNNING;
    volatile int generation;
    volatile boolean cancelled;
    volatile CompletableFuture<Object> done = new CompletableFuture<>();
    volatile Object output;

    volatile String stateName;
    volatile Object stateInput;
    volatile Map<String, Object> variablesAtEntry;
    volatile Instant enteredTime;
    /** The id of the current state's StateEntered event, which causes of errors raised in the state name. */
    volatile long enteredEventId;
    volatile int[] retryAttempts;
    volatile int retryCount;
    volatile List<Run> children;
    volatile long lastEventId;
    /** What to cancel when the run is aborted: a Wait or retry timer, a task's pending attempt. */
    volatile Future<?> timer;
    volatile TaskAttempt attempt;
    /** Whether a Map has started this iteration (MapIterationStarted); a Parallel starts its branches at once. */
    volatile boolean launched;
    /** Where a run read back from the journal stands, until the engine resumes it; null otherwise. */
    volatile JournalReplay.Phase phase;

    Run(Execution execution, Run parent, Branch branch, Scope scope, Object branchInput, int index) {
        this.execution = execution;
        this.parent = parent;
        this.branch = branch;
        this.scope = scope;
        this.branchInput = branchInput;
        this.index = index;
        this.path = parent == null ? "" : parent.path + "/" + index;
    }

    /** Whether continuations of generation {@code gen} may still act on this run. */
    boolean live(int gen) {
        if (gen != generation || gen != execution.generation()) {
            return false;
        }
        for (Run r = this; r != null; r = r.parent) {
            if (r.cancelled) {
                return false;
            }
        }
        return true;
    }

    /**
     * Records entry into state {@code name}: its input, the variables it sees, when, and the id of its
     * StateEntered event; the retry counters start again. A fresh entry forgets the children of an earlier
     * Parallel or Map; a resumed one (redrive) keeps them to re-use those that succeeded.
     */
    void entered(String name, Object input, Instant at, int retriers, boolean resuming) {
        stateName = name;
        stateInput = input;
        variablesAtEntry = scope.snapshot();
        enteredTime = at;
        retryCount = 0;
        retryAttempts = new int[retriers];
        if (!resuming) {
            children = null;
        }
    }

    /** Ends the branch with {@code result}, telling whoever waits on it. */
    void succeeded(Object result) {
        status = Status.SUCCEEDED;
        output = result;
        done.complete(result);
    }

    void failed(StatesError error) {
        status = Status.FAILED;
        done.completeExceptionally(error);
    }

    /** Prepares a run that is (re)started by an execution attempt. */
    void restart(int gen) {
        generation = gen;
        cancelled = false;
        status = Status.RUNNING;
        done = new CompletableFuture<>();
    }

    /** Stops this run and its active children: timers are cancelled and pending tasks closed. */
    void abort() {
        cancelled = true;
        if (status == Status.RUNNING) {
            status = Status.ABORTED;
        }
        Future<?> t = timer;
        if (t != null) {
            t.cancel(false);
        }
        TaskAttempt a = attempt;
        if (a != null) {
            a.close();
        }
        List<Run> kids = children;
        if (kids != null) {
            kids.forEach(Run::abort);
        }
        done.completeExceptionally(new StatesError("States.Aborted", "branch aborted"));
    }
}
