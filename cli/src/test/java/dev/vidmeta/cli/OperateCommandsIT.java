package dev.vidmeta.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vidmeta.probe.Fixtures;
import dev.vidmeta.testing.Await;
import dev.vidmeta.testing.SfnExecutions;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * The operate commands against the local runtime running the project's pipeline, through the real SDK, as an
 * operator runs them. Uploads are tiny non-media objects (recorded as SKIPPED) unless a test needs a video.
 */
class OperateCommandsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Fixtures FIXTURES = Fixtures.inTarget();

    @TempDir
    Path workDir;

    private OperateRuntime local;

    @BeforeEach
    void start() {
        local = new OperateRuntime(workDir.resolve("runtime"), Duration.ofMillis(300));
    }

    @AfterEach
    void stop() {
        if (local != null) {
            local.close();
        }
    }

    @Test
    void executions_shouldListKeyStatusAndFailingState_whenOneSucceededAndOneFailed() {
        // GIVEN one upload that succeeds, then one that fails because the record table is gone
        local.upload("in/good.mp4");
        local.awaitSettled(1);
        local.deleteRecordTable();
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
                "vidmeta.RecordNotWritten: Neither Merge Record nor Record Failure");
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
                "ChoiceStateEntered", "Route Object", "ParallelStateEntered", "Probe And Analyze",
                "TaskStateEntered", "Merge Record", "lambda:invoke", "TaskSucceeded", "ExecutionSucceeded");
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
        String name = local.awaitStarted().name();

        // WHEN watched (output is not a terminal here)
        OperateRuntime.Run watch = local.vidmeta("watch", name, "--interval", "1s");

        // THEN it saw states finish in order, ended with the execution, and drew no terminal codes
        assertThat(watch.exit()).as(watch.err()).isZero();
        assertThat(watch.out()).containsSubsequence("watching " + name, "Merge Record", "SUCCEEDED",
                "execution SUCCEEDED in");
        assertThat(watch.out()).containsPattern("Probe Media\\s+(IN PROGRESS|SUCCEEDED)")
                .containsPattern("Analyze With Rekognition\\s+(IN PROGRESS|SUCCEEDED)");
        assertThat(watch.out()).doesNotContain("\u001b[");
    }

    @Test
    void watch_shouldExitNonZeroAndShowTheFailedState_whenTheExecutionFails() {
        local.deleteRecordTable();
        local.upload("in/doomed.mp4");
        local.awaitStarted();

        OperateRuntime.Run watch = local.vidmeta("watch", "--interval", "1s");

        assertThat(watch.exit()).isEqualTo(1);
        assertThat(watch.out()).containsPattern("Merge Record\\s+CAUGHT ERROR .*ResourceNotFoundException");
        assertThat(watch.out()).containsPattern("Record Not Written\\s+FAILED");
        assertThat(watch.out()).contains("execution FAILED in");
    }

    @Test
    void watchAll_shouldFollowNewExecutions_andStopCleanly_whenInterrupted() throws Exception {
        // GIVEN watch --all running in the background
        var output = new StringWriter();
        var cli = VidmetaCommand.commandLine();
        cli.setOut(new PrintWriter(output, true));
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        Thread thread = Thread.ofPlatform().start(() -> exit.complete(cli.execute("watch", "--all", "--interval", "1s",
                "--state-machine-arn", local.machineArn())));

        // WHEN two uploads run to the end
        local.upload("in/a.mp4");
        local.upload("in/b.mp4");
        local.awaitSettled(2);
        Await.until("watch to print two SUCCEEDED lines", OperateRuntime.WAIT, output::toString,
                shown -> shown.lines().filter(l -> l.contains("SUCCEEDED")).count() == 2);
        thread.interrupt();

        // THEN each was shown succeeding, and the command returned as after Ctrl-C
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
            Await.until("watch to print in/seen.mp4 SUCCEEDED", OperateRuntime.WAIT, () -> read(output),
                    shown -> shown.contains("in/seen.mp4") && shown.contains("SUCCEEDED"));
            new ProcessBuilder("kill", "-INT", String.valueOf(watch.pid())).start().waitFor();

            // THEN it exits as on SIGINT, having hidden the cursor to redraw and shown it again on the way out
            assertThat(watch.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(watch.exitValue()).isEqualTo(130);
            assertThat(read(output)).startsWith(Terminal.HIDE_CURSOR)
                    .endsWith(Terminal.SHOW_CURSOR + System.lineSeparator());
        } finally {
            watch.destroyForcibly();
        }
    }

    @Test
    void replay_shouldTurnAFailedExecutionIntoASucceededOne_withOneRecord_andBeANoOpTheSecondTime()
            throws Exception {
        // GIVEN a video whose execution failed because the record table was missing
        local.deleteRecordTable();
        local.upload("in/clip.mp4", FIXTURES.path(Fixtures.Fixture.MP4_FASTSTART));
        ExecutionListItem failed = local.awaitSettled(1).getFirst();
        assertThat(failed.status()).isEqualTo(ExecutionStatus.FAILED);

        // WHEN the cause is fixed and failed executions are replayed, twice
        local.createRecordTable();
        OperateRuntime.Run dryRun = local.vidmeta("replay", "--status", "FAILED", "--since", "1h", "--dry-run");
        OperateRuntime.Run first = local.vidmeta("replay", "--status", "FAILED", "--since", "1h");
        List<ExecutionListItem> after = local.awaitSettled(2);
        OperateRuntime.Run second = local.vidmeta("replay", "--status", "FAILED", "--since", "1h");

        // THEN a new execution under a derived name succeeded and wrote the one record; the rerun did nothing
        String replayName = failed.name() + "-r1";
        assertThat(dryRun.out()).contains("WOULD_RESTART", replayName).contains("dry run: would restart 1");
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.out()).contains("RESTARTED", "started " + replayName, "Record Not Written");
        assertThat(after).filteredOn(e -> e.name().equals(replayName)).singleElement()
                .extracting(ExecutionListItem::status).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(local.records()).isEqualTo(1);
        OperateRuntime.Run record = local.vidmetaRecords("record", "s3://" + OperateRuntime.SOURCE + "/in/clip.mp4");
        JsonNode item = JSON.readTree(record.out());
        assertThat(item.get("status").asText()).isEqualTo("COMPLETE");
        assertThat(item.get("executionName").asText()).isEqualTo(replayName);
        assertThat(second.out()).contains("ALREADY_REPLAYED", "already replayed as " + replayName + " (SUCCEEDED)")
                .contains("already replayed 1");
        assertThat(local.executions()).hasSize(2);
    }

    @Test
    void replay_shouldStartOneCopyOnly_whenTheCopyFailsInTheSameFailStateAgain() {
        // GIVEN an execution that ended in the Fail state "Record Not Written", replayed once while the cause
        // (the missing record table) is still there, so its copy ends in the same Fail state. Redrive would re-enter
        // that Fail state ("Redriving executions",
        // https://docs.aws.amazon.com/step-functions/latest/dg/redrive-executions.html), hence a restart.
        local.deleteRecordTable();
        local.upload("in/bad.mp4");
        ExecutionListItem failed = local.awaitSettled(1).getFirst();
        OperateRuntime.Run first = local.vidmeta("replay", "--status", "FAILED", "--since", "1h");
        String copy = failed.name() + "-r1";
        assertThat(local.awaitSettled(2)).filteredOn(e -> e.name().equals(copy)).singleElement()
                .extracting(ExecutionListItem::status).isEqualTo(ExecutionStatus.FAILED);

        // WHEN failed executions are replayed twice more
        OperateRuntime.Run second = local.vidmeta("replay", "--status", "FAILED", "--since", "1h");
        OperateRuntime.Run third = local.vidmeta("replay", "--status", "FAILED", "--since", "1h");

        // THEN the copy counts as the original's replay: no -r2, nothing RESTARTED after the first run
        assertThat(first.out()).contains("RESTARTED", "started " + copy);
        for (OperateRuntime.Run again : List.of(second, third)) {
            assertThat(again.exit()).as(again.err()).isZero();
            assertThat(again.out()).doesNotContain("RESTARTED", "REDRIVEN")
                    .contains("already replayed as " + copy + " (FAILED)")
                    .contains("is the replay of " + failed.name() + " (FAILED)");
        }
        assertThat(local.executions()).extracting(ExecutionListItem::name)
                .containsExactlyInAnyOrder(failed.name(), copy);
    }

    @Test
    void replay_shouldRedrive_whenTheExecutionWasStopped_andBeANoOpTheSecondTime() {
        // GIVEN an execution stopped while it waited for Rekognition (jobs take 3 s in this runtime); a real
        // MP4, since a file Rekognition cannot read starts no job and would not wait
        local.close();
        local = new OperateRuntime(workDir.resolve("slow-rekognition"), Duration.ofSeconds(3));
        local.upload("in/clip.mp4", FIXTURES.path(Fixtures.Fixture.MP4_FASTSTART));
        String arn = local.awaitStarted().executionArn();
        SfnExecutions.awaitEvent(local.sfn, arn, "TaskSubmitted", OperateRuntime.WAIT);
        local.sfn.stopExecution(b -> b.executionArn(arn).error("operator").cause("stopped on purpose"));
        assertThat(local.awaitSettled(1).getFirst().status()).isEqualTo(ExecutionStatus.ABORTED);

        // WHEN replayed by ARN, twice
        OperateRuntime.Run first = local.vidmeta("replay", "--execution", arn);
        local.awaitSettled(1);
        OperateRuntime.Run second = local.vidmeta("replay", "--execution", arn);

        // THEN the same execution was redriven to success with one record; the rerun did nothing
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.out()).contains("REDRIVEN", "was ABORTED; redriven from the states that failed (redrive 1)");
        var described = local.sfn.describeExecution(b -> b.executionArn(arn));
        assertThat(described.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(described.redriveCount()).isEqualTo(1);
        assertThat(local.records()).isEqualTo(1);
        assertThat(second.out()).contains("NOTHING_TO_DO", "execution SUCCEEDED; nothing to replay");
        assertThat(local.executions()).hasSize(1);
    }

    @Test
    void callbacks_shouldListACallbackThatFailedThreeTimes_andRedeliverIt_soTheRecordEndsComplete() throws Exception {
        // GIVEN a callback that fails on its first 3 invocations (DynamoDB throttling). SNS invokes it
        // asynchronously, so Lambda retries it twice and then sends it to the on-failure destination ("How Lambda
        // handles errors and retries with asynchronous invocation",
        // https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html), the SQS queue of
        // terraform/callback_failures.tf, as the record of
        // https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html
        local.failCallbacks(3);
        local.upload("in/clip.mp4", FIXTURES.path(Fixtures.Fixture.MP4_FASTSTART));
        Await.until("the failed callback in the on-failure queue", OperateRuntime.WAIT,
                local::callbackFailureQueue, q -> !q.isEmpty());
        ExecutionListItem waiting = local.awaitStarted();
        assertThat(local.callbackInvocations()).isEqualTo(3);
        assertThat(waiting.status()).isEqualTo(ExecutionStatus.RUNNING);

        // WHEN an operator lists the failed callbacks, re-delivers them, and re-delivers again
        OperateRuntime.Run list = local.vidmetaCallbacks("callbacks", "list");
        OperateRuntime.Run redeliver = local.vidmetaCallbacks("callbacks", "redeliver");
        ExecutionListItem done = local.awaitSettled(1).getFirst();
        OperateRuntime.Run again = local.vidmetaCallbacks("callbacks", "redeliver");

        // THEN the listing showed the job and the error, the redelivery invoked the callback once more and deleted
        // the message, and the waiting execution went on to a COMPLETE record
        assertThat(list.exit()).as(list.err()).isZero();
        assertThat(list.out()).contains("ProvisionedThroughputExceededException", "SUCCEEDED",
                "s3://" + OperateRuntime.SOURCE + "/in/clip.mp4", "1 failed callback");
        assertThat(list.out().lines().skip(1).findFirst().orElseThrow()).contains("  3  ");
        assertThat(redeliver.exit()).as(redeliver.out() + redeliver.err()).isZero();
        assertThat(redeliver.out()).contains("REDELIVERED", "redelivered 1");
        assertThat(local.callbackInvocations()).isEqualTo(4);
        assertThat(local.callbackFailureQueue()).isEmpty();
        assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        JsonNode item = JSON.readTree(local.vidmetaRecords("record", "s3://" + OperateRuntime.SOURCE + "/in/clip.mp4")
                .out());
        assertThat(item.get("status").asText()).isEqualTo("COMPLETE");
        assertThat(again.out()).contains("no failed callbacks");
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
        String from = "s3://" + OperateRuntime.ARCHIVE + "/old/";
        OperateRuntime.Run first = local.vidmeta("backfill", from, "--suffix", ".mp4,.mov", "--rate", "100/s");
        local.awaitSettled(50);
        OperateRuntime.Run second = local.vidmeta("backfill", from, "--suffix", ".mp4,.mov", "--rate", "100/s");

        // THEN 50 executions and 50 records; the second run found every execution there
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.out()).contains("started 50");
        assertThat(first.err()).contains("50 objects under " + from, "progress: 50/50");
        assertThat(second.out()).contains("already started 50").doesNotContain("started 50,");
        assertThat(local.awaitSettled(50)).allSatisfy(e -> {
            assertThat(e.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
            assertThat(e.name()).matches("backfill-[0-9a-f]{32}-clip-\\d+_MP4");
        });
        assertThat(local.records()).isEqualTo(50);
    }

    @Test
    void records_shouldListByStatusAndCodec_andRecordShouldPrintOne() throws Exception {
        // GIVEN a video (COMPLETE, AVC) and a text file (SKIPPED)
        local.upload("in/video.mp4", FIXTURES.path(Fixtures.Fixture.MP4_FASTSTART));
        local.upload("in/notes.mp4");
        local.awaitSettled(2);

        // WHEN queried through each index, and one record read
        OperateRuntime.Run complete = local.vidmetaRecords("records", "--status", "COMPLETE");
        OperateRuntime.Run skipped = local.vidmetaRecords("records", "--status", "SKIPPED", "--json");
        OperateRuntime.Run avc = local.vidmetaRecords("records", "--codec", "AVC", "--container", "MPEG-4");
        OperateRuntime.Run recent = local.vidmetaRecords("records");
        OperateRuntime.Run one = local.vidmetaRecords("record", "s3://" + OperateRuntime.SOURCE + "/in/video.mp4");
        OperateRuntime.Run none = local.vidmetaRecords("record", "s3://" + OperateRuntime.SOURCE + "/in/missing.mp4");

        // THEN each lists what it should
        assertThat(complete.exit()).as(complete.err()).isZero();
        assertThat(complete.out().lines().skip(1).toList()).singleElement().asString()
                .contains("COMPLETE", "MPEG-4", "AVC", "s3://vidmeta-uploads/in/video.mp4");
        assertThat(JSON.readTree(skipped.out()).get("objectKey").asText()).isEqualTo("in/notes.mp4");
        assertThat(avc.out()).contains("in/video.mp4").doesNotContain("in/notes.mp4");
        assertThat(recent.out()).contains("in/video.mp4", "in/notes.mp4");
        assertThat(JSON.readTree(one.out()).at("/technical").isObject()).isTrue();
        assertThat(none.exit()).isEqualTo(RecordCommand.NO_RECORD);
        assertThat(none.err()).contains("no record for s3://vidmeta-uploads/in/missing.mp4");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
