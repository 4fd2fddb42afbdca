package dev.vidmeta.local.sfn;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;

/**
 * Each state type, run through SfnClient. Semantics are those of the JSONata pages of the Step Functions guide:
 * https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html and
 * https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html .
 */
class StatesConformanceIT extends SfnITBase {

    /** How long the first two Map iterations wait for a third that must not start before one of them ends. */
    private static final long SETTLE_MILLIS = 200;

    @Test
    void passAndChoice_shouldRouteOnAssignedVariable_andApplyRuleOutput() {
        // GIVEN a Pass that assigns variables and a Choice whose rule has its own Output
        String machine = h.create("pass-choice.asl.json");

        // WHEN a large and a small input run
        DescribeExecutionResponse large = h.run(machine, "{\"name\":\"a.mp4\",\"size\":500}");
        DescribeExecutionResponse small = h.run(machine, "{\"name\":\"b.mp4\",\"size\":5}");

        // THEN the rule's Output (reading the variable) is the Succeed input; Default keeps the state input
        assertThat(large.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(SfnHarness.json(large.output())).isEqualTo(Map.of("kind", "large", "label", "file a.mp4"));
        assertThat(SfnHarness.json(small.output()))
                .isEqualTo(Map.of("kind", "small", "doubled", 10, "label", "file b.mp4"));
    }

    @Test
    void lambdaInvoke_shouldReturnInvokeResponseShape_withPayload() {
        // GIVEN a function echoing its payload
        h.functions.define("probe", payload -> Map.of("got", payload));
        String machine = h.create("lambda-invoke.asl.json");

        // WHEN it runs
        DescribeExecutionResponse done = h.run(machine, "{\"key\":\"in/a.mp4\"}");

        // THEN the output is the Invoke response as Step Functions shapes it
        // (https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html)
        assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        Map<String, Object> output = SfnHarness.jsonObject(done.output());
        assertThat(output.get("Payload")).isEqualTo(Map.of("got", Map.of("key", "in/a.mp4", "attempt", 0)));
        assertThat(output.get("StatusCode")).isEqualTo(200);
        assertThat(output.get("ExecutedVersion")).isEqualTo("$LATEST");
        assertThat(output).containsKeys("SdkHttpMetadata", "SdkResponseMetadata");
        assertThat(h.types(done.executionArn())).containsExactly("ExecutionStarted", "TaskStateEntered",
                "TaskScheduled", "TaskStarted", "TaskSucceeded", "TaskStateExited", "ExecutionSucceeded");
        assertThat(h.functions.callsTo("probe")).extracting(TestFunctions.Call::payload)
                .containsExactly(Map.of("key", "in/a.mp4", "attempt", 0));
    }

    @Test
    void wait_shouldWaitForSecondsAndTimestamp_fromJsonata() {
        // GIVEN Wait states whose Seconds and Timestamp come from JSONata
        String machine = h.create("wait.asl.json");
        // At millisecond precision, as a timestamp crossing the wire has it.
        String until = Instant.now().plusMillis(200).truncatedTo(ChronoUnit.MILLIS).toString();

        // WHEN it runs with 10 workflow seconds (100 ms at the test time scale) and a timestamp 200 ms ahead
        DescribeExecutionResponse done = h.run(machine, "{\"seconds\":10,\"until\":\"" + until + "\"}");

        // THEN both waits happened in order and the execution ended no earlier than the timestamp
        assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(SfnHarness.json(done.output())).isEqualTo(Map.of("waited", true));
        assertThat(h.types(done.executionArn())).containsExactly("ExecutionStarted", "WaitStateEntered",
                "WaitStateExited", "WaitStateEntered", "WaitStateExited", "ExecutionSucceeded");
        List<HistoryEvent> events = h.history(done.executionArn());
        // Timestamps cross the wire as epoch seconds in a double: compare at the millisecond they carry,
        // or the conversion's last-digit noise decides the test.
        assertThat(events.get(2).timestamp().truncatedTo(ChronoUnit.MILLIS))
                .isAfterOrEqualTo(events.get(1).timestamp().plusMillis(100).truncatedTo(ChronoUnit.MILLIS));
        assertThat(done.stopDate().truncatedTo(ChronoUnit.MILLIS)).isAfterOrEqualTo(Instant.parse(until).minusMillis(1));
    }

    @Test
    void fail_shouldEndExecution_withJsonataErrorAndCause() {
        // GIVEN a Fail state with JSONata Error and Cause
        String machine = h.create("fail.asl.json");

        // WHEN it runs
        DescribeExecutionResponse done = h.run(machine, "{\"reason\":\"NotMedia\",\"key\":\"a.pdf\"}");

        // THEN the execution failed with the evaluated error and cause
        assertThat(done.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(done.error()).isEqualTo("Vidmeta.NotMedia");
        assertThat(done.cause()).isEqualTo("object a.pdf rejected");
        List<HistoryEvent> events = h.history(done.executionArn());
        assertThat(events).extracting(HistoryEvent::typeAsString)
                .containsExactly("ExecutionStarted", "FailStateEntered", "ExecutionFailed");
        assertThat(events.get(2).executionFailedEventDetails().error()).isEqualTo("Vidmeta.NotMedia");
    }

    @Test
    void choice_shouldFailWithNoChoiceMatched_whenNoRuleMatchesAndNoDefault() {
        // GIVEN a Choice without Default
        String machine = h.create("no-choice.asl.json");

        // WHEN no rule matches
        DescribeExecutionResponse done = h.run(machine, "{\"n\":2}");

        // THEN States.NoChoiceMatched (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html)
        assertThat(done.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(done.error()).isEqualTo("States.NoChoiceMatched");
    }

    @Test
    void parallel_shouldCollectBranchOutputsInOrder_andLetBranchesReadOuterVariables() {
        // GIVEN a Parallel whose branches read the outer variable $key
        h.functions.define("left", payload -> Map.of("left", payload));
        String machine = h.create("parallel.asl.json");

        // WHEN it runs
        DescribeExecutionResponse done = h.run(machine, "{\"key\":\"in/x.mov\"}");

        // THEN the result array is in branch order; Arguments became each branch's input
        assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(SfnHarness.json(done.output())).isEqualTo(Map.of("count", 2, "merged", Map.of(
                "left", Map.of("key", "in/x.mov", "bucket", "media"), "right", "in/x.mov", "inner", 1)));
        List<HistoryEvent> events = h.history(done.executionArn());
        assertThat(events).extracting(HistoryEvent::typeAsString).contains("ParallelStateEntered",
                "ParallelStateStarted", "ParallelStateSucceeded", "ParallelStateExited");
        // Each branch's first event follows ParallelStateStarted, not whatever event came last overall.
        long started = events.stream().filter(e -> e.typeAsString().equals("ParallelStateStarted")).findFirst()
                .orElseThrow().id();
        assertThat(events.stream().filter(e -> e.typeAsString().equals("TaskStateEntered")
                || (e.typeAsString().equals("PassStateEntered") && e.stateEnteredEventDetails().name().equals("Right"))))
                .allSatisfy(e -> assertThat(e.previousEventId()).isEqualTo(started));
    }

    @Test
    void map_shouldRunItemSelectorPerItem_withinMaxConcurrency() {
        // GIVEN a function whose first two iterations (the two MaxConcurrency 2 lets start at once) wait for each
        // other, then stay in flight until a third iteration starts or a settle window passes. Overlap is thus
        // structural, not a matter of timing; a third that started alongside them (MaxConcurrency ignored) is
        // seen, as the engine launches every unlimited iteration in one go.
        AtomicInteger running = new AtomicInteger();
        AtomicInteger maxSeen = new AtomicInteger();
        CountDownLatch firstTwo = new CountDownLatch(2);
        CountDownLatch third = new CountDownLatch(1);
        AtomicBoolean firstTwoMet = new AtomicBoolean(true);
        h.functions.define("square", payload -> {
            Map<?, ?> item = (Map<?, ?>) payload;
            int index = ((Number) item.get("index")).intValue();
            int now = running.incrementAndGet();
            try {
                maxSeen.accumulateAndGet(now, Math::max);
                if (now > 2) {
                    third.countDown();
                }
                if (index < 2) {
                    firstTwo.countDown();
                    // Bounded: if the engine ran one iteration at a time, the pair never meets and this fails.
                    if (!firstTwo.await(5, TimeUnit.SECONDS)) {
                        firstTwoMet.set(false);
                    }
                    third.await(SETTLE_MILLIS, TimeUnit.MILLISECONDS);
                }
            } finally {
                running.decrementAndGet();
            }
            int v = ((Number) item.get("value")).intValue();
            return Map.of("index", index, "square", v * v);
        });
        String machine = h.create("map.asl.json");

        // WHEN five items are mapped with MaxConcurrency 2
        DescribeExecutionResponse done = h.run(machine, "{\"items\":[1,2,3,4,5]}");

        // THEN results keep item order and at most two iterations ran at once
        assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(SfnHarness.json(done.output())).isEqualTo(List.of(Map.of("index", 0, "square", 1),
                Map.of("index", 1, "square", 4), Map.of("index", 2, "square", 9), Map.of("index", 3, "square", 16),
                Map.of("index", 4, "square", 25)));
        assertThat(firstTwoMet).as("the first two iterations were in flight at once").isTrue();
        assertThat(maxSeen.get()).as("most iterations in flight at once").isEqualTo(2);
        List<String> types = h.types(done.executionArn());
        assertThat(types).filteredOn("MapIterationSucceeded"::equals).hasSize(5);
        assertThat(types).contains("MapStateEntered", "MapStateStarted", "MapStateSucceeded", "MapStateExited");
        HistoryEvent started = h.history(done.executionArn()).stream()
                .filter(e -> e.typeAsString().equals("MapStateStarted")).findFirst().orElseThrow();
        assertThat(started.mapStateStartedEventDetails().length()).isEqualTo(5);
    }

    @Test
    void context_shouldExposeExecutionStateAndMachineFields_andStepFunctionsJsonataFunctions() {
        // GIVEN a Pass reading the context object and the functions Step Functions adds to JSONata
        String machine = h.create("context.asl.json");

        // WHEN it runs under a chosen name
        String arn = h.client.startExecution(b -> b.stateMachineArn(machine).name("ctx-run").input("{\"k\":1}"))
                .executionArn();
        DescribeExecutionResponse done = h.await(arn);

        // THEN every documented context field is there
        // (https://docs.aws.amazon.com/step-functions/latest/dg/input-output-contextobject.html)
        Map<String, Object> out = SfnHarness.jsonObject(done.output());
        assertThat(out).containsEntry("executionId", arn).containsEntry("executionName", "ctx-run")
                .containsEntry("executionInput", Map.of("k", 1)).containsEntry("roleArn", SfnHarness.ROLE)
                .containsEntry("stateName", "Describe Context").containsEntry("retryCount", 0)
                .containsEntry("machineId", machine).containsEntry("uuidLength", 36)
                .containsEntry("parsed", Map.of("a", List.of(1, 2)))
                .containsEntry("partition", List.of(List.of(1, 2), List.of(3)))
                .containsEntry("range", List.of(0, 3, 6))
                .containsEntry("hash", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(Instant.parse((String) out.get("startTime"))).isEqualTo(done.startDate());
        assertThat(Instant.parse((String) out.get("enteredTime"))).isAfterOrEqualTo(done.startDate());
        assertThat(machine).endsWith(":" + out.get("machineName"));
    }

    @Test
    void output_shouldFailWithDataLimitExceeded_whenOver256KiB_evenWithCatchAll() {
        // GIVEN a function returning more than 256 KiB and a Catch on States.ALL
        h.functions.define("huge", payload -> "x".repeat(300 * 1024));
        String machine = h.create("catch-all.asl.json");

        // WHEN it runs
        DescribeExecutionResponse done = h.run(machine, "{\"function\":\"huge\"}");

        // THEN States.DataLimitExceeded is terminal: States.ALL does not catch it
        // (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html)
        assertThat(done.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(done.error()).isEqualTo("States.DataLimitExceeded");
    }
}
