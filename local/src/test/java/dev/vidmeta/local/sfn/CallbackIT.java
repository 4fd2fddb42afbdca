package dev.vidmeta.local.sfn;

import dev.vidmeta.local.LocalAws;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.sfn.model.InvalidTokenException;
import software.amazon.awssdk.services.sfn.model.TaskDoesNotExistException;
import software.amazon.awssdk.services.sfn.model.TaskTimedOutException;

/**
 * {@code lambda:invoke.waitForTaskToken}: the task waits for SendTaskSuccess/Failure with the token passed in
 * the payload (https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html#connect-wait-token),
 * with HeartbeatSeconds kept alive by SendTaskHeartbeat. The definition takes TimeoutSeconds and
 * HeartbeatSeconds from the input; at the harness's time scale one workflow second is 10 ms.
 */
class CallbackIT extends SfnITBase {

    private final BlockingQueue<String> tokens = new LinkedBlockingQueue<>();

    private String startWaiting(String key) {
        return startWaiting(key, 100, 50);
    }

    private String startWaiting(String key, int timeout, int heartbeat) {
        h.functions.define("start-job", payload -> {
            tokens.add((String) ((Map<?, ?>) payload).get("token"));
            return Map.of("JobId", "job-1");
        });
        String machine = h.create("callback.asl.json");
        return h.start(machine, "{\"key\":\"" + key + "\",\"timeout\":" + timeout + ",\"heartbeat\":" + heartbeat
                + "}");
    }

    private String nextToken() throws InterruptedException {
        String token = tokens.poll(10, TimeUnit.SECONDS);
        assertThat(token).as("the function received a task token").isNotNull();
        return token;
    }

    @Test
    void sendTaskSuccess_shouldCompleteTask_withCallbackOutputAsResult() throws Exception {
        // GIVEN an execution waiting for its token
        String arn = startWaiting("a.mp4");
        String token = nextToken();
        h.awaitEvent(arn, "TaskSubmitted");

        // WHEN the callback reports success
        h.client.sendTaskSuccess(b -> b.taskToken(token).output("{\"labels\":3}"));

        // THEN the callback output is $states.result
        DescribeExecutionResponse done = h.await(arn);
        assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(SfnHarness.json(done.output())).isEqualTo(Map.of("job", Map.of("labels", 3)));
        assertThat(h.types(arn)).containsSubsequence("TaskScheduled", "TaskStarted", "TaskSubmitted",
                "TaskSucceeded", "TaskStateExited", "ExecutionSucceeded");
        HistoryEvent submitted = h.history(arn).stream().filter(e -> e.typeAsString().equals("TaskSubmitted"))
                .findFirst().orElseThrow();
        assertThat(SfnHarness.jsonObject(submitted.taskSubmittedEventDetails().output()).get("Payload"))
                .isEqualTo(Map.of("JobId", "job-1"));
        assertThat(submitted.taskSubmittedEventDetails().resource()).isEqualTo("invoke.waitForTaskToken");
    }

    @Test
    void sendTaskFailure_shouldFailTask_withGivenErrorAndCause() throws Exception {
        // GIVEN an execution waiting for its token
        String arn = startWaiting("b.mp4");
        String token = nextToken();

        // WHEN the callback reports failure
        h.client.sendTaskFailure(b -> b.taskToken(token).error("Rekognition.JobFailed").cause("codec"));

        // THEN the error reaches the Catch
        DescribeExecutionResponse done = h.await(arn);
        assertThat(SfnHarness.json(done.output()))
                .isEqualTo(Map.of("Error", "Rekognition.JobFailed", "Cause", "codec"));
        // AND the closed token is refused afterwards with TaskTimedOut
        assertThatThrownBy(() -> h.client.sendTaskSuccess(b -> b.taskToken(token).output("{}")))
                .isInstanceOf(TaskTimedOutException.class);
    }

    @Test
    void missedHeartbeat_shouldFailWithHeartbeatTimeout_andLateCallbackGetsTaskTimedOut() throws Exception {
        // GIVEN an execution waiting for its token and nobody sending heartbeats
        String arn = startWaiting("c.mp4", 100, 5);
        String token = nextToken();

        // WHEN HeartbeatSeconds pass
        DescribeExecutionResponse done = h.await(arn);

        // THEN the task fails with States.HeartbeatTimeout and the token is closed
        assertThat(SfnHarness.jsonObject(done.output())).containsEntry("Error", "States.HeartbeatTimeout");
        assertThat(h.types(arn)).contains("TaskTimedOut");
        assertThatThrownBy(() -> h.client.sendTaskSuccess(b -> b.taskToken(token).output("{}")))
                .isInstanceOf(TaskTimedOutException.class);
    }

