package dev.vidmeta.local.sfn;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One attempt of a Task state. Several parties race to finish it: the Lambda response, SendTaskSuccess/Failure,
 * the TimeoutSeconds and HeartbeatSeconds timers, and StopExecution. {@link #close()} decides the winner, so
 * exactly one outcome is recorded in history and later callers see the task as closed (TaskTimedOut on the
 * API, as Step Functions answers for a token whose task has ended).
 */
final class TaskAttempt {

    final Run run;
    final int generation;
    /** The task token, or null for a request-response invoke. */
    final String token;
    final String resource;
    final CompletableFuture<Object> result = new CompletableFuture<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    volatile Integer heartbeatSeconds;
    volatile Future<?> timeoutTimer;
    volatile Future<?> heartbeatTimer;

    TaskAttempt(Run run, int generation, String token, String resource) {
        this.run = run;
        this.generation = generation;
        this.token = token;
        this.resource = resource;
    }

    /** Claims the right to finish this attempt; false when something else already finished it. */
    boolean close() {
        if (!closed.compareAndSet(false, true)) {
            return false;
        }
        Future<?> t = timeoutTimer;
        if (t != null) {
            t.cancel(false);
        }
        Future<?> h = heartbeatTimer;
        if (h != null) {
            h.cancel(false);
        }
        return true;
    }

    boolean isClosed() {
        return closed.get();
    }
}
