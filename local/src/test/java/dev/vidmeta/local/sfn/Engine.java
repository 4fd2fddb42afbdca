package dev.vidmeta.local.sfn;

import dev.vidmeta.local.lambda.LambdaInvoker;
import dev.vidmeta.testing.Await;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The engine without its HTTP endpoint: {@link SfnService} and {@link Interpreter} on virtual threads, with
 * {@link ManualTimers} whose clock moves only when the test moves it, and optionally a journal directory.
 * {@link #crash} stops it without closing anything, as a {@code kill -9} would; another engine on the same
 * directory then takes over.
 */
final class Engine implements AutoCloseable {

    static final String REGION = "us-east-1";
    static final String ACCOUNT = "123456789012";
    static final String ROLE = "arn:aws:iam::123456789012:role/vidmeta-sfn";

    final ManualTimers timers;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Journals journals;
    private final SfnService service;

    /** @param journal the journal directory; null for none */
    Engine(LambdaInvoker invoker, ManualTimers timers, Path journal) {
        this.timers = timers;
        this.journals = Journals.at(journal);
        Interpreter interpreter = new Interpreter(invoker, executor, timers, timers.clock(), 1.0, REGION);
        this.service = new SfnService(interpreter, REGION, ACCOUNT, null, journals);
    }

    Map<String, Object> call(String operation, Map<String, Object> request) {
        return service.call(operation, request);
    }

    /** Creates (or, after a restart, creates again) state machine {@code name}; returns its ARN. */
    String create(String name, String definition) {
        return (String) call("CreateStateMachine", Map.of("name", name, "definition", definition, "roleArn", ROLE))
                .get("stateMachineArn");
    }

    String start(String machineArn, String name, String input) {
        return (String) call("StartExecution", Map.of("stateMachineArn", machineArn, "name", name, "input", input))
                .get("executionArn");
    }

    Map<String, Object> describe(String executionArn) {
        return call("DescribeExecution", Map.of("executionArn", executionArn));
    }

    String status(String executionArn) {
        return (String) describe(executionArn).get("status");
    }

    /** Waits (bounded) until the execution is not RUNNING; returns DescribeExecution's answer. */
    Map<String, Object> awaitClosed(String executionArn) {
        return Await.until(executionArn + " closed", () -> describe(executionArn),
                d -> !"RUNNING".equals(d.get("status")));
    }

    /** The whole history, read page by page. */
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> history(String executionArn) {
        List<Map<String, Object>> events = new ArrayList<>();
        String next = null;
        do {
            Map<String, Object> request = new LinkedHashMap<>();
            request.put("executionArn", executionArn);
            if (next != null) {
                request.put("nextToken", next);
            }
            Map<String, Object> page = call("GetExecutionHistory", request);
            events.addAll((List<Map<String, Object>>) page.get("events"));
            next = (String) page.get("nextToken");
        } while (next != null);
        return events;
    }

    List<String> types(String executionArn) {
        return history(executionArn).stream().map(e -> (String) e.get("type")).toList();
    }

    /** Waits (bounded) until the history holds an event of {@code type}. */
    void awaitEvent(String executionArn, String type) {
        Await.until(executionArn + " has " + type, () -> types(executionArn), t -> t.contains(type));
    }

    int executionsInMemory() {
        return service.executionsInMemory();
    }

    /** Stops without closing anything and writes nothing more, as a killed process would. */
    void crash() {
        if (journals != null) {
            journals.close();
        }
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        crash();
    }
}