    @Test
    void heartbeats_shouldKeepTaskAlive_beyondHeartbeatSeconds_andItsLastOneStartsTheLastPeriod() throws Exception {
        // GIVEN a waiting task with HeartbeatSeconds 20, in an engine whose time moves only when the test moves it
        // (real-time heartbeats against a short period pass or fail with the machine's load)
        ManualTimers time = new ManualTimers();
        try (SfnHarness manual = new SfnHarness(null, LocalStepFunctions.Options.defaults(), time)) {
            manual.functions.define("start-job", payload -> {
                tokens.add((String) ((Map<?, ?>) payload).get("token"));
                return Map.of();
            });
            String arn = manual.start(manual.create("callback.asl.json"),
                    "{\"key\":\"d.mp4\",\"timeout\":1000,\"heartbeat\":20}");
            String token = nextToken();

            // WHEN a heartbeat arrives every 15 s for 45 s: more than twice HeartbeatSeconds since the task began
            for (int i = 0; i < 3; i++) {
                time.advance(Duration.ofSeconds(15));
                manual.client.sendTaskHeartbeat(b -> b.taskToken(token));
            }

            // THEN the task is still waiting
            assertThat(manual.types(arn)).doesNotContain("TaskTimedOut");
            assertThat(manual.client.describeExecution(b -> b.executionArn(arn)).status())
                    .isEqualTo(ExecutionStatus.RUNNING);
            // AND it times out 20 s after the last heartbeat, not before
            time.advance(Duration.ofSeconds(19));
            assertThat(manual.types(arn)).doesNotContain("TaskTimedOut");
            time.advance(Duration.ofSeconds(1));
            assertThat(manual.types(arn)).contains("TaskTimedOut");
            DescribeExecutionResponse done = manual.await(arn);
            assertThat(SfnHarness.jsonObject(done.output())).containsEntry("Error", "States.HeartbeatTimeout");
        }
    }

    @Test
    void timeoutSeconds_shouldFailWaitingTask_withStatesTimeout() throws Exception {
        // GIVEN a callback task with TimeoutSeconds 5 (50 ms) and no Catch
        h.functions.define("start-job", payload -> {
            tokens.add((String) ((Map<?, ?>) payload).get("token"));
            return Map.of();
        });
        String arn = h.start(h.create("callback-timeout.asl.json"), "{}");
        String token = nextToken();

        // WHEN no callback arrives in time
        DescribeExecutionResponse done = h.await(arn);

        // THEN the execution fails with States.Timeout and the token is closed
        assertThat(done.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(done.error()).isEqualTo("States.Timeout");
        assertThatThrownBy(() -> h.client.sendTaskFailure(b -> b.taskToken(token).error("Late")))
                .isInstanceOf(TaskTimedOutException.class);
    }

    @Test
    void callbacks_shouldRejectMalformedTokens_andUnknownTasks() {
        // GIVEN tokens that were never issued
        String garbage = "not a token!";
        String unknown = Base64.getUrlEncoder().withoutPadding().encodeToString(
                ("vidmeta-local-token:" + LocalAws.arn("states", "execution:x:y:z")).getBytes(
                        StandardCharsets.UTF_8));

        // WHEN / THEN the API answers InvalidToken and TaskDoesNotExist
        assertThatThrownBy(() -> h.client.sendTaskSuccess(b -> b.taskToken(garbage).output("{}")))
                .isInstanceOf(InvalidTokenException.class);
        assertThatThrownBy(() -> h.client.sendTaskHeartbeat(b -> b.taskToken(unknown)))
                .isInstanceOf(TaskDoesNotExistException.class);
    }

    @Test
    void callbackBeforeInvokeReturns_shouldStillCompleteTask() {
        // GIVEN a function that calls back with its own token before returning, as a fast job might
        h.functions.define("start-job", payload -> {
            String token = (String) ((Map<?, ?>) payload).get("token");
            h.client.sendTaskSuccess(b -> b.taskToken(token).output("{\"early\":true}"));
            return Map.of();
        });
        String machine = h.create("callback.asl.json");

        // WHEN it runs
        DescribeExecutionResponse done = h.run(machine, "{\"key\":\"e.mp4\",\"timeout\":100,\"heartbeat\":50}");

        // THEN the early result counts
        assertThat(SfnHarness.json(done.output())).isEqualTo(Map.of("job", Map.of("early", true)));
    }
}
