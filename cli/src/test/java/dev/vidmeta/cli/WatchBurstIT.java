package dev.vidmeta.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vidmeta.testing.Await;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code watch --all} at a burst: 1,000 executions of one state machine, 300 running, 200 failed and 500
 * succeeded, on the local Step Functions. The view must count them all, fit the terminal and redraw in place.
 */
class WatchBurstIT {

    private static final Pattern ESCAPES = Pattern.compile("\u001b\\[[0-9;?]*[A-Za-z]");
    /** The cursor-up sequence with which each frame after the first starts. */
    private static final Pattern FRAME_START = Pattern.compile("\u001b\\[\\d+A");

    private static ExecutionBurst burst;

    @BeforeAll
    static void burst() {
        burst = ExecutionBurst.start(1_000);
        burst.exportEndpoint();
    }

    @AfterAll
    static void stop() {
        burst.close();
    }

    @Test
    void watchAll_shouldCountEveryExecution_andFitA160x50Terminal_redrawingInPlace() throws Exception {
        // GIVEN watch --all on a 160x50 terminal
        var output = new StringWriter();
        var cli = VidmetaCommand.commandLine();
        cli.setOut(new PrintWriter(output, true));
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        Thread thread = Thread.ofPlatform().start(() -> exit.complete(cli.execute("watch", "--all", "--ansi",
                "--size", "160x50", "--interval", "1s", "--state-machine-arn", burst.machineArn())));

        // WHEN it has drawn three frames
        Await.until("three frames (or an early exit)", Duration.ofSeconds(60), output::toString,
                shown -> exit.isDone() || FRAME_START.matcher(shown).results().count() >= 2);
        assertThat(exit).as("watch --all runs until interrupted").isNotDone();
        thread.interrupt();
        assertThat(exit.get(20, TimeUnit.SECONDS)).isEqualTo(WatchCommand.INTERRUPTED);

        // THEN every frame fits: 49 lines at most, none reaching column 160, so nothing scrolls or wraps
        // (each frame starts at column 0 with a carriage return, which is no line of its own)
        List<String> frames = Arrays.asList(FRAME_START.split(output.toString().replace("\r", "")));
        assertThat(frames).hasSizeGreaterThanOrEqualTo(3);
        for (String frame : frames.subList(0, frames.size() - 1)) {
            List<String> lines = frame.lines().map(line -> ESCAPES.matcher(line).replaceAll("")).toList();
            assertThat(lines).hasSizeLessThanOrEqualTo(49);
            assertThat(lines).allSatisfy(line -> assertThat(line.length()).isLessThan(160));
        }
        // AND the summary counts all 1,000 by status, running ones come first, and the rest is counted
        List<String> last = frames.get(frames.size() - 2).lines().map(line -> ESCAPES.matcher(line).replaceAll(""))
                .toList();
        assertThat(last.getFirst()).contains("1000 executions since")
                .endsWith("RUNNING 300  FAILED 200  SUCCEEDED 500");
        assertThat(last.get(1)).contains("RUNNING").contains("Hold");
        assertThat(last.getLast().strip()).isEqualTo("… 953 more");
    }
}
