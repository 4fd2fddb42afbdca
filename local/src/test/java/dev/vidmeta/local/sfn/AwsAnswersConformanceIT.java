package dev.vidmeta.local.sfn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;

/**
 * The classes of difference found by running state machines recorded on real AWS against the twin (issue 11,
 * section 2): per-state query language, error causes, values, inline Map tolerance. Each test names the AWS
 * document it follows; where the document does not quote a text, the test says so and uses AWS's recorded text.
 */
class AwsAnswersConformanceIT extends SfnITBase {

    private static final String PREFIX = "An error occurred while executing the state '%s' (entered at the event"
            + " id #%d). ";

    // ---------------------------------------------------------------- Amazon States Language: QueryLanguage

    /**
     * "Amazon States Language" (https://docs.aws.amazon.com/step-functions/latest/dg/statemachine-structure.html)
     * and "Transforming data with JSONata in Step Functions": QueryLanguage defaults to JSONPath at the top level,
     * and a state's own QueryLanguage overrides it.
     */
    @Test
    void queryLanguage_shouldRunMachine_whoseTopLevelIsDefaultJsonPath_andEveryStateSetsJsonata() {
        // GIVEN no top-level QueryLanguage, every state (also inside the Map) setting JSONata
        String machine = h.createFromText("""
                {"StartAt": "Double", "States": {
                  "Double": {"Type": "Map", "QueryLanguage": "JSONata", "Items": "{% $states.input.n %}",
                    "ItemProcessor": {"StartAt": "Times Two", "States": {
                      "Times Two": {"Type": "Pass", "QueryLanguage": "JSONata", "Output": "{% $states.input * 2 %}",
                        "End": true}}},
                    "Next": "Done"},
                  "Done": {"Type": "Succeed", "QueryLanguage": "JSONata",
                    "Output": {"doubled": "{% $states.input %}"}}}}
                """);

        // WHEN it runs
        DescribeExecutionResponse done = h.run(machine, "{\"n\": [1, 2, 3]}");

        // THEN it ran as JSONata
        assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(SfnHarness.json(done.output())).isEqualTo(Map.of("doubled", List.of(2, 4, 6)));
    }

    // ---------------------------------------------------------------- helpers

    /** A one-state machine: a Pass named "Shape" with the given fields. */
    private static String pass(String fields) {
        return h.createFromText("{\"QueryLanguage\": \"JSONata\", \"StartAt\": \"Shape\", \"States\": {\"Shape\":"
                + " {\"Type\": \"Pass\", " + fields + ", \"End\": true}}}");
    }

    /** A Map named "Each" whose iterations pass their item on. */
    private static String map(String fields) {
        return h.createFromText("{\"QueryLanguage\": \"JSONata\", \"StartAt\": \"Each\", \"States\": {\"Each\":"
                + " {\"Type\": \"Map\", " + fields + " \"ItemProcessor\": {\"StartAt\": \"Item\", \"States\":"
                + " {\"Item\": {\"Type\": \"Pass\", \"End\": true}}}, \"End\": true}}}");
    }

    /** A Map over $states.input.items, one at a time, whose even items fail. */
    private static String toleratingMap(String tolerance) {
        return h.createFromText("""
                {"QueryLanguage": "JSONata", "StartAt": "Each", "States": {
                  "Each": {"Type": "Map", "Items": "{% $states.input.items %}", "MaxConcurrency": 1, TOLERANCE
                    "ItemProcessor": {"StartAt": "Check", "States": {
                      "Check": {"Type": "Choice", "Default": "Accept",
                        "Choices": [{"Condition": "{% $states.input % 2 = 0 %}", "Next": "Reject"}]},
                      "Accept": {"Type": "Pass", "Output": "{% $states.input * 10 %}", "End": true},
                      "Reject": {"Type": "Fail", "Error": "Vidmeta.Even",
                        "Cause": "{% 'item ' & $string($states.input) %}"}}},
                    "End": true}}}
                """.replace("TOLERANCE", tolerance));
    }

    /** The id of the (first) StateEntered event of {@code state}. */
    private static long enteredEventId(DescribeExecutionResponse done, String state) {
        List<HistoryEvent> entered = new ArrayList<>();
        for (HistoryEvent e : h.history(done.executionArn())) {
            if (e.typeAsString().endsWith("StateEntered") && state.equals(e.stateEnteredEventDetails().name())) {
                entered.add(e);
            }
        }
        assertThat(entered).as("StateEntered events of " + state).isNotEmpty();
        return entered.get(0).id();
    }
}
