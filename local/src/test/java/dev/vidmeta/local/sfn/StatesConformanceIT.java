package dev.vidmeta.local.sfn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * Each state type, run through SfnClient. Semantics are those of the JSONata pages of the Step Functions guide:
 * https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html and
 * https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html .
 */
class StatesConformanceIT {

    static SfnHarness h;

    @BeforeAll
    static void start() {
        h = new SfnHarness();
    }

    @AfterAll
    static void stop() {
        h.close();
    }

    @Test
    void passAndChoice_shouldRouteOnAssignedVariable_andApplyRuleOutput() {
        // GIVEN a Pass that assigns variables and a Choice whose rule has its own Output
        String machine = h.create("pass-choice.asl.json");

        // WHEN a large and a small input run
        DescribeExecutionResponse large = h.run(machine, "{\"name\":\"a.mp4\",\"size\":500}");
        DescribeExecutionResponse small = h.run(machine, "{\"name\":\"b.mp4\",\"size\":5}");

        // THEN the rule's Output (reading the variable) is the Succeed input; Default keeps the state input
        assertThat(large.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(SfnHarness.json(large.output())).isEqualTo(Map.of("kind", "large", "label", "file a.mp4"));
        assertThat(SfnHarness.json(small.output()))
                .isEqualTo(Map.of("kind", "small", "doubled", 10, "label", "file b.mp4"));
    }

    @Test
    void lambdaInvoke_shouldReturnInvokeResponseShape_withPayload() {
        // GIVEN a function echoing its payload
        h.functions.define("probe", payload -> Map.of("got", payload));
        String machine = h.create("lambda-invoke.asl.json");

        // WHEN it runs
        DescribeExecutionResponse done = h.run(machine, "{\"key\":\"in/a.mp4\"}");

        // THEN the output is the Invoke response as Step Functions shapes it
        // (https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html)
        assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        Map<String, Object> output = SfnHarness.jsonObject(done.output());
        assertThat(output.get("Payload")).isEqualTo(Map.of("got", Map.of("key", "in/a.mp4", "attempt", 0)));
        assertThat(output.get("StatusCode")).isEqualTo(200);
        assertThat(output.get("ExecutedVersion")).isEqualTo("$LATEST");
        assertThat(output).containsKeys("SdkHttpMetadata", "SdkResponseMetadata");
        assertThat(h.types(done.executionArn())).containsExactly("ExecutionStarted", "TaskStateEntered",
                "TaskScheduled", "TaskStarted", "TaskSucceeded", "TaskStateExited", "ExecutionSucceeded");
        assertThat(h.functions.callsTo("probe")).extracting(TestFunctions.Call::payload)
                .containsExactly(Map.of("key", "in/a.mp4", "attempt", 0));
    }
}
