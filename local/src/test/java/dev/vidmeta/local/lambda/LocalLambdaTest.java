package dev.vidmeta.local.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.SNSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vidmeta.local.lambda.LambdaInvoker.Invocation;
import dev.vidmeta.local.lambda.LambdaInvoker.LambdaServiceException;
import dev.vidmeta.local.lambda.LocalFunction.HandlerFactory;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LocalLambdaTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final LocalLambda lambda = LocalLambda.withConcurrencyLimit(2);

    record Greeting(String name) { }

    record Reply(String text, String table, String functionName) { }

    /** A typed handler built the way the project's handlers are: dependencies from the function's env. */
    static final class GreetHandler implements RequestHandler<Greeting, Reply> {
        private final String table;

        GreetHandler(Map<String, String> env) {
            this.table = env.get("RECORD_TABLE_NAME");
        }

        @Override
        public Reply handleRequest(Greeting input, Context context) {
            return new Reply("hello " + input.name(), table, context.getFunctionName());
        }
    }

    @AfterEach
    void close() {
        lambda.close();
    }

    @Test
    void invoke_shouldPassBytesUnchanged_toAStreamHandler() {
        lambda.register("echo", env -> (RequestStreamHandler) (in, out, ctx) -> in.transferTo(out), Map.of());

        Invocation result = lambda.invoke("echo", "{\"a\": [1, 2.50, \"ü\"]}");

        assertThat(result.statusCode()).isEqualTo(200);
        assertThat(result.failed()).isFalse();
        assertThat(result.payloadJson()).isEqualTo("{\"a\": [1, 2.50, \"ü\"]}");
    }

    @Test
    void invoke_shouldDeserializeInput_andSerializeOutput_withTheFunctionsEnvironment() throws Exception {
        lambda.register("greet", GreetHandler::new, Map.of("RECORD_TABLE_NAME", "records"));

        Invocation result = lambda.invoke("greet", "{\"name\":\"Ada\",\"unknownField\":1}");

        assertThat(JSON.readTree(result.payloadJson())).isEqualTo(JSON.readTree(
                "{\"text\":\"hello Ada\",\"table\":\"records\",\"functionName\":\"greet\"}"));
    }

    @Test
    void invoke_shouldResolveArnsAndQualifiers_toTheFunction() {
        lambda.register("greet", GreetHandler::new, Map.of());

        assertThat(lambda.invoke(LocalLambda.arnOf("greet"), "{\"name\":\"a\"}").failed()).isFalse();
        assertThat(lambda.invoke(LocalLambda.arnOf("greet") + ":$LATEST", "{\"name\":\"a\"}").failed()).isFalse();
        assertThat(lambda.invoke("greet:live", "{\"name\":\"a\"}").failed()).isFalse();
    }

    @Test
    void invoke_shouldReturnTheJavaRuntimesErrorDocument_whenTheHandlerThrows() throws Exception {
        // https://docs.aws.amazon.com/lambda/latest/dg/java-exceptions.html: errorType is the class name
        lambda.register("boom", env -> (RequestStreamHandler) (in, out, ctx) -> {
            throw new IllegalStateException("outer", new IOException("inner"));
        }, Map.of());

        Invocation result = lambda.invoke("boom", "{}");

        assertThat(result.statusCode()).isEqualTo(200);
        assertThat(result.functionError()).isEqualTo("Unhandled");
        JsonNode doc = JSON.readTree(result.payloadJson());
        assertThat(doc.get("errorType").asText()).isEqualTo("java.lang.IllegalStateException");
        assertThat(doc.get("errorMessage").asText()).isEqualTo("outer");
        assertThat(doc.get("stackTrace").get(0).asText()).startsWith(LocalLambdaTest.class.getName() + ".");
        assertThat(doc.at("/cause/errorType").asText()).isEqualTo("java.io.IOException");
        assertThat(doc.at("/cause/errorMessage").asText()).isEqualTo("inner");
    }

    @Test
    void invoke_shouldReportAJsonParsingError_whenThePayloadDoesNotFitTheHandlersType() throws Exception {
        lambda.register("greet", GreetHandler::new, Map.of());

        Invocation result = lambda.invoke("greet", "{\"name\":{\"not\":\"a string\"}}");

        JsonNode doc = JSON.readTree(result.payloadJson());
        assertThat(result.functionError()).isEqualTo("Unhandled");
        assertThat(doc.get("errorType").asText()).isEqualTo("java.lang.RuntimeException");
        assertThat(doc.get("errorMessage").asText()).isEqualTo("An error occurred during JSON parsing");
    }

    @Test
    void invoke_shouldTimeOut_withSandboxTimedout() throws Exception {
        lambda.register(new LocalFunction("slow", env -> (RequestStreamHandler) (in, out, ctx) -> {
            try {
                Thread.sleep(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, Map.of(), Duration.ofSeconds(1), 128));

        long start = System.nanoTime();
        Invocation result = lambda.invoke("slow", "{}");

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        JsonNode doc = JSON.readTree(result.payloadJson());
        assertThat(result.functionError()).isEqualTo("Unhandled");
        assertThat(doc.get("errorType").asText()).isEqualTo("Sandbox.Timedout");
        assertThat(doc.get("errorMessage").asText()).endsWith("Task timed out after 1.00 seconds");
    }

    @Test
    void invoke_shouldRunConcurrently_andRefuseBeyondTheConcurrencyLimit() throws Exception {
        var bothRunning = new CountDownLatch(2);
        var release = new CountDownLatch(1);
        lambda.register(new LocalFunction("wait", env -> (RequestStreamHandler) (in, out, ctx) -> {
            bothRunning.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            out.write("\"done\"".getBytes());
        }, Map.of(), Duration.ofSeconds(30), 128));

        // own threads: the common pool may have a single worker on a small machine
        var callers = Executors.newFixedThreadPool(2);
        var first = CompletableFuture.supplyAsync(() -> lambda.invoke("wait", "{}"), callers);
        var second = CompletableFuture.supplyAsync(() -> lambda.invoke("wait", "{}"), callers);
        // both are inside the handler at the same time: two environments, really concurrent
        assertThat(bothRunning.await(10, TimeUnit.SECONDS)).isTrue();

        assertThatThrownBy(() -> lambda.invoke("wait", "{}"))
                .isInstanceOfSatisfying(LambdaServiceException.class,
                        e -> assertThat(e.errorName()).isEqualTo("Lambda.TooManyRequestsException"));
        release.countDown();
        assertThat(first.get(10, TimeUnit.SECONDS).payloadJson()).isEqualTo("\"done\"");
        assertThat(second.get(10, TimeUnit.SECONDS).payloadJson()).isEqualTo("\"done\"");
        callers.shutdown();
    }

    @Test
    void invoke_shouldRefuse_unknownFunctionsAndInvalidJson() {
        lambda.register("echo", env -> (RequestStreamHandler) (in, out, ctx) -> in.transferTo(out), Map.of());

        assertThatThrownBy(() -> lambda.invoke("nope", "{}"))
                .isInstanceOfSatisfying(LambdaServiceException.class,
                        e -> assertThat(e.errorName()).isEqualTo("Lambda.ResourceNotFoundException"));
        assertThatThrownBy(() -> lambda.invoke("echo", "{not json"))
                .isInstanceOfSatisfying(LambdaServiceException.class,
                        e -> assertThat(e.errorName()).isEqualTo("Lambda.InvalidRequestContentException"));
    }

    @Test
    void register_shouldRefuse_aDeclaredHandlerClassTakingEventLibraryTypes_withoutBuildingOne() {
        var built = new AtomicInteger();

        assertThatThrownBy(() -> lambda.register("sns", HandlerFactory.of(SnsTakingHandler.class, env -> {
            built.incrementAndGet();
            return new SnsTakingHandler();
        }), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("RequestStreamHandler");
        assertThat(built).hasValue(0);
    }

    @Test
    void register_shouldRefuse_aDeclaredClassThatIsNoHandler() {
        assertThatThrownBy(() -> lambda.register("nothing", HandlerFactory.of(String.class, env -> "x"), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("neither a RequestHandler nor a RequestStreamHandler");
    }

    @Test
    void invoke_shouldFailWithTheJavaRuntimesInitError_whenTheUndeclaredHandlerTakesEventLibraryTypes() throws Exception {
        RequestHandler<SNSEvent, Void> snsHandler = new SnsTakingHandler();
        lambda.register("sns", env -> snsHandler, Map.of());

        Invocation result = lambda.invoke("sns", "{}");

        assertThat(result.functionError()).isEqualTo("Unhandled");
        JsonNode doc = JSON.readTree(result.payloadJson());
        assertThat(doc.get("errorType").asText()).isEqualTo("java.lang.IllegalArgumentException");
        assertThat(doc.get("errorMessage").asText()).contains("RequestStreamHandler");
    }

    @Test
    void register_shouldBuildNoHandler_andTheFirstInvocationBuildsOne_thatLaterOnesReuse() {
        var built = new AtomicInteger();
        lambda.register("count", HandlerFactory.of(RequestStreamHandler.class, env -> {
            built.incrementAndGet();
            return (in, out, ctx) -> out.write(Integer.toString(built.get()).getBytes());
        }), Map.of());
        assertThat(built).hasValue(0);

        Invocation first = lambda.invoke("count", "{}");
        Invocation second = lambda.invoke("count", "{}");

        assertThat(first.payloadJson()).isEqualTo("1");
        assertThat(second.payloadJson()).isEqualTo("1");
        assertThat(built).hasValue(1);
    }

    @Test
    void invoke_shouldFailWithTheInitError_andRetryInitNextTime_whenTheHandlerCannotBeBuilt() throws Exception {
        // A constructor that throws fails Init: the invocation gets the exception's class and message, and no
        // environment is kept (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html).
        var attempts = new AtomicInteger();
        lambda.register("broken", HandlerFactory.of(RequestStreamHandler.class, env -> {
            if (attempts.incrementAndGet() == 1) {
                throw new IllegalStateException("RECORD_TABLE_NAME is not set");
            }
            return (in, out, ctx) -> out.write("\"built\"".getBytes());
        }), Map.of());

        Invocation failed = lambda.invoke("broken", "{}");
        Invocation next = lambda.invoke("broken", "{}");

        assertThat(failed.statusCode()).isEqualTo(200);
        assertThat(failed.functionError()).isEqualTo("Unhandled");
        JsonNode doc = JSON.readTree(failed.payloadJson());
        assertThat(doc.get("errorType").asText()).isEqualTo("java.lang.IllegalStateException");
        assertThat(doc.get("errorMessage").asText()).isEqualTo("RECORD_TABLE_NAME is not set");
        assertThat(next.failed()).isFalse();
        assertThat(next.payloadJson()).isEqualTo("\"built\"");
        assertThat(attempts).hasValue(2);
    }

    static final class SnsTakingHandler implements RequestHandler<SNSEvent, Void> {
        @Override
        public Void handleRequest(SNSEvent input, Context context) {
            return null;
        }
    }
}
