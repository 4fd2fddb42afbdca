package dev.vidmeta.local.sfn;

import dev.vidmeta.local.lambda.LambdaInvoker;
import dev.vidmeta.local.sfn.Definition.Choice;
import dev.vidmeta.local.sfn.Definition.Fail;
import dev.vidmeta.local.sfn.Definition.Flow;
import dev.vidmeta.local.sfn.Definition.MapState;
import dev.vidmeta.local.sfn.Definition.Parallel;
import dev.vidmeta.local.sfn.Definition.Pass;
import dev.vidmeta.local.sfn.Definition.State;
import dev.vidmeta.local.sfn.Definition.Succeed;
import dev.vidmeta.local.sfn.Definition.Task;
import dev.vidmeta.local.sfn.Definition.Wait;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * Runs executions of JSONata state machines: the dispatcher that enters states and moves between them. Task
 * states are {@link TaskRunner}'s, Parallel and Map states {@link BranchRunner}'s, Retry and Catch
 * {@link ErrorPolicy}'s; an {@link Execution} changes its own status. Every step of a branch is a task on
 * {@link #executor}; waits, retry back-off, timeouts and heartbeats are {@link #timers}, so no thread is held
 * while an execution waits.
 *
 * <p>Semantics follow the Amazon States Language and the JSONata pages of the Step Functions guide; where a
 * detail is a choice of this engine it says so in a comment.
 */
final class Interpreter {

    private final ExecutorService executor;
    private final Timers timers;
    private final Clock clock;
    private final double timeScale;
    private final TaskRunner tasks;
    private final BranchRunner branches;

    Interpreter(LambdaInvoker invoker, ExecutorService executor, Timers timers, Clock clock, double timeScale,
            String region) {
        this.executor = executor;
        this.timers = timers;
        this.clock = clock;
        this.timeScale = timeScale;
        this.tasks = new TaskRunner(this, invoker, executor, region);
        this.branches = new BranchRunner(this);
    }

    Instant now() {
        return clock.instant();
    }

    /** The task runner, which answers the task token callbacks. */
    TaskRunner tasks() {
        return tasks;
    }

    // ---------------------------------------------------------------- execution lifecycle

    /** Records ExecutionStarted and runs the execution from StartAt. */
    void start(Execution ex) {
        int gen = ex.start(now());
        scheduleExecutionTimeout(ex, gen);
        Run root = ex.root();
        dispatch(root, gen, () -> enter(root, gen, root.branch.startAt(), ex.input, false));
    }

    /**
     * Resumes an unsuccessful execution from the state that did not complete, re-running inside a Parallel or
     * Map only the branches and iterations that did not succeed (RedriveExecution).
     */
    void redrive(Execution ex) {
        int gen = ex.redrive(now());
        scheduleExecutionTimeout(ex, gen);
        proceed(ex.root(), gen);
    }

    /**
     * Starts a (re)started run: from StartAt if it never entered a state, otherwise by re-entering the state it
     * stopped in with that state's input and the variables it saw, re-using succeeded children (redrive).
     */
    void proceed(Run run, int gen) {
        if (run.stateName == null) {
            dispatch(run, gen, () -> enter(run, gen, run.branch.startAt(), run.branchInput, false));
        } else {
            run.scope.restore(run.variablesAtEntry);
            dispatch(run, gen, () -> enter(run, gen, run.stateName, run.stateInput, true));
        }
    }

    /**
     * Takes over the open tasks of an execution read back from its journal: their tokens are valid again at
     * once, so that a callback that arrives before {@link #resume} is not refused; it completes the task, and
     * resume goes on from there.
     */
    void adopt(Execution ex) {
        if (ex.isRunning() && ex.root() != null) {
            adopt(ex.root(), ex.generation());
        }
    }

    private void adopt(Run run, int gen) {
        if (run.phase instanceof JournalReplay.TaskOpen task) {
            tasks.adopt(run, gen, task);
        }
        if (run.phase instanceof JournalReplay.Branches && run.children != null) {
            run.children.forEach(child -> adopt(child, gen));
        }
    }

    /**
     * Goes on with an execution read back from its journal, where each of its runs stood: timers from their
     * absolute deadlines, a task that waited on its token waits on, and a function invocation that the crash
     * cut off is invoked again, with the same payload and token: at least once, as on AWS, where a Lambda task
     * is retried on transient Lambda errors ("Handling errors in Step Functions workflows",
     * https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html; "Handle Lambda service
     * exceptions", https://docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html) and a
     * retried function "might have run completely, partially, or not at all" ("Understanding retry behavior in
     * Lambda", https://docs.aws.amazon.com/lambda/latest/dg/invocation-retries.html). vidmeta's handlers are
     * idempotent for that reason (tasks' ReinvocationTest).
     */
    void resume(Execution ex) {
        if (!ex.isRunning()) {
            return;
        }
        if (ex.root() == null) {
            // The engine stopped between StartExecution's journal header and ExecutionStarted: start it now.
            start(ex);
            return;
        }
        int gen = ex.generation();
        Instant timeoutAt = ex.timeoutAt();
        if (timeoutAt != null && ex.machine.definition().timeoutSeconds() != null) {
            armExecutionTimeout(ex, gen, timeoutAt);
        }
        resume(ex.root(), gen);
    }

    /** Goes on with one run from its {@link JournalReplay.Phase}. */
    void resume(Run run, int gen) {
        JournalReplay.Phase phase = run.phase;
        run.phase = null;
        if (phase == null) {
            proceed(run, gen);
            return;
        }
        State state = run.branch.states().get(run.stateName);
        switch (phase) {
            case JournalReplay.Entered entered -> dispatch(run, gen,
                    () -> attempt(run, gen, state, entered.resuming()));
            case JournalReplay.TaskOpen task -> afterBody(run, gen, state, tasks.resume(run, task));
            case JournalReplay.RetryAt retry -> retryAt(run, gen, state, retry.at());
            case JournalReplay.WaitUntil wait -> waitUntil(run, gen, (Wait) state, wait.at());
            case JournalReplay.Branches b -> afterBody(run, gen, state, state instanceof MapState m
                    ? branches.resumeMap(run, gen, m, b.maxConcurrency(), b.tolerance())
                    : branches.resumeParallel(run, gen));
            case JournalReplay.BodyDone done -> afterBody(run, gen, state, done.error() == null
                    ? CompletableFuture.completedFuture(done.result()) : CompletableFuture.failedFuture(done.error()));
            case JournalReplay.Exited exited -> dispatch(run, gen, () -> {
                if (exited.next() == null) {
                    branchSucceeded(run, gen, exited.output());
                } else {
                    enter(run, gen, exited.next(), exited.output(), false);
                }
            });
        }
    }

    /** Ends a running execution as ABORTED (StopExecution) or TIMED_OUT; false if it was not running. */
    boolean stop(Execution ex, Execution.Status status, String error, String cause) {
        return ex.stop(status, error, cause, now());
    }

    private void scheduleExecutionTimeout(Execution ex, int gen) {
        Integer seconds = ex.machine.definition().timeoutSeconds();
        if (seconds == null) {
            return;
        }
        armExecutionTimeout(ex, gen, deadline(seconds));
    }

    private void armExecutionTimeout(Execution ex, int gen, Instant at) {
        int seconds = ex.machine.definition().timeoutSeconds();
        ex.timeout(at, scheduleAt(at, () -> {
            if (ex.generation() == gen) {
                stop(ex, Execution.Status.TIMED_OUT, StatesError.TIMEOUT,
                        "The execution ran longer than the state machine's TimeoutSeconds (" + seconds + ")");
            }
        }));
    }

    // ---------------------------------------------------------------- stepping

    /** Runs {@code step} on the executor; an unexpected exception fails the branch instead of hanging it. */
    void dispatch(Run run, int gen, Runnable step) {
        executor.execute(() -> {
            try {
                step.run();
            } catch (StatesError e) {
                branchFailed(run, gen, Evaluation.placed(e, run));
            } catch (RuntimeException | Error e) {
                branchFailed(run, gen, Evaluation.placed(Evaluation.internalError(e), run));
            }
        });
    }

    private void enter(Run run, int gen, String name, Object input, boolean resuming) {
        if (!run.live(gen)) {
            return;
        }
        State state = run.branch.states().get(name);
        run.entered(name, input, now(), ErrorPolicy.retriers(state).size(), resuming);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("name", name);
        details.put("input", Json.write(input));
        details.put("inputDetails", Map.of("truncated", false));
        Map<String, Object> resume = new LinkedHashMap<>();
        resume.put("variables", run.variablesAtEntry);
        resume.put("resuming", resuming);
        run.enteredEventId = run.execution.record(run, now(), state.eventPrefix() + "StateEntered",
                "stateEnteredEventDetails", details, resume).id();
        attempt(run, gen, state, resuming);
    }

    private void attempt(Run run, int gen, State state, boolean resuming) {
        if (!run.live(gen)) {
            return;
        }
        Object input = run.stateInput;
        switch (state) {
            case Pass p -> complete(run, gen, state, p.flow(), input, null, false);
            case Choice c -> {
                ChoiceRules.Transition t = ChoiceRules.choose(run, c, input);
                transition(run, gen, c, t.next(), t.output(), t.assigned());
            }
            case Succeed s -> {
                Object output = s.output() == null ? input
                        : Expressions.evaluate(s.output(), Evaluation.states(run, input, null, null), run.scope,
                                "Output");
                Evaluation.checkSize(output, "the output of state '" + s.name() + "'");
                exited(run, s, output, Map.of(), null);
                branchSucceeded(run, gen, output);
            }
            case Fail f -> {
                Map<String, Object> st = Evaluation.states(run, input, null, null);
                String error = f.error() == null ? null : Evaluation.stringResult(f.error(), st, run, "Error");
                String cause = f.cause() == null ? null : Evaluation.stringResult(f.cause(), st, run, "Cause");
                branchFailed(run, gen, new StatesError(error, cause));
            }
            case Wait w -> waitState(run, gen, w, input);
            case Task t -> afterBody(run, gen, state, guarded(() -> tasks.run(run, gen, t, input)));
            case Parallel p -> afterBody(run, gen, state,
                    guarded(() -> branches.parallel(run, gen, p, input, resuming)));
            case MapState m -> afterBody(run, gen, state, guarded(() -> branches.map(run, gen, m, input, resuming)));
        }
    }

    private static CompletableFuture<Object> guarded(Supplier<CompletableFuture<Object>> body) {
        try {
            return body.get();
        } catch (StatesError e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private void afterBody(Run run, int gen, State state, CompletableFuture<Object> body) {
        body.whenComplete((result, failure) -> dispatch(run, gen, () -> {
            if (!run.live(gen)) {
                return;
            }
            if (failure != null) {
                handleError(run, gen, state, Evaluation.asStatesError(failure));
                return;
            }
            try {
                complete(run, gen, state, flow(state), run.stateInput, result, true);
            } catch (StatesError e) {
                handleError(run, gen, state, e);
            }
        }));
    }

    /** Evaluates Output and Assign, records the exit and moves to Next or ends the branch. */
    private void complete(Run run, int gen, State state, Flow flow, Object input, Object result,
            boolean hasResult) {
        Map<String, Object> st = Evaluation.states(run, input, null, null);
        if (hasResult) {
            st.put("result", result);
        }
        Object output = flow.output() == null ? (hasResult ? result : input)
                : Expressions.evaluate(flow.output(), st, run.scope, "Output");
        Map<String, Object> assigned = Evaluation.assign(flow.assign(), st, run, "Assign");
        Evaluation.checkSize(output, "the output of state '" + state.name() + "'");
        transition(run, gen, state, flow.next(), output, assigned);
    }

    private void transition(Run run, int gen, State state, String next, Object output,
            Map<String, Object> assigned) {
        run.scope.assign(assigned);
        exited(run, state, output, assigned, next);
        if (next == null) {
            branchSucceeded(run, gen, output);
        } else {
            dispatch(run, gen, () -> enter(run, gen, next, output, false));
        }
    }

    /** Records StateExited; the journal also learns the variables after Assign and where the branch goes next. */
    private void exited(Run run, State state, Object output, Map<String, Object> assigned, String next) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("name", state.name());
        details.put("output", Json.write(output));
        details.put("outputDetails", Map.of("truncated", false));
        if (!assigned.isEmpty()) {
            Map<String, String> serialized = new LinkedHashMap<>();
            assigned.forEach((k, v) -> serialized.put(k, Json.write(v)));
            details.put("assignedVariables", serialized);
            details.put("assignedVariablesDetails", Map.of("truncated", false));
        }
        Map<String, Object> resume = new LinkedHashMap<>();
        resume.put("variables", run.scope.snapshot());
        resume.put("next", next);
        run.execution.record(run, now(), state.eventPrefix() + "StateExited", "stateExitedEventDetails", details,
                resume);
    }

    private void waitState(Run run, int gen, Wait wait, Object input) {
        Map<String, Object> st = Evaluation.states(run, input, null, null);
        Instant until;
        if (wait.seconds() != null) {
            Object value = Expressions.evaluate(wait.seconds(), st, run.scope, "Seconds");
            if (!(value instanceof Number n) || n.doubleValue() < 0 || n.doubleValue() != Math.rint(n.doubleValue())) {
                throw StatesError.inState(StatesError.QUERY_EVALUATION, "Seconds of state '" + wait.name()
                        + "' must be a non-negative integer, was " + Json.write(value));
            }
            until = deadline(n.doubleValue());
        } else {
            Object value = Expressions.evaluate(wait.timestamp(), st, run.scope, "Timestamp");
            if (!(value instanceof String text)) {
                throw StatesError.inState(StatesError.QUERY_EVALUATION, "Timestamp of state '" + wait.name()
                        + "' must be a string, was " + Json.write(value));
            }
            // A timestamp is absolute: its wait is real time, whatever the time scale.
            until = Evaluation.parseTimestampAtRuntime(text);
        }
        run.execution.checkpoint(run, "wait", Map.of("at", until.toEpochMilli()));
        waitUntil(run, gen, wait, until);
    }

    private void waitUntil(Run run, int gen, Wait wait, Instant until) {
        run.timer = scheduleAt(until, () -> dispatch(run, gen, () -> {
            if (run.live(gen)) {
                complete(run, gen, wait, wait.flow(), run.stateInput, null, false);
            }
        }));
    }

    // ---------------------------------------------------------------- errors: Retry and Catch

    private void handleError(Run run, int gen, State state, StatesError raised) {
        switch (ErrorPolicy.decide(run, state, Evaluation.placed(raised, run),
                () -> ThreadLocalRandom.current().nextDouble())) {
            case ErrorPolicy.Retry retry -> {
                Instant at = deadline(retry.seconds());
                run.execution.checkpoint(run, "retry", Map.of("attempts", run.retryAttempts, "retryCount",
                        run.retryCount, "at", at.toEpochMilli()));
                retryAt(run, gen, state, at);
            }
            case ErrorPolicy.Catch caught -> transition(run, gen, state, caught.next(), caught.output(),
                    caught.assigned());
            case ErrorPolicy.Fail failed -> branchFailed(run, gen, failed.error());
        }
    }

    private void retryAt(Run run, int gen, State state, Instant at) {
        run.timer = scheduleAt(at, () -> dispatch(run, gen, () -> attempt(run, gen, state, false)));
    }

    private static Flow flow(State state) {
        return switch (state) {
            case Task t -> t.flow();
            case Parallel p -> p.flow();
            case MapState m -> m.flow();
            default -> throw new IllegalStateException("no result flow for " + state.name());
        };
    }

    // ---------------------------------------------------------------- branch ends

    private void branchSucceeded(Run run, int gen, Object output) {
        if (!run.live(gen)) {
            return;
        }
        if (run.parent == null && !run.execution.succeed(gen, run, output, now())) {
            return;
        }
        if (run.parent != null) {
            Map<String, Object> end = new LinkedHashMap<>();
            end.put("status", "SUCCEEDED");
            end.put("output", output);
            run.execution.checkpoint(run, "end", end);
        }
        run.succeeded(output);
    }

    private void branchFailed(Run run, int gen, StatesError error) {
        if (!run.live(gen)) {
            return;
        }
        if (run.parent == null && !run.execution.fail(gen, run, error, now())) {
            return;
        }
        if (run.parent != null) {
            Map<String, Object> end = new LinkedHashMap<>();
            end.put("status", "FAILED");
            end.put("error", error.error());
            end.put("cause", error.cause());
            run.execution.checkpoint(run, "end", end);
        }
        run.failed(error);
    }

    // ---------------------------------------------------------------- timers

    /**
     * When {@code seconds} of workflow time from now end, scaled by the engine's time scale. Timers keep absolute
     * deadlines, so that an engine restarted on the same journal waits only for what is left.
     */
    Instant deadline(double seconds) {
        long nanos = (long) (seconds * timeScale * 1_000_000_000L);
        return now().plusNanos(Math.max(0, nanos));
    }

    /** Schedules {@code action} at {@code at}, at once if that has passed. */
    Future<?> scheduleAt(Instant at, Runnable action) {
        Duration delay = Duration.between(now(), at);
        return timers.schedule(delay.isNegative() ? Duration.ZERO : delay, action);
    }
}
