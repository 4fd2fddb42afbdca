package dev.vidmeta.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.vidmeta.local.sfn.HistoryEvent;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExecutionProgressTest {

    private static final String ARN = "arn:aws:states:us-east-1:000000000000:execution:m:e1";
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private final ExecutionProgress progress = new ExecutionProgress();
    private long nextId = 1;

    @Test
    void executionOf_shouldFindTheExecution_whoseInputNamesTheObjectVersion() {
        // GIVEN two executions, for two versions of one raw key
        String key = "Été 2026 + friends.mp4";
        progress.onEvent(ARN, started(key, "v1"));
        progress.onEvent("arn:other", started(key, "v2"));

        // WHEN / THEN each version leads to its own execution, and an unknown one to none
        assertThat(progress.executionOf("uploads", key, "v1")).isEqualTo(ARN);
        assertThat(progress.executionOf("uploads", key, "v2")).isEqualTo("arn:other");
        assertThat(progress.executionOf("uploads", key, "v3")).isNull();
        assertThat(progress.executionOf("elsewhere", key, "v1")).isNull();
    }

    @Test
    void snapshot_shouldGiveEachStatesStatusAndDuration_evenWhenEventsArriveOutOfOrder() {
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
        ExecutionProgress.Snapshot snapshot = progress.snapshot(ARN);

        // THEN the failure before the exit marks the state's error as caught; durations are entry to exit
        assertThat(snapshot.status()).isEqualTo("RUNNING");
        assertThat(snapshot.done()).isFalse();
        assertThat(snapshot.states()).extracting(ExecutionProgress.StateRun::name, ExecutionProgress.StateRun::status)
                .containsExactly(tuple("Check Object", "SUCCEEDED"),
                        tuple("Probe Media", "CAUGHT ERROR"));
        assertThat(snapshot.states().get(1).duration(T0.plusSeconds(60)).toMillis()).isEqualTo(80);
    }

    @Test
    void snapshot_shouldEnd_withTheExecutionsErrorAndCause() {
        progress.onEvent(ARN, started("a.mp4", "v1"));
        progress.onEvent(ARN, new HistoryEvent(nextId++, 1, T0.plusMillis(500), "ExecutionFailed",
                "executionFailedEventDetails", Map.of("error", "vidmeta.RecordNotWritten", "cause", "table missing")));

        ExecutionProgress.Snapshot snapshot = progress.snapshot(ARN);

        assertThat(snapshot.done()).isTrue();
        assertThat(snapshot.status()).isEqualTo("FAILED");
        assertThat(snapshot.error()).isEqualTo("vidmeta.RecordNotWritten");
        assertThat(snapshot.cause()).isEqualTo("table missing");
    }

    @Test
    void plainView_shouldPrintALinePerStatusChange_andNoDurationWhileRunning() {
        // GIVEN a plain view shown twice while a state runs, then once after it ended
        StringWriter text = new StringWriter();
        var view = new ExecutionProgress.View(new PrintWriter(text), false);
        progress.onEvent(ARN, started("a.mp4", "v1"));
        progress.onEvent(ARN, event(1, "TaskStateEntered", "Probe Media", 0));
        view.show("a.mp4", progress.snapshot(ARN), T0.plusSeconds(1));
        view.show("a.mp4", progress.snapshot(ARN), T0.plusSeconds(2));
        progress.onEvent(ARN, event(2, "TaskStateExited", "Probe Media", 1250));
        view.show("a.mp4", progress.snapshot(ARN), T0.plusSeconds(3));

        // THEN one line for RUNNING, one for SUCCEEDED with its duration; no terminal escapes
        assertThat(text.toString().lines().toList()).containsExactly(
                "  Probe Media                  RUNNING",
                "  Probe Media                  SUCCEEDED       1.25 s");
        assertThat(text.toString()).doesNotContain("\u001b");
    }

    @Test
    void liveView_shouldRedrawTheBlockInPlace() {
        StringWriter text = new StringWriter();
        var view = new ExecutionProgress.View(new PrintWriter(text), true);
        progress.onEvent(ARN, started("a.mp4", "v1"));
        progress.onEvent(ARN, event(1, "TaskStateEntered", "Probe Media", 0));
        view.show("a.mp4", progress.snapshot(ARN), T0.plusSeconds(1));
        view.show("a.mp4", progress.snapshot(ARN), T0.plusSeconds(2));

        // THEN the second frame moves the cursor up over the first frame's two lines
        assertThat(text.toString()).contains("\u001b[2A").contains("Probe Media");
    }

    private HistoryEvent started(String key, String version) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("input", """
                {"detail":{"bucket":{"name":"uploads"},"object":{"key":"%s","version-id":"%s"}}}"""
                .formatted(key, version));
        return new HistoryEvent(nextId++, 0, T0, "ExecutionStarted", "executionStartedEventDetails", details);
    }

    private HistoryEvent event(long previous, String type, String state, long millis) {
        Map<String, Object> details = state == null ? Map.of("error", "Lambda.Unknown") : Map.of("name", state);
        String key = state == null ? "taskFailedEventDetails"
                : type.endsWith("Entered") ? "stateEnteredEventDetails" : "stateExitedEventDetails";
        return new HistoryEvent(nextId++, previous, T0.plusMillis(millis), type, key, details);
    }
}
