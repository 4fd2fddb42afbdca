package dev.vidmeta.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/** The operate commands against the local runtime, through the real SDK, as an operator runs them. */
class OperateCommandsIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path workDir;

    private OperateRuntime local;

    @BeforeEach
    void start() {
        local = new OperateRuntime(workDir);
    }

    @AfterEach
    void stop() {
        local.close();
    }

    @Test
    void executions_shouldListKeyStatusAndFailingState_whenOneSucceededAndOneFailed() {
        // GIVEN one upload that succeeds, then one that fails because the record table is gone
        local.upload("in/good.mp4");
        local.awaitSettled(1);
        local.dynamo.deleteTable(b -> b.tableName(OperateRuntime.TABLE));
        local.upload("in/bad.mp4");
        local.awaitSettled(2);

        // WHEN listed, all and FAILED only
        OperateRuntime.Run all = local.vidmeta("executions", "--since", "1h");
        OperateRuntime.Run failed = local.vidmeta("executions", "--status", "FAILED");

        // THEN each row names its object; the failed one its Fail state and error
        assertThat(all.exit()).as(all.err()).isZero();
        List<String> lines = all.out().lines().toList();
        assertThat(lines.getFirst()).startsWith("OBJECT KEY").contains("STATUS", "FAILED STATE", "ERROR");
        assertThat(lines.get(1)).startsWith("in/bad.mp4").contains("FAILED", "Record Not Written",
                "vidmeta.RecordNotWritten: the record table is missing");
        assertThat(lines.get(2)).startsWith("in/good.mp4").contains("SUCCEEDED").doesNotContain("Record Not Written");
        assertThat(failed.out().lines().skip(1).toList()).singleElement().asString().startsWith("in/bad.mp4");
    }

    @Test
    void history_shouldPrintATimeline_andRawEventsAsJson() throws Exception {
        // GIVEN a finished execution
        local.upload("in/clip.mp4");
        String name = local.awaitSettled(1).getFirst().name();

        // WHEN its history is printed, by name, both ways
        OperateRuntime.Run timeline = local.vidmeta("history", name);
        OperateRuntime.Run raw = local.vidmeta("history", name, "--json");

        // THEN the timeline walks the states in order, and the JSON is the service's events
        assertThat(timeline.exit()).as(timeline.err()).isZero();
        assertThat(timeline.out()).containsSubsequence("ExecutionStarted", "PassStateEntered", "Check Object",
                "WaitStateEntered", "Pause", "TaskStateEntered", "Write Record", "lambda:invoke",
                "TaskSucceeded", "ExecutionSucceeded");
        JsonNode events = JSON.readTree(raw.out()).get("events");
        assertThat(events.get(0).get("type").asText()).isEqualTo("ExecutionStarted");
        assertThat(events.get(0).at("/executionStartedEventDetails/input").asText()).contains("in/clip.mp4");
        assertThat(events.get(events.size() - 1).get("type").asText()).isEqualTo("ExecutionSucceeded");
        assertThat(events.size()).isEqualTo(timeline.out().lines().count());
    }

    @Test
    void watch_shouldPrintEachStateChange_untilTheExecutionEnds_whenNotATerminal() {
        // GIVEN an execution that is still running
        local.upload("in/live.mp4");
        OperateRuntime.await(() -> !local.executions().isEmpty());
        String name = local.executions().getFirst().name();

        // WHEN watched (output is not a terminal here)
        OperateRuntime.Run watch = local.vidmeta("watch", name, "--interval", "1s");

        // THEN it saw states start and finish, ended with the execution, and drew no terminal codes
        assertThat(watch.exit()).as(watch.err()).isZero();
        assertThat(watch.out()).containsSubsequence("watching " + name, "Write Record", "SUCCEEDED",
                "execution SUCCEEDED in");
        assertThat(watch.out()).containsPattern("Pause\\s+(IN PROGRESS|SUCCEEDED)");
        assertThat(watch.out()).doesNotContain("\u001b[");
    }

    @Test
    void watch_shouldExitNonZeroAndShowTheFailedState_whenTheExecutionFails() {
        local.dynamo.deleteTable(b -> b.tableName(OperateRuntime.TABLE));
        local.upload("in/doomed.mp4");
        OperateRuntime.await(() -> !local.executions().isEmpty());

        OperateRuntime.Run watch = local.vidmeta("watch", "--interval", "1s");

        assertThat(watch.exit()).isEqualTo(1);
        assertThat(watch.out()).containsPattern("Write Record\\s+CAUGHT ERROR .*ResourceNotFoundException");
        assertThat(watch.out()).containsPattern("Record Not Written\\s+FAILED");
        assertThat(watch.out()).contains("execution FAILED in");
    }

    @Test
    void watchAll_shouldFollowNewExecutions_andStopCleanly_whenInterrupted() throws Exception {
        // GIVEN watch --all running in the background
        var output = new java.io.StringWriter();
        var cli = VidmetaCommand.commandLine();
        cli.setOut(new java.io.PrintWriter(output, true));
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        Thread thread = Thread.ofPlatform().start(() -> exit.complete(cli.execute("watch", "--all", "--interval", "1s",
                "--state-machine-arn", local.machineArn())));

        // WHEN two uploads run to the end
        local.upload("in/a.mp4");
        local.upload("in/b.mp4");
        local.awaitSettled(2);
        OperateRuntime.await(() -> output.toString().lines().filter(l -> l.contains("SUCCEEDED")).count() == 2);
        thread.interrupt();

        // THEN each was shown running, then succeeded, and the command returned as after Ctrl-C
        assertThat(exit.get(10, TimeUnit.SECONDS)).isEqualTo(WatchCommand.INTERRUPTED);
        assertThat(output.toString()).containsPattern("in/a.mp4\\s+SUCCEEDED").containsPattern("in/b.mp4\\s+SUCCEEDED");
    }

    @Test
    void watch_shouldShowTheCursorAgain_onCtrlC_inAProcessConfiguredLikeAUsersShell() throws Exception {
        // GIVEN `vidmeta watch --all` in its own JVM, configured only by the variables `local up` prints
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), VidmetaCommand.class.getName(),
                "watch", "--all", "--ansi", "--interval", "1s");
        builder.environment().putAll(local.shellEnvironment());
        builder.environment().put(DeploymentOptions.STATE_MACHINE_ENV, local.machineArn());
        Path output = workDir.resolve("watch.out");
        builder.redirectOutput(output.toFile()).redirectError(workDir.resolve("watch.err").toFile());
        Process watch = builder.start();
        try {
            // WHEN an upload runs to the end while it watches, then the user presses Ctrl-C
            local.upload("in/seen.mp4");
            local.awaitSettled(1);
            OperateRuntime.await(() -> read(output).contains("in/seen.mp4") && read(output).contains("SUCCEEDED"));
            new ProcessBuilder("kill", "-INT", String.valueOf(watch.pid())).start().waitFor();

            // THEN it exits as on SIGINT, having hidden the cursor to redraw and shown it again on the way out
            assertThat(watch.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(watch.exitValue()).isEqualTo(130);
            String out = read(output);
            assertThat(out).startsWith(Terminal.HIDE_CURSOR).endsWith(Terminal.SHOW_CURSOR + System.lineSeparator());
        } finally {
            watch.destroyForcibly();
        }
    }

    private static String read(Path file) {
        try {
            return java.nio.file.Files.readString(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void replay_shouldStartAgain_whenTheExecutionEndedInAFailState_andBeANoOpTheSecondTime() {
        // GIVEN an execution that failed because the record table was missing
        local.dynamo.deleteTable(b -> b.tableName(OperateRuntime.TABLE));
        local.upload("in/clip.mp4");
        ExecutionListItem failed = local.awaitSettled(1).getFirst();
        assertThat(failed.status()).isEqualTo(ExecutionStatus.FAILED);

        // WHEN the cause is fixed and failed executions are replayed, twice
        local.dynamo.createTable(OperateRuntime.recordTable());
        OperateRuntime.Run dryRun = local.vidmeta("replay", "--status", "FAILED", "--since", "1h", "--dry-run");
        OperateRuntime.Run first = local.vidmeta("replay", "--status", "FAILED", "--since", "1h");
        List<ExecutionListItem> after = local.awaitSettled(2);
        OperateRuntime.Run second = local.vidmeta("replay", "--status", "FAILED", "--since", "1h");

        // THEN a new execution under a derived name succeeded and wrote the one record; the rerun did nothing
        assertThat(dryRun.out()).contains("WOULD_RESTART", failed.name() + "-r1").contains("dry run: would restart 1");
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.out()).contains("RESTARTED", "started " + failed.name() + "-r1", "Record Not Written");
        assertThat(after).filteredOn(e -> e.name().equals(failed.name() + "-r1")).singleElement()
                .extracting(ExecutionListItem::status).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(local.records()).isEqualTo(1);
        assertThat(second.out()).contains("ALREADY_REPLAYED", "already replayed as " + failed.name() + "-r1 (SUCCEEDED)")
                .contains("already replayed 1");
        assertThat(local.executions()).hasSize(2);
    }

    @Test
    void replay_shouldRedrive_whenATaskFailedUncaught_andBeANoOpTheSecondTime() {
        // GIVEN an execution that failed in its Task (no Catch for this error)
        local.broken.set(true);
        local.upload("in/clip.mp4");
        ExecutionListItem failed = local.awaitSettled(1).getFirst();
        assertThat(failed.status()).isEqualTo(ExecutionStatus.FAILED);

        // WHEN the function is fixed and the execution replayed by ARN, twice
        local.broken.set(false);
        OperateRuntime.Run first = local.vidmeta("replay", "--execution", failed.executionArn());
        local.awaitSettled(1);
        OperateRuntime.Run second = local.vidmeta("replay", "--execution", failed.executionArn());

        // THEN the same execution was redriven to success, one record; the rerun skipped it
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.out()).contains("REDRIVEN", failed.name(), "was FAILED; redriven from the states that failed (redrive 1)");
        var described = local.sfn.describeExecution(b -> b.executionArn(failed.executionArn()));
        assertThat(described.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(described.redriveCount()).isEqualTo(1);
        assertThat(local.records()).isEqualTo(1);
        assertThat(second.out()).contains("NOTHING_TO_DO", "execution SUCCEEDED; nothing to replay");
        assertThat(local.executions()).hasSize(1);
    }

    @Test
    void backfill_shouldStartOneExecutionPerObject_andNothingTheSecondTime() {
        // GIVEN 50 objects stored where no rule starts the pipeline (plus one the suffix excludes)
        for (int i = 0; i < 50; i++) {
            local.upload(OperateRuntime.ARCHIVE, "old/clip-" + i + ".MP4");
        }
        local.upload(OperateRuntime.ARCHIVE, "old/notes.txt");
        assertThat(local.executions()).isEmpty();

        // WHEN backfilled twice
        OperateRuntime.Run first = local.vidmeta("backfill", "s3://" + OperateRuntime.ARCHIVE + "/old/",
                "--suffix", ".mp4,.mov", "--rate", "200/s");
        local.awaitSettled(50);
        OperateRuntime.Run second = local.vidmeta("backfill", "s3://" + OperateRuntime.ARCHIVE + "/old/",
                "--suffix", ".mp4,.mov", "--rate", "200/s");

        // THEN 50 executions and 50 records; the second run found every execution there
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.out()).contains("started 50");
        assertThat(first.err()).contains("50 objects under s3://archive/old/", "progress: 50/50");
        assertThat(second.out()).contains("already started 50").doesNotContain("started 50,");
        assertThat(local.awaitSettled(50)).allSatisfy(e -> {
            assertThat(e.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
            assertThat(e.name()).matches("backfill-[0-9a-f]{32}-clip-\\d+_MP4");
        });
        assertThat(local.records()).isEqualTo(50);
    }
}
