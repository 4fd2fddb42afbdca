package dev.vidmeta.statemachine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vidmeta.analysis.RekognitionBusyException;
import dev.vidmeta.handler.TransientTaskException;
import dev.vidmeta.record.BranchStatus;
import dev.vidmeta.record.ProbeStatus;
import dev.vidmeta.testing.RepoFiles;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Static checks of statemachine/video-metadata.asl.json: the rules every state must follow. */
class StateMachineDefinitionTest {

    private static final String PATH = "statemachine/video-metadata.asl.json";
    /**
     * The Lambda errors worth a retry: the four Step Functions names for transient service errors, with
     * ClientExecutionTimeoutException ("Handle transient Lambda service exceptions",
     * https://docs.aws.amazon.com/step-functions/latest/dg/sfn-best-practices.html#bp-lambda-serviceexception),
     * TooManyRequestsException, and the SnapStart errors Invoke returns while a SnapStart version is restored or
     * not yet ACTIVE (Invoke API reference, Errors: SnapStartException 400, SnapStartNotReadyException 409,
     * SnapStartTimeoutException 408, https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html#API_Invoke_Errors;
     * "Troubleshooting SnapStart errors", https://docs.aws.amazon.com/lambda/latest/dg/snapstart-troubleshooting.html).
     * Every function here is published with SnapStart, so each Task can meet them.
     */
    private static final List<String> TRANSIENT_LAMBDA_ERRORS = List.of("Lambda.ServiceException",
            "Lambda.AWSLambdaException", "Lambda.SdkClientException", "Lambda.TooManyRequestsException",
            "Lambda.ClientExecutionTimeoutException", "Lambda.SnapStartException",
            "Lambda.SnapStartNotReadyException", "Lambda.SnapStartTimeoutException");

    private final JsonNode definition = RepoFiles.json(PATH);

    @Test
    void definition_shouldBeJsonataWithTitleCaseStateNames() {
        assertThat(definition.get("QueryLanguage").asText()).isEqualTo("JSONata");
        forEachState(definition, (name, state) -> assertThat(name).matches("([A-Z][a-z]*)( [A-Z][a-z]*)*"));
    }

    @Test
    void everyLambdaTask_shouldRetryTransientErrorsWithJitter_andCatchEverything() {
        List<String> checked = new ArrayList<>();
        forEachState(definition, (name, state) -> {
            if (!"Task".equals(state.path("Type").asText())
                    || !state.path("Resource").asText().startsWith("arn:aws:states:::lambda:invoke")) {
                return;
            }
            checked.add(name);
            JsonNode first = state.path("Retry").get(0);
            List<String> errors = new ArrayList<>();
            first.path("ErrorEquals").forEach(e -> errors.add(e.asText()));
            assertThat(errors).as(name).containsAll(TRANSIENT_LAMBDA_ERRORS);
            assertThat(first.path("JitterStrategy").asText()).as(name).isEqualTo("FULL");
            assertThat(first.path("BackoffRate").asDouble()).as(name).isGreaterThan(1.0);
            JsonNode lastCatch = state.path("Catch").get(state.path("Catch").size() - 1);
            assertThat(lastCatch.path("ErrorEquals").get(0).asText()).as(name).isEqualTo("States.ALL");
        });
        assertThat(checked).containsExactlyInAnyOrder(
                "Probe Media", "Analyze With Rekognition", "Merge Record", "Mark Deleted", "Record Failure");
    }

    @Test
    void everyCatch_shouldLeadToTheRecord_orToAStateThatEndsABranchWithAStatus() {
        forEachState(definition, (name, state) -> state.path("Catch").forEach(c -> assertThat(c.path("Next").asText())
                .as(name).isIn("Probe Failed", "Analysis Failed", "Merge Record", "Record Failure",
                        "Record Not Written")));
    }

    /**
     * The statuses the Catch outputs write for a branch are the ones {@code RecordBuilder} reads: the probe branch's
     * a {@link ProbeStatus}, every other branch's a {@link BranchStatus}. A typo here would be a record with the
     * wrong status (STYLE #10, one envelope).
     */
    @Test
    void everyStatusACatchWrites_shouldBeItsBranchsStatus() {
        Pattern written = Pattern.compile("'status':\\s*'([^']*)'");
        List<String> probe = new ArrayList<>();
        List<String> analysis = new ArrayList<>();
        forEachState(definition, (name, state) -> state.path("Branches").forEach(branch -> forEachState(branch,
                (n, s) -> s.path("Catch").forEach(c -> {
                    Matcher m = written.matcher(c.path("Output").asText());
                    while (m.find()) {
                        (branch.path("StartAt").asText().equals("Probe Media") ? probe : analysis).add(m.group(1));
                    }
                }))));
        assertThat(probe).isNotEmpty().allSatisfy(status -> assertThat(ProbeStatus.valueOf(status)).isNotNull());
        assertThat(analysis).isNotEmpty().allSatisfy(status -> assertThat(BranchStatus.valueOf(status)).isNotNull());
    }

