package dev.vidmeta.local.sfn;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A long {@code local up} runs in bounded memory: with a journal, a closed execution leaves memory (a summary
 * stays) and is read back from its journal when asked for.
 */
class ExecutionMemoryTest {

    private static final String PASS = """
            {"QueryLanguage": "JSONata", "StartAt": "P", "States": {"P": {"Type": "Pass", "Output": "{% $states.input %}", "End": true}}}
            """;
    private static final int RUNS = 3 * ExecutionStore.RECENT;

    @TempDir
    Path dir;

    /** Runs {@link #RUNS} executions one after the other; returns the most held in memory after each. */
    private static int runMany(Engine engine, List<String> arns) {
        String machine = engine.create("pass", PASS);
        int most = 0;
        for (int i = 0; i < RUNS; i++) {
            String arn = engine.start(machine, "run-" + i, "{\"i\":" + i + "}");
            engine.awaitClosed(arn);
            arns.add(arn);
            most = Math.max(most, engine.executionsInMemory());
        }
        return most;
    }

    @Test
    void closedExecutions_shouldLeaveMemory_andStillReadBackInFull_withAJournal() {
        // GIVEN an engine with a journal
        try (Engine engine = new Engine(new TestFunctions(), new ManualTimers(Instant.now()), dir)) {
            List<String> arns = new ArrayList<>();

            // WHEN many executions run and close
            int most = runMany(engine, arns);

            // THEN no more than the few recent ones were ever held whole in memory, and the one that ran (it
            // leaves memory as its closing event is published, an instant after DescribeExecution shows it closed)
            assertThat(most).isLessThanOrEqualTo(ExecutionStore.RECENT + 1);
            // AND the first, long out of memory, still reads whole: status, output, history
            assertThat(engine.describe(arns.getFirst())).containsEntry("status", "SUCCEEDED")
                    .containsEntry("output", "{\"i\":0}");
            assertThat(engine.types(arns.getFirst())).containsExactly("ExecutionStarted", "PassStateEntered",
                    "PassStateExited", "ExecutionSucceeded");
            assertThat(engine.call("ListExecutions", Map.of("stateMachineArn",
                    "arn:aws:states:us-east-1:123456789012:stateMachine:pass", "maxResults", 1000)).get("executions"))
                    .asList().hasSize(RUNS);
        }
    }

    @Test
    void closedExecutions_shouldStayInMemory_withoutAJournal() {
        // GIVEN an engine without a journal (nowhere to read a closed execution back from)
        try (Engine engine = new Engine(new TestFunctions(), new ManualTimers(Instant.now()), null)) {
            // WHEN many executions run and close
            int most = runMany(engine, new ArrayList<>());

            // THEN all of them are held
            assertThat(most).isEqualTo(RUNS);
        }
    }
}
