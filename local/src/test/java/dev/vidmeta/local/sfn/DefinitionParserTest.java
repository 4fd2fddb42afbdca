package dev.vidmeta.local.sfn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Strictness: what the engine does not run faithfully is rejected at load time, naming state and feature. */
class DefinitionParserTest {

    private static final String TASK = "{\"Type\": \"Task\", \"Resource\": \"arn:aws:states:::lambda:invoke\","
            + " \"Arguments\": {\"FunctionName\": \"f\"}, \"End\": true%s}";

    private static String machine(String stateJson) {
        return "{\"QueryLanguage\": \"JSONata\", \"StartAt\": \"S\", \"States\": {\"S\": " + stateJson + "}}";
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            ResultSelector in JSONata        | , "ResultSelector": {}                          | field ResultSelector is not supported
            JSONPath Parameters              | , "Parameters": {}                              | field Parameters is not supported
            unknown field                    | , "Colour": "red"                               | field Colour is not supported
            States.ALL not last              | , "Retry": [{"ErrorEquals": ["States.ALL"]}, {"ErrorEquals": ["X"]}] | States.ALL must appear alone
            heartbeat >= timeout             | , "TimeoutSeconds": 5, "HeartbeatSeconds": 5    | HeartbeatSeconds must be smaller
            bad JSONata                      | , "Output": "{% $states.input. %}"              | invalid JSONata expression
            fractional interval              | , "Retry": [{"ErrorEquals": ["X"], "IntervalSeconds": 0.5}] | IntervalSeconds must be
            bad jitter                       | , "Retry": [{"ErrorEquals": ["X"], "JitterStrategy": "HALF"}] | JitterStrategy must be FULL or NONE
            """)
    void parse_shouldRejectUnsupportedTaskFeatures(String name, String extra, String message) {
        // GIVEN a Task state with one unsupported or invalid feature
        String definition = machine(TASK.formatted(extra));

        // WHEN / THEN loading fails naming the state and the feature
        assertThatThrownBy(() -> DefinitionParser.parse(definition))
                .isInstanceOf(InvalidDefinitionException.class)
                .hasMessageContaining("state 'S'").hasMessageContaining(message);
    }

    @Test
    void parse_shouldRejectJsonPathMachines_otherResources_distributedMap_andBrokenTransitions() {
        assertThatThrownBy(() -> DefinitionParser.parse("{\"StartAt\": \"S\", \"States\": {\"S\": {\"Type\": \"Succeed\"}}}"))
                .hasMessageContaining("state 'S': QueryLanguage JSONPath (the state machine's default) is not"
                        + " supported");
        assertThatThrownBy(() -> DefinitionParser.parse(machine("{\"Type\": \"Task\", \"Resource\": "
                + "\"arn:aws:states:::dynamodb:putItem\", \"Arguments\": {}, \"End\": true}")))
                .hasMessageContaining("state 'S'").hasMessageContaining("arn:aws:states:::dynamodb:putItem");
        assertThatThrownBy(() -> DefinitionParser.parse(machine("{\"Type\": \"Map\", \"ItemReader\": {},"
                + " \"ItemProcessor\": {\"StartAt\": \"I\", \"States\": {\"I\": {\"Type\": \"Succeed\"}}}, \"End\": true}")))
                .hasMessageContaining("state 'S'").hasMessageContaining("distributed Map");
        assertThatThrownBy(() -> DefinitionParser.parse(machine("{\"Type\": \"Pass\", \"Next\": \"Nowhere\"}")))
                .hasMessageContaining("transition target 'Nowhere'");
        assertThatThrownBy(() -> DefinitionParser.parse("{\"QueryLanguage\": \"JSONata\", \"StartAt\": \"S\","
                + " \"States\": {\"S\": {\"Type\": \"Succeed\"}, \"Orphan\": {\"Type\": \"Succeed\"}}}"))
                .hasMessageContaining("state 'Orphan' is not reachable");
    }

    /**
     * Amazon States Language, QueryLanguage field: a state's own QueryLanguage overrides the state machine's, which
     * defaults to JSONPath (https://docs.aws.amazon.com/step-functions/latest/dg/statemachine-structure.html,
     * https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html).
     */
    @Test
    void parse_shouldAcceptDefaultJsonPathMachine_whoseStatesAllSetJsonata_includingNestedOnes() {
        // GIVEN no top-level QueryLanguage, and every state, also inside the Map, setting JSONata
        String definition = "{\"StartAt\": \"M\", \"States\": {\"M\": {\"Type\": \"Map\", \"QueryLanguage\": \"JSONata\","
                + " \"Items\": \"{% [1, 2] %}\", \"ItemProcessor\": {\"StartAt\": \"I\", \"States\": {\"I\": {\"Type\":"
                + " \"Pass\", \"QueryLanguage\": \"JSONata\", \"Output\": \"{% $states.input %}\", \"End\": true}}},"
                + " \"Next\": \"Done\"}, \"Done\": {\"Type\": \"Succeed\", \"QueryLanguage\": \"JSONata\"}}}";

        // WHEN it loads
        Definition parsed = DefinitionParser.parse(definition);

        // THEN all its states are there
        assertThat(parsed.root().states()).containsOnlyKeys("M", "Done");
        // ... and the same holds with the top level set to JSONPath explicitly
        assertThat(DefinitionParser.parse("{\"QueryLanguage\": \"JSONPath\"," + definition.substring(1)).root()
                .states()).containsOnlyKeys("M", "Done");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            nested state inherits the machine default  | "QueryLanguage": "JSONata", | | state 'I': QueryLanguage JSONPath (the state machine's default)
            state set to JSONPath                      | "QueryLanguage": "JSONata", | "QueryLanguage": "JSONPath", | state 'I': QueryLanguage JSONPath (set on the state)
            """)
    void parse_shouldRejectAStateThatResolvesToJsonPath_namingIt(String name, String outer, String inner,
            String message) {
        // GIVEN a JSONata Map whose inner state resolves to JSONPath
        String definition = "{\"StartAt\": \"M\", \"States\": {\"M\": {\"Type\": \"Map\", " + outer
                + " \"ItemProcessor\": {\"StartAt\": \"I\", \"States\": {\"I\": {\"Type\": \"Succeed\""
                + (inner == null ? "" : ", " + inner.substring(0, inner.length() - 1)) + "}}}, \"End\": true}}}";

        // WHEN / THEN loading fails naming the state
        assertThatThrownBy(() -> DefinitionParser.parse(definition)).isInstanceOf(InvalidDefinitionException.class)
                .hasMessageContaining(message);
    }

