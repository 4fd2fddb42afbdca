package dev.vidmeta.local.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vidmeta.local.LocalAws;
import dev.vidmeta.local.lambda.LambdaInvoker;
import dev.vidmeta.local.sfn.LocalStepFunctions;
import dev.vidmeta.local.sfn.Templates;
import dev.vidmeta.testing.RepoFiles;
import dev.vidmeta.testing.SfnExecutions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * The project's real definition in the local Step Functions engine, with scripted functions at the Lambda
 * boundary: every path must end in exactly one "Merge Record" (or "Record Failure") payload that says what
 * happened. What is asserted is the payload the definition sends, and the states it walks through.
 */
class VideoMetadataDefinitionIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final double TIME_SCALE = 0.01;

    private final Map<String, Function<JsonNode, Object>> functions = new ConcurrentHashMap<>();
    private final List<JsonNode> merges = new CopyOnWriteArrayList<>();
    private LocalStepFunctions engine;
    private SfnClient sfn;
    private String machineArn;

    /** An error thrown by a scripted function, reported with this errorType as the Java runtime would. */
    static final class Failure extends RuntimeException {
        final String type;

        Failure(String type, String message) {
            super(message);
            this.type = type;
        }
    }

    @BeforeEach
    void start() {
        LambdaInvoker invoker = (name, payload) -> {
            try {
                JsonNode in = JSON.readTree(payload);
                if (name.equals("merge")) {
                    merges.add(in);
                }
                Object out = functions.getOrDefault(name, p -> JSON.createObjectNode().put("status", "OK")).apply(in);
                return new LambdaInvoker.Invocation(200, JSON.writeValueAsString(out), null);
            } catch (Failure f) {
                return new LambdaInvoker.Invocation(200, JSON.createObjectNode().put("errorType", f.type)
                        .put("errorMessage", f.getMessage()).toString(), "Unhandled");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        engine = LocalStepFunctions.start(invoker, LocalStepFunctions.Options.defaults().withTimeScale(TIME_SCALE));
        sfn = LocalAws.client(SfnClient.builder(), engine.endpoint());
        String definition = Templates.render(RepoFiles.text("statemachine/video-metadata.asl.json"), Map.of(
                "watched_prefixes", "uploads/",
                "watched_suffixes", ".mp4,.mov",
                "results_bucket", "vidmeta-results",
                "results_prefix", "",
                "analysis_timeout_seconds", 60,
                "probe_function_arn", "probe",
                "start_analysis_function_arn", "start",
                "merge_record_function_arn", "merge"));
        machineArn = sfn.createStateMachine(b -> b.name("video-metadata").definition(definition)
                .roleArn(LocalAws.roleArn("vidmeta-sfn"))).stateMachineArn();
        functions.put("merge", in -> JSON.createObjectNode().put("status", "COMPLETE").put("outcome", "WRITTEN"));
    }

    @AfterEach
    void stop() {
        sfn.close();
        engine.close();
    }

    @Test
    void happyPath_shouldMergeBothBranches_inSixTransitions() {
        functions.put("probe", in -> JSON.createObjectNode().put("status", "OK").put("mediainfo", "s3://r/m.json"));
        functions.put("start", in -> {
            answer(in, "{\"status\":\"OK\",\"analyses\":{\"celebrities\":{\"status\":\"OK\"}}}");
            return Map.of("jobs", 1);
        });

        Run run = run("s3-object-created-odd-key.json");

        assertThat(run.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        JsonNode merge = merges.get(0);
        assertThat(merge.at("/object/key").asText())
                .isEqualTo("uploads/%C3%89t%C3%A9+2026/100%25+fun+%2B+friends+%28caf%C3%A9%29+%F0%9F%8E%AC.mp4");
        assertThat(merge.at("/probe/status").asText()).isEqualTo("OK");
        assertThat(merge.at("/analysis/analyses/celebrities/status").asText()).isEqualTo("OK");
        assertThat(merge.at("/execution/id").asText()).isEqualTo(run.arn());
        assertThat(merge.has("skipReason")).isFalse();
        // The two branches run concurrently, so which one is entered first is not defined.
        List<String> entered = run.entered();
        assertThat(entered).hasSize(6);
        assertThat(entered.subList(0, 3)).containsExactly("Check Object", "Route Object", "Probe And Analyze");
        assertThat(entered.subList(3, 5)).containsExactlyInAnyOrder("Probe Media", "Analyze With Rekognition");
        assertThat(entered.get(5)).isEqualTo("Merge Record");
    }

    @Test
    void zeroByteObject_shouldBeRecordedAsSkipped_withoutProbingOrAnalysing() {
        Run run = run("s3-object-created-zero-byte.json");

        assertThat(run.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(merges).singleElement().satisfies(m -> {
            assertThat(m.get("skipReason").asText()).isEqualTo("zero-byte object");
            assertThat(m.has("probe")).isFalse();
        });
        assertThat(run.entered()).containsExactly("Check Object", "Route Object", "Merge Record");
    }

    @Test
    void probeFailure_shouldNotCancelTheAnalysis_andReachTheMergeAsAStatus() {
        functions.put("probe", in -> {
            throw new Failure("java.lang.IllegalStateException", "libmediainfo exploded");
        });
        functions.put("start", in -> {
            answer(in, "{\"status\":\"OK\"}");
            return Map.of();
        });

        Run run = run("s3-object-created.json");

        assertThat(run.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        JsonNode merge = merges.get(0);
        assertThat(merge.at("/probe/status").asText()).isEqualTo("FAILED");
        assertThat(merge.at("/probe/error").asText()).isEqualTo("java.lang.IllegalStateException");
        assertThat(merge.at("/probe/cause").asText()).contains("libmediainfo exploded");
        assertThat(merge.at("/analysis/status").asText()).isEqualTo("OK");
    }

    @Test
    void lostNotification_shouldTimeOutTheWait_andMergeATimedOutStatus() {
        functions.put("start", in -> Map.of("jobs", 1)); // started, but nobody ever answers the token

        Run run = run("s3-object-created.json");

        assertThat(run.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(merges.get(0).at("/analysis/status").asText()).isEqualTo("TIMED_OUT");
        assertThat(merges.get(0).at("/analysis/error").asText()).isEqualTo("States.Timeout");
        assertThat(merges.get(0).at("/probe/status").asText()).isEqualTo("OK");
    }

    @Test
    void rekognitionBusy_shouldBeRetried_untilTheJobStarts() {
        AtomicInteger attempts = new AtomicInteger();
        functions.put("start", in -> {
            if (attempts.incrementAndGet() <= 2) {
                throw new Failure("dev.vidmeta.analysis.RekognitionBusyException", "LimitExceededException");
            }
            answer(in, "{\"status\":\"OK\"}");
            return Map.of();
        });

        Run run = run("s3-object-created.json");

        assertThat(attempts.get()).isEqualTo(3);
        assertThat(merges.get(0).at("/analysis/status").asText()).isEqualTo("OK");
        assertThat(run.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
    }

    @Test
    void mergeFailure_shouldFallBackToAMinimalFailedRecord() {
        AtomicInteger calls = new AtomicInteger();
        functions.put("merge", in -> {
            if (calls.incrementAndGet() == 1) {
                throw new Failure("java.lang.IllegalArgumentException", "item too strange");
            }
            return Map.of("status", "FAILED", "outcome", "WRITTEN");
        });

        Run run = run("s3-object-created.json");

        assertThat(run.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(merges).hasSize(2);
        JsonNode fallback = merges.get(1);
        assertThat(fallback.at("/failure/state").asText()).isEqualTo("Merge Record");
        assertThat(fallback.at("/failure/error").asText()).isEqualTo("java.lang.IllegalArgumentException");
        assertThat(fallback.at("/failure/cause").asText()).contains("item too strange");
        assertThat(fallback.has("probe")).isFalse();
        assertThat(fallback.at("/object/sequencer").asText()).isEqualTo("617f08299329d189");
        assertThat(run.entered()).endsWith("Merge Record", "Record Failure");
    }

    @Test
    void mergeAndFallbackFailing_shouldFailTheExecutionVisibly() {
        functions.put("merge", in -> {
            throw new Failure("java.lang.IllegalStateException", "table missing");
        });

        Run run = run("s3-object-created.json");

        assertThat(run.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(run.error()).isEqualTo("vidmeta.RecordNotWritten");
    }

    /**
     * An "Object Deleted" event, AWS's example (S3 User Guide, "EventBridge event message structure",
     * https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html), goes straight to "Mark Deleted".
     */
    @Test
    void objectDeleted_shouldMarkTheRecordDeleted_inThreeStates_withoutProbingOrAnalysing() {
        functions.put("merge", in -> Map.of("status", "DELETED", "outcome", "WRITTEN"));

        Run run = run("s3-object-deleted.json");

        assertThat(run.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(run.entered()).containsExactly("Check Object", "Route Object", "Mark Deleted");
        assertThat(merges).singleElement().satisfies(m -> {
            assertThat(m.at("/deletion/type").asText()).isEqualTo("Delete Marker Created");
            assertThat(m.at("/deletion/reason").asText()).isEqualTo("DeleteObject");
            assertThat(m.at("/deletion/time").asText()).isEqualTo("2026-11-22T09:30:00Z");
            assertThat(m.at("/object/key").asText()).isEqualTo("uploads/2026/keynote.mp4");
            assertThat(m.at("/object/versionId").asText()).isEqualTo("1QW9g1Z99LUNbvaaYVpW9xDlOLU.qxgF");
            assertThat(m.at("/object/sequencer").asText()).isEqualTo("617f0837b476e463");
            assertThat(m.at("/execution/id").asText()).isEqualTo(run.arn());
            assertThat(m.has("probe")).isFalse();
            assertThat(m.has("skipReason")).isFalse();
        });
    }

    @Test
    void markDeletedFailure_shouldFallBackToAMinimalFailedRecord_namingMarkDeleted() {
        AtomicInteger calls = new AtomicInteger();
        functions.put("merge", in -> {
            if (calls.incrementAndGet() == 1) {
                throw new Failure("java.lang.IllegalArgumentException", "bad deletion");
            }
            return Map.of("status", "FAILED", "outcome", "WRITTEN");
        });

        Run run = run("s3-object-deleted-lifecycle.json");

        assertThat(run.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(run.entered()).endsWith("Mark Deleted", "Record Failure");
        assertThat(merges.get(1).at("/failure/state").asText()).isEqualTo("Mark Deleted");
        assertThat(merges.get(1).at("/failure/cause").asText()).contains("bad deletion");
    }

    @Test
    void nonObjectEvent_shouldFailWithoutARecord() {
        Run run = runInput("{\"detail-type\":\"Object Deleted\",\"detail\":{}}");

        assertThat(run.status()).isEqualTo(ExecutionStatus.FAILED);
        assertThat(run.error()).isEqualTo("vidmeta.NotAnObjectEvent");
        assertThat(merges).isEmpty();
    }

    /** The start function's job in this test: answer the task as the SNS callback would. */
    private void answer(JsonNode startPayload, String output) {
        String token = startPayload.get("taskToken").asText();
        Thread.ofVirtual().start(() -> sfn.sendTaskSuccess(b -> b.taskToken(token).output(output)));
    }

    record Run(String arn, ExecutionStatus status, String error, List<String> entered) {}

    private Run run(String event) {
        return runInput(RepoFiles.text("events/" + event));
    }

    private Run runInput(String input) {
        String arn = sfn.startExecution(b -> b.stateMachineArn(machineArn).name(UUID.randomUUID().toString())
                .input(input)).executionArn();
        // A missed deadline fails here, naming the execution: a run still RUNNING is no result to assert on.
        DescribeExecutionResponse d = SfnExecutions.awaitClosed(sfn, arn, Duration.ofSeconds(30));
        return new Run(arn, d.status(), d.error(), SfnExecutions.enteredStates(sfn, arn));
    }

}
