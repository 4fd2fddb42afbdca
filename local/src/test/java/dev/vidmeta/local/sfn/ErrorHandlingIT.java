package dev.vidmeta.local.sfn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vidmeta.local.lambda.LambdaInvoker;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;

/**
 * Retry, Catch, task timeouts and Lambda error names, by the rules of
 * https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html and
 * https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html .
 */
class ErrorHandlingIT extends SfnITBase {

    @Test
    void retry_shouldRetryMatchingError_withBackoff_thenSucceed() {
        // GIVEN a function that fails twice with a retryable error
        AtomicInteger calls = new AtomicInteger();
        h.functions.define("flaky", payload -> {
            if (calls.incrementAndGet() <= 2) {
                throw new TestFunctions.FunctionError("Vidmeta.Transient", "try again");
            }
            return Map.of("value", 42);
        });
        String machine = h.create("retry-catch.asl.json");
        int before = h.functions.callsTo("flaky").size();

        // WHEN it runs
        DescribeExecutionResponse done = h.run(machine, "{}");

        // THEN the first retrier's two attempts were used; RetryCount counted them; intervals grew by BackoffRate
        assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(SfnHarness.json(done.output())).isEqualTo(Map.of("value", 42));
        List<TestFunctions.Call> recorded = h.functions.callsTo("flaky");
        assertThat(recorded.subList(before, recorded.size())).extracting(TestFunctions.Call::payload)
                .containsExactly(Map.of("attempt", 0), Map.of("attempt", 1), Map.of("attempt", 2));
        List<HistoryEvent> scheduled = h.history(done.executionArn()).stream()
                .filter(e -> e.typeAsString().equals("TaskScheduled")).toList();
        assertThat(scheduled).hasSize(3);
        long firstGap = scheduled.get(1).timestamp().toEpochMilli() - scheduled.get(0).timestamp().toEpochMilli();
        long secondGap = scheduled.get(2).timestamp().toEpochMilli() - scheduled.get(1).timestamp().toEpochMilli();
        // IntervalSeconds 1 then 1*2, at the harness's time scale of 0.01: at least 10 ms and 20 ms.
        assertThat(firstGap).isGreaterThanOrEqualTo(9);
        assertThat(secondGap).isGreaterThanOrEqualTo(19);
    }

    @Test
    void retry_shouldUseOnlyFirstMatchingRetrier_thenCatch_withErrorOutputOutputAndAssign() {
        // GIVEN a function that always fails with an error both retriers match
        h.functions.define("flaky", payload -> {
            throw new TestFunctions.FunctionError("Vidmeta.Transient", "still broken");
        });
        int before = h.functions.callsTo("flaky").size();
        String machine = h.create("retry-catch.asl.json");

        // WHEN it runs
        DescribeExecutionResponse done = h.run(machine, "{\"key\":\"k\"}");

        // THEN once the first matching retrier (MaxAttempts 2) is exhausted the catcher applies; the second
        // retrier is never consulted. The catcher's Output and Assign see $states.errorOutput and the input.
        assertThat(h.functions.callsTo("flaky").size() - before).isEqualTo(3);
        assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(SfnHarness.json(done.output())).isEqualTo(Map.of("caught", Map.of("error", "Vidmeta.Transient",
                "cause", "still broken", "input", Map.of("key", "k")), "variable", "Vidmeta.Transient"));
        List<String> types = h.types(done.executionArn());
        assertThat(types).filteredOn("TaskFailed"::equals).hasSize(3);
        assertThat(types).containsSubsequence("TaskFailed", "TaskStateExited", "PassStateEntered");
    }

    @Test
    void catchAll_shouldCatchFunctionError_namedByErrorType_withPayloadAsCause() {
        // GIVEN a function that throws
        h.functions.define("broken", payload -> {
            throw new IllegalStateException("boom");
        });
        String machine = h.create("catch-all.asl.json");

        // WHEN it runs
        DescribeExecutionResponse done = h.run(machine, "{\"function\":\"broken\"}");

        // THEN the error is the payload's errorType and the cause the whole error payload
        Map<String, Object> out = SfnHarness.jsonObject(done.output());
        assertThat(out.get("Error")).isEqualTo("java.lang.IllegalStateException");
        assertThat(SfnHarness.jsonObject((String) out.get("Cause"))).containsEntry("errorMessage", "boom")
                .containsEntry("errorType", "java.lang.IllegalStateException");
        HistoryEvent failed = h.history(done.executionArn()).stream()
                .filter(e -> e.typeAsString().equals("TaskFailed")).findFirst().orElseThrow();
        assertThat(failed.taskFailedEventDetails().resourceType()).isEqualTo("lambda");
        assertThat(failed.taskFailedEventDetails().resource()).isEqualTo("invoke");
        assertThat(failed.taskFailedEventDetails().error()).isEqualTo("java.lang.IllegalStateException");
    }

