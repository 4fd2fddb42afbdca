package dev.vidmeta.local.sfn;

import dev.vidmeta.local.lambda.LambdaInvoker;
import dev.vidmeta.local.lambda.LambdaInvoker.Invocation;
import dev.vidmeta.local.lambda.LambdaInvoker.LambdaServiceException;
import dev.vidmeta.local.sfn.Definition.Task;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;

/**
 * Task states on {@code lambda:invoke} and {@code lambda:invoke.waitForTaskToken}: the invocation, the task
 * token and its callbacks (SendTaskSuccess, SendTaskFailure, SendTaskHeartbeat), TimeoutSeconds and
 * HeartbeatSeconds ("Wait for a Callback with Task Token",
 * https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html#connect-wait-token).
 */
final class TaskRunner {

    private static final String TOKEN_PREFIX = "vidmeta-local-token:";

    private final Interpreter engine;
    private final LambdaInvoker invoker;
    private final Executor executor;
    private final String region;
    /** The tokens of open attempts; an attempt leaves when it closes. */
    private final Map<String, TaskAttempt> tokens = new ConcurrentHashMap<>();

    TaskRunner(Interpreter engine, LambdaInvoker invoker, Executor executor, String region) {
        this.engine = engine;
        this.invoker = invoker;
        this.executor = executor;
        this.region = region;
    }

    /** Runs one attempt of {@code task}; the future completes with its result or fails with its error. */
    CompletableFuture<Object> run(Run run, int gen, Task task, Object input) {
        Execution ex = run.execution;
        String resource = task.waitForTaskToken() ? "invoke.waitForTaskToken" : "invoke";
        String token = task.waitForTaskToken() ? newToken(ex) : null;
        Map<String, Object> st = Evaluation.states(run, input, null, null);
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
        Integer timeout = Evaluation.seconds(task.timeoutSeconds(), st, run, "TimeoutSeconds");
        Integer heartbeat = Evaluation.seconds(task.heartbeatSeconds(), st, run, "HeartbeatSeconds");
        String parameters = Json.write(arguments);
        Evaluation.checkSize(arguments, "the Arguments of state '" + task.name() + "'");
        String qualifier = args.get("Qualifier") instanceof String q ? q : null;
        String payloadJson = args.containsKey("Payload") ? Json.write(args.get("Payload")) : "{}";
        String target = qualifier == null ? function : function + ":" + qualifier;

        Map<String, Object> scheduled = new LinkedHashMap<>();
        scheduled.put("resourceType", "lambda");
        scheduled.put("resource", resource);
        scheduled.put("region", region);
        scheduled.put("parameters", parameters);
        ApiRequests.putIfNotNull(scheduled, "timeoutInSeconds", timeout);
        ApiRequests.putIfNotNull(scheduled, "heartbeatInSeconds", heartbeat);
        ex.record(run, engine.now(), "TaskScheduled", "taskScheduledEventDetails", scheduled);
        TaskAttempt attempt = new TaskAttempt(run, gen, token, resource, target, payloadJson, heartbeat,
                tokens::remove);
        run.attempt = attempt;
        if (token != null) {
            tokens.put(token, attempt);
        }
        Instant timeoutAt = timeout == null ? null : engine.deadline(timeout);
        Instant heartbeatAt = heartbeat == null ? null : engine.deadline(heartbeat);
        // What a restarted engine needs to go on with this attempt: the same token, the same invocation, the
        // same absolute deadlines.
        Map<String, Object> resume = new LinkedHashMap<>();
        resume.put("token", token);
        resume.put("function", target);
        resume.put("payload", payloadJson);
        resume.put("timeoutSeconds", timeout);
        resume.put("timeoutAt", timeoutAt == null ? null : timeoutAt.toEpochMilli());
        resume.put("heartbeatSeconds", heartbeat);
        resume.put("heartbeatAt", heartbeatAt == null ? null : heartbeatAt.toEpochMilli());
        ex.record(run, engine.now(), "TaskStarted", "taskStartedEventDetails",
                Map.of("resourceType", "lambda", "resource", resource), Map.of("task", resume));
        arm(attempt, timeout, timeoutAt, heartbeatAt);
        executor.execute(() -> invoke(attempt));
        return attempt.result;
    }

    /** Re-creates the open attempt of a run read back from the journal, its token valid again. */
    void adopt(Run run, int gen, JournalReplay.TaskOpen task) {
        TaskAttempt attempt = new TaskAttempt(run, gen, task.token(), task.resource(), task.function(),
                task.payloadJson(), task.heartbeatSeconds(), tokens::remove);
        attempt.heartbeatAt = task.heartbeatAt();
        run.attempt = attempt;
        if (task.token() != null) {
            tokens.put(task.token(), attempt);
        }
    }

    /**
     * Goes on with an attempt {@link #adopt}ed from the journal: its TimeoutSeconds and HeartbeatSeconds from
     * their absolute deadlines, and its invocation again unless the function had returned (TaskSubmitted): the
     * crash may have cut it off, and only invoking again (at least once) is sure to finish the task.
     */
    CompletableFuture<Object> resume(Run run, JournalReplay.TaskOpen task) {
        TaskAttempt attempt = run.attempt;
        if (attempt.isClosed()) {
            // A callback came between adopt and resume.
            return attempt.result;
        }
        // The heartbeat deadline as it is now: a heartbeat may have come since the engine started.
        arm(attempt, task.timeoutSeconds(), task.timeoutAt(), attempt.heartbeatAt);
        if (!task.submitted()) {
            executor.execute(() -> invoke(attempt));
        }
        return attempt.result;
    }

