package dev.vidmeta.local.sfn;

import dev.vidmeta.local.lambda.LambdaInvoker;
import dev.vidmeta.testing.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The engine without its HTTP endpoint: {@link SfnService} and {@link Interpreter} on virtual threads, with
 * {@link ManualTimers} whose clock moves only when the test moves it, and optionally a journal directory.
 * {@link #crash} stops it without closing anything, as a {@code kill -9} would; another engine on the same
 * directory then takes over.
 */
final class Engine implements AutoCloseable {

    /**
     * A Map over its input array, one iteration at a time, each a task that invokes "start-job" with its token and
     * item ({@code n}) and waits for the token.
     */
    static final String MAP_OF_TOKEN_TASKS_ONE_AT_A_TIME = """
            {"QueryLanguage": "JSONata", "StartAt": "Each", "States": {"Each": {"Type": "Map", "End": true,
              "Items": "{% $states.input %}", "MaxConcurrency": 1,
              "ItemProcessor": {"ProcessorConfig": {"Mode": "INLINE"}, "StartAt": "Job", "States": {"Job": {
                "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
                "Arguments": {"FunctionName": "start-job",
                              "Payload": {"token": "{% $states.context.Task.Token %}", "n": "{% $states.input %}"}},
                "End": true}}}}}}
            """;

    static final String REGION = "us-east-1";
    static final String ACCOUNT = "123456789012";
    static final String ROLE = "arn:aws:iam::123456789012:role/vidmeta-sfn";

    final ManualTimers timers;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    /** Steps and invocations handed to the engine's threads and not yet done. */
    private final AtomicInteger inFlight = new AtomicInteger();
    private final ExecutorService executor = new AbstractExecutorService() {
        @Override
        public void execute(Runnable task) {
            inFlight.incrementAndGet();
            try {
                threads.execute(() -> {
                    try {
                        task.run();
                    } finally {
                        inFlight.decrementAndGet();
                    }
                });
            } catch (RejectedExecutionException e) {
                inFlight.decrementAndGet();
                throw e;
            }
        }

        @Override
        public void shutdown() {
            threads.shutdown();
        }

        @Override
        public List<Runnable> shutdownNow() {
            return threads.shutdownNow();
        }

        @Override
        public boolean isShutdown() {
            return threads.isShutdown();
        }

        @Override
        public boolean isTerminated() {
            return threads.isTerminated();
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
            return threads.awaitTermination(timeout, unit);
        }
    };
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

    /**
     * Creates (or, after a restart, creates again) state machine {@code name}, and waits until the executions
     * that this resumes have done what they can without the timers; returns its ARN.
     */
    String create(String name, String definition) {
        String arn = (String) call("CreateStateMachine", Map.of("name", name, "definition", definition, "roleArn",
                ROLE)).get("stateMachineArn");
        settle();
        return arn;
    }

    /** Waits (bounded) until no step and no function invocation is in progress. */
    void settle() {
        Await.until("the engine is idle", () -> inFlight.get() == 0);
    }

    /**
     * Moves the timers forward by {@code step}, firing what falls due, and waits until the engine has done what
     * followed: so "still running after 19 s" is a fact, not a race with the engine's threads.
     */
    void advance(Duration step) {
        settle();
        timers.advance(step);
        settle();
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
        threads.shutdownNow();
        try {
            threads.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        crash();
    }
}
