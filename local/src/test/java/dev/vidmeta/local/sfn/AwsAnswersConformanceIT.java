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

    // ---------------------------------------------------------------- error causes

    /**
     * "Transforming data with JSONata in Step Functions"
     * (https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html):
     * an expression that yields nothing fails the state with States.QueryEvaluationError. The guide does not quote
     * the cause; this is AWS's recorded text, with the state prefix and the field named 'Output/result'.
     */
    @Test
    void errorCause_shouldCarryStatePrefix_andSlashFieldPath_whenOutputExpressionReturnsNothing() {
        // GIVEN a Pass whose Output field 'result' reads a missing input field
        String machine = pass("""
                "Output": {"result": "{% $states.input.missing %}"}""");

        // WHEN it runs
        DescribeExecutionResponse done = h.run(machine, "{}");

        // THEN the cause names the state, the event it was entered at, and the field as AWS does
        assertThat(done.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(done.error()).isEqualTo("States.QueryEvaluationError");
        assertThat(done.cause()).isEqualTo(PREFIX.formatted("Shape", enteredEventId(done, "Shape"))
                + "The JSONata expression '$states.input.missing' specified for the field 'Output/result' returned"
                + " nothing (undefined).");
    }

    /** "Map state" (https://docs.aws.amazon.com/step-functions/latest/dg/state-map.html): Items must be an array. */
    @Test
    void errorCause_shouldBeAwsText_whenMapItemsResultIsNotAnArray() {
        // GIVEN a Map whose Items evaluates to a number
        String machine = map("\"Items\": \"{% $states.input.n %}\",");

        // WHEN it runs
        DescribeExecutionResponse done = h.run(machine, "{\"n\": 1}");

        // THEN AWS's recorded cause (not quoted by the guide)
        assertThat(done.error()).isEqualTo("States.QueryEvaluationError");
        assertThat(done.cause()).isEqualTo(PREFIX.formatted("Each", enteredEventId(done, "Each"))
                + "The JSONata expression '$states.input.n' specified for the field 'Items' returned an unexpected"
                + " result type. Expected 'array', but was 'number' for value: 1");
    }

    /**
     * "Map state" (https://docs.aws.amazon.com/step-functions/latest/dg/state-map.html): without Items, a JSONata
     * Map iterates over $states.input, so a state input that is not an array fails the same way as such Items.
     */
    @Test
    void errorCause_shouldNameStatesInput_whenMapWithoutItemsGetsAnObject() {
        // GIVEN a Map without Items
        String machine = map("");

        // WHEN its input is an object
        DescribeExecutionResponse done = h.run(machine, "{\"a\": \"x\"}");

        // THEN the cause reads as that of Items '$states.input'
        assertThat(done.error()).isEqualTo("States.QueryEvaluationError");
        assertThat(done.cause()).isEqualTo(PREFIX.formatted("Each", enteredEventId(done, "Each"))
                + "The JSONata expression '$states.input' specified for the field 'Items' returned an unexpected"
                + " result type. Expected 'array', but was 'object' for value: {\"a\":\"x\"}");
    }

    /** "Wait state" (https://docs.aws.amazon.com/step-functions/latest/dg/state-wait.html): Timestamp is ISO-8601. */
    @Test
    void errorCause_shouldBeAwsText_whenWaitTimestampCannotBeParsed() {
        // GIVEN a Wait whose Timestamp comes from the input
        String machine = h.createFromText("""
                {"QueryLanguage": "JSONata", "StartAt": "Hold", "States": {
                  "Hold": {"Type": "Wait", "Timestamp": "{% $states.input.at %}", "End": true}}}
                """);

        // WHEN the input holds no timestamp
        DescribeExecutionResponse done = h.run(machine, "{\"at\": \"next tuesday\"}");

        // THEN AWS's recorded cause (not quoted by the guide)
        assertThat(done.error()).isEqualTo("States.QueryEvaluationError");
        assertThat(done.cause()).isEqualTo(PREFIX.formatted("Hold", enteredEventId(done, "Hold"))
                + "The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string:"
                + " next tuesday");
    }

    /**
     * "Transforming data with JSONata in Step Functions": fields hold JSON values, and a function is none. AWS's
     * text for this case is not documented; the twin words it like its documented siblings.
     */
    @Test
    void errorCause_shouldSayUnsupportedResultType_whenExpressionReturnsAFunction() {
        // GIVEN Output fields holding a built-in function and a lambda
        String builtIn = pass("\"Output\": {\"f\": \"{% $sum %}\"}");
        String lambda = pass("\"Output\": {\"g\": [\"{% function($x) { $x } %}\"]}");

        // WHEN they run
        DescribeExecutionResponse first = h.run(builtIn, "{}");
        DescribeExecutionResponse second = h.run(lambda, "{}");

        // THEN each fails the state, naming the field
        assertThat(first.error()).isEqualTo("States.QueryEvaluationError");
        assertThat(first.cause()).isEqualTo(PREFIX.formatted("Shape", enteredEventId(first, "Shape"))
                + "The JSONata expression '$sum' specified for the field 'Output/f' returned an unsupported result"
                + " type.");
        assertThat(second.cause()).isEqualTo(PREFIX.formatted("Shape", enteredEventId(second, "Shape"))
                + "The JSONata expression 'function($x) { $x }' specified for the field 'Output/g[0]' returned an"
                + " unsupported result type.");
    }

    /**
     * "Error handling in Step Functions"
     * (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html):
     * a Fail state's Cause and a function's error reach the execution as they are; only the causes the
     * interpreter raises get the state prefix, and only once, at the innermost state.
     */
    @Test
    void errorCause_shouldBePrefixedOnce_atTheInnermostState_andFailCauseKeptAsGiven() {
        // GIVEN a Map whose iteration fails on an undefined field, and a Fail state
        String nested = h.createFromText("""
                {"QueryLanguage": "JSONata", "StartAt": "Each", "States": {
                  "Each": {"Type": "Map", "ItemProcessor": {"StartAt": "Inner", "States": {
                    "Inner": {"Type": "Pass", "Output": "{% $states.input.nope %}", "End": true}}}, "End": true}}}
                """);
        String failing = h.createFromText("""
                {"QueryLanguage": "JSONata", "StartAt": "Stop", "States": {
                  "Stop": {"Type": "Fail", "Error": "Vidmeta.Rejected", "Cause": "{% 'bad ' & $states.input.k %}"}}}
                """);

        // WHEN they run
        DescribeExecutionResponse inner = h.run(nested, "[{\"a\": 1}]");
        DescribeExecutionResponse fail = h.run(failing, "{\"k\": \"key\"}");

        // THEN the Map's failure carries the inner state's prefix alone; the Fail cause is untouched
        assertThat(inner.cause()).isEqualTo(PREFIX.formatted("Inner", enteredEventId(inner, "Inner"))
                + "The JSONata expression '$states.input.nope' specified for the field 'Output' returned nothing"
                + " (undefined).");
        assertThat(fail.cause()).isEqualTo("bad key");
    }

    // ---------------------------------------------------------------- values

    /**
     * "Passing data between states with variables"
     * (https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html):
     * a variable holds any JSON value, null included.
     */
    @Test
    void variable_shouldHoldNull_whenAssignedNull() {
        // GIVEN a variable assigned a literal null and one assigned an expression yielding null
        String machine = h.createFromText("""
                {"QueryLanguage": "JSONata", "StartAt": "Set", "States": {
                  "Set": {"Type": "Pass", "Assign": {"literal": null, "computed": "{% null %}"}, "Next": "Read"},
                  "Read": {"Type": "Pass", "End": true, "Output": {"literal": "{% $literal %}",
                    "exists": "{% $exists($literal) %}", "isNull": "{% $computed = null %}",
                    "type": "{% $type($computed) %}"}}}}
                """);

        // WHEN it runs
        DescribeExecutionResponse done = h.run(machine, "{}");

        // THEN both read as null, not as undefined (which would fail the Output fields)
        assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        Map<String, Object> out = SfnHarness.jsonObject(done.output());
        assertThat(out).containsEntry("literal", null).containsEntry("exists", true).containsEntry("isNull", true)
                .containsEntry("type", "null");
    }

    /**
     * "Pass state" (https://docs.aws.amazon.com/step-functions/latest/dg/state-pass.html) and "Transforming data
     * with JSONata": Output is the state's output; a literal null is a value like any other.
     */
    @Test
    void passOutput_shouldBeNull_whenOutputIsNull() {
        // GIVEN a Pass with "Output": null
        String machine = pass("\"Output\": null");

        // WHEN it runs on a non-null input
        DescribeExecutionResponse done = h.run(machine, "{\"kept\": false}");

        // THEN the output is null, not the input
        assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(done.output()).isEqualTo("null");
    }

    /**
     * "JSONata functions provided by Step Functions"
     * (https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html#jsonata-functions-provided-by-sfn):
     * the documented examples, and $range's single value, which is 1 on AWS for $range(1, 9, 9), not [1].
     */
    @Test
    void stepFunctionsJsonataFunctions_shouldAnswerAsAwsDocuments() {
        // GIVEN each function Step Functions adds
        String machine = pass("""
                "Output": {
                  "partition": "{% $partition([1, 2, 3, 4, 5, 6, 7, 8, 9], 3) %}",
                  "range": "{% $range(0, 10, 2) %}",
                  "singleRange": "{% $range(1, 9, 9) %}",
                  "descending": "{% $range(3, 1, -1) %}",
                  "sha1": "{% $hash('abc', 'SHA-1') %}",
                  "md5": "{% $hash('abc', 'MD5') %}",
                  "seeded": "{% [$random(42), $random(42), $random(7)] %}",
                  "unseeded": "{% $random() %}",
                  "uuid": "{% $uuid() %}",
                  "parsed": "{% $parse('{\\"a\\": [1, null]}') %}",
                  "parsedNull": "{% $parse('null') %}"}""");

        // WHEN it runs
        DescribeExecutionResponse done = h.run(machine, "{}");

        // THEN
        assertThat(done.status()).as(done.cause()).isEqualTo(ExecutionStatus.SUCCEEDED);
        Map<String, Object> out = SfnHarness.jsonObject(done.output());
        assertThat(out.get("partition")).isEqualTo(List.of(List.of(1, 2, 3), List.of(4, 5, 6), List.of(7, 8, 9)));
        assertThat(out.get("range")).isEqualTo(List.of(0, 2, 4, 6, 8, 10));
        assertThat(out.get("singleRange")).isEqualTo(1);
        assertThat(out.get("descending")).isEqualTo(List.of(3, 2, 1));
        assertThat(out.get("sha1")).isEqualTo("a9993e364706816aba3e25717850c26c9cd0d89d");
        assertThat(out.get("md5")).isEqualTo("900150983cd24fb0d6963f7d28e17f72");
        @SuppressWarnings("unchecked")
        List<Number> seeded = (List<Number>) out.get("seeded");
        assertThat(seeded.get(0)).isEqualTo(seeded.get(1));
        assertThat(seeded).allSatisfy(n -> assertThat(n.doubleValue()).isGreaterThanOrEqualTo(0).isLessThan(1));
        assertThat(((Number) out.get("unseeded")).doubleValue()).isGreaterThanOrEqualTo(0).isLessThan(1);
        assertThat((String) out.get("uuid"))
                .matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
        assertThat(out.get("parsed")).isEqualTo(Map.of("a", Arrays.asList(1, null)));
        assertThat(out).containsEntry("parsedNull", null);
    }

    // ---------------------------------------------------------------- inline Map tolerance

    /**
     * "Map state" (https://docs.aws.amazon.com/step-functions/latest/dg/state-map.html) and "Setting failure
     * thresholds for Distributed Map states"
     * (https://docs.aws.amazon.com/step-functions/latest/dg/maprun-fail-threshold.html):
     * AWS accepts ToleratedFailureCount and ToleratedFailurePercentage on an inline Map and honours them.
     */
    @Test
    void inlineMap_shouldTolerateFailuresWithinThresholds_andFailWithExceedToleratedFailureThreshold_beyond() {
        // GIVEN inline Maps over [1, 2, 3, 4] whose even items fail (2 of 4, 50 %)
        String count2 = toleratingMap("\"ToleratedFailureCount\": 2,");
        String count1 = toleratingMap("\"ToleratedFailureCount\": 1,");
        String percent50 = toleratingMap("\"ToleratedFailurePercentage\": 50,");
        String percent25 = toleratingMap("\"ToleratedFailurePercentage\": \"{% $states.input.percent %}\",");
        String input = "{\"items\": [1, 2, 3, 4], \"percent\": 25}";

        // WHEN they run
        DescribeExecutionResponse withinCount = h.run(count2, input);
        DescribeExecutionResponse beyondCount = h.run(count1, input);
        DescribeExecutionResponse withinPercent = h.run(percent50, input);
        DescribeExecutionResponse beyondPercent = h.run(percent25, input);

        // THEN within a threshold the Map succeeds with the successful iterations' outputs in place
        for (DescribeExecutionResponse done : List.of(withinCount, withinPercent)) {
            assertThat(done.status()).as(done.cause()).isEqualTo(ExecutionStatus.SUCCEEDED);
            List<?> out = (List<?>) SfnHarness.json(done.output());
            assertThat(out).hasSize(4);
            assertThat(out.get(0)).isEqualTo(10);
            assertThat(out.get(2)).isEqualTo(30);
            assertThat(h.types(done.executionArn())).filteredOn("MapIterationFailed"::equals).hasSize(2);
        }
        // ... and beyond it fails with States.ExceedToleratedFailureThreshold
        for (DescribeExecutionResponse done : List.of(beyondCount, beyondPercent)) {
            assertThat(done.status()).isEqualTo(ExecutionStatus.FAILED);
            assertThat(done.error()).isEqualTo("States.ExceedToleratedFailureThreshold");
        }
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
