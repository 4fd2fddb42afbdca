package dev.vidmeta.local.sfn;

import dev.vidmeta.local.lambda.LambdaInvoker;
import dev.vidmeta.local.lambda.LambdaInvoker.Invocation;
import dev.vidmeta.local.lambda.LambdaInvoker.LambdaServiceException;
import dev.vidmeta.local.sfn.Definition.Catcher;
import dev.vidmeta.local.sfn.Definition.Choice;
import dev.vidmeta.local.sfn.Definition.ChoiceRule;
import dev.vidmeta.local.sfn.Definition.Fail;
import dev.vidmeta.local.sfn.Definition.Flow;
import dev.vidmeta.local.sfn.Definition.MapState;
import dev.vidmeta.local.sfn.Definition.Parallel;
import dev.vidmeta.local.sfn.Definition.Pass;
import dev.vidmeta.local.sfn.Definition.Retrier;
import dev.vidmeta.local.sfn.Definition.State;
import dev.vidmeta.local.sfn.Definition.Succeed;
import dev.vidmeta.local.sfn.Definition.Task;
import dev.vidmeta.local.sfn.Definition.Wait;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Runs executions of JSONata state machines. Every step of a branch is a task on {@link #executor}; waits,
 * retry back-off, timeouts and heartbeats are {@link #timers}, so no thread is held while an
 * execution waits. Lambda invocations run on the executor's (virtual) threads.
 *
 * <p>Semantics follow the Amazon States Language and the JSONata pages of the Step Functions guide; where a
 * detail is a choice of this engine it says so in a comment.
 */
final class Interpreter {

    /** Payload size quota for state input/output, task arguments/results and variables (256 KiB). */
    static final int MAX_PAYLOAD_BYTES = 256 * 1024;
    private static final String TOKEN_PREFIX = "vidmeta-local-token:";
    private static final DateTimeFormatter ISO_MILLIS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private final LambdaInvoker invoker;
    private final ExecutorService executor;
    private final Timers timers;
    private final Clock clock;
    private final double timeScale;
    private final String region;
    /**
     * Every token handed out. Closed attempts stay here so that a late callback gets TaskTimedOut, as Step
     * Functions answers for a task that has already ended, rather than TaskDoesNotExist.
     */
    private final Map<String, TaskAttempt> tokens = new ConcurrentHashMap<>();

    Interpreter(LambdaInvoker invoker, ExecutorService executor, Timers timers, Clock clock, double timeScale,
            String region) {
        this.invoker = invoker;
        this.executor = executor;
        this.timers = timers;
        this.clock = clock;
        this.timeScale = timeScale;
        this.region = region;
    }

    Instant now() {
        return clock.instant();
    }

    // ---------------------------------------------------------------- execution lifecycle

    /** Records ExecutionStarted and runs the execution from StartAt. */
    void start(Execution ex) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("input", ex.inputJson);
        details.put("inputDetails", Map.of("truncated", false));
        details.put("roleArn", ex.machine.roleArn());
        int gen;
        synchronized (ex) {
            gen = ex.nextGeneration();
            ex.root = new Run(ex, null, ex.machine.definition().root(), new Scope(null), ex.input, -1);
            ex.root.restart(gen);
        }
        ex.record(ex.root, now(), "ExecutionStarted", "executionStartedEventDetails", details);
        scheduleExecutionTimeout(ex, gen);
        Run root = ex.root;
        dispatch(root, gen, () -> enter(root, gen, root.branch.startAt(), ex.input, false));
    }

    /**
     * Resumes an unsuccessful execution from the state that did not complete, re-running inside a Parallel or
     * Map only the branches and iterations that did not succeed (RedriveExecution).
     */
    void redrive(Execution ex) {
        int gen;
        synchronized (ex) {
            gen = ex.nextGeneration();
            ex.status = Execution.Status.RUNNING;
            ex.redriveCount++;
            ex.redriveDate = now();
            ex.stopDate = null;
            ex.error = null;
            ex.cause = null;
            ex.outputJson = null;
        }
        ex.record(null, now(), "ExecutionRedriven", "executionRedrivenEventDetails",
                Map.of("redriveCount", ex.redriveCount));
        scheduleExecutionTimeout(ex, gen);
        ex.root.restart(gen);
        proceed(ex.root, gen);
    }

    /**
     * Starts a (re)started run: from StartAt if it never entered a state, otherwise by re-entering the state it
     * stopped in with that state's input and the variables it saw, re-using succeeded children (redrive).
     */
    private void proceed(Run run, int gen) {
        if (run.stateName == null) {
            dispatch(run, gen, () -> enter(run, gen, run.branch.startAt(), run.branchInput, false));
        } else {
            run.scope.restore(run.variablesAtEntry);
            dispatch(run, gen, () -> enter(run, gen, run.stateName, run.stateInput, true));
        }
    }

    /** Ends a running execution as ABORTED (StopExecution) or TIMED_OUT; false if it was not running. */
    boolean stop(Execution ex, Execution.Status status, String error, String cause) {
        Map<String, Object> details = new LinkedHashMap<>();
        putIfNotNull(details, "error", error);
        putIfNotNull(details, "cause", cause);
        HistoryEvent stopped;
        synchronized (ex) {
            if (ex.status != Execution.Status.RUNNING) {
                return false;
            }
            ex.status = status;
            ex.stopDate = now();
            ex.error = error;
            ex.cause = cause;
            ex.nextGeneration();
            cancelTimeout(ex);
            // As for success and failure: the status and its closing event become visible together.
            stopped = status == Execution.Status.TIMED_OUT
                    ? ex.append(null, ex.stopDate, "ExecutionTimedOut", "executionTimedOutEventDetails", details)
                    : ex.append(null, ex.stopDate, "ExecutionAborted", "executionAbortedEventDetails", details);
        }
        ex.root.abort();
        ex.publish(stopped);
        return true;
    }

    private void scheduleExecutionTimeout(Execution ex, int gen) {
        Integer seconds = ex.machine.definition().timeoutSeconds();
        if (seconds == null) {
            return;
        }
        ex.timeoutTimer = schedule(seconds, () -> {
            if (ex.generation() == gen) {
                stop(ex, Execution.Status.TIMED_OUT, StatesError.TIMEOUT,
                        "The execution ran longer than the state machine's TimeoutSeconds (" + seconds + ")");
            }
        });
    }

    // ---------------------------------------------------------------- stepping

    /** Runs {@code step} on the executor; an unexpected exception fails the branch instead of hanging it. */
    private void dispatch(Run run, int gen, Runnable step) {
        executor.execute(() -> {
            try {
                step.run();
            } catch (StatesError e) {
                branchFailed(run, gen, placed(e, run));
            } catch (RuntimeException | Error e) {
                branchFailed(run, gen, placed(StatesError.inState(StatesError.RUNTIME, "Internal error in the local"
                        + " Step Functions engine: " + e), run));
            }
        });
    }

    private void enter(Run run, int gen, String name, Object input, boolean resuming) {
        if (!run.live(gen)) {
            return;
        }
        State state = run.branch.states().get(name);
        run.stateName = name;
        run.stateInput = input;
        run.variablesAtEntry = run.scope.snapshot();
        run.enteredTime = now();
        run.retryCount = 0;
        run.retryAttempts = new int[retriers(state).size()];
        if (!resuming) {
            run.children = null;
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("name", name);
        details.put("input", Json.write(input));
        details.put("inputDetails", Map.of("truncated", false));
        run.enteredEventId = run.execution.record(run, now(), state.eventPrefix() + "StateEntered",
                "stateEnteredEventDetails", details).id();
        attempt(run, gen, state, resuming);
    }

    private void attempt(Run run, int gen, State state, boolean resuming) {
        if (!run.live(gen)) {
            return;
        }
        Object input = run.stateInput;
        switch (state) {
            case Pass p -> complete(run, gen, state, p.flow(), input, null, false);
            case Choice c -> choose(run, gen, c, input);
            case Succeed s -> {
                Object output = s.output() == null ? input
                        : Expressions.evaluate(s.output(), states(run, input, null, null), run.scope, "Output");
                checkSize(output, "the output of state '" + s.name() + "'");
                exited(run, s, output, Map.of());
                branchSucceeded(run, gen, output);
            }
            case Fail f -> {
                Map<String, Object> st = states(run, input, null, null);
                String error = f.error() == null ? null : stringResult(f.error(), st, run, "Error");
                String cause = f.cause() == null ? null : stringResult(f.cause(), st, run, "Cause");
                branchFailed(run, gen, new StatesError(error, cause));
            }
            case Wait w -> waitState(run, gen, w, input);
            case Task t -> afterBody(run, gen, state, guarded(() -> task(run, gen, t, input)));
            case Parallel p -> afterBody(run, gen, state, guarded(() -> parallel(run, gen, p, input, resuming)));
            case MapState m -> afterBody(run, gen, state, guarded(() -> map(run, gen, m, input, resuming)));
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
                handleError(run, gen, state, asStatesError(failure));
                return;
            }
            try {
                complete(run, gen, state, flow(state), run.stateInput, result, true);
            } catch (StatesError e) {
                handleError(run, gen, state, e);
            }
        }));
    }

    private static StatesError asStatesError(Throwable t) {
        Throwable cause = t instanceof CompletionException && t.getCause() != null
                ? t.getCause() : t;
        return cause instanceof StatesError e ? e
                : StatesError.inState(StatesError.RUNTIME, "Internal error in the local Step Functions engine: "
                        + cause);
    }

    /** An error raised in the run's current state, with the state prefix on its cause if it is the engine's. */
    private static StatesError placed(StatesError error, Run run) {
        return error.placed(run.stateName, run.enteredEventId);
    }

    /** Evaluates Output and Assign, records the exit and moves to Next or ends the branch. */
    private void complete(Run run, int gen, State state, Flow flow, Object input, Object result,
            boolean hasResult) {
        Map<String, Object> st = states(run, input, null, null);
        if (hasResult) {
            st.put("result", result);
        }
        Object output = flow.output() == null ? (hasResult ? result : input)
                : Expressions.evaluate(flow.output(), st, run.scope, "Output");
        Map<String, Object> assigned = assign(flow.assign(), st, run, "Assign");
        checkSize(output, "the output of state '" + state.name() + "'");
        transition(run, gen, state, flow.next(), output, assigned);
    }

    private void transition(Run run, int gen, State state, String next, Object output,
            Map<String, Object> assigned) {
        run.scope.assign(assigned);
        exited(run, state, output, assigned);
        if (next == null) {
            branchSucceeded(run, gen, output);
        } else {
            dispatch(run, gen, () -> enter(run, gen, next, output, false));
        }
    }

    private void exited(Run run, State state, Object output, Map<String, Object> assigned) {
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
        run.execution.record(run, now(), state.eventPrefix() + "StateExited", "stateExitedEventDetails", details);
    }

    /** Assign values are all evaluated against the variables as they were when the state was entered. */
    private Map<String, Object> assign(Map<String, Object> template, Map<String, Object> st, Run run,
            String field) {
        if (template.isEmpty()) {
            return Map.of();
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : template.entrySet()) {
            Object value = Expressions.evaluate(e.getValue(), st, run.scope, field + "/" + e.getKey());
            checkSize(value, "variable '" + e.getKey() + "'");
            values.put(e.getKey(), value);
        }
        return values;
    }

    private void choose(Run run, int gen, Choice choice, Object input) {
        Map<String, Object> st = states(run, input, null, null);
        for (int i = 0; i < choice.choices().size(); i++) {
            ChoiceRule rule = choice.choices().get(i);
            Object verdict = Expressions.evaluate(rule.condition(), st, run.scope, "Choices[" + i + "]/Condition");
            if (!(verdict instanceof Boolean)) {
                throw StatesError.inState(StatesError.QUERY_EVALUATION, "The Condition of Choices[" + i
                        + "] in state '" + choice.name() + "' returned a " + Json.typeName(verdict)
                        + ", not a boolean");
            }
            if ((Boolean) verdict) {
                // A rule's own Output/Assign take the place of the state's, as in the Choice state reference.
                String ruleField = "Choices[" + i + "]/";
                Object outputTemplate = rule.output() != null ? rule.output() : choice.output();
                Map<String, Object> assignTemplate = rule.assign().isEmpty() ? choice.assign() : rule.assign();
                choiceTransition(run, gen, choice, rule.next(), outputTemplate,
                        (rule.output() != null ? ruleField : "") + "Output", assignTemplate,
                        (rule.assign().isEmpty() ? "" : ruleField) + "Assign", st, input);
                return;
            }
        }
        if (choice.defaultNext() == null) {
            throw StatesError.inState(StatesError.NO_CHOICE_MATCHED, "No Choice Rule matched in state '"
                    + choice.name() + "' and no Default was specified");
        }
        choiceTransition(run, gen, choice, choice.defaultNext(), choice.output(), "Output", choice.assign(), "Assign",
                st, input);
    }

    private void choiceTransition(Run run, int gen, Choice choice, String next, Object outputTemplate,
            String outputField, Map<String, Object> assignTemplate, String assignField, Map<String, Object> st,
            Object input) {
        Object output = outputTemplate == null ? input
                : Expressions.evaluate(outputTemplate, st, run.scope, outputField);
        Map<String, Object> assigned = assign(assignTemplate, st, run, assignField);
        checkSize(output, "the output of state '" + choice.name() + "'");
        transition(run, gen, choice, next, output, assigned);
    }

    private void waitState(Run run, int gen, Wait wait, Object input) {
        Map<String, Object> st = states(run, input, null, null);
        double seconds;
        if (wait.seconds() != null) {
            Object value = Expressions.evaluate(wait.seconds(), st, run.scope, "Seconds");
            if (!(value instanceof Number n) || n.doubleValue() < 0 || n.doubleValue() != Math.rint(n.doubleValue())) {
                throw StatesError.inState(StatesError.QUERY_EVALUATION, "Seconds of state '" + wait.name()
                        + "' must be a non-negative integer, was " + Json.write(value));
            }
            seconds = n.doubleValue();
        } else {
            Object value = Expressions.evaluate(wait.timestamp(), st, run.scope, "Timestamp");
            if (!(value instanceof String text)) {
                throw StatesError.inState(StatesError.QUERY_EVALUATION, "Timestamp of state '" + wait.name()
                        + "' must be a string, was " + Json.write(value));
            }
            Instant until = parseTimestampAtRuntime(text);
            // A timestamp is absolute: its wait is real time, so undo the time scale applied by schedule().
            seconds = Math.max(0, ChronoUnit.MILLIS.between(now(), until) / 1000.0) / timeScale;
        }
        run.timer = schedule(seconds, () -> dispatch(run, gen, () -> {
            if (run.live(gen)) {
                complete(run, gen, wait, wait.flow(), input, null, false);
            }
        }));
    }

    /** Parses a Wait Timestamp as the ASL requires: RFC 3339 with an uppercase T and Z or an offset. */
    static Instant parseTimestamp(String text, String where) {
        Instant instant = parseTimestamp(text);
        if (instant == null) {
            throw new InvalidDefinitionException(where + ": " + timestampCause(text));
        }
        return instant;
    }

    private static Instant parseTimestamp(String text) {
        try {
            return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /**
     * AWS's cause for a Timestamp it cannot parse (Wait state:
     * https://docs.aws.amazon.com/step-functions/latest/dg/state-wait.html). The guide does not quote the text;
     * this is the text AWS records, as the recorded executions show it.
     */
    private static String timestampCause(String text) {
        return "The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: " + text;
    }

    private static Instant parseTimestampAtRuntime(String text) {
        Instant instant = parseTimestamp(text);
        if (instant == null) {
            throw StatesError.inState(StatesError.QUERY_EVALUATION, timestampCause(text));
        }
        return instant;
    }

    // ---------------------------------------------------------------- errors: Retry and Catch

    private void handleError(Run run, int gen, State state, StatesError raised) {
        StatesError error = placed(raised, run);
        List<Retrier> retriers = retriers(state);
        for (int i = 0; i < retriers.size(); i++) {
            Retrier retrier = retriers.get(i);
            if (!error.matches(retrier.errorEquals())) {
                continue;
            }
            // The first matching retrier decides; once it is exhausted, the catchers apply
            // (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html).
            int attempts = run.retryAttempts[i];
            if (attempts < retrier.maxAttempts()) {
                run.retryAttempts[i] = attempts + 1;
                run.retryCount++;
                double delay = retrier.intervalSeconds() * Math.pow(retrier.backoffRate(), attempts);
                if (retrier.maxDelaySeconds() != null) {
                    delay = Math.min(delay, retrier.maxDelaySeconds());
                }
                if (retrier.fullJitter()) {
                    delay = ThreadLocalRandom.current().nextDouble() * delay;
                }
                run.timer = schedule(delay, () -> dispatch(run, gen, () -> attempt(run, gen, state, false)));
                return;
            }
            break;
        }
        List<Catcher> catchers = catchers(state);
        for (int c = 0; c < catchers.size(); c++) {
            Catcher catcher = catchers.get(c);
            if (!error.matches(catcher.errorEquals())) {
                continue;
            }
            Map<String, Object> errorOutput = new LinkedHashMap<>();
            errorOutput.put("Error", error.error());
            errorOutput.put("Cause", error.cause());
            Map<String, Object> st = states(run, run.stateInput, null, errorOutput);
            Object output;
            Map<String, Object> assigned;
            try {
                output = catcher.output() == null ? errorOutput
                        : Expressions.evaluate(catcher.output(), st, run.scope, "Catch[" + c + "]/Output");
                assigned = assign(catcher.assign(), st, run, "Catch[" + c + "]/Assign");
                checkSize(output, "the output of state '" + state.name() + "'");
            } catch (StatesError e) {
                branchFailed(run, gen, placed(e, run));
                return;
            }
            transition(run, gen, state, catcher.next(), output, assigned);
            return;
        }
        branchFailed(run, gen, error);
    }

    private static List<Retrier> retriers(State state) {
        return switch (state) {
            case Task t -> t.retry();
            case Parallel p -> p.retry();
            case MapState m -> m.retry();
            default -> List.of();
        };
    }

    private static List<Catcher> catchers(State state) {
        return switch (state) {
            case Task t -> t.catchers();
            case Parallel p -> p.catchers();
            case MapState m -> m.catchers();
            default -> List.of();
        };
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
        run.status = Run.Status.SUCCEEDED;
        run.output = output;
        if (run.parent == null) {
            Execution ex = run.execution;
            String json = Json.write(output);
            HistoryEvent succeeded;
            // The status and its closing event change together: DescribeExecution must never show SUCCEEDED
            // to a caller whose GetExecutionHistory then lacks ExecutionSucceeded.
            synchronized (ex) {
                if (ex.generation() != gen || ex.status != Execution.Status.RUNNING) {
                    return;
                }
                ex.status = Execution.Status.SUCCEEDED;
                ex.outputJson = json;
                ex.stopDate = now();
                cancelTimeout(ex);
                succeeded = ex.append(run, ex.stopDate, "ExecutionSucceeded", "executionSucceededEventDetails",
                        Map.of("output", json, "outputDetails", Map.of("truncated", false)));
            }
            ex.publish(succeeded);
        }
        run.done.complete(output);
    }

    private void branchFailed(Run run, int gen, StatesError error) {
        if (!run.live(gen)) {
            return;
        }
        run.status = Run.Status.FAILED;
        if (run.parent == null) {
            Execution ex = run.execution;
            Map<String, Object> details = new LinkedHashMap<>();
            putIfNotNull(details, "error", error.error());
            putIfNotNull(details, "cause", error.cause());
            HistoryEvent failed;
            synchronized (ex) {
                if (ex.generation() != gen || ex.status != Execution.Status.RUNNING) {
                    return;
                }
                ex.status = Execution.Status.FAILED;
                ex.error = error.error();
                ex.cause = error.cause();
                ex.stopDate = now();
                ex.nextGeneration();
                cancelTimeout(ex);
                failed = ex.append(run, ex.stopDate, "ExecutionFailed", "executionFailedEventDetails", details);
            }
            ex.publish(failed);
        }
        run.done.completeExceptionally(error);
    }

    private static void cancelTimeout(Execution ex) {
        if (ex.timeoutTimer != null) {
            ex.timeoutTimer.cancel(false);
        }
    }

    // ---------------------------------------------------------------- Task: lambda:invoke

    private CompletableFuture<Object> task(Run run, int gen, Task task, Object input) {
        Execution ex = run.execution;
        String resource = task.waitForTaskToken() ? "invoke.waitForTaskToken" : "invoke";
        String token = task.waitForTaskToken() ? newToken(ex) : null;
        TaskAttempt attempt = new TaskAttempt(run, gen, token, resource);
        Map<String, Object> st = states(run, input, null, null);
        if (token != null) {
            @SuppressWarnings("unchecked")
            Map<String, Object> context = (Map<String, Object>) st.get("context");
            context.put("Task", Map.of("Token", token));
        }
        Object arguments = Expressions.evaluate(task.arguments(), st, run.scope, "Arguments");
        if (!(arguments instanceof Map<?, ?> args) || !(args.get("FunctionName") instanceof String function)) {
            throw StatesError.inState(StatesError.RUNTIME, "The Arguments of state '" + task.name()
                    + "' must be an object with a string FunctionName for lambda:invoke");
        }
        Integer timeout = seconds(task.timeoutSeconds(), st, run, "TimeoutSeconds");
        Integer heartbeat = seconds(task.heartbeatSeconds(), st, run, "HeartbeatSeconds");
        String parameters = Json.write(arguments);
        checkSize(arguments, "the Arguments of state '" + task.name() + "'");
        String qualifier = args.get("Qualifier") instanceof String q ? q : null;
        String payloadJson = args.containsKey("Payload") ? Json.write(args.get("Payload")) : "{}";

        Map<String, Object> scheduled = new LinkedHashMap<>();
        scheduled.put("resourceType", "lambda");
        scheduled.put("resource", resource);
        scheduled.put("region", region);
        scheduled.put("parameters", parameters);
        putIfNotNull(scheduled, "timeoutInSeconds", timeout);
        putIfNotNull(scheduled, "heartbeatInSeconds", heartbeat);
        ex.record(run, now(), "TaskScheduled", "taskScheduledEventDetails", scheduled);
        run.attempt = attempt;
        if (token != null) {
            tokens.put(token, attempt);
        }
        ex.record(run, now(), "TaskStarted", "taskStartedEventDetails",
                Map.of("resourceType", "lambda", "resource", resource));
        if (timeout != null) {
            attempt.timeoutTimer = schedule(timeout, () -> timedOut(attempt, StatesError.TIMEOUT,
                    "Task timed out after TimeoutSeconds (" + timeout + ")"));
        }
        if (heartbeat != null) {
            attempt.heartbeatSeconds = heartbeat;
            armHeartbeat(attempt, heartbeat);
        }
        String target = qualifier == null ? function : function + ":" + qualifier;
        executor.execute(() -> invoke(attempt, target, payloadJson));
        return attempt.result;
    }

    private void invoke(TaskAttempt attempt, String function, String payloadJson) {
        Invocation invocation;
        try {
            invocation = invoker.invoke(function, payloadJson);
        } catch (LambdaServiceException e) {
            taskFailed(attempt, new StatesError(e.errorName(), e.getMessage()));
            return;
        } catch (RuntimeException e) {
            taskFailed(attempt, new StatesError("Lambda.ServiceException", "Lambda could not invoke " + function
                    + ": " + e));
            return;
        }
        if (invocation.failed()) {
            taskFailed(attempt, functionError(invocation));
            return;
        }
        Object payload;
        try {
            String text = invocation.payloadJson();
            payload = text == null || text.isBlank() ? null : Json.parse(text);
        } catch (IllegalArgumentException e) {
            taskFailed(attempt, new StatesError("Lambda.Unknown", "The Lambda function returned a payload that"
                    + " is not JSON: " + e.getMessage()));
            return;
        }
        Map<String, Object> output = invokeOutput(payload, invocation.statusCode());
        String outputJson = Json.write(output);
        if (Json.utf8Size(outputJson) > MAX_PAYLOAD_BYTES) {
            taskFailed(attempt, new StatesError(StatesError.DATA_LIMIT_EXCEEDED, "The state/task '"
                    + attempt.run.stateName + "' returned a result with a size exceeding the maximum number of bytes"
                    + " service limit."));
            return;
        }
        Map<String, Object> details = Map.of("resourceType", "lambda", "resource", attempt.resource,
                "output", outputJson, "outputDetails", Map.of("truncated", false));
        if (attempt.token == null) {
            if (attempt.close() && attempt.run.live(attempt.generation)) {
                attempt.run.execution.record(attempt.run, now(), "TaskSucceeded", "taskSucceededEventDetails",
                        details);
                attempt.result.complete(output);
            }
        } else if (!attempt.isClosed() && attempt.run.live(attempt.generation)) {
            // The callback may already have arrived while the function ran; then there is nothing to submit.
            attempt.run.execution.record(attempt.run, now(), "TaskSubmitted", "taskSubmittedEventDetails",
                    details);
        }
    }

    /**
     * The error name Step Functions reports for a function error: the payload's errorType, or Lambda.Unknown
     * when the function failed without one (a crash, a timeout); the cause is the error payload itself
     * (https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html).
     */
    private static StatesError functionError(Invocation invocation) {
        String payload = invocation.payloadJson() == null ? "" : invocation.payloadJson();
        try {
            if (Json.parse(payload) instanceof Map<?, ?> map && map.get("errorType") instanceof String type
                    && !type.isEmpty()) {
                return new StatesError(type, payload);
            }
        } catch (IllegalArgumentException e) {
            // Not JSON: fall through to Lambda.Unknown.
        }
        return new StatesError("Lambda.Unknown", "The cause could not be determined because Lambda did not return"
                + " an error type. Returned payload: " + payload);
    }

    /** The lambda:invoke result shape, as the Lambda Invoke API response is serialized by Step Functions. */
    private Map<String, Object> invokeOutput(Object payload, int statusCode) {
        String requestId = UUID.randomUUID().toString();
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC).format(now());
        Map<String, Object> headers = new LinkedHashMap<>();
        headers.put("Connection", "keep-alive");
        headers.put("Content-Type", "application/json");
        headers.put("Date", date);
        headers.put("X-Amz-Executed-Version", "$LATEST");
        headers.put("x-amzn-Remapped-Content-Length", "0");
        headers.put("x-amzn-RequestId", requestId);
        Map<String, Object> allHeaders = new LinkedHashMap<>();
        headers.forEach((k, v) -> allHeaders.put(k, List.of(v)));
        Map<String, Object> http = new LinkedHashMap<>();
        http.put("AllHttpHeaders", allHeaders);
        http.put("HttpHeaders", headers);
        http.put("HttpStatusCode", statusCode);
        Map<String, Object> output = new LinkedHashMap<>();
        output.put("ExecutedVersion", "$LATEST");
        output.put("Payload", payload);
        output.put("SdkHttpMetadata", http);
        output.put("SdkResponseMetadata", Map.of("RequestId", requestId));
        output.put("StatusCode", statusCode);
        return output;
    }

    private void taskFailed(TaskAttempt attempt, StatesError error) {
        endTask(attempt, "TaskFailed", "taskFailedEventDetails", error);
    }

    private void timedOut(TaskAttempt attempt, String error, String cause) {
        endTask(attempt, "TaskTimedOut", "taskTimedOutEventDetails", new StatesError(error, cause));
    }

    /** Finishes an attempt unsuccessfully, unless something else finished it first. */
    private void endTask(TaskAttempt attempt, String type, String detailsKey, StatesError error) {
        if (!attempt.close() || !attempt.run.live(attempt.generation)) {
            return;
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("resourceType", "lambda");
        details.put("resource", attempt.resource);
        putIfNotNull(details, "error", error.error());
        putIfNotNull(details, "cause", error.cause());
        attempt.run.execution.record(attempt.run, now(), type, detailsKey, details);
        attempt.result.completeExceptionally(error);
    }

    private void armHeartbeat(TaskAttempt attempt, int heartbeat) {
        attempt.heartbeatTimer = schedule(heartbeat, () -> timedOut(attempt, StatesError.HEARTBEAT_TIMEOUT,
                "No heartbeat was received within HeartbeatSeconds (" + heartbeat + ")"));
    }

    // ---------------------------------------------------------------- task token callbacks

    void sendTaskSuccess(String token, String outputJson) {
        TaskAttempt attempt = openAttempt(token);
        Object output;
        try {
            output = Json.parse(outputJson);
        } catch (IllegalArgumentException e) {
            throw new SfnApiException("InvalidOutput", "Invalid Output: " + e.getMessage());
        }
        if (Json.utf8Size(outputJson) > MAX_PAYLOAD_BYTES) {
            throw new SfnApiException("InvalidOutput", "The output exceeds the maximum size of "
                    + MAX_PAYLOAD_BYTES + " bytes");
        }
        if (!attempt.close()) {
            throw closed();
        }
        if (attempt.run.live(attempt.generation)) {
            attempt.run.execution.record(attempt.run, now(), "TaskSucceeded", "taskSucceededEventDetails",
                    Map.of("resourceType", "lambda", "resource", attempt.resource, "output", outputJson,
                            "outputDetails", Map.of("truncated", false)));
            attempt.result.complete(output);
        }
    }

    void sendTaskFailure(String token, String error, String cause) {
        TaskAttempt attempt = openAttempt(token);
        if (attempt.isClosed()) {
            throw closed();
        }
        taskFailed(attempt, new StatesError(error, cause));
    }

    void sendTaskHeartbeat(String token) {
        TaskAttempt attempt = openAttempt(token);
        Integer heartbeat = attempt.heartbeatSeconds;
        if (heartbeat != null) {
            Future<?> previous = attempt.heartbeatTimer;
            if (previous != null) {
                previous.cancel(false);
            }
            armHeartbeat(attempt, heartbeat);
            if (attempt.isClosed()) {
                attempt.heartbeatTimer.cancel(false);
                throw closed();
            }
        }
    }

    private TaskAttempt openAttempt(String token) {
        if (token == null || token.isEmpty() || token.length() > 2048) {
            throw new SfnApiException("InvalidToken", "Invalid Token: '" + token + "'");
        }
        String decoded;
        try {
            decoded = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new SfnApiException("InvalidToken", "Invalid Token: 'Unable to decode the task token'");
        }
        if (!decoded.startsWith(TOKEN_PREFIX)) {
            throw new SfnApiException("InvalidToken", "Invalid Token: 'Unrecognized task token'");
        }
        TaskAttempt attempt = tokens.get(token);
        if (attempt == null) {
            throw new SfnApiException("TaskDoesNotExist", "Task does not exist for token");
        }
        if (attempt.isClosed() || !attempt.run.live(attempt.generation)) {
            throw closed();
        }
        return attempt;
    }

    private static SfnApiException closed() {
        return new SfnApiException("TaskTimedOut", "Task Timed Out: 'Provided task does not exist anymore'");
    }

    private static String newToken(Execution ex) {
        String raw = TOKEN_PREFIX + ex.arn + ":" + UUID.randomUUID();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    // ---------------------------------------------------------------- Parallel and Map

    private CompletableFuture<Object> parallel(Run run, int gen, Parallel parallel, Object input, boolean resuming) {
        Execution ex = run.execution;
        Map<String, Object> st = states(run, input, null, null);
        Object branchInput = parallel.arguments() == null ? input
                : Expressions.evaluate(parallel.arguments(), st, run.scope, "Arguments");
        checkSize(branchInput, "the Arguments of state '" + parallel.name() + "'");
        HistoryEvent started = ex.record(run, now(), "ParallelStateStarted", null, null);
        List<Run> children = run.children;
        if (!resuming || children == null) {
            children = new ArrayList<>();
            for (int i = 0; i < parallel.branches().size(); i++) {
                children.add(new Run(ex, run, parallel.branches().get(i), new Scope(run.scope), branchInput, i));
            }
            run.children = children;
        }
        List<CompletableFuture<Object>> results = new ArrayList<>();
        for (Run child : children) {
            if (child.status == Run.Status.SUCCEEDED && resuming) {
                results.add(CompletableFuture.completedFuture(child.output));
                continue;
            }
            child.lastEventId = started.id();
            child.restart(gen);
            results.add(child.done);
            proceed(child, gen);
        }
        List<Run> all = children;
        return gather(results, all, () -> {
            ex.record(run, now(), "ParallelStateSucceeded", null, null);
        }, () -> {
            ex.record(run, now(), "ParallelStateFailed", null, null);
        });
    }

    private CompletableFuture<Object> map(Run run, int gen, MapState map, Object input, boolean resuming) {
        Execution ex = run.execution;
        Map<String, Object> st = states(run, input, null, null);
        Object items = map.items() == null ? input : Expressions.evaluate(map.items(), st, run.scope, "Items");
        if (!(items instanceof List<?> list)) {
            // Without Items, a JSONata Map iterates over $states.input (Map state:
            // https://docs.aws.amazon.com/step-functions/latest/dg/state-map.html), so a non-array input reads as
            // that expression's result. AWS's text for an Items result that is not an array, as recorded on AWS
            // (the guide does not quote it): "... returned an unexpected result type. Expected 'array', but was
            // 'number' for value: 1".
            String expression = map.items() == null ? "'$states.input'" : Expressions.expression(map.items());
            throw StatesError.inState(StatesError.QUERY_EVALUATION, "The JSONata expression " + expression
                    + " specified for the field 'Items' returned an unexpected result type. Expected 'array', but"
                    + " was '" + Json.typeName(items) + "' for value: " + Json.write(items));
        }
        int maxConcurrency = 0;
        if (map.maxConcurrency() != null) {
            Object value = Expressions.evaluate(map.maxConcurrency(), st, run.scope, "MaxConcurrency");
            if (!(value instanceof Number n) || n.intValue() < 0 || n.doubleValue() != n.intValue()) {
                throw StatesError.inState(StatesError.QUERY_EVALUATION, "MaxConcurrency of state '" + map.name()
                        + "' must be a non-negative integer, was " + Json.write(value));
            }
            maxConcurrency = n.intValue();
        }
        Tolerance tolerance = tolerance(map, st, run, list.size());
        HistoryEvent started = ex.record(run, now(), "MapStateStarted", "mapStateStartedEventDetails",
                Map.of("length", list.size()));
        List<Run> children = run.children;
        if (!resuming || children == null) {
            children = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                Object itemInput = list.get(i);
                if (map.itemSelector() != null) {
                    Map<String, Object> itemStates = states(run, input, null, null);
                    @SuppressWarnings("unchecked")
                    Map<String, Object> context = (Map<String, Object>) itemStates.get("context");
                    Map<String, Object> item = new LinkedHashMap<>();
                    item.put("Index", i);
                    item.put("Value", list.get(i));
                    context.put("Map", Map.of("Item", item));
                    itemInput = Expressions.evaluate(map.itemSelector(), itemStates, run.scope, "ItemSelector");
                }
                children.add(new Run(ex, run, map.processor(), new Scope(run.scope), itemInput, i));
            }
            run.children = children;
        }
        List<Run> pending = new ArrayList<>();
        List<CompletableFuture<Object>> results = new ArrayList<>();
        for (Run child : children) {
            if (child.status == Run.Status.SUCCEEDED && resuming) {
                results.add(CompletableFuture.completedFuture(child.output));
            } else {
                child.restart(gen);
                pending.add(child);
                results.add(child.done);
            }
        }
        CompletableFuture<Object> gathered = gather(results, children, tolerance, () -> {
            ex.record(run, now(), "MapStateSucceeded", null, null);
        }, () -> {
            ex.record(run, now(), "MapStateFailed", null, null);
        });
        int limit = maxConcurrency == 0 ? Integer.MAX_VALUE : maxConcurrency;
        AtomicInteger nextIndex = new AtomicInteger();
        Runnable[] launchNext = new Runnable[1];
        launchNext[0] = () -> {
            int i = nextIndex.getAndIncrement();
            if (i >= pending.size() || !run.live(gen) || gathered.isCompletedExceptionally()) {
                return;
            }
            Run child = pending.get(i);
            Map<String, Object> iteration = Map.of("name", map.name(), "index", child.index);
            child.lastEventId = ex.record(run, now(), "MapIterationStarted", "mapIterationStartedEventDetails",
                    iteration).id();
            child.done.whenComplete((ok, failure) -> {
                if (!run.live(gen) && failure != null) {
                    return;
                }
                String type = failure == null ? "MapIterationSucceeded"
                        : child.status == Run.Status.ABORTED ? "MapIterationAborted" : "MapIterationFailed";
                ex.record(child, now(), type, type.substring(0, 1).toLowerCase() + type.substring(1)
                        + "EventDetails", iteration);
                // A tolerated failure frees its slot like a success does.
                if (failure == null || tolerance != null) {
                    launchNext[0].run();
                }
            });
            proceed(child, gen);
        };
        for (int i = 0; i < Math.min(limit, pending.size()); i++) {
            launchNext[0].run();
        }
        return gathered;
    }

    /**
     * The failure thresholds of a Map state: it fails with States.ExceedToleratedFailureThreshold once more
     * iterations failed than ToleratedFailureCount, or a greater share than ToleratedFailurePercentage of all its
     * items (https://docs.aws.amazon.com/step-functions/latest/dg/maprun-fail-threshold.html). AWS accepts and
     * honours them on an inline Map too. A field that is absent sets no bound; with neither, the first failure
     * fails the Map with that failure's own error, as the Map state reference describes.
     */
    private record Tolerance(Integer count, Double percentage, int items) {

        boolean exceededBy(int failed) {
            return (count != null && failed > count) || (percentage != null && failed * 100.0 > percentage * items);
        }
    }

    private static Tolerance tolerance(MapState map, Map<String, Object> st, Run run, int items) {
        if (map.toleratedFailureCount() == null && map.toleratedFailurePercentage() == null) {
            return null;
        }
        Integer count = null;
        if (map.toleratedFailureCount() != null) {
            Object value = Expressions.evaluate(map.toleratedFailureCount(), st, run.scope, "ToleratedFailureCount");
            if (!(value instanceof Number n) || n.doubleValue() < 0 || n.doubleValue() != Math.rint(n.doubleValue())) {
                throw StatesError.inState(StatesError.QUERY_EVALUATION, "ToleratedFailureCount of state '"
                        + map.name() + "' must be a non-negative integer, was " + Json.write(value));
            }
            count = n.intValue();
        }
        Double percentage = null;
        if (map.toleratedFailurePercentage() != null) {
            Object value = Expressions.evaluate(map.toleratedFailurePercentage(), st, run.scope,
                    "ToleratedFailurePercentage");
            if (!(value instanceof Number n) || n.doubleValue() < 0 || n.doubleValue() > 100) {
                throw StatesError.inState(StatesError.QUERY_EVALUATION, "ToleratedFailurePercentage of state '"
                        + map.name() + "' must be a number from 0 to 100, was " + Json.write(value));
            }
            percentage = n.doubleValue();
        }
        return new Tolerance(count, percentage, items);
    }

    private static CompletableFuture<Object> gather(List<CompletableFuture<Object>> results, List<Run> children,
            Runnable onSuccess, Runnable onFailure) {
        return gather(results, children, null, onSuccess, onFailure);
    }

    /**
     * Completes with the children's outputs in order once all end. Without a tolerance, the first failure aborts
     * the other children (Step Functions stops the remaining branches/iterations) and fails with that error. With
     * one, failures within it are kept in place of their outputs as their error output ({"Error", "Cause"}, a
     * choice of this engine: the guide does not say what a tolerated inline iteration leaves in the result), and
     * the failure that exceeds it fails the whole with States.ExceedToleratedFailureThreshold.
     */
    private static CompletableFuture<Object> gather(List<CompletableFuture<Object>> results, List<Run> children,
            Tolerance tolerance, Runnable onSuccess, Runnable onFailure) {
        AtomicInteger failed = new AtomicInteger();
        CompletableFuture<Object> gathered = new CompletableFuture<>();
        if (results.isEmpty()) {
            onSuccess.run();
            gathered.complete(new ArrayList<>());
            return gathered;
        }
        AtomicInteger remaining = new AtomicInteger(results.size());
        for (CompletableFuture<Object> result : results) {
            result.whenComplete((ok, failure) -> {
                boolean tolerated = false;
                if (failure != null) {
                    StatesError error = asStatesError(failure);
                    if ("States.Aborted".equals(error.error())) {
                        return;
                    }
                    tolerated = tolerance != null && !tolerance.exceededBy(failed.incrementAndGet());
                    if (!tolerated && !gathered.isDone()) {
                        children.forEach(c -> {
                            if (c.status == Run.Status.RUNNING) {
                                c.abort();
                            }
                        });
                        onFailure.run();
                        // The guide names the error, not its cause text; this cause is this engine's wording.
                        gathered.completeExceptionally(tolerance == null ? error
                                : StatesError.inState(StatesError.EXCEED_TOLERATED_FAILURE_THRESHOLD,
                                        "The specified tolerated failure threshold was exceeded"));
                        return;
                    }
                }
                if ((failure == null || tolerated) && remaining.decrementAndGet() == 0 && !gathered.isDone()) {
                    List<Object> outputs = new ArrayList<>();
                    results.forEach(r -> outputs.add(r.handle((value, t) -> t == null ? value
                            : errorOutput(asStatesError(t))).join()));
                    onSuccess.run();
                    gathered.complete(outputs);
                }
            });
        }
        return gathered;
    }

    // ---------------------------------------------------------------- helpers

    private static Map<String, Object> errorOutput(StatesError error) {
        Map<String, Object> output = new LinkedHashMap<>();
        output.put("Error", error.error());
        output.put("Cause", error.cause());
        return output;
    }

    /** {@code $states} for an evaluation: input, context, and result or errorOutput where they exist. */
    private Map<String, Object> states(Run run, Object input, Object result, Map<String, Object> errorOutput) {
        Execution ex = run.execution;
        Map<String, Object> execution = new LinkedHashMap<>();
        execution.put("Id", ex.arn);
        execution.put("Input", ex.input);
        execution.put("Name", ex.name);
        execution.put("RoleArn", ex.machine.roleArn());
        execution.put("StartTime", ISO_MILLIS.format(ex.startDate));
        execution.put("RedriveCount", ex.redriveCount);
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("EnteredTime", ISO_MILLIS.format(run.enteredTime));
        state.put("Name", run.stateName);
        state.put("RetryCount", run.retryCount);
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("Execution", execution);
        context.put("State", state);
        context.put("StateMachine", Map.of("Id", ex.machine.arn(), "Name", ex.machine.name()));
        Map<String, Object> st = new LinkedHashMap<>();
        st.put("input", input);
        st.put("context", context);
        if (result != null) {
            st.put("result", result);
        }
        if (errorOutput != null) {
            st.put("errorOutput", errorOutput);
        }
        return st;
    }

    private static String stringResult(Object template, Map<String, Object> st, Run run, String field) {
        Object value = Expressions.evaluate(template, st, run.scope, field);
        if (!(value instanceof String s)) {
            throw StatesError.inState(StatesError.QUERY_EVALUATION, field + " of state '" + run.stateName
                    + "' must be a string, was a " + Json.typeName(value));
        }
        return s;
    }

    private static Integer seconds(Object template, Map<String, Object> st, Run run, String field) {
        if (template == null) {
            return null;
        }
        Object value = Expressions.evaluate(template, st, run.scope, field);
        if (!(value instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.longValue() < 1
                || n.longValue() > 99_999_999L) {
            throw StatesError.inState(StatesError.QUERY_EVALUATION, field + " of state '" + run.stateName
                    + "' must be an integer from 1 to 99999999, was " + Json.write(value));
        }
        return n.intValue();
    }

    private static void checkSize(Object value, String what) {
        if (Json.utf8Size(Json.write(value)) > MAX_PAYLOAD_BYTES) {
            throw StatesError.inState(StatesError.DATA_LIMIT_EXCEEDED, "The size of " + what + " exceeds the maximum"
                    + " payload size of " + MAX_PAYLOAD_BYTES + " bytes");
        }
    }

    /** Schedules {@code action} after {@code seconds} of workflow time, scaled by the engine's time scale. */
    private Future<?> schedule(double seconds, Runnable action) {
        long nanos = (long) (seconds * timeScale * 1_000_000_000L);
        return timers.schedule(Duration.ofNanos(Math.max(0, nanos)), action);
    }

    private static void putIfNotNull(Map<String, Object> map, String key, Object value) {
        if (value != null) {
            map.put(key, value);
        }
    }
}
