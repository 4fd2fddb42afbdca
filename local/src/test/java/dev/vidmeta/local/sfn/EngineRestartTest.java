package dev.vidmeta.local.sfn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.vidmeta.testing.Await;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An engine that dies (nothing closed, nothing more written, as under {@code kill -9}) and a new one on the same
 * journal: running executions go on where they were, closed ones read as before. What AWS promises and the
 * restart must keep: a task token stays valid until its task ends ("Wait for a Callback with Task Token",
 * https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html#connect-wait-token); SendTaskSuccess
 * answers TaskTimedOut once it has ended
 * (https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskSuccess.html); Wait, TimeoutSeconds
 * and HeartbeatSeconds count from when they began; GetExecutionHistory returns the whole history
 * (https://docs.aws.amazon.com/step-functions/latest/apireference/API_GetExecutionHistory.html).
 */
class EngineRestartTest {

    private static final Instant T0 = Instant.parse("2026-01-05T10:00:00Z");
    private static final String CALLBACK = SfnHarness.resource("callback.asl.json");
    private static final String WAIT = SfnHarness.resource("wait.asl.json");

    @TempDir
    Path dir;

    private final TestFunctions functions = new TestFunctions();
    private final List<Engine> engines = new ArrayList<>();

    private Engine engine(Instant clock) {
        Engine engine = new Engine(functions, new ManualTimers(clock), dir);
        engines.add(engine);
        return engine;
    }

    @AfterEach
    void stopEngines() {
        engines.forEach(Engine::close);
    }

    private String tokenSentTo(String function, int call) {
        return (String) ((Map<?, ?>) functions.callsTo(function).get(call).payload()).get("token");
    }

    @Test
    void taskWaitingOnToken_shouldCompleteWithThatSameToken_afterRestart() {
        // GIVEN an execution whose task waits on its token when the engine dies
        functions.define("start-job", payload -> Map.of("JobId", "job-1"));
        Engine first = engine(T0);
        String arn = first.start(first.create("callback", CALLBACK), "a",
                "{\"key\":\"a.mp4\",\"timeout\":1000,\"heartbeat\":500}");
        first.awaitEvent(arn, "TaskSubmitted");
        String token = tokenSentTo("start-job", 0);
        first.crash();

        // WHEN a new engine starts on the journal, the deployment creates the machine again, and the callback
        // brings the token issued before the restart
        Engine second = engine(T0.plusSeconds(10));
        second.create("callback", CALLBACK);
        second.call("SendTaskSuccess", Map.of("taskToken", token, "output", "{\"labels\":3}"));

        // THEN the execution succeeds with the callback's output, without invoking the function again
        Map<String, Object> done = second.awaitClosed(arn);
        assertThat(done).containsEntry("status", "SUCCEEDED");
        assertThat(Json.parse((String) done.get("output"))).isEqualTo(Map.of("job", Map.of("labels", 3)));
        assertThat(functions.callsTo("start-job")).hasSize(1);
        // AND its history is one history, as if nothing had happened
        assertThat(second.types(arn)).containsExactly("ExecutionStarted", "TaskStateEntered", "TaskScheduled",
                "TaskStarted", "TaskSubmitted", "TaskSucceeded", "TaskStateExited", "ExecutionSucceeded");
        // AND the used token now answers TaskTimedOut
        assertThatThrownBy(() -> second.call("SendTaskSuccess", Map.of("taskToken", token, "output", "{}")))
                .isInstanceOfSatisfying(SfnApiException.class, e -> assertThat(e.type()).isEqualTo("TaskTimedOut"));
    }

    @Test
    void taskSubmitted_journaledAfterItsTaskClosed_shouldNotLoseTheExecution_afterRestart() throws IOException {
        // GIVEN a journal in which a TaskSubmitted comes after its task has closed, as when a callback races the
        // function's return, and an execution that waits in the next state when the engine dies
        functions.define("start-job", payload -> Map.of());
        String definition = """
                {"QueryLanguage": "JSONata", "StartAt": "Job", "States": {
                  "Job": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
                          "Arguments": {"FunctionName": "start-job",
                                        "Payload": {"token": "{% $states.context.Task.Token %}"}},
                          "Next": "Pause"},
                  "Pause": {"Type": "Wait", "Seconds": 10, "End": true}}}
                """;
        Engine first = engine(T0);
        String arn = first.start(first.create("raced", definition), "raced", "{}");
        first.awaitEvent(arn, "TaskSubmitted");
        first.call("SendTaskSuccess", Map.of("taskToken", tokenSentTo("start-job", 0), "output", "{\"done\":1}"));
        first.awaitEvent(arn, "WaitStateEntered");
        first.crash();
        Path file = Journals.at(dir).fileOf(arn);
        String submitted = Files.readAllLines(file).stream().filter(line -> line.contains("\"TaskSubmitted\""))
                .findFirst().orElseThrow();
        Files.writeString(file, submitted + "\n", StandardOpenOption.APPEND);

        // WHEN the engine starts again and the Wait's 10 s pass
        Engine second = engine(T0.plusSeconds(1));
        second.create("raced", definition);
        second.advance(Duration.ofSeconds(10));

        // THEN the execution is still there, and it ends
        assertThat(second.awaitClosed(arn)).containsEntry("status", "SUCCEEDED");
    }

    @Test
    void journalTornInsideAMultiByteCharacter_shouldLoseOnlyItsLastLine_afterRestart() throws IOException {
        // GIVEN an execution waiting on its token, whose journal a crash cut inside a character's bytes
        Engine first = engine(T0);
        String arn = startWaitingOnToken(first, "torn", "t.mp4", 500);
        first.crash();
        byte[] torn = "{\"line\":\"event\",\"note\":\"\u00e9".getBytes(StandardCharsets.UTF_8);
        Files.write(Journals.at(dir).fileOf(arn), Arrays.copyOf(torn, torn.length - 1), StandardOpenOption.APPEND);

        // WHEN the engine starts again and the callback comes
        Engine second = engine(T0.plusSeconds(1));
        second.create("callback", CALLBACK);
        second.call("SendTaskSuccess", Map.of("taskToken", tokenSentTo("start-job", 0), "output", "{\"labels\":2}"));

        // THEN the execution was resumed and ends with the callback's output
        assertThat(Json.parse((String) second.awaitClosed(arn).get("output")))
                .isEqualTo(Map.of("job", Map.of("labels", 2)));
    }

    @Test
    void callback_shouldBeAccepted_beforeTheDeploymentCreatesTheMachineAgain() {
        // GIVEN an execution waiting on its token when the engine dies
        Engine first = engine(T0);
        String arn = startWaitingOnToken(first, "early", "e.mp4", 500);
        first.crash();

        // WHEN, in the new engine, the callback comes before the machine is created again
        Engine second = engine(T0.plusSeconds(1));
        second.call("SendTaskSuccess", Map.of("taskToken", tokenSentTo("start-job", 0), "output", "{\"labels\":1}"));
        second.create("callback", CALLBACK);

        // THEN it is accepted, and once the machine exists the execution succeeds with the callback's output
        Map<String, Object> done = second.awaitClosed(arn);
        assertThat(Json.parse((String) done.get("output"))).isEqualTo(Map.of("job", Map.of("labels", 1)));
    }

    @Test
    void heartbeat_beforeTheDeploymentCreatesTheMachineAgain_shouldKeepTheTaskAlive() {
        // GIVEN a task with HeartbeatSeconds 20 that began at T0, and an engine that dies
        Engine first = engine(T0);
        String arn = startWaitingOnToken(first, "beat", "f.mp4", 20);
        first.crash();

        // WHEN, in the new engine, a heartbeat comes at T0 + 15 s, before the machine is created again
        Engine second = engine(T0.plusSeconds(15));
        second.call("SendTaskHeartbeat", Map.of("taskToken", tokenSentTo("start-job", 0)));
        second.create("callback", CALLBACK);

        // THEN the task lives past T0 + 20 s, and times out at T0 + 35 s, 20 s after that heartbeat
        second.advance(Duration.ofSeconds(19));
        assertThat(second.status(arn)).isEqualTo("RUNNING");
        second.advance(Duration.ofSeconds(1));
        assertThat(Json.parse((String) second.awaitClosed(arn).get("output")))
                .isEqualTo(Map.of("Error", "States.HeartbeatTimeout",
                        "Cause", "No heartbeat was received within HeartbeatSeconds (20)"));
    }

    @Test
    void taskTimeoutSeconds_shouldEndTheTask_atItsAbsoluteDeadline_afterRestart() {
        // GIVEN a task with TimeoutSeconds 5 that began at T0 and waits on its token when the engine dies
        functions.define("start-job", payload -> Map.of());
        String definition = SfnHarness.resource("callback-timeout.asl.json");
        Engine first = engine(T0);
        String arn = first.start(first.create("timeout", definition), "to", "{}");
        first.awaitEvent(arn, "TaskSubmitted");
        first.crash();

        // WHEN the engine starts again at T0 + 3 s
        Engine second = engine(T0.plusSeconds(3));
        second.create("timeout", definition);

        // THEN the task times out at T0 + 5 s
        second.advance(Duration.ofSeconds(1));
        assertThat(second.types(arn)).doesNotContain("TaskTimedOut");
        second.advance(Duration.ofSeconds(1));
        assertThat(second.awaitClosed(arn)).containsEntry("status", "FAILED").containsEntry("error", "States.Timeout")
                .containsEntry("stopDate", ApiRequests.epoch(T0.plusSeconds(5)));
    }

    @Test
    void retry_shouldRunAtItsAbsoluteDeadline_andKeepItsCount_afterRestart() {
        // GIVEN a task whose first attempt failed at T0 and whose retry is due 10 s later when the engine dies
        List<Object> attempts = new ArrayList<>();
        functions.define("probe", payload -> {
            attempts.add(((Map<?, ?>) payload).get("attempt"));
            if (attempts.size() == 1) {
                throw new TestFunctions.FunctionError("Lambda.ServiceException", "try again");
            }
            return Map.of("ok", true);
        });
        String definition = """
                {"QueryLanguage": "JSONata", "StartAt": "Probe Media", "States": {"Probe Media": {"Type": "Task",
                  "Resource": "arn:aws:states:::lambda:invoke",
                  "Arguments": {"FunctionName": "probe", "Payload": {"attempt": "{% $states.context.State.RetryCount %}"}},
                  "Retry": [{"ErrorEquals": ["Lambda.ServiceException"], "IntervalSeconds": 10, "MaxAttempts": 2}],
                  "End": true}}}
                """;
        Engine first = engine(T0);
        String arn = first.start(first.create("retry", definition), "r", "{}");
        first.awaitEvent(arn, "TaskFailed");
        Await.until("the retry's deadline is journaled", () -> journal(arn).contains("\"line\":\"retry\""));
        first.crash();

        // WHEN the engine starts again at T0 + 4 s
        Engine second = engine(T0.plusSeconds(4));
        second.create("retry", definition);

        // THEN the retry runs at T0 + 10 s, as retry number 1, and the task succeeds
        second.advance(Duration.ofSeconds(5));
        assertThat(attempts).hasSize(1);
        second.advance(Duration.ofSeconds(1));
        assertThat(second.awaitClosed(arn)).containsEntry("status", "SUCCEEDED");
        assertThat(attempts).containsExactly(0, 1);
    }

    @Test
    void machineTimeoutSeconds_shouldEndTheExecution_atItsAbsoluteDeadline_afterRestart() {
        // GIVEN an execution of a machine with TimeoutSeconds 30, in a 100 s Wait, when the engine dies
        String definition = """
                {"QueryLanguage": "JSONata", "TimeoutSeconds": 30, "StartAt": "Long Wait", "States": {
                  "Long Wait": {"Type": "Wait", "Seconds": 100, "End": true}}}
                """;
        Engine first = engine(T0);
        String arn = first.start(first.create("slow", definition), "t", "{}");
        first.awaitEvent(arn, "WaitStateEntered");
        Await.until("the wait's deadline is journaled", () -> journal(arn).contains("\"line\":\"wait\""));
        first.crash();

        // WHEN the engine starts again at T0 + 20 s
        Engine second = engine(T0.plusSeconds(20));
        second.create("slow", definition);

        // THEN the execution times out at T0 + 30 s
        second.advance(Duration.ofSeconds(9));
        assertThat(second.status(arn)).isEqualTo("RUNNING");
        second.advance(Duration.ofSeconds(1));
        assertThat(second.awaitClosed(arn)).containsEntry("status", "TIMED_OUT")
                .containsEntry("stopDate", ApiRequests.epoch(T0.plusSeconds(30)));
    }

    @Test
    void heartbeatSeconds_shouldCountFromTheLastHeartbeatBeforeTheRestart() {
        // GIVEN a task with HeartbeatSeconds 20 whose last heartbeat came at T0 + 5 s, and an engine that dies
        Engine first = engine(T0);
        String arn = startWaitingOnToken(first, "b", "b.mp4", 20);
        first.advance(Duration.ofSeconds(5));
        first.call("SendTaskHeartbeat", Map.of("taskToken", tokenSentTo("start-job", 0)));
        first.crash();

        // WHEN the engine starts again at T0 + 15 s
        Engine second = engine(T0.plusSeconds(15));
        second.create("callback", CALLBACK);

        // THEN the task times out at T0 + 25 s, 20 s after that heartbeat, not 20 s after the restart
        second.advance(Duration.ofSeconds(9));
        assertThat(second.status(arn)).isEqualTo("RUNNING");
        second.advance(Duration.ofSeconds(1));
        Map<String, Object> done = second.awaitClosed(arn);
        assertThat(Json.parse((String) done.get("output"))).isEqualTo(Map.of("Error", "States.HeartbeatTimeout",
                "Cause", "No heartbeat was received within HeartbeatSeconds (20)"));
    }

    @Test
    void waitStates_shouldEndAtTheirAbsoluteDeadlines_afterRestart() {
        // GIVEN an execution in a 10 s Wait that began at T0, followed by a Wait until T0 + 30 s
        Engine first = engine(T0);
        String arn = first.start(first.create("wait", WAIT), "c",
                "{\"seconds\":10,\"until\":\"" + T0.plusSeconds(30) + "\"}");
        first.awaitEvent(arn, "WaitStateEntered");
        Await.until("the wait's deadline is journaled", () -> journal(arn).contains("\"line\":\"wait\""));
        first.crash();

        // WHEN the engine starts again at T0 + 4 s
        Engine second = engine(T0.plusSeconds(4));
        second.create("wait", WAIT);

        // THEN the first Wait ends at T0 + 10 s, and the second at T0 + 30 s
        second.advance(Duration.ofSeconds(5));
        assertThat(second.types(arn)).doesNotContain("WaitStateExited");
        second.advance(Duration.ofSeconds(1));
        Await.until("the second Wait is entered", () -> second.types(arn).stream()
                .filter("WaitStateEntered"::equals).count() == 2);
        second.advance(Duration.ofSeconds(19));
        assertThat(second.status(arn)).isEqualTo("RUNNING");
        second.advance(Duration.ofSeconds(1));
        assertThat(second.awaitClosed(arn)).containsEntry("status", "SUCCEEDED")
                .containsEntry("output", "{\"waited\":true}");
    }

    @Test
    void invocationCutOffByTheCrash_shouldBeInvokedAgain_withTheSamePayload() {
        // GIVEN a request-response task whose function is still running when the engine dies
        CountDownLatch never = new CountDownLatch(1);
        functions.define("probe", payload -> {
            never.await();
            return Map.of();
        });
        String definition = SfnHarness.resource("lambda-invoke.asl.json");
        Engine first = engine(T0);
        String arn = first.start(first.create("invoke", definition), "d", "{\"key\":\"d.mp4\"}");
        Await.until("the function is invoked", () -> functions.callsTo("probe").size() == 1);
        first.crash();

        // WHEN the engine starts again and the function now answers
        functions.define("probe", payload -> Map.of("probed", true));
        Engine second = engine(T0.plusSeconds(1));
        second.create("invoke", definition);

        // THEN the function is invoked again with the same payload (at least once), and the task succeeds once
        Map<String, Object> done = second.awaitClosed(arn);
        assertThat(done).containsEntry("status", "SUCCEEDED");
        assertThat(functions.callsTo("probe")).extracting(TestFunctions.Call::payload)
                .containsExactly(Map.of("key", "d.mp4", "attempt", 0), Map.of("key", "d.mp4", "attempt", 0));
        assertThat(second.types(arn)).containsExactly("ExecutionStarted", "TaskStateEntered", "TaskScheduled",
                "TaskStarted", "TaskSucceeded", "TaskStateExited", "ExecutionSucceeded");
    }

    @Test
    void parallel_shouldKeepItsFinishedBranch_andFinishTheWaitingOne_afterRestart() {
        // GIVEN a Parallel state whose first branch finished and whose second waits on a token
        functions.define("left", payload -> Map.of("left", 1));
        functions.define("start-job", payload -> Map.of());
        String definition = """
                {"QueryLanguage": "JSONata", "StartAt": "Both", "States": {"Both": {"Type": "Parallel", "End": true,
                  "Branches": [
                    {"StartAt": "Left", "States": {"Left": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                      "Arguments": {"FunctionName": "left"}, "Output": "{% $states.result.Payload %}", "End": true}}},
                    {"StartAt": "Right", "States": {"Right": {"Type": "Task",
                      "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
                      "Arguments": {"FunctionName": "start-job", "Payload": {"token": "{% $states.context.Task.Token %}"}},
                      "End": true}}}]}}}
                """;
        Engine first = engine(T0);
        String arn = first.start(first.create("parallel", definition), "e", "{}");
        first.awaitEvent(arn, "TaskSubmitted");
        Await.until("the left branch's end is journaled", () -> journal(arn).contains("\"line\":\"end\""));
        first.crash();

        // WHEN the engine starts again and the callback comes
        Engine second = engine(T0.plusSeconds(1));
        second.create("parallel", definition);
        second.call("SendTaskSuccess", Map.of("taskToken", tokenSentTo("start-job", 0), "output", "{\"right\":2}"));

        // THEN the Parallel state's result holds both branches, and the finished one did not run again
        Map<String, Object> done = second.awaitClosed(arn);
        assertThat(Json.parse((String) done.get("output"))).isEqualTo(List.of(Map.of("left", 1), Map.of("right", 2)));
        assertThat(functions.callsTo("left")).hasSize(1);
    }

    @Test
    void map_shouldKeepItsFinishedIterations_andStartTheRest_afterRestart() {
        // GIVEN a Map of three items run one at a time, whose first iteration finished and whose second waits on
        // its token when the engine dies
        functions.define("start-job", payload -> Map.of());
        String definition = Engine.MAP_OF_TOKEN_TASKS_ONE_AT_A_TIME;
        Engine first = engine(T0);
        String arn = first.start(first.create("map", definition), "m", "[1,2,3]");
        // (a callback that comes before the function has returned leaves no TaskSubmitted, so each is awaited)
        first.awaitEvent(arn, "TaskSubmitted");
        first.call("SendTaskSuccess", Map.of("taskToken", tokenSentTo("start-job", 0), "output", "{\"done\":1}"));
        Await.until("the second iteration starts", () -> functions.callsTo("start-job").size() == 2);
        Await.until("the second iteration waits", () -> first.types(arn),
                types -> types.stream().filter("TaskSubmitted"::equals).count() == 2);
        first.crash();

        // WHEN the engine starts again and the second and then the third iteration's tokens are answered
        Engine second = engine(T0.plusSeconds(1));
        second.create("map", definition);
        second.call("SendTaskSuccess", Map.of("taskToken", tokenSentTo("start-job", 1), "output", "{\"done\":2}"));
        Await.until("the third iteration starts", () -> functions.callsTo("start-job").size() == 3);
        second.call("SendTaskSuccess", Map.of("taskToken", tokenSentTo("start-job", 2), "output", "{\"done\":3}"));

        // THEN each item ran once and the result holds all three in order
        assertThat(functions.callsTo("start-job")).extracting(c -> (Object) ((Map<?, ?>) c.payload()).get("n"))
                .containsExactly(1, 2, 3);
        assertThat(Json.parse((String) second.awaitClosed(arn).get("output")))
                .isEqualTo(List.of(Map.of("done", 1), Map.of("done", 2), Map.of("done", 3)));
    }

    @Test
    void execution_journaledButNotYetStarted_shouldStart_onceTheMachineIsCreatedAgain() throws IOException {
        // GIVEN a journal that holds only an execution's first line: the engine stopped right after
        // StartExecution journaled it, before ExecutionStarted
        Engine first = engine(T0);
        String passMachine = """
                {"QueryLanguage": "JSONata", "StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}
                """;
        String arn = first.start(first.create("pass", passMachine), "early", "{\"n\":1}");
        first.awaitClosed(arn);
        first.crash();
        Path file = Journals.at(dir).fileOf(arn);
        Files.writeString(file, Files.readAllLines(file).getFirst() + "\n");

        // WHEN the engine starts again and the machine is created again
        Engine second = engine(T0.plusSeconds(1));
        String runningBefore = second.status(arn);
        second.create("pass", passMachine);

        // THEN the execution runs, from the start, with its input
        assertThat(runningBefore).isEqualTo("RUNNING");
        assertThat(second.awaitClosed(arn)).containsEntry("status", "SUCCEEDED").containsEntry("output", "{\"n\":1}");
        assertThat(second.types(arn)).containsExactly("ExecutionStarted", "PassStateEntered", "PassStateExited",
                "ExecutionSucceeded");
    }

    @Test
    void closedExecutions_shouldReadAsBefore_afterRestart() {
        // GIVEN an execution that succeeded and one that failed, then a restart
        functions.define("probe", payload -> {
            throw new TestFunctions.FunctionError("MediaError", "not a video");
        });
        Engine first = engine(T0);
        String machine = first.create("invoke", SfnHarness.resource("lambda-invoke.asl.json"));
        String failed = first.start(machine, "failed", "{\"key\":\"f.mp4\"}");
        first.awaitClosed(failed);
        String passMachine = first.create("pass", """
                {"QueryLanguage": "JSONata", "StartAt": "P", "States": {"P": {"Type": "Pass", "Output": 7, "End": true}}}
                """);
        String succeeded = first.start(passMachine, "succeeded", "{}");
        first.awaitClosed(succeeded);
        Map<String, Object> describedBefore = first.describe(failed);
        List<Map<String, Object>> historyBefore = first.history(failed);
        first.crash();

        Engine second = engine(T0.plusSeconds(60));

        // WHEN they are described, their history read, and (once the deployment created it again) listed
        // THEN they read as before the restart
        assertThat(second.describe(failed)).isEqualTo(describedBefore);
        assertThat(second.history(failed)).isEqualTo(historyBefore);
        assertThat(second.describe(succeeded)).containsEntry("status", "SUCCEEDED").containsEntry("output", "7");
        second.create("invoke", SfnHarness.resource("lambda-invoke.asl.json"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> listed = (List<Map<String, Object>>) second.call("ListExecutions",
                Map.of("stateMachineArn", machine)).get("executions");
        assertThat(listed).extracting(e -> e.get("executionArn"), e -> e.get("status"))
                .containsExactly(tuple(failed, "FAILED"));
    }

    @Test
    void failedExecution_shouldBeRedrivable_afterRestart() {
        // GIVEN an execution that failed in its task, then a restart
        functions.define("probe", payload -> {
            throw new TestFunctions.FunctionError("MediaError", "not yet");
        });
        String definition = SfnHarness.resource("lambda-invoke.asl.json");
        Engine first = engine(T0);
        String arn = first.start(first.create("invoke", definition), "g", "{\"key\":\"g.mp4\"}");
        assertThat(first.awaitClosed(arn)).containsEntry("status", "FAILED");
        first.crash();

        // WHEN the function is fixed and the execution redriven by the new engine
        functions.define("probe", payload -> Map.of("ok", true));
        Engine second = engine(T0.plusSeconds(60));
        second.create("invoke", definition);
        second.call("RedriveExecution", Map.of("executionArn", arn));

        // THEN it succeeds from the state that failed, with its redrive counted
        Map<String, Object> done = second.awaitClosed(arn);
        assertThat(done).containsEntry("status", "SUCCEEDED").containsEntry("redriveCount", 1);
        assertThat(second.types(arn)).containsSubsequence("ExecutionFailed", "ExecutionRedriven", "TaskStateEntered",
                "TaskSucceeded", "ExecutionSucceeded");
    }

    @Test
    void tornLastLine_andUnreadableJournal_shouldNotKeepTheOthersFromResuming() throws IOException {
        // GIVEN a waiting execution whose journal ends in half a line (the process died inside a write), and a
        // journal file that is not one
        Engine first = engine(T0);
        String arn = startWaitingOnToken(first, "h", "h.mp4", 500);
        first.crash();
        Path file = Journals.at(dir).fileOf(arn);
        Files.writeString(file, "{\"line\":\"event\",\"run\":\"\",\"id\":6,\"type\":\"TaskSucc",
                StandardOpenOption.APPEND);
        Path garbage = file.resolveSibling("0000.jsonl");
        Files.writeString(garbage, "not json\n");

        // WHEN the engine starts again and the callback comes
        Engine second = engine(T0.plusSeconds(1));
        second.create("callback", CALLBACK);
        second.call("SendTaskSuccess", Map.of("taskToken", tokenSentTo("start-job", 0), "output", "{}"));

        // THEN the execution succeeds, and the unreadable file is left as it was
        assertThat(second.awaitClosed(arn)).containsEntry("status", "SUCCEEDED");
        assertThat(Files.readString(garbage)).isEqualTo("not json\n");
        // AND what the second engine journaled after the torn line reads back whole after one more restart
        List<Map<String, Object>> history = second.history(arn);
        second.crash();
        Engine third = engine(T0.plusSeconds(2));
        assertThat(third.describe(arn)).containsEntry("status", "SUCCEEDED");
        assertThat(third.history(arn)).isEqualTo(history);
    }

    private String journal(String executionArn) {
        try {
            return Files.readString(Journals.at(dir).fileOf(executionArn));
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * Starts the callback machine on {@code engine} with a start-job function that returns at once, and waits
     * until its task waits on the token (TaskSubmitted): the GIVEN of most tests here.
     */
    private String startWaitingOnToken(Engine engine, String name, String key, int heartbeatSeconds) {
        functions.define("start-job", payload -> Map.of());
        String arn = engine.start(engine.create("callback", CALLBACK), name,
                "{\"key\":\"" + key + "\",\"timeout\":1000,\"heartbeat\":" + heartbeatSeconds + "}");
        engine.awaitEvent(arn, "TaskSubmitted");
        return arn;
    }
}