    /**
     * A caught error's Cause can be 32,768 characters (TaskFailedEventDetails, Step Functions API reference); carried
     * whole it could push a state's output past the 256 KiB quota, and States.DataLimitExceeded cannot be caught
     * (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html).
     */
    @Test
    void everyCatchThatKeepsTheCause_shouldCutItTo2000Characters() {
        List<String> outputs = new ArrayList<>();
        forEachState(definition, (name, state) -> state.path("Catch").forEach(c -> {
            String output = c.path("Output").asText();
            if (output.contains("$states.errorOutput.Cause")) {
                outputs.add(name + ": " + output);
            }
        }));
        assertThat(outputs).isNotEmpty().allSatisfy(output -> assertThat(output)
                .contains("$substring($states.errorOutput.Cause, 0, 2000)")
                .doesNotContainPattern("[^(]\\$states\\.errorOutput\\.Cause"));
    }

    @Test
    void rekognitionWait_shouldHaveAnExplicitTimeout_andRetryTheBusyErrorForLong() {
        JsonNode analyze = branchState("Analyze With Rekognition");
        assertThat(analyze.path("Resource").asText()).isEqualTo("arn:aws:states:::lambda:invoke.waitForTaskToken");
        assertThat(analyze.path("TimeoutSeconds").asText()).isEqualTo("{% ${analysis_timeout_seconds} %}");
        JsonNode busy = analyze.path("Retry").get(1);
        assertThat(busy.path("ErrorEquals").get(0).asText())
                .isEqualTo(RekognitionBusyException.class.getName());
        // Sum of the capped backoff delays: long enough to ride out a full 20-job queue (> 1 hour).
        double total = 0;
        double interval = busy.path("IntervalSeconds").asDouble();
        for (int i = 0; i < busy.path("MaxAttempts").asInt(); i++) {
            total += Math.min(interval * Math.pow(busy.path("BackoffRate").asDouble(), i),
                    busy.path("MaxDelaySeconds").asDouble());
        }
        assertThat(total).isGreaterThan(3600);
    }

    @Test
    void namedRetryableErrors_shouldBeTheClassNamesTheJavaRuntimeReports() {
        String text = RepoFiles.text(PATH);
        assertThat(text).contains("\"" + TransientTaskException.class.getName() + "\"");
        assertThat(text).contains("\"" + RekognitionBusyException.class.getName() + "\"");
    }

    @Test
    void happyPath_shouldStayWithinFifteenTransitions() {
        // Check Object -> Route Object -> Probe And Analyze -> {Probe Media | Analyze With Rekognition} -> Merge Record
        List<String> topLevel = new ArrayList<>();
        String state = definition.get("StartAt").asText();
        Map<String, String> happyChoice = Map.of("Route Object", "Probe And Analyze");
        int transitions = 0;
        while (state != null) {
            topLevel.add(state);
            JsonNode s = definition.path("States").path(state);
            transitions++;
            if ("Parallel".equals(s.path("Type").asText())) {
                for (JsonNode branch : s.path("Branches")) {
                    transitions += 1; // each branch's happy path is one Task that ends the branch
                    assertThat(branch.path("States").path(branch.path("StartAt").asText()).path("End").asBoolean())
                            .isTrue();
                }
            }
            state = happyChoice.containsKey(state) ? happyChoice.get(state)
                    : s.has("Next") ? s.get("Next").asText() : null;
        }
        assertThat(topLevel).containsExactly("Check Object", "Route Object", "Probe And Analyze", "Merge Record");
        assertThat(transitions).isEqualTo(6).isLessThanOrEqualTo(15);
    }

    @Test
    void placeholders_shouldBeSnakeCase_andTheKnownSet() {
        Matcher m = Pattern.compile("\\$\\{([^}]*)}").matcher(RepoFiles.text(PATH));
        TreeSet<String> names = new TreeSet<>();
        while (m.find()) {
            names.add(m.group(1));
        }
        assertThat(names).allMatch(n -> n.matches("[a-z][a-z0-9_]*"));
        assertThat(names).containsExactly("analysis_timeout_seconds", "merge_record_function_arn",
                "probe_function_arn", "results_bucket", "results_prefix",
                "start_analysis_function_arn", "watched_prefixes", "watched_suffixes");
    }

    private JsonNode branchState(String name) {
        List<JsonNode> found = new ArrayList<>();
        forEachState(definition, (n, s) -> {
            if (n.equals(name)) {
                found.add(s);
            }
        });
        assertThat(found).hasSize(1);
        return found.get(0);
    }

    private static void forEachState(JsonNode machine, BiConsumer<String, JsonNode> visit) {
        machine.path("States").properties().forEach(e -> {
            visit.accept(e.getKey(), e.getValue());
            e.getValue().path("Branches").forEach(b -> forEachState(b, visit));
        });
    }
}
