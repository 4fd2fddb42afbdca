package dev.vidmeta.local.lambda;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vidmeta.local.LocalAws;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

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
 * </ul>
 */
public final class LocalLambda implements LambdaInvoker, AutoCloseable {

    /** Lambda's default account-level concurrency. */
    public static final int DEFAULT_CONCURRENCY = 1000;
    /** Invoke's synchronous payload limit, request and response (6 MB). */
    static final int PAYLOAD_LIMIT_BYTES = 6 * 1024 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(SerializationFeature.FAIL_ON_EMPTY_BEANS, false)
            .findAndRegisterModules();

    private final Map<String, Deployed> functions = new ConcurrentHashMap<>();
    private final Semaphore concurrency;
    private final ExecutorService executor;

    private LocalLambda(int concurrencyLimit) {
        this.concurrency = new Semaphore(concurrencyLimit);
        AtomicInteger threads = new AtomicInteger();
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "lambda-" + threads.incrementAndGet());
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
        } catch (java.io.IOException e) {
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
        } catch (java.io.IOException e) {
            // The Java runtime's own wording for an event that does not fit the handler's type.
            throw new RuntimeException("An error occurred during JSON parsing", new java.io.UncheckedIOException(e));
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