    @Test
    void functionError_withoutErrorType_shouldBeLambdaUnknown() {
        // GIVEN an invoker answering a function error whose payload has no errorType (a crashed runtime)
        LambdaInvoker crashed = (function, payload) -> new LambdaInvoker.Invocation(200,
                "{\"errorMessage\":\"Runtime exited with error: signal: killed\"}", "Unhandled");
        try (SfnHarness crashing = new SfnHarness(crashed,
                LocalStepFunctions.Options.defaults().withTimeScale(SfnHarness.TIME_SCALE), null)) {
            String machine = crashing.create("catch-all.asl.json");

            // WHEN a task invokes it
            DescribeExecutionResponse done = crashing.run(machine, "{\"function\":\"f\"}");

            // THEN Step Functions names it Lambda.Unknown
            assertThat(SfnHarness.jsonObject(done.output())).containsEntry("Error", "Lambda.Unknown");
        }
    }

    @Test
    void lambdaServiceException_shouldUseItsErrorName() {
        // GIVEN no function named "missing"
        String machine = h.create("catch-all.asl.json");

        // WHEN the task invokes it
        DescribeExecutionResponse done = h.run(machine, "{\"function\":\"missing\"}");

        // THEN the error is the service exception's name
        assertThat(SfnHarness.jsonObject(done.output())).containsEntry("Error", "Lambda.ResourceNotFoundException");
    }

    @Test
    void timeout_shouldFailWithStatesTimeout_notRetriedByTaskFailed() {
        // GIVEN a function slower than the task's TimeoutSeconds and a Retry on States.TaskFailed
        h.functions.define("slow", payload -> {
            SfnHarness.sleep(300);
            return Map.of();
        });
        String machine = h.create("timeouts.asl.json");
        int before = h.functions.callsTo("slow").size();

        // WHEN it runs with TimeoutSeconds 1 (10 ms at the test time scale)
        DescribeExecutionResponse done = h.run(machine, "{\"timeout\":1}");

        // THEN States.Timeout is caught by its own catcher; States.TaskFailed does not match a timeout
        assertThat(SfnHarness.jsonObject(done.output())).containsEntry("Error", "States.Timeout");
        assertThat(h.functions.callsTo("slow").size() - before).isEqualTo(1);
        HistoryEvent timedOut = h.history(done.executionArn()).stream()
                .filter(e -> e.typeAsString().equals("TaskTimedOut")).findFirst().orElseThrow();
        assertThat(timedOut.taskTimedOutEventDetails().error()).isEqualTo("States.Timeout");
        HistoryEvent scheduled = h.history(done.executionArn()).stream()
                .filter(e -> e.typeAsString().equals("TaskScheduled")).findFirst().orElseThrow();
        assertThat(scheduled.taskScheduledEventDetails().timeoutInSeconds()).isEqualTo(1L);
        assertThat(SfnHarness.jsonObject(scheduled.taskScheduledEventDetails().parameters()))
                .isEqualTo(Map.of("FunctionName", "slow", "Payload", Map.of()));
    }

    @Test
    void timeoutSecondsFromJsonata_shouldFailWithQueryEvaluationError_whenNotAPositiveInteger() {
        // GIVEN TimeoutSeconds evaluated from the input
        String machine = h.create("timeouts.asl.json");

        // WHEN the input gives zero
        DescribeExecutionResponse done = h.run(machine, "{\"timeout\":0}");

        // THEN the task fails with States.QueryEvaluationError, which the States.ALL catcher takes
        assertThat(SfnHarness.jsonObject(done.output()).get("other"))
                .isEqualTo(Map.of("Error", "States.QueryEvaluationError", "Cause",
                        "An error occurred while executing the state 'Slow Call' (entered at the event id #2)."
                        + " TimeoutSeconds of state 'Slow Call' must be an integer from 1 to 99999999, was 0"));
    }
}
