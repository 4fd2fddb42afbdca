package dev.vidmeta.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vidmeta.cli.ExecutionHistory.StateRun;
import dev.vidmeta.cli.console.StateStatuses.Status;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one rendering of an execution's states that watch, demo and local run share. */
class StatesViewTest {

    private static final Instant T0 = Instant.parse("2026-01-01T06:04:05Z");

    private final StringWriter text = new StringWriter();

    private static StateRun run(String name, int depth, Status status, long enteredMs, Long exitedMs, String error) {
        return new StateRun(name, depth, status, status == null ? null : T0.plusMillis(enteredMs),
                exitedMs == null ? null : T0.plusMillis(exitedMs), error);
    }

    @Test
    void label_shouldUseTheConsolesWords() {
        assertThat(StatesView.label(Status.IN_PROGRESS)).isEqualTo("IN PROGRESS");
        assertThat(StatesView.label(Status.CAUGHT_ERROR)).isEqualTo("CAUGHT ERROR");
        assertThat(StatesView.label(Status.SUCCEEDED)).isEqualTo("SUCCEEDED");
        assertThat(StatesView.label(null)).isEqualTo("-");
    }

    @Test
    void duration_shouldRunToNow_whileTheStateRuns_andBeEmpty_whenItHasNotRun() {
        Instant now = T0.plusMillis(5_000);

        assertThat(StatesView.duration(run("Probe Media", 0, Status.SUCCEEDED, 0, 1_240L, null), now)).isEqualTo("1.2s");
        assertThat(StatesView.duration(run("Probe Media", 0, Status.IN_PROGRESS, 1_000, null, null), now))
                .isEqualTo("4.0s");
        assertThat(StatesView.duration(run("Merge Record", 0, null, 0, null, null), now)).isEmpty();
        assertThat(StatesView.ending("SUCCEEDED", Duration.ofMillis(4_321))).isEqualTo("execution SUCCEEDED in 4.3s");
    }

    @Test
    void plainView_shouldPrintALinePerStatusChange_andNoDurationWhileInProgress() {
        // GIVEN a plain view shown twice while a state runs, then once after it ended with a caught error
        var view = new StatesView(new PrintWriter(text), false);
        StateRun running = run("Probe Media", 1, Status.IN_PROGRESS, 0, null, null);
        view.show("a.mp4", "RUNNING", Duration.ofSeconds(1), List.of(running), T0.plusSeconds(1));
        view.show("a.mp4", "RUNNING", Duration.ofSeconds(2), List.of(running), T0.plusSeconds(2));
        view.show("a.mp4", "RUNNING", Duration.ofSeconds(3), List.of(
                run("Probe Media", 1, Status.CAUGHT_ERROR, 0, 1_240L, "Lambda.Unknown"),
                run("Merge Record", 0, null, 0, null, null)), T0.plusSeconds(3));

        // THEN one timestamped line for each status, none for a state that has not run; no terminal escapes
        assertThat(text.toString().lines().toList()).containsExactly(
                "06:04:06  Probe Media                      IN PROGRESS",
                "06:04:08  Probe Media                      CAUGHT ERROR     1.2s  Lambda.Unknown");
        assertThat(text.toString()).doesNotContain("\u001b");
    }

    @Test
    void plainView_shouldPrintAStateAgain_afterReset() {
        var view = new StatesView(new PrintWriter(text), false);
        List<StateRun> runs = List.of(run("Merge Record", 0, Status.SUCCEEDED, 0, 300L, null));
        view.show("a.mp4", "SUCCEEDED", Duration.ofSeconds(1), runs, T0);
        view.reset();
        view.show("b.mp4", "SUCCEEDED", Duration.ofSeconds(1), runs, T0);

        assertThat(text.toString().lines()).hasSize(2);
    }

    @Test
    void liveView_shouldRedrawTheBlockInPlace_withNestedStatesIndented() {
        var view = new StatesView(new PrintWriter(text), true);
        List<StateRun> runs = List.of(run("Probe And Analyze", 0, Status.IN_PROGRESS, 0, null, null),
                run("Probe Media", 1, Status.IN_PROGRESS, 0, null, null));
        view.show("a.mp4", "RUNNING", Duration.ofSeconds(1), runs, T0.plusSeconds(1));
        int firstFrame = text.toString().length();
        view.show("a.mp4", "RUNNING", Duration.ofSeconds(2), runs, T0.plusSeconds(2));

        // THEN the first frame starts where the cursor is, the second moves up over the first's three lines
        assertThat(text.toString().substring(0, firstFrame)).doesNotContain("\u001b[3A")
                .contains("a.mp4  \u001b[34mRUNNING\u001b[0m  1.0s")
                .contains("\n\u001b[2K    Probe Media");
        assertThat(text.toString().substring(firstFrame)).startsWith("\u001b[3A\r")
                .contains("a.mp4  \u001b[34mRUNNING\u001b[0m  2.0s");
    }
}