    private void arm(TaskAttempt attempt, Integer timeout, Instant timeoutAt, Instant heartbeatAt) {
        if (timeoutAt != null) {
            attempt.timeoutTimer = engine.scheduleAt(timeoutAt, () -> timedOut(attempt, StatesError.TIMEOUT,
                    "Task timed out after TimeoutSeconds (" + timeout + ")"));
        }
        if (heartbeatAt != null) {
            armHeartbeat(attempt, heartbeatAt);
        }
    }

    private void invoke(TaskAttempt attempt) {
        Invocation invocation;
        try {
            invocation = invoker.invoke(attempt.function, attempt.payloadJson);
        } catch (LambdaServiceException e) {
            taskFailed(attempt, new StatesError(e.errorName(), e.getMessage()));
            return;
        } catch (RuntimeException e) {
            taskFailed(attempt, new StatesError("Lambda.ServiceException", "Lambda could not invoke "
                    + attempt.function + ": " + e));
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
        if (Json.utf8Size(outputJson) > Evaluation.MAX_PAYLOAD_BYTES) {
            taskFailed(attempt, new StatesError(StatesError.DATA_LIMIT_EXCEEDED, "The state/task '"
                    + attempt.run.stateName + "' returned a result with a size exceeding the maximum number of bytes"
                    + " service limit."));
            return;
        }
        Map<String, Object> details = Map.of("resourceType", "lambda", "resource", attempt.resource,
                "output", outputJson, "outputDetails", Map.of("truncated", false));
        if (attempt.token == null) {
            if (attempt.close() && attempt.run.live(attempt.generation)) {
                attempt.run.execution.record(attempt.run, engine.now(), "TaskSucceeded",
                        "taskSucceededEventDetails", details);
                attempt.result.complete(output);
            }
        } else if (!attempt.isClosed() && attempt.run.live(attempt.generation)) {
            // The callback may already have arrived while the function ran; then there is nothing to submit.
            attempt.run.execution.record(attempt.run, engine.now(), "TaskSubmitted", "taskSubmittedEventDetails",
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
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC).format(engine.now());
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
        ApiRequests.putIfNotNull(details, "error", error.error());
        ApiRequests.putIfNotNull(details, "cause", error.cause());
        attempt.run.execution.record(attempt.run, engine.now(), type, detailsKey, details);
        attempt.result.completeExceptionally(error);
    }

    private void armHeartbeat(TaskAttempt attempt, Instant at) {
        int heartbeat = attempt.heartbeatSeconds;
        attempt.heartbeatAt = at;
        Future<?> previous = attempt.heartbeatTimer;
        if (previous != null) {
            previous.cancel(false);
        }
        attempt.heartbeatTimer = engine.scheduleAt(at, () -> timedOut(attempt, StatesError.HEARTBEAT_TIMEOUT,
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
        if (Json.utf8Size(outputJson) > Evaluation.MAX_PAYLOAD_BYTES) {
            throw new SfnApiException("InvalidOutput", "The output exceeds the maximum size of "
                    + Evaluation.MAX_PAYLOAD_BYTES + " bytes");
        }
        if (!attempt.close()) {
            throw closed();
        }
        if (attempt.run.live(attempt.generation)) {
            attempt.run.execution.record(attempt.run, engine.now(), "TaskSucceeded", "taskSucceededEventDetails",
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
        if (attempt.heartbeatSeconds != null) {
            if (attempt.isClosed()) {
                throw closed();
            }
            Instant at = engine.deadline(attempt.heartbeatSeconds);
            attempt.run.execution.checkpoint(attempt.run, "heartbeat", Map.of("at", at.toEpochMilli()));
            armHeartbeat(attempt, at);
            if (attempt.isClosed()) {
                attempt.heartbeatTimer.cancel(false);
                throw closed();
            }
        }
    }

    /**
     * The open attempt of {@code token}. SendTaskSuccess and its siblings answer InvalidToken for a token that
     * is not one, TaskDoesNotExist for one never issued, and TaskTimedOut for one whose task has ended
     * (https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskSuccess.html); the service
     * tells the last two apart by the execution the token names ({@link #executionOf}).
     */
    private TaskAttempt openAttempt(String token) {
        String executionArn = executionOf(token);
        TaskAttempt attempt = tokens.get(token);
        if (attempt == null) {
            throw new SfnApiException("TaskDoesNotExist", "Task does not exist for token: execution "
                    + executionArn);
        }
        if (attempt.isClosed() || !attempt.run.live(attempt.generation)) {
            throw closed();
        }
        return attempt;
    }

    /** The execution ARN a well-formed token names; InvalidToken for anything else. */
    static String executionOf(String token) {
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
        String rest = decoded.substring(TOKEN_PREFIX.length());
        int uuid = rest.lastIndexOf(':');
        return uuid < 0 ? rest : rest.substring(0, uuid);
    }

    static SfnApiException closed() {
        return new SfnApiException("TaskTimedOut", "Task Timed Out: 'Provided task does not exist anymore'");
    }

    private static String newToken(Execution ex) {
        String raw = TOKEN_PREFIX + ex.arn + ":" + UUID.randomUUID();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }
}
