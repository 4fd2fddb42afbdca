package dev.vidmeta.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.vidmeta.cli.ExecutionHistory.StateRun;
import dev.vidmeta.cli.console.StateStatuses.Status;
import dev.vidmeta.local.sfn.HistoryEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExecutionProgressTest {

    private static final String ARN = "arn:aws:states:us-east-1:000000000000:execution:m:e1";
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private final ExecutionProgress progress = new ExecutionProgress();
    private long nextId = 1;

    @Test
    void executionOf_shouldFindTheExecution_whoseInputNamesTheObjectVersion() {
        // GIVEN two executions, for two versions of one raw key, and one started by hand with other input
        String key = "Été 2026 + friends.mp4";
        progress.onEvent("arn:by-hand", startedWith("{\"detail\": \"not an S3 event\""));
        progress.onEvent(ARN, started(key, "v1"));
        progress.onEvent("arn:other", started(key, "v2"));

        // WHEN / THEN each version leads to its own execution, and an unknown one to none
        assertThat(progress.executionOf("uploads", key, "v1")).isEqualTo(ARN);
        assertThat(progress.executionOf("uploads", key, "v2")).isEqualTo("arn:other");
        assertThat(progress.executionOf("uploads", key, "v3")).isNull();
        assertThat(progress.executionOf("elsewhere", key, "v1")).isNull();
    }

    @Test
    void history_shouldGiveEachStatesStatusAndDuration_evenWhenEventsArriveOutOfOrder() {
        // GIVEN a history whose parallel branches were delivered out of id order
        HistoryEvent start = started("a.mp4", "v1");
        HistoryEvent checkIn = event(1, "PassStateEntered", "Check Object", 10);
        HistoryEvent checkOut = event(2, "PassStateExited", "Check Object", 30);
        HistoryEvent probeIn = event(3, "TaskStateEntered", "Probe Media", 40);
        HistoryEvent probeFailed = event(4, "TaskFailed", null, 100);
        HistoryEvent probeOut = event(5, "TaskStateExited", "Probe Media", 120);
        progress.onEvent(ARN, start);
        progress.onEvent(ARN, checkIn);
        progress.onEvent(ARN, checkOut);
        progress.onEvent(ARN, probeIn);
        progress.onEvent(ARN, probeOut);
        progress.onEvent(ARN, probeFailed);

        // WHEN
        ExecutionHistory history = progress.history(ARN);

        // THEN the failure before the exit marks the state's error as caught; durations are entry to exit
        assertThat(history.status()).isEqualTo("RUNNING");
        assertThat(history.elapsed(T0.plusSeconds(60))).isEqualTo(Duration.ofSeconds(60));
        List<StateRun> states = history.states(Map.of());
        assertThat(states).extracting(StateRun::name, StateRun::status)
                .containsExactly(tuple("Check Object", Status.SUCCEEDED), tuple("Probe Media", Status.CAUGHT_ERROR));
        assertThat(states.get(1).duration(T0.plusSeconds(60))).isEqualTo(Duration.ofMillis(80));
        assertThat(states.get(1).error()).isEqualTo("Lambda.Unknown");
    }

    @Test
    void history_shouldEnd_withTheExecutionsStatusErrorAndCause() {
        progress.onEvent(ARN, started("a.mp4", "v1"));
        progress.onEvent(ARN, new HistoryEvent(nextId++, 1, T0.plusMillis(500), "ExecutionFailed",
                "executionFailedEventDetails", Map.of("error", "vidmeta.RecordNotWritten", "cause", "table missing")));

        ExecutionHistory history = progress.history(ARN);

        assertThat(history.status()).isEqualTo("FAILED");
        assertThat(history.elapsed(T0.plusSeconds(60))).isEqualTo(Duration.ofMillis(500));
        assertThat(history.failure().error()).isEqualTo("vidmeta.RecordNotWritten");
        assertThat(history.failure().cause()).isEqualTo("table missing");
    }

    private HistoryEvent started(String key, String version) {
        return startedWith("""
                {"detail":{"bucket":{"name":"uploads"},"object":{"key":"%s","version-id":"%s"}}}"""
                .formatted(key, version));
    }

    private HistoryEvent startedWith(String input) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("input", input);
        return new HistoryEvent(nextId++, 0, T0, "ExecutionStarted", "executionStartedEventDetails", details);
    }

    private HistoryEvent event(long previous, String type, String state, long millis) {
        Map<String, Object> details = state == null ? Map.of("error", "Lambda.Unknown") : Map.of("name", state);
        String key = state == null ? "taskFailedEventDetails"
                : type.endsWith("Entered") ? "stateEnteredEventDetails" : "stateExitedEventDetails";
        return new HistoryEvent(nextId++, previous, T0.plusMillis(millis), type, key, details);
    }
}
