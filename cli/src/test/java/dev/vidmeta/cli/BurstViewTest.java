package dev.vidmeta.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/** The frame of {@code watch --all}, at the sizes of a burst: it must fit the terminal and put trouble first. */
class BurstViewTest {

    private static final Instant T0 = Instant.parse("2026-12-03T05:00:00Z");
    private static final Instant NOW = T0.plusSeconds(3_600);
    private static final Pattern ESCAPES = Pattern.compile("\u001b\\[[0-9;?]*[A-Za-z]");

    /** {@code n} executions: the i-th started at T0 + i s; statuses cycle as given; closed ones ran 10 s. */
    private static List<ExecutionListItem> burst(int n, ExecutionStatus... cycle) {
        List<ExecutionListItem> items = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ExecutionStatus status = cycle[i % cycle.length];
            Instant start = T0.plusSeconds(i);
            items.add(ExecutionListItem.builder().executionArn("arn:exec:" + i).name("e" + i).status(status)
                    .startDate(start).stopDate(status == ExecutionStatus.RUNNING ? null : start.plusSeconds(10))
                    .build());
        }
        return items;
    }

    private static List<String> frame(List<ExecutionListItem> items, BurstView.Size size, Set<String> asked) {
        return BurstView.frame(BurstView.ordered(items), BurstView.summary(items, T0),
                e -> {
                    asked.add(e.name());
                    return "uploads/2026/12/a-rather-long-folder-name/clip-" + e.name() + ".mp4";
                },
                e -> e.status() == ExecutionStatus.RUNNING ? "Probe And Analyze" : "Merge Record: States.TaskFailed",
                size, NOW);
    }

    private static String visible(String line) {
        return ESCAPES.matcher(line).replaceAll("");
    }

    @Test
    void frame_shouldFitTheTerminal_withNoLineReachingTheLastColumn_atEverySize() {
        List<ExecutionListItem> thousand = burst(1_000, ExecutionStatus.RUNNING, ExecutionStatus.SUCCEEDED,
                ExecutionStatus.FAILED, ExecutionStatus.SUCCEEDED);
        for (BurstView.Size size : List.of(new BurstView.Size(160, 50), new BurstView.Size(80, 24),
                new BurstView.Size(40, 10), new BurstView.Size(20, 5))) {
            List<String> lines = frame(thousand, size, new HashSet<>());

            // One line short of the height: printing the frame never scrolls the terminal
            assertThat(lines).as("lines at %s", size).hasSize(size.rows() - 1);
            // No line reaches the last column, so none wraps and leaves a fragment behind on the next redraw
            assertThat(lines).as("widths at %s", size)
                    .allSatisfy(line -> assertThat(visible(line).length()).isLessThan(size.columns()));
        }
    }

    @Test
    void frame_shouldCountByStatus_thenShowRunningAndFailedFirst_thenSayHowManyMore() {
        // GIVEN 1,000 executions: 250 running, 250 failed, 500 succeeded
        List<ExecutionListItem> thousand = burst(1_000, ExecutionStatus.RUNNING, ExecutionStatus.SUCCEEDED,
                ExecutionStatus.FAILED, ExecutionStatus.SUCCEEDED);

        // WHEN framed for a 160x50 terminal
        List<String> lines = frame(thousand, new BurstView.Size(160, 50), new HashSet<>());

        // THEN the summary counts all of them, the rows start with the newest running one, and the rest is counted
        assertThat(lines.getFirst()).isEqualTo("1000 executions since 05:00:00  RUNNING 250  FAILED 250  SUCCEEDED 500");
        assertThat(visible(lines.get(1))).contains("clip-e996.mp4").contains("RUNNING");
        assertThat(lines.subList(1, lines.size() - 1)).allSatisfy(line -> assertThat(visible(line)).contains("RUNNING"));
        assertThat(lines.getLast()).isEqualTo("… " + (1_000 - 47) + " more");
    }

    @Test
    void frame_shouldPutFailuresBeforeSuccesses_mostRecentlyEndedFirst_whenNothingRuns() {
        List<ExecutionListItem> items = burst(6, ExecutionStatus.SUCCEEDED, ExecutionStatus.FAILED,
                ExecutionStatus.TIMED_OUT);

        List<String> rows = frame(items, new BurstView.Size(160, 50), new HashSet<>()).stream().skip(1)
                .map(BurstViewTest::visible).toList();

        assertThat(rows).hasSize(6);
        assertThat(rows.get(0)).contains("clip-e4.mp4", "FAILED");
        assertThat(rows.get(1)).contains("clip-e1.mp4", "FAILED");
        assertThat(rows.get(2)).contains("clip-e5.mp4", "TIMED_OUT");
        assertThat(rows.get(4)).contains("clip-e3.mp4", "SUCCEEDED");
    }

    @Test
    void frame_shouldAskOnlyAboutTheExecutionsItShows() {
        Set<String> asked = new HashSet<>();

        frame(burst(1_000, ExecutionStatus.RUNNING), new BurstView.Size(80, 24), asked);

        assertThat(asked).hasSize(23 - 2);
    }

    @Test
    void frame_shouldColourTheStatus_butCountOnlyVisibleCharacters() {
        List<String> lines = frame(burst(1, ExecutionStatus.FAILED), new BurstView.Size(80, 24), new HashSet<>());

        assertThat(lines.get(1)).contains("\u001b[31mFAILED");
        assertThat(visible(lines.get(1)).length()).isLessThan(80);
    }

    @Test
    void size_shouldParseColumnsByRows_andRefuseAnythingElse() {
        assertThat(BurstView.Size.parse("160x50")).isEqualTo(new BurstView.Size(160, 50));
        assertThatThrownBy(() -> BurstView.Size.parse("160")).hasMessageContaining("COLUMNSxROWS");
    }
}
