package dev.vidmeta.cli.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vidmeta.cli.console.StateStatuses.Status;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StateStatusesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Events in the API's shape; each line "id previous type [state]". */
    private static List<JsonNode> history(String... lines) throws Exception {
        List<JsonNode> events = new ArrayList<>();
        for (String line : lines) {
            String[] f = line.split(" ", 4);
            var event = JSON.createObjectNode().put("id", Long.parseLong(f[0])).put("previousEventId", Long.parseLong(f[1]))
                    .put("type", f[2]);
            if (f.length == 4) {
                event.putObject(f[2].endsWith("Entered") ? "stateEnteredEventDetails" : "stateExitedEventDetails")
                        .put("name", f[3]);
            }
            events.add(event);
        }
        return events;
    }

    @Test
    void of_shouldMarkCaughtErrors_succeededRetries_andTheStateAnUncaughtFailureStoppedIn() throws Exception {
        StateStatuses statuses = StateStatuses.of(history(
                "1 0 ExecutionStarted",
                "2 1 PassStateEntered Check",
                "3 2 PassStateExited Check",
                "4 3 ParallelStateEntered Both",
                "5 4 ParallelStateStarted",
                // branch 1: fails once, retried, succeeds
                "6 5 TaskStateEntered Probe",
                "7 6 TaskScheduled",
                "8 7 TaskFailed",
                "9 8 TaskScheduled",
                "10 9 TaskSucceeded",
                "11 10 TaskStateExited Probe",
                // branch 2: fails, caught, handler runs
                "12 5 TaskStateEntered Analyze",
                "13 12 TaskScheduled",
                "14 13 TaskFailed",
                "15 14 TaskStateExited Analyze",
                "16 15 PassStateEntered Analysis Failed",
                "17 16 PassStateExited Analysis Failed",
                // chained to the last branch event, as the service may do
                "18 17 ParallelStateSucceeded",
                "19 18 ParallelStateExited Both",
                "20 19 TaskStateEntered Merge",
                "21 20 TaskScheduled",
                "22 21 TaskFailed",
                "23 22 ExecutionFailed"));

        assertThat(statuses.states()).containsExactly(
                entry("Check", Status.SUCCEEDED),
                entry("Both", Status.SUCCEEDED),
                entry("Probe", Status.SUCCEEDED),
                entry("Analyze", Status.CAUGHT_ERROR),
                entry("Analysis Failed", Status.SUCCEEDED),
                entry("Merge", Status.FAILED));
        // and every event names its state: task events by lineage, the Parallel's own events the Parallel
        assertThat(statuses.eventStates()).containsEntry(8L, "Probe").containsEntry(14L, "Analyze")
                .containsEntry(18L, "Both").containsEntry(5L, "Both").containsEntry(22L, "Merge")
                .doesNotContainKey(1L);
    }

    @Test
    void of_shouldShowTheLatestAttempt_afterARedrive() throws Exception {
        StateStatuses statuses = StateStatuses.of(history(
                "1 0 ExecutionStarted",
                "2 1 TaskStateEntered Merge",
                "3 2 TaskFailed",
                "4 3 ExecutionFailed",
                "5 0 ExecutionRedriven",
                "6 3 TaskStateEntered Merge"));
        assertThat(statuses.states()).containsEntry("Merge", Status.IN_PROGRESS);
    }

    @Test
    void of_shouldMarkACatchWithoutExit_asCaught_andFailAndAbortedStates() throws Exception {
        StateStatuses caught = StateStatuses.of(history(
                "1 0 ExecutionStarted",
                "2 1 TaskStateEntered Call",
                "3 2 TaskTimedOut",
                "4 3 FailStateEntered Give Up",
                "5 4 ExecutionFailed"));
        assertThat(caught.states()).containsEntry("Call", Status.CAUGHT_ERROR).containsEntry("Give Up", Status.FAILED);

        StateStatuses aborted = StateStatuses.of(history(
                "1 0 ExecutionStarted",
                "2 1 WaitStateEntered Wait",
                "3 2 ExecutionAborted"));
        assertThat(aborted.states()).containsEntry("Wait", Status.CANCELLED);
    }
}
