package dev.vidmeta.local.sfn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vidmeta.testing.Await;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Lambda Task states run by the engine without its HTTP endpoint, on a fake Lambda ({@link TestFunctions}) and
 * timers the test moves: request-response invokes ("Invoke an AWS Lambda function with Step Functions",
 * https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html) and task tokens ("Wait for a Callback
 * with Task Token", https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html#connect-wait-token;
 * SendTaskSuccess errors in https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskSuccess.html).
 */
class TaskRunnerTest {

    private static final Instant T0 = Instant.parse("2026-01-05T10:00:00Z");

    private final TestFunctions functions = new TestFunctions();
    private final Engine engine = new Engine(functions, new ManualTimers(T0), null);

    @AfterEach
    void stop() {
        engine.close();
    }

    @Test
    void requestResponseTask_shouldInvokeTheFunctionWithItsPayload_andRecordItsResponse() {
        // GIVEN a function that answers
        functions.define("probe", payload -> Map.of("durationMs", 1200));

        // WHEN the task runs
        String arn = engine.start(engine.create("invoke", SfnHarness.resource("lambda-invoke.asl.json")), "a",
                "{\"key\":\"a.mp4\"}");
        Map<String, Object> done = engine.awaitClosed(arn);

        // THEN the function got exactly the evaluated Payload, and the result is the Invoke response's shape
        assertThat(functions.calls()).containsExactly(new TestFunctions.Call("probe",
                Map.of("key", "a.mp4", "attempt", 0)));
        Map<?, ?> output = (Map<?, ?>) Json.parse((String) done.get("output"));
        assertThat(output.get("Payload")).isEqualTo(Map.of("durationMs", 1200));
        assertThat(output.get("StatusCode")).isEqualTo(200);
    }

    @Test
    void tokenTask_shouldTimeOutAtTimeoutSeconds_andThenAnswerTaskTimedOut() {
        // GIVEN a task that waits on its token with TimeoutSeconds 5
        functions.define("start-job", payload -> Map.of());
        String arn = engine.start(engine.create("timeout", SfnHarness.resource("callback-timeout.asl.json")), "b",
                "{}");
        engine.awaitEvent(arn, "TaskSubmitted");
        String token = (String) ((Map<?, ?>) functions.callsTo("start-job").getFirst().payload()).get("token");

        // WHEN 4 s pass, then 1 s more
        engine.advance(Duration.ofSeconds(4));
        String whileWaiting = engine.status(arn);
        engine.advance(Duration.ofSeconds(1));

        // THEN it was waiting until then, and then failed with States.Timeout
        assertThat(whileWaiting).isEqualTo("RUNNING");
        assertThat(engine.awaitClosed(arn)).containsEntry("status", "FAILED")
                .containsEntry("error", "States.Timeout");
        // AND its token answers TaskTimedOut, while a token never issued answers TaskDoesNotExist
        assertThatThrownBy(() -> engine.call("SendTaskSuccess", Map.of("taskToken", token, "output", "{}")))
                .isInstanceOfSatisfying(SfnApiException.class, e -> assertThat(e.type()).isEqualTo("TaskTimedOut"));
        String otherExecution = Base64.getUrlEncoder().withoutPadding().encodeToString(
                "vidmeta-local-token:arn:aws:states:us-east-1:123456789012:execution:timeout:zz:1".getBytes(
                        StandardCharsets.UTF_8));
        assertThatThrownBy(() -> engine.call("SendTaskSuccess", Map.of("taskToken", otherExecution, "output", "{}")))
                .isInstanceOfSatisfying(SfnApiException.class,
                        e -> assertThat(e.type()).isEqualTo("TaskDoesNotExist"));
    }

    @Test
    void mapWithMaxConcurrency_shouldRunItsIterationsOneAtATime_inOrder() {
        // GIVEN a Map of three items, one at a time, each waiting on its token
        functions.define("start-job", payload -> Map.of());
        String definition = Engine.MAP_OF_TOKEN_TASKS_ONE_AT_A_TIME;
        String arn = engine.start(engine.create("map", definition), "c", "[1,2,3]");

        // WHEN each iteration's token is answered in turn
        for (int i = 0; i < 3; i++) {
            int call = i;
            Await.until("iteration " + i + " starts",
                    () -> functions.callsTo("start-job").size() >= call + 1);
            engine.settle();
            assertThat(functions.callsTo("start-job")).as("iterations started while %d waits", i + 1)
                    .hasSize(call + 1);
            Map<?, ?> payload = (Map<?, ?>) functions.callsTo("start-job").get(i).payload();
            engine.call("SendTaskSuccess", Map.of("taskToken", payload.get("token"), "output",
                    "{\"done\":" + payload.get("n") + "}"));
        }

        // THEN the iterations ran one after the other and the result keeps the items' order
        assertThat(functions.callsTo("start-job")).extracting(c -> (Object) ((Map<?, ?>) c.payload()).get("n"))
                .containsExactly(1, 2, 3);
        assertThat(Json.parse((String) engine.awaitClosed(arn).get("output")))
                .isEqualTo(List.of(Map.of("done", 1), Map.of("done", 2), Map.of("done", 3)));
    }
}
