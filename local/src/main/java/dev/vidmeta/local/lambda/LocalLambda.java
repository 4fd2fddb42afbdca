package dev.vidmeta.local.lambda;

import static dev.vidmeta.local.lambda.JavaRuntime.JSON;
import static dev.vidmeta.local.lambda.JavaRuntime.errorDocument;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vidmeta.local.DocumentFiles;
import dev.vidmeta.local.LocalAws;
import dev.vidmeta.local.http.LoopbackHttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Lambda, in-process: registered handler classes invoked with the JSON boundary kept.
 *
 * <p>How it follows Lambda:
 * <ul>
 *   <li>A payload crosses as JSON text. {@code RequestStreamHandler}s get the bytes as they are; for a
 *       {@code RequestHandler<I, O>} the payload is read into {@code I} and the result written from {@code O}
 *       with Jackson, unknown properties ignored, as the Java runtime does for plain classes. Handlers taking
 *       {@code aws-lambda-java-events} types are refused (at registration when the factory names its class, else
 *       at the first Init): Lambda reads those with its own serialization rules (mix-ins, Joda time), which this
 *       class does not reproduce -- take the stream.
 *   <li>One handler instance per execution environment: an instance never serves two invocations at once,
 *       concurrent invocations get separate instances, each built by the Init of the invocation that found
 *       none warm and kept warm afterwards; registering builds none (see DeployedFunction).
 *   <li>A thrown exception becomes the Java runtime's error document, {@code errorType} the fully qualified
 *       class name (https://docs.aws.amazon.com/lambda/latest/dg/java-exceptions.html), with
 *       {@code functionError "Unhandled"}. A timeout becomes {@code Sandbox.Timedout} and its environment is
 *       discarded.
 *   <li>Concurrency is real (a thread per running invocation) and capped: beyond the cap Invoke is refused
 *       with {@code TooManyRequestsException}, which Step Functions names {@code Lambda.TooManyRequestsException}.
 *   <li>Asynchronous invocation ({@link #invokeAsync}, what SNS does) queues the event and answers at once. A
 *       function error is retried twice, 1 and then 2 minutes later; a throttled attempt is retried without
 *       counting, until the event is older than its maximum age (6 hours). Then the event goes to the on-failure
 *       destination of {@link #putFunctionEventInvokeConfig}, in the documented record shape, or without one is
 *       discarded ("How Lambda handles errors and retries with asynchronous invocation",
 *       https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html; "Capturing records of
 *       Lambda asynchronous invocations", https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html).
 *       With {@link #keepAsyncEventsIn} the queue outlives a crash ("Lambda places the event in a queue and
 *       returns a success response", "Invoking a Lambda function asynchronously",
 *       https://docs.aws.amazon.com/lambda/latest/dg/invocation-async.html): an event is kept before invokeAsync
 *       returns and forgotten once it succeeded or went to its destination; {@link #resumeAsyncEvents} runs what a crash
 *       left, so an invocation the crash cut off runs again. At least once, as Lambda's queue is: "it's possible
 *       for it to receive the same event from Lambda multiple times" (invocation-async-error-handling.html).
 *   <li>{@link #endpoint()} answers Lambda's Invoke over HTTP ({@code POST /2015-03-31/functions/NAME/invocations},
 *       RequestResponse or Event), so an SDK {@code LambdaClient} reaches the deployed functions.
 * </ul>
 */
public final class LocalLambda implements LambdaInvoker, AutoCloseable {

    /** Lambda's default account-level concurrency. */
    public static final int DEFAULT_CONCURRENCY = 1000;
    /** Invoke's synchronous payload limit, request and response (6 MB). */
    static final int PAYLOAD_LIMIT_BYTES = 6 * 1024 * 1024;

    private static final System.Logger LOG = System.getLogger(LocalLambda.class.getName());
    /**
     * When Lambda retries a failed asynchronous invocation: "a one-minute wait between the first two attempts, and
     * two minutes between the second and third" (invocation-async-error-handling.html above).
     */
    public record AsyncRetryDelays(Duration beforeFirstRetry, Duration beforeSecondRetry) {

        public static AsyncRetryDelays aws() {
            return new AsyncRetryDelays(Duration.ofMinutes(1), Duration.ofMinutes(2));
        }

        /** The same two steps, milliseconds apart: for tests and demos. */
        public static AsyncRetryDelays fast() {
            return new AsyncRetryDelays(Duration.ofMillis(5), Duration.ofMillis(10));
        }

        Duration before(int retry) {
            return retry <= 1 ? beforeFirstRetry : beforeSecondRetry;
        }
    }

    /**
     * PutFunctionEventInvokeConfig, as Terraform's {@code aws_lambda_function_event_invoke_config} sets it.
     *
     * @param maximumRetryAttempts 0 to 2
     * @param onFailureDestination an SQS queue ARN, or null to discard what fails
     */
    public record EventInvokeConfig(int maximumRetryAttempts, Duration maximumEventAge, String onFailureDestination) {

        /** Lambda's defaults: 2 retries, 6 hours, no destination. */
        public static EventInvokeConfig defaults() {
            return new EventInvokeConfig(2, Duration.ofHours(6), null);
        }

        public EventInvokeConfig {
            if (maximumRetryAttempts < 0 || maximumRetryAttempts > 2) {
                throw new IllegalArgumentException("MaximumRetryAttempts is 0 to 2, not " + maximumRetryAttempts);
            }
            if (maximumEventAge.compareTo(Duration.ofSeconds(60)) < 0 || maximumEventAge.compareTo(Duration.ofHours(6)) > 0) {
                throw new IllegalArgumentException("MaximumEventAgeInSeconds is 60 to 21600, not " + maximumEventAge);
            }
            if (onFailureDestination != null && !onFailureDestination.startsWith("arn:aws:sqs:")) {
                throw new IllegalArgumentException("the local Lambda sends on-failure records to SQS queues only, not "
                        + onFailureDestination);
            }
        }
    }

    /** Where on-failure records go: the local SQS, by queue ARN. */
    @FunctionalInterface
    public interface Destinations {
        void send(String destinationArn, String recordJson);
    }

    private final Map<String, DeployedFunction> functions = new ConcurrentHashMap<>();
    private final Map<String, EventInvokeConfig> invokeConfigs = new ConcurrentHashMap<>();
    private final Semaphore concurrency;
    private final ExecutorService executor;
    private final ScheduledExecutorService asyncQueue;
    /** Lambda's Invoke over HTTP, started by the first {@link #endpoint()} call (in-process users need none). */
    private LoopbackHttpServer server;
    private volatile AsyncRetryDelays asyncRetryDelays = AsyncRetryDelays.aws();
    private volatile Destinations destinations = (arn, record) -> {
        throw new IllegalStateException("no destination service for " + arn);
    };
    /** The asynchronous events queued and not yet done with, by request ID. */
    private volatile DocumentFiles asyncEvents = DocumentFiles.none();
    private volatile boolean closed;

    private LocalLambda(int concurrencyLimit) {
        this.concurrency = new Semaphore(concurrencyLimit);
        AtomicInteger threads = new AtomicInteger();
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "lambda-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.asyncQueue = Executors.newScheduledThreadPool(1, r -> {
            Thread t = new Thread(r, "lambda-async");
            t.setDaemon(true);
            return t;
        });
    }

    public static LocalLambda create() {
        return new LocalLambda(DEFAULT_CONCURRENCY);
    }

    public static LocalLambda withConcurrencyLimit(int limit) {
        return new LocalLambda(limit);
    }

    /** Deploys (or redeploys) a function. */
    public void register(LocalFunction function) {
        functions.put(function.name(), new DeployedFunction(function, executor));
    }

    /** Shorthand for {@link #register(LocalFunction)} with Lambda's default limits. */
    public void register(String name, LocalFunction.HandlerFactory handlerFactory, Map<String, String> environment) {
        register(LocalFunction.of(name, handlerFactory, environment));
    }

    /** How fast asynchronous invocations are retried (AWS's 1 and 2 minutes unless set). */
    public void asyncRetryDelays(AsyncRetryDelays delays) {
        this.asyncRetryDelays = delays;
    }

    /** The service that receives on-failure records (the local SQS). */
    public void destinations(Destinations sender) {
        this.destinations = sender;
    }

    /** Keeps the asynchronous event queue in {@code stateDir}, so that it outlives a crash (see the class comment). */
    public void keepAsyncEventsIn(Path stateDir) {
        this.asyncEvents = DocumentFiles.in(stateDir.resolve("async-events"));
    }

    /**
     * Queues again the asynchronous events a crash left undone, with the attempts they had made and their age.
     * Call once the functions are deployed again; returns how many it queued.
     */
    public int resumeAsyncEvents() {
        List<String> ids = asyncEvents.ids();
        for (String id : ids) {
            JsonNode kept = asyncEvents.get(id);
            if (kept != null) {
                AsyncEvent event = AsyncEvent.fromJson(kept);
                // One that had failed waits its retry delay again (in full: when it was due is not kept), so a
                // restart never retries sooner than Lambda would.
                if (event.attempts > 0) {
                    schedule(event, asyncRetryDelays.before(event.attempts));
                } else {
                    dispatch(event);
                }
            }
        }
        return ids.size();
    }

    /** PutFunctionEventInvokeConfig for a function (the local Lambda keeps one per function, any qualifier). */
    public void putFunctionEventInvokeConfig(String functionName, EventInvokeConfig config) {
        invokeConfigs.put(baseName(functionName), config);
    }

    /** The Invoke endpoint ({@code AWS_ENDPOINT_URL_LAMBDA}), started on first use. */
    public synchronized URI endpoint() {
        if (server == null) {
            server = LoopbackHttpServer.start("lambda", new InvokeHttpApi(this)::handle);
        }
        return server.endpoint();
    }

    /**
     * Invoke with InvocationType Event: checks the request as Invoke does, queues the event and returns its
     * request ID; the function runs later, retried and dead-lettered as Lambda does (see the class comment).
     *
     * @throws LambdaServiceException when Lambda refuses the event itself (unknown function, bad payload)
     */
    public String invokeAsync(String functionName, String payloadJson) {
        String base = baseName(functionName);
        if (!functions.containsKey(base)) {
            throw new LambdaServiceException("Lambda.ResourceNotFoundException", "Function not found: " + arnOf(base));
        }
        try {
            JSON.readTree(payloadJson);
        } catch (IOException e) {
            throw new LambdaServiceException("Lambda.InvalidRequestContentException",
                    "Could not parse request body into json: " + e.getMessage());
        }
        var event = new AsyncEvent(UUID.randomUUID().toString(), functionName, base, payloadJson, Instant.now());
        // Kept before the event is accepted: what Lambda accepted runs, crash or not.
        asyncEvents.put(event.requestId, event.toJson());
        dispatch(event);
        return event.requestId;
    }

    /** One queued asynchronous event: the same request ID on every attempt, as Lambda reports it. */
    private static final class AsyncEvent {
        final String requestId;
        final String invokedName;
        final String base;
        final String payloadJson;
        final Instant received;
        int attempts;

        AsyncEvent(String requestId, String invokedName, String base, String payloadJson, Instant received) {
            this.requestId = requestId;
            this.invokedName = invokedName;
            this.base = base;
            this.payloadJson = payloadJson;
            this.received = received;
        }

        ObjectNode toJson() {
            return JSON.createObjectNode().put("RequestId", requestId).put("InvokedName", invokedName)
                    .put("Payload", payloadJson).put("ReceivedAtMillis", received.toEpochMilli())
                    .put("Attempts", attempts);
        }

        static AsyncEvent fromJson(JsonNode json) {
            String invokedName = json.path("InvokedName").asText();
            var event = new AsyncEvent(json.path("RequestId").asText(), invokedName, baseName(invokedName),
                    json.path("Payload").asText(), Instant.ofEpochMilli(json.path("ReceivedAtMillis").asLong()));
            event.attempts = json.path("Attempts").asInt();
            return event;
        }
    }

    private void attempt(AsyncEvent event) {
        EventInvokeConfig config = invokeConfigs.getOrDefault(event.base, EventInvokeConfig.defaults());
        if (event.received.plus(config.maximumEventAge()).isBefore(Instant.now())) {
            giveUp(event, config, "EventAgeExceeded", null);
            return;
        }
        Invocation result;
        try {
            result = invoke(event.invokedName, event.payloadJson);
        } catch (LambdaServiceException e) {
            if (e.errorName().equals("Lambda.TooManyRequestsException")) {
                // Throttling is not a function error: Lambda keeps the event and tries again, within its age.
                schedule(event, asyncRetryDelays.before(1));
                return;
            }
            result = new Invocation(200, errorDocument(e.errorName().replace("Lambda.", ""), e.getMessage()),
                    "Unhandled");
        }
        if (closed) {
            // Cut off by the shutdown, not failed: the kept event runs again after a restart.
            return;
        }
        event.attempts++;
        if (!result.failed()) {
            asyncEvents.delete(event.requestId);
            return;
        }
        if (event.attempts <= config.maximumRetryAttempts()) {
            asyncEvents.put(event.requestId, event.toJson());
            schedule(event, asyncRetryDelays.before(event.attempts));
        } else {
            giveUp(event, config, "RetriesExhausted", result);
        }
    }

    /** Attempts run side by side, as Lambda runs queued events on as many environments as it needs. */
    private void dispatch(AsyncEvent event) {
        try {
            executor.execute(() -> attempt(event));
        } catch (RejectedExecutionException e) {
            // Shutting down: an event kept in the work dir (asyncEvents) runs again after a restart.
        }
    }

    private void schedule(AsyncEvent event, Duration delay) {
        try {
            asyncQueue.schedule(() -> dispatch(event), delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // Shutting down: an event kept in the work dir (asyncEvents) runs again after a restart.
        }
    }

    private void giveUp(AsyncEvent event, EventInvokeConfig config, String condition, Invocation last) {
        String destination = config.onFailureDestination();
        if (destination == null) {
            LOG.log(System.Logger.Level.ERROR, "asynchronous invocation " + event.requestId + " of " + event.base
                    + " discarded (" + condition + ", no on-failure destination)");
        } else {
            try {
                destinations.send(destination, onFailureRecord(event, condition, last));
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "asynchronous invocation " + event.requestId + " of " + event.base
                        + " could not be sent to " + destination + ": " + e.getMessage());
            }
        }
        asyncEvents.delete(event.requestId);
    }

    /** The on-failure record, field for field as invocation-async-retain-records.html shows it. */
    private String onFailureRecord(AsyncEvent event, String condition, Invocation last) {
        ObjectNode record = JSON.createObjectNode();
        record.put("version", "1.0");
        record.put("timestamp", Instant.now().toString());
        ObjectNode request = record.putObject("requestContext");
        request.put("requestId", event.requestId);
        String qualifier = qualifierOf(event.invokedName);
        request.put("functionArn", arnOf(event.base) + ":" + (qualifier == null ? "$LATEST" : qualifier));
        request.put("condition", condition);
        request.put("approximateInvokeCount", event.attempts);
        try {
            record.set("requestPayload", JSON.readTree(event.payloadJson));
            if (last != null) {
                ObjectNode response = record.putObject("responseContext");
                response.put("statusCode", last.statusCode());
                response.put("executedVersion", "$LATEST");
                response.put("functionError", last.functionError());
                record.set("responsePayload", JSON.readTree(last.payloadJson()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return record.toString();
    }

    /** The alias or version of {@code name:qualifier} or a qualified ARN; null when unqualified. */
    static String qualifierOf(String functionName) {
        if (functionName.startsWith("arn:")) {
            String[] parts = functionName.split(":");
            return parts.length > 7 ? parts[7] : null;
        }
        int colon = functionName.indexOf(':');
        return colon < 0 ? null : functionName.substring(colon + 1);
    }

    /** True when {@code functionName} (any form {@link #baseName} reads) names a deployed function. */
    boolean isDeployed(String functionName) {
        return functions.containsKey(baseName(functionName));
    }

    public static String arnOf(String functionName) {
        return LocalAws.arn("lambda", "function:" + functionName);
    }

    @Override
    public Invocation invoke(String functionName, String payloadJson) {
        DeployedFunction deployed = functions.get(baseName(functionName));
        if (deployed == null) {
            throw new LambdaServiceException("Lambda.ResourceNotFoundException",
                    "Function not found: " + arnOf(baseName(functionName)));
        }
        byte[] payload = payloadJson.getBytes(StandardCharsets.UTF_8);
        if (payload.length > PAYLOAD_LIMIT_BYTES) {
            throw new LambdaServiceException("Lambda.RequestTooLargeException",
                    "Request must be smaller than " + PAYLOAD_LIMIT_BYTES + " bytes for the InvokeFunction operation");
        }
        try {
            JSON.readTree(payload);
        } catch (IOException e) {
            throw new LambdaServiceException("Lambda.InvalidRequestContentException",
                    "Could not parse request body into json: " + e.getMessage());
        }
        if (!concurrency.tryAcquire()) {
            throw new LambdaServiceException("Lambda.TooManyRequestsException", "Rate Exceeded.");
        }
        try {
            return deployed.invoke(payload);
        } finally {
            concurrency.release();
        }
    }

    /** {@code name}, {@code name:qualifier}, or {@code arn:aws:lambda:region:account:function:name[:qualifier]}. */
    static String baseName(String functionName) {
        String name = functionName;
        if (name.startsWith("arn:")) {
            String[] parts = name.split(":");
            name = parts.length > 6 ? parts[6] : name;
        } else if (name.contains(":")) {
            name = name.substring(0, name.indexOf(':'));
        }
        return name;
    }

    @Override
    public void close() {
        closed = true;
        synchronized (this) {
            if (server != null) {
                server.close();
            }
        }
        asyncQueue.shutdownNow();
        executor.shutdownNow();
    }

}
