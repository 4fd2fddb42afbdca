package dev.vidmeta.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vidmeta.local.LocalAws;
import dev.vidmeta.local.lambda.LocalLambda;
import dev.vidmeta.local.sfn.LocalStepFunctions;
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
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * {@code watch --all} at a burst: 1,000 executions of one state machine, 300 running, 200 failed and 500
 * succeeded, on the local Step Functions. The view must count them all, fit the terminal and redraw in place.
 */
class WatchBurstIT {

    private static final String DEFINITION = """
            {"QueryLanguage": "JSONata", "StartAt": "Route", "States": {
              "Route": {"Type": "Choice", "Default": "Done", "Choices": [
                {"Condition": "{% $states.input.outcome = 'wait' %}", "Next": "Hold"},
                {"Condition": "{% $states.input.outcome = 'fail' %}", "Next": "Break"}]},
              "Hold": {"Type": "Wait", "Seconds": 3600, "Next": "Done"},
              "Break": {"Type": "Fail", "Error": "Burst.Failed", "Cause": "on purpose"},
              "Done": {"Type": "Succeed"}}}""";
    private static final Pattern ESCAPES = Pattern.compile("\u001b\\[[0-9;?]*[A-Za-z]");
    /** The cursor-up sequence with which each frame after the first starts. */
    private static final Pattern FRAME_START = Pattern.compile("\u001b\\[\\d+A");

    private static LocalLambda lambda;
    private static LocalStepFunctions stepFunctions;
    private static SfnClient sfn;
    private static String machine;

    @BeforeAll
    static void burst() {
        lambda = LocalLambda.create();
        stepFunctions = LocalStepFunctions.start(lambda, LocalStepFunctions.Options.defaults());
        sfn = LocalAws.client(SfnClient.builder(), stepFunctions.endpoint());
        machine = sfn.createStateMachine(b -> b.name("burst").definition(DEFINITION)
                .roleArn(LocalAws.roleArn("burst"))).stateMachineArn();
        for (int i = 0; i < 1_000; i++) {
            String outcome = i % 10 < 3 ? "wait" : i % 10 < 5 ? "fail" : "pass";
            sfn.startExecution(b -> b.stateMachineArn(machine).input("{\"outcome\": \"" + outcome + "\"}"));
        }
        Await.until("the 700 short executions to end", Duration.ofSeconds(120),
                () -> sfn.listExecutions(b -> b.stateMachineArn(machine).statusFilter(ExecutionStatus.RUNNING)
                        .maxResults(1000)).executions().size(),
                running -> running == 300);
        System.setProperty("aws.region", LocalAws.REGION);
        System.setProperty("aws.accessKeyId", LocalAws.ACCESS_KEY_ID);
        System.setProperty("aws.secretAccessKey", LocalAws.SECRET_ACCESS_KEY);
        System.setProperty("aws.endpointUrlSfn", stepFunctions.endpoint().toString());
    }

    @AfterAll
    static void stop() {
        sfn.close();
        stepFunctions.close();
        lambda.close();
    }

    @Test
    void watchAll_shouldCountEveryExecution_andFitA160x50Terminal_redrawingInPlace() throws Exception {
        // GIVEN watch --all on a 160x50 terminal
        var output = new StringWriter();
        var cli = VidmetaCommand.commandLine();
        cli.setOut(new PrintWriter(output, true));
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        Thread thread = Thread.ofPlatform().start(() -> exit.complete(cli.execute("watch", "--all", "--ansi",
                "--size", "160x50", "--interval", "1s", "--state-machine-arn", machine)));

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
