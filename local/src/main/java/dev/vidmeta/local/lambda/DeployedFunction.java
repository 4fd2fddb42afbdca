package dev.vidmeta.local.lambda;

import static dev.vidmeta.local.lambda.JavaRuntime.errorDocument;
import static dev.vidmeta.local.lambda.JavaRuntime.inputType;
import static dev.vidmeta.local.lambda.JavaRuntime.run;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JavaType;
import dev.vidmeta.local.lambda.LambdaInvoker.Invocation;
import dev.vidmeta.local.lambda.LambdaInvoker.LambdaServiceException;
import java.nio.charset.StandardCharsets;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A function {@link LocalLambda} deployed, and its warm execution environments: one handler instance per
 * environment, never two invocations at once in one, a timed-out environment discarded (see LocalLambda's class
 * comment).
 */
final class DeployedFunction {
    private final LocalFunction function;
    /** Runs each invocation, so that a timeout can abandon it. */
    private final ExecutorService executor;
    private final Queue<Object> warm = new ConcurrentLinkedQueue<>();

    DeployedFunction(LocalFunction function, ExecutorService executor) {
        this.function = function;
        this.executor = executor;
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
            if (result.length > LocalLambda.PAYLOAD_LIMIT_BYTES) {
                return failed(errorDocument("Function.ResponseSizeTooLarge",
                        "Response payload size exceeded maximum allowed payload size (" + LocalLambda.PAYLOAD_LIMIT_BYTES
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
