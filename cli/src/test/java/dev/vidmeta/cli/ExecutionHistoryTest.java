package dev.vidmeta.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vidmeta.cli.ExecutionHistory.StateRun;
import dev.vidmeta.cli.console.StateStatuses.Status;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

/** Reading histories shaped as GetExecutionHistory returns them (ids, previousEventId chains, *EventDetails). */
class ExecutionHistoryTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DEFINITION = """
            {"StartAt": "Check Object", "States": {
              "Check Object": {"Type": "Pass", "Next": "Probe And Analyze"},
              "Probe And Analyze": {"Type": "Parallel", "Next": "Merge Record", "Branches": [
                {"StartAt": "Probe Media", "States": {"Probe Media": {"Type": "Task", "End": true}}},
                {"StartAt": "Analyze With Rekognition", "States": {"Analyze With Rekognition": {"Type": "Task", "End": true}}}]},
              "Merge Record": {"Type": "Task", "End": true},
              "Record Not Written": {"Type": "Fail"}}}
            """;

    private final List<ObjectNode> events = new ArrayList<>();

    private long add(long previous, String type, String detailsKey, Map<String, Object> details) {
        ObjectNode e = JSON.createObjectNode();
        e.put("timestamp", "2026-11-21T06:00:%02d.000Z".formatted(events.size()));
        e.put("type", type);
        e.put("id", events.size() + 1);
        e.put("previousEventId", previous);
        if (detailsKey != null) {
            e.set(detailsKey, JSON.valueToTree(details));
        }
        events.add(e);
        return events.size();
    }

    /** Check Object, then a Parallel whose probe branch fails (uncaught) while the analysis branch runs. */
    private ExecutionHistory parallelBranchFailure(boolean ended) {
        long started = add(0, "ExecutionStarted", "executionStartedEventDetails", Map.of("input", "{}"));
        long in = add(started, "PassStateEntered", "stateEnteredEventDetails", Map.of("name", "Check Object"));
        long out = add(in, "PassStateExited", "stateExitedEventDetails", Map.of("name", "Check Object"));
        long parallel = add(out, "ParallelStateEntered", "stateEnteredEventDetails", Map.of("name", "Probe And Analyze"));
        long probe = add(parallel, "TaskStateEntered", "stateEnteredEventDetails", Map.of("name", "Probe Media"));
        long analyze = add(parallel, "TaskStateEntered", "stateEnteredEventDetails", Map.of("name", "Analyze With Rekognition"));
        long scheduled = add(probe, "TaskScheduled", "taskScheduledEventDetails", Map.of("resource", "invoke"));
        add(analyze, "TaskScheduled", "taskScheduledEventDetails", Map.of("resource", "invoke.waitForTaskToken"));
        long failed = add(scheduled, "TaskFailed", "taskFailedEventDetails",
                Map.of("error", "Lambda.Unknown", "cause", "out of memory"));
        if (ended) {
            add(failed, "ParallelStateFailed", null, null);
            add(events.size(), "ExecutionFailed", "executionFailedEventDetails",
                    Map.of("error", "Lambda.Unknown", "cause", "out of memory"));
        }
        return new ExecutionHistory(events);
    }

    @Test
    void failure_shouldNameTheStateOfTheFailure_inAParallelBranch() {
        ExecutionHistory history = parallelBranchFailure(true);

        // previousEventId leads from ExecutionFailed through the branch's TaskFailed back to "Probe Media"
        ExecutionHistory.Failure failure = history.failure();

        assertThat(failure.error()).isEqualTo("Lambda.Unknown");
        assertThat(failure.cause()).isEqualTo("out of memory");
        assertThat(failure.state()).isEqualTo("Probe Media");
        assertThat(history.endedInFailState()).isNull();
    }

    @Test
    void failure_shouldBeNull_whileRunning() {
        assertThat(parallelBranchFailure(false).failure()).isNull();
    }

    @Test
    void states_shouldShowEachStateInDefinitionOrder_withItsStatus() {
        ExecutionHistory history = parallelBranchFailure(false);

        List<StateRun> runs = history.states(ExecutionHistory.definitionStates(DEFINITION));

        assertThat(runs).extracting(StateRun::name, StateRun::depth, StateRun::status).containsExactly(
                Tuple.tuple("Check Object", 0, Status.SUCCEEDED),
                Tuple.tuple("Probe And Analyze", 0, Status.IN_PROGRESS),
                Tuple.tuple("Probe Media", 1, Status.IN_PROGRESS),
                Tuple.tuple("Analyze With Rekognition", 1, Status.IN_PROGRESS),
                Tuple.tuple("Merge Record", 0, null),
                Tuple.tuple("Record Not Written", 0, null));
        assertThat(runs.get(2).error()).isEqualTo("Lambda.Unknown");
        assertThat(runs.get(3).error()).isNull();
    }

    @Test
    void states_shouldMarkUnfinishedStatesFailed_whenTheExecutionFailed() {
        List<StateRun> runs = parallelBranchFailure(true).states(ExecutionHistory.definitionStates(DEFINITION));

        assertThat(runs).filteredOn(r -> r.name().equals("Probe Media")).singleElement()
                .extracting(StateRun::status).isEqualTo(Status.FAILED);
    }

    @Test
    void endedInFailState_shouldNameTheFailState_andFailureItsError() {
        long started = add(0, "ExecutionStarted", "executionStartedEventDetails", Map.of("input", "{}"));
        long task = add(started, "TaskStateEntered", "stateEnteredEventDetails", Map.of("name", "Merge Record"));
        long failed = add(task, "TaskFailed", "taskFailedEventDetails", Map.of("error", "States.TaskFailed"));
        long exited = add(failed, "TaskStateExited", "stateExitedEventDetails", Map.of("name", "Merge Record"));
        long fail = add(exited, "FailStateEntered", "stateEnteredEventDetails", Map.of("name", "Record Not Written"));
        add(fail, "ExecutionFailed", "executionFailedEventDetails",
                Map.of("error", "vidmeta.RecordNotWritten", "cause", "Neither could write"));
        ExecutionHistory history = new ExecutionHistory(events);

        assertThat(history.endedInFailState()).isEqualTo("Record Not Written");
        assertThat(history.failure()).isEqualTo(new ExecutionHistory.Failure("Record Not Written",
                "vidmeta.RecordNotWritten", "Neither could write"));
        assertThat(history.states(ExecutionHistory.definitionStates(DEFINITION)))
                .filteredOn(r -> r.name().equals("Merge Record")).singleElement()
                .extracting(StateRun::status).isEqualTo(Status.CAUGHT_ERROR);
        assertThat(history.lastEventId()).isEqualTo(6);
    }

    @Test
    void status_shouldFollowTheClosingEvent_andReopen_whenRedriven() {
        // GIVEN a branch failure that ended the execution 10 s after it started
        ExecutionHistory failed = parallelBranchFailure(true);
        Instant later = Instant.parse("2026-11-21T07:00:00Z");

        assertThat(failed.status()).isEqualTo("FAILED");
        assertThat(failed.elapsed(later)).isEqualTo(Duration.ofSeconds(10));

        // WHEN it is redriven, it runs again: until now
        add(events.size(), "ExecutionRedriven", "executionRedrivenEventDetails", Map.of("redriveCount", 1));
        ExecutionHistory redriven = new ExecutionHistory(events);

        assertThat(redriven.status()).isEqualTo("RUNNING");
        assertThat(redriven.elapsed(later)).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void status_shouldBeRunning_untilAClosingEvent() {
        assertThat(parallelBranchFailure(false).status()).isEqualTo("RUNNING");
        assertThat(new ExecutionHistory(List.of()).elapsed(Instant.EPOCH)).isZero();
    }
}
