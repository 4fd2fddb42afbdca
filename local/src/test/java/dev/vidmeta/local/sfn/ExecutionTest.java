package dev.vidmeta.local.sfn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An execution's own state changes: each appends its closing or opening event with the status, once, and hands
 * every event to its journal as it is appended (DescribeExecution and GetExecutionHistory,
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_DescribeExecution.html).
 */
class ExecutionTest {

    private static final String DEFINITION = """
            {"QueryLanguage": "JSONata", "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}
            """;
    private static final Instant T0 = Instant.parse("2026-01-05T10:00:00Z");

    private final List<Map<String, Object>> journal = new ArrayList<>();
    private final List<String> published = new ArrayList<>();
    private final Execution execution = newExecution();

    private Execution newExecution() {
        StateMachine machine = new StateMachine("arn:aws:states:us-east-1:123456789012:stateMachine:m", "m",
                DEFINITION, DefinitionParser.parse(DEFINITION), "arn:aws:iam::123456789012:role/r", T0);
        Execution ex = new Execution(machine, "arn:aws:states:us-east-1:123456789012:execution:m:e", "e", "{}",
                Map.of(), T0, (arn, event) -> published.add(event.type()));
        ex.journal(journal::add);
        return ex;
    }

    @Test
    void succeed_shouldCloseOnce_withItsEvent_andRefuseLaterCloses() {
        // GIVEN a started execution
        int gen = execution.start(T0);

        // WHEN it succeeds, and then something late tries to fail or stop it
        boolean succeeded = execution.succeed(gen, execution.root(), Map.of("n", 1), T0.plusSeconds(1));
        boolean failed = execution.fail(gen, execution.root(), new StatesError("E", "late"), T0.plusSeconds(2));
        boolean stopped = execution.stop(Execution.Status.ABORTED, null, null, T0.plusSeconds(3));

        // THEN only the success counts: status, output, stop date and the one closing event
        assertThat(List.of(succeeded, failed, stopped)).containsExactly(true, false, false);
        Execution.Summary summary = execution.summary();
        assertThat(summary.status()).isEqualTo(Execution.Status.SUCCEEDED);
        assertThat(summary.outputJson()).isEqualTo("{\"n\":1}");
        assertThat(summary.stopDate()).isEqualTo(T0.plusSeconds(1));
        assertThat(published).containsExactly("ExecutionStarted", "ExecutionSucceeded");
    }

    @Test
    void fail_ofAnEarlierAttempt_shouldBeIgnored_afterARedrive() {
        // GIVEN an execution that failed and was redriven
        int first = execution.start(T0);
        execution.fail(first, execution.root(), new StatesError("MediaError", "no"), T0.plusSeconds(1));
        int second = execution.redrive(T0.plusSeconds(2));

        // WHEN a continuation of the first attempt tries to fail it again
        boolean late = execution.fail(first, execution.root(), new StatesError("Late", "x"), T0.plusSeconds(3));

        // THEN the redriven attempt runs on, with its redrive counted and the earlier outcome cleared
        assertThat(late).isFalse();
        assertThat(second).isNotEqualTo(first);
        Execution.Summary summary = execution.summary();
        assertThat(summary.status()).isEqualTo(Execution.Status.RUNNING);
        assertThat(summary.redriveCount()).isEqualTo(1);
        assertThat(summary.redriveDate()).isEqualTo(T0.plusSeconds(2));
        assertThat(summary.error()).isNull();
        assertThat(summary.stopDate()).isNull();
    }

    @Test
    void everyEvent_shouldReachTheJournal_inHistoryOrder_withItsRun() {
        // GIVEN a started execution
        int gen = execution.start(T0);

        // WHEN it is stopped
        execution.stop(Execution.Status.ABORTED, "Operator", "stopped by hand", T0.plusSeconds(5));

        // THEN the journal got both events in order, each with its id, run, time and details
        assertThat(journal).extracting(l -> l.get("line"), l -> l.get("type"), l -> l.get("id"), l -> l.get("run"))
                .containsExactly(
                        tuple("event", "ExecutionStarted", 1L, ""),
                        tuple("event", "ExecutionAborted", 2L, null));
        assertThat(journal.get(1)).containsEntry("timestamp", T0.plusSeconds(5).toEpochMilli())
                .containsEntry("details", Map.of("error", "Operator", "cause", "stopped by hand"));
        assertThat(execution.history()).extracting(HistoryEvent::type)
                .containsExactly("ExecutionStarted", "ExecutionAborted");
        assertThat(execution.generation()).isNotEqualTo(gen);
    }
}
