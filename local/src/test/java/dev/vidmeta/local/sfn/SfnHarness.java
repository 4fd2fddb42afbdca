package dev.vidmeta.local.sfn;

import dev.vidmeta.local.LocalAws;
import dev.vidmeta.local.lambda.LambdaInvoker;
import dev.vidmeta.testing.Await;
import dev.vidmeta.testing.SfnExecutions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;

/**
 * Starts a {@link LocalStepFunctions} with {@link TestFunctions} and an unmodified {@link SfnClient} pointed at
 * it. Workflow time runs 100 times faster ({@link #TIME_SCALE}) so that whole-second ASL timers stay short.
 */
final class SfnHarness implements AutoCloseable {

    static final double TIME_SCALE = 0.01;
    static final String ROLE = LocalAws.roleArn("vidmeta-sfn");

    final TestFunctions functions = new TestFunctions();
    final LocalStepFunctions sfn;
    final SfnClient client;

    SfnHarness() {
        this(LocalStepFunctions.Options.defaults().withTimeScale(TIME_SCALE));
    }

    SfnHarness(LocalStepFunctions.Options options) {
        this(null, options, null);
    }

    /**
     * @param invoker what runs the tasks' functions; null for {@link #functions}
     * @param timers the engine's timers; null for real time
     */
    SfnHarness(LambdaInvoker invoker, LocalStepFunctions.Options options, Timers timers) {
        sfn = LocalStepFunctions.start(invoker == null ? functions : invoker, options, timers);
        client = LocalAws.client(SfnClient.builder(), sfn.endpoint());
    }

    static String resource(String name) {
        try (InputStream in = SfnHarness.class.getResourceAsStream("/sfn/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource sfn/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Creates a state machine from test resource {@code sfn/<file>}; returns its ARN. */
    String create(String file) {
        return createFromText(resource(file));
    }

    String createFromText(String definition) {
        return client.createStateMachine(b -> b.name("sm-" + UUID.randomUUID()).definition(definition)
                .roleArn(ROLE)).stateMachineArn();
    }

    String start(String machineArn, String input) {
        return client.startExecution(b -> b.stateMachineArn(machineArn).input(input)).executionArn();
    }

    /** Starts an execution and waits for it to end. */
    DescribeExecutionResponse run(String machineArn, String input) {
        return await(start(machineArn, input));
    }

    /** Waits (bounded) until the execution is not RUNNING. */
    DescribeExecutionResponse await(String executionArn) {
        return SfnExecutions.awaitClosed(client, executionArn, Await.DEFAULT_TIMEOUT);
    }

    /** Waits (bounded) until the history holds an event of {@code type}; returns that event. */
    HistoryEvent awaitEvent(String executionArn, String type) {
        return SfnExecutions.awaitEvent(client, executionArn, type, Await.DEFAULT_TIMEOUT);
    }

    /** The whole history, read page by page. */
    List<HistoryEvent> history(String executionArn) {
        return SfnExecutions.history(client, executionArn);
    }

    List<String> types(String executionArn) {
        return history(executionArn).stream().map(HistoryEvent::typeAsString).toList();
    }

    static Object json(String text) {
        return Json.parse(text);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> jsonObject(String text) {
        return (Map<String, Object>) Json.parse(text);
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        client.close();
        sfn.close();
    }
}
