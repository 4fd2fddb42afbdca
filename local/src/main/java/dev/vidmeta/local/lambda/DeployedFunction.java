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
import java.util.concurrent.atomic.AtomicReference;

/**
 * A function {@link LocalLambda} deployed, and its warm execution environments: one handler instance per
 * environment, never two invocations at once in one, a timed-out environment discarded (see LocalLambda's class
 * comment).
 *
 * <p>An environment is built when an invocation finds none warm, as its Init phase, not at deployment: Lambda
 * runs a function's static and constructor code in the Init phase of a new execution environment, on demand
 * ("Understanding the Lambda execution environment lifecycle",
 * https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html). So deploying builds no SDK
 * client; it only checks the handler's declared class ({@link LocalFunction.HandlerFactory#handlerClass}). An
 * Init that fails fails that invocation with the Java runtime's init error and keeps no environment, so the next
 * invocation runs Init again, as Lambda does.
 */
final class DeployedFunction {
    private static final System.Logger LOG = System.getLogger(DeployedFunction.class.getName());

    private final LocalFunction function;
    /** Runs each invocation, so that a timeout can abandon it. */
    private final ExecutorService executor;
    private final Queue<Object> warm = new ConcurrentLinkedQueue<>();

    DeployedFunction(LocalFunction function, ExecutorService executor) {
        this.function = function;
        this.executor = executor;
        Class<?> declared = function.handlerFactory().handlerClass();
        if (declared != null) {
            checkHandlerType(declared);
        }
    }

    /** Whether Lambda's Java runtime could call {@code handlerClass}, and whether this twin reads its input as it does. */
    private void checkHandlerType(Class<?> handlerClass) {
        boolean stream = RequestStreamHandler.class.isAssignableFrom(handlerClass);
        boolean typed = RequestHandler.class.isAssignableFrom(handlerClass);
        if (!stream && !typed) {
            throw new IllegalArgumentException(function.name() + ": " + handlerClass.getName()
                    + " is neither a RequestHandler nor a RequestStreamHandler");
        }
        if (typed) {
            JavaType input = inputType(handlerClass);
            if (input.getRawClass().getName().startsWith("com.amazonaws.services.lambda.runtime.events.")) {
                throw new IllegalArgumentException(function.name() + ": " + handlerClass.getName()
                        + " takes " + input.getRawClass().getName() + "; Lambda deserializes event library types"
                        + " with its own rules, which the local runtime does not reproduce. Implement"
                        + " RequestStreamHandler (exact on both) or take your own record.");
            }
        }
    }

    /** An execution environment's Init phase: the handler built from the function's environment, and checked. */
    private Object init() {
        Object handler;
        try {
            handler = function.handlerFactory().create(function.environment());
        } catch (RuntimeException | LinkageError e) {
            throw new InitFailure(e);
        }
        try {
            checkHandlerType(handler.getClass());
        } catch (IllegalArgumentException e) {
            throw new InitFailure(e);
        }
        return handler;
    }

    Invocation invoke(byte[] payload) {
        String requestId = UUID.randomUUID().toString();
        // The environment this invocation runs in: a warm one, or one its own Init builds, within the function's
        // timeout, as Lambda gives an Init it runs at an invocation (lambda-runtime-environment.html above); Init's
        // own 10 s limit before an invocation is not modelled.
        var environment = new AtomicReference<>(warm.poll());
        long deadline = System.nanoTime() + function.timeout().toNanos();
        var context = new LocalContext(requestId, function, deadline);
        Future<byte[]> running = executor.submit(() -> {
            if (environment.get() == null) {
                environment.set(init());
            }
            return run(environment.get(), payload, context);
        });
        try {
            byte[] result = running.get(function.timeout().toNanos(), TimeUnit.NANOSECONDS);
            warm.add(environment.get());
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
            if (e.getCause() instanceof InitFailure init) {
                return failed(initError(requestId, init.getCause()));
            }
            warm.add(environment.get());
            return failed(errorDocument(e.getCause()).toString());
        } catch (InterruptedException e) {
            running.cancel(true);
            Thread.currentThread().interrupt();
            throw new LambdaServiceException("Lambda.ServiceException", "invocation interrupted");
        }
    }

    /**
     * What a failed Init returns to the invocation that ran it. Lambda's Java runtime reports a handler it cannot
     * load or construct as an init error of type {@code Runtime.BadFunctionCode} (aws-lambda-java-runtime-interface-client,
     * RapidErrorType), which Lambda logs in the INIT_REPORT line ("Error Type", lambda-runtime-environment.html
     * above, "Failures during the Init phase"); the document it sends carries the exception's class as
     * {@code errorType} and its message, without a stack trace (LambdaErrorConverter.fromUserFault), and the
     * invocation fails as Unhandled. The document is AWS's; the log line records the init error's type.
     */
    private String initError(String requestId, Throwable cause) {
        LOG.log(System.Logger.Level.ERROR, "INIT_REPORT function " + function.name() + " RequestId: " + requestId
                + " Phase: invoke Status: error Error Type: Runtime.BadFunctionCode: " + cause, cause);
        String message = cause.getMessage() == null ? cause.getClass().getName() : cause.getMessage();
        return errorDocument(cause.getClass().getName(), message);
    }

    /** A failure of an execution environment's Init, as opposed to one of the handler's invocation. */
    private static final class InitFailure extends RuntimeException {
        InitFailure(Throwable cause) {
            super(cause);
        }
    }

    private static Invocation failed(String document) {
        return new Invocation(200, document, "Unhandled");
    }
}
