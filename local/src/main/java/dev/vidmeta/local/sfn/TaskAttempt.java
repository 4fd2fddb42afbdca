package dev.vidmeta.local.sfn;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

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
    /** The function to invoke, with its qualifier, and the payload to invoke it with. */
    final String function;
    final String payloadJson;
    /** HeartbeatSeconds, or null without a heartbeat. */
    final Integer heartbeatSeconds;
    final CompletableFuture<Object> result = new CompletableFuture<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Consumer<String> onClose;
    volatile Future<?> timeoutTimer;
    volatile Future<?> heartbeatTimer;
    /** When HeartbeatSeconds runs out unless a heartbeat comes first; null without a heartbeat. */
    volatile Instant heartbeatAt;

    /** @param onClose told the token (null without one) once the attempt closes */
    TaskAttempt(Run run, int generation, String token, String resource, String function, String payloadJson,
            Integer heartbeatSeconds, Consumer<String> onClose) {
        this.run = run;
        this.generation = generation;
        this.token = token;
        this.resource = resource;
        this.function = function;
        this.payloadJson = payloadJson;
        this.heartbeatSeconds = heartbeatSeconds;
        this.onClose = onClose;
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
        if (token != null) {
            onClose.accept(token);
        }
        return true;
    }

    boolean isClosed() {
        return closed.get();
    }
}
