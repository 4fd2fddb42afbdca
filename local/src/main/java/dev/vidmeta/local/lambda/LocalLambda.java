package dev.vidmeta.local.lambda;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vidmeta.local.DocumentFiles;
import dev.vidmeta.local.LocalAws;
import dev.vidmeta.local.http.LocalRequestGuard;
import dev.vidmeta.local.http.LocalRequestGuard.Presigning;
import dev.vidmeta.local.http.LoopbackHttpServer;
import dev.vidmeta.local.http.LoopbackHttpServer.HttpRequest;
import dev.vidmeta.local.http.LoopbackHttpServer.HttpResponse;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lambda, in-process: registered handler classes invoked with the JSON boundary kept.
 *
 * <p>How it follows Lambda:
 * <ul>
 *   <li>A payload crosses as JSON text. {@code RequestStreamHandler}s get the bytes as they are; for a
 *       {@code RequestHandler<I, O>} the payload is read into {@code I} and the result written from {@code O}
 *       with Jackson, unknown properties ignored, as the Java runtime does for plain classes. Handlers taking
 *       {@code aws-lambda-java-events} types are refused at registration: Lambda reads those with its own
 *       serialization rules (mix-ins, Joda time), which this class does not reproduce -- take the stream.
 *   <li>One handler instance per execution environment: an instance never serves two invocations at once,
 *       concurrent invocations get separate instances (created on demand, kept warm afterwards).
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
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(SerializationFeature.FAIL_ON_EMPTY_BEANS, false)
            .findAndRegisterModules();

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

    private final Map<String, Deployed> functions = new ConcurrentHashMap<>();
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
        functions.put(function.name(), new Deployed(function));
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
                dispatch(AsyncEvent.fromJson(kept));
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
            server = LoopbackHttpServer.start("lambda", this::handle);
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
            // Shutting down: the event is lost with the process, as a local runtime's state is.
        }
    }

    private void schedule(AsyncEvent event, Duration delay) {
        try {
            asyncQueue.schedule(() -> dispatch(event), delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // Shutting down: the event is lost with the process, as a local runtime's state is.
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

    // ---- Invoke over HTTP (REST-JSON, https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html) ----

    private static final Pattern INVOKE_PATH = Pattern.compile("/2015-03-31/functions/([^/]+)/invocations");

    private HttpResponse handle(HttpRequest request) {
        Matcher m = INVOKE_PATH.matcher(request.path());
        // SigV4-signed with any key pair, and never from a web page (LocalRequestGuard).
        LocalRequestGuard.Refusal refusal = LocalRequestGuard.checkAwsRequest(request.method(), request.query(),
                request::header, Presigning.NOT_ACCEPTED);
        if (refusal != null) {
            return restError(refusal.status(), refusal.code(), refusal.message());
        }
        if (!"POST".equals(request.method()) || !m.matches()) {
            return restError(404, "ResourceNotFoundException", "No Lambda operation at " + request.path());
        }
        String name = URLDecoder.decode(m.group(1), StandardCharsets.UTF_8);
        String qualifier = request.query() == null ? null : Arrays.stream(request.query().split("&"))
                .filter(p -> p.startsWith("Qualifier=")).map(p -> URLDecoder.decode(p.substring(10),
                        StandardCharsets.UTF_8)).findFirst().orElse(null);
        if (qualifier != null && !name.startsWith("arn:")) {
            name = name + ":" + qualifier;
        }
        String type = request.header("X-Amz-Invocation-Type") == null ? "RequestResponse"
                : request.header("X-Amz-Invocation-Type");
        String payload = request.body() == null || request.body().isEmpty() ? "{}" : request.body();
        try {
            return switch (type) {
                case "Event" -> {
                    invokeAsync(name, payload);
                    yield new HttpResponse(202, "application/json", "");
                }
                case "DryRun" -> {
                    if (!functions.containsKey(baseName(name))) {
                        throw new LambdaServiceException("Lambda.ResourceNotFoundException",
                                "Function not found: " + arnOf(baseName(name)));
                    }
                    yield new HttpResponse(204, "application/json", "");
                }
                case "RequestResponse" -> {
                    Invocation result = invoke(name, payload);
                    Map<String, String> headers = new LinkedHashMap<>();
                    headers.put("X-Amz-Executed-Version", "$LATEST");
                    if (result.failed()) {
                        headers.put("X-Amz-Function-Error", result.functionError());
                    }
                    yield new HttpResponse(200, "application/json", result.payloadJson(), headers);
                }
                default -> restError(400, "InvalidParameterValueException", "InvocationType " + type);
            };
        } catch (LambdaServiceException e) {
            String code = e.errorName().replace("Lambda.", "");
            int status = switch (code) {
                case "ResourceNotFoundException" -> 404;
                case "TooManyRequestsException" -> 429;
                case "RequestTooLargeException" -> 413;
                case "ServiceException" -> 500;
                default -> 400;
            };
            return restError(status, code, e.getMessage());
        }
    }

    private static HttpResponse restError(int status, String code, String message) {
        ObjectNode body = JSON.createObjectNode();
        body.put("Type", status >= 500 ? "Service" : "User");
        body.put("message", message);
        return new HttpResponse(status, "application/json", body.toString(), Map.of("x-amzn-ErrorType", code));
    }

    public static String arnOf(String functionName) {
        return LocalAws.arn("lambda", "function:" + functionName);
    }

    @Override
    public Invocation invoke(String functionName, String payloadJson) {
        Deployed deployed = functions.get(baseName(functionName));
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

    /** A deployed function and its warm execution environments. */
    private final class Deployed {
        private final LocalFunction function;
        private final Queue<Object> warm = new ConcurrentLinkedQueue<>();

        Deployed(LocalFunction function) {
            this.function = function;
            // Validate the handler type at deploy time, not at first invocation.
            warm.add(newEnvironment());
        }

        private Object newEnvironment() {
            Object handler = function.handlerFactory().create(function.environment());
            if (!(handler instanceof RequestStreamHandler) && !(handler instanceof RequestHandler<?, ?>)) {
                throw new IllegalArgumentException(function.name() + ": " + handler.getClass().getName()
                        + " is neither a RequestHandler nor a RequestStreamHandler");
            }
            if (handler instanceof RequestHandler<?, ?>) {
                JavaType input = inputType(handler.getClass());
                if (input.getRawClass().getName().startsWith("com.amazonaws.services.lambda.runtime.events.")) {
                    throw new IllegalArgumentException(function.name() + ": " + handler.getClass().getName()
                            + " takes " + input.getRawClass().getName() + "; Lambda deserializes event library types"
                            + " with its own rules, which the local runtime does not reproduce. Implement"
                            + " RequestStreamHandler (exact on both) or take your own record.");
                }
            }
            return handler;
        }

        Invocation invoke(byte[] payload) {
            String requestId = UUID.randomUUID().toString();
            Object handler = warm.poll();
            if (handler == null) {
                handler = newEnvironment();
            }
            long deadline = System.nanoTime() + function.timeout().toNanos();
            var context = new LocalContext(requestId, function, deadline);
            Object environment = handler;
            Future<byte[]> running = executor.submit(() -> run(environment, payload, context));
            try {
                byte[] result = running.get(function.timeout().toNanos(), TimeUnit.NANOSECONDS);
                warm.add(environment);
                if (result.length > PAYLOAD_LIMIT_BYTES) {
                    return failed(errorDocument("Function.ResponseSizeTooLarge",
                            "Response payload size exceeded maximum allowed payload size (" + PAYLOAD_LIMIT_BYTES
                                    + " bytes)."));
                }
                return new Invocation(200, new String(result, StandardCharsets.UTF_8), null);
            } catch (TimeoutException e) {
                // Lambda stops the sandbox; this environment is not reused.
                running.cancel(true);
                return failed(errorDocument("Sandbox.Timedout", "RequestId: " + requestId
                        + " Error: Task timed out after %.2f seconds".formatted(function.timeout().toMillis() / 1000.0)));
            } catch (ExecutionException e) {
                warm.add(environment);
                return failed(errorDocument(e.getCause()).toString());
            } catch (InterruptedException e) {
                running.cancel(true);
                Thread.currentThread().interrupt();
                throw new LambdaServiceException("Lambda.ServiceException", "invocation interrupted");
            }
        }

        private static Invocation failed(String document) {
            return new Invocation(200, document, "Unhandled");
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static byte[] run(Object handler, byte[] payload, LocalContext context) throws Exception {
        if (handler instanceof RequestStreamHandler stream) {
            var out = new ByteArrayOutputStream();
            stream.handleRequest(new ByteArrayInputStream(payload), out, context);
            return out.toByteArray();
        }
        var typed = (RequestHandler) handler;
        Object input;
        try {
            input = JSON.readValue(payload, inputType(handler.getClass()));
        } catch (IOException e) {
            // The Java runtime's own wording for an event that does not fit the handler's type.
            throw new RuntimeException("An error occurred during JSON parsing", new UncheckedIOException(e));
        }
        Object output = typed.handleRequest(input, context);
        return JSON.writeValueAsBytes(output);
    }

    private static JavaType inputType(Class<?> handlerClass) {
        for (Class<?> c = handlerClass; c != null; c = c.getSuperclass()) {
            for (Type type : c.getGenericInterfaces()) {
                if (type instanceof ParameterizedType p && p.getRawType() == RequestHandler.class) {
                    return JSON.getTypeFactory().constructType(p.getActualTypeArguments()[0]);
                }
            }
        }
        return JSON.getTypeFactory().constructType(Object.class);
    }

    private static String errorDocument(String errorType, String message) {
        ObjectNode doc = JSON.createObjectNode();
        doc.put("errorType", errorType);
        doc.put("errorMessage", message);
        return doc.toString();
    }

    /** The Java runtime's document: message, fully qualified type, stack frames, and the cause chain. */
    static ObjectNode errorDocument(Throwable error) {
        ObjectNode doc = JSON.createObjectNode();
        if (error.getMessage() != null) {
            doc.put("errorMessage", error.getMessage());
        }
        doc.put("errorType", error.getClass().getName());
        ArrayNode frames = doc.putArray("stackTrace");
        for (StackTraceElement frame : error.getStackTrace()) {
            frames.add(frame.getClassName() + "." + frame.getMethodName() + "(" + frame.getFileName() + ":"
                    + frame.getLineNumber() + ")");
        }
        if (error.getCause() != null && error.getCause() != error) {
            doc.set("cause", errorDocument(error.getCause()));
        }
        return doc;
    }
}