    @Test
    void parse_shouldRejectJsonPathState_inJsonataMachine() {
        // GIVEN a JSONata state machine with a state falling back to JSONPath, which AWS does not allow
        String definition = machine("{\"Type\": \"Succeed\", \"QueryLanguage\": \"JSONPath\"}");

        // WHEN / THEN
        assertThatThrownBy(() -> DefinitionParser.parse(definition))
                .hasMessageContaining("state 'S': QueryLanguage can not be JSONPath");
    }

    @Test
    void parse_shouldRejectInnerAssign_ofOuterVariable() {
        // GIVEN a Parallel branch assigning a variable the outer scope assigns
        String definition = "{\"QueryLanguage\": \"JSONata\", \"StartAt\": \"Set\", \"States\": {"
                + "\"Set\": {\"Type\": \"Pass\", \"Assign\": {\"x\": 1}, \"Next\": \"P\"},"
                + "\"P\": {\"Type\": \"Parallel\", \"End\": true, \"Branches\": [{\"StartAt\": \"In\", \"States\": {"
                + "\"In\": {\"Type\": \"Pass\", \"Assign\": {\"x\": 2}, \"End\": true}}}]}}}";

        // WHEN / THEN it is rejected
        assertThatThrownBy(() -> DefinitionParser.parse(definition)).hasMessageContaining("variable 'x'");
    }

    @Test
    void parse_shouldAcceptEveryStateTypeInJsonataForm() {
        // GIVEN the conformance suite's definitions
        for (String file : new String[] {"pass-choice", "lambda-invoke", "wait", "fail", "parallel", "map",
                "context", "retry-catch", "timeouts", "callback", "redrive-parallel", "execution-timeout"}) {
            // WHEN / THEN each loads
            assertThat(DefinitionParser.parse(SfnHarness.resource(file + ".asl.json")).root().states()).isNotEmpty();
        }
    }
}
