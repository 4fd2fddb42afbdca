package dev.vidmeta.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vidmeta.analysis.Analysis;
import dev.vidmeta.analysis.AnalysisRequest;
import dev.vidmeta.analysis.AnalysisStarter;
import dev.vidmeta.analysis.JobCompletion;
import dev.vidmeta.analysis.JobState;
import dev.vidmeta.analysis.JobTokens;
import dev.vidmeta.analysis.ObjectStart;
import dev.vidmeta.record.ObjectHeads;
import dev.vidmeta.record.ObjectKeyResolver;
import dev.vidmeta.record.ObjectRef;
import dev.vidmeta.record.ResultLocation;
import dev.vidmeta.testing.Fakes;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * "Analyze With Rekognition" invokes this with {@code lambda:invoke.waitForTaskToken}: the payload carries the
 * task token ({@code $states.context.Task.Token}; Step Functions developer guide, "Wait for a Callback with Task
 * Token", https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html#connect-wait-token).
 */
class StartAnalysisHandlerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-11-21T05:12:47Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final String EXECUTION = "arn:aws:states:eu-west-1:111122223333:execution:vidmeta:4f1c";
    private static final List<AnalysisRequest> REQUESTS = AnalysisRequest.parseList("celebrities");
    /** The format check cannot read the object here, so the jobs start and Rekognition decides. */
    private static final ObjectStart UNREAD = (object, length) -> {
        throw new IOException("the first bytes are not read in this test");
    };
    /** The bucket holds "clips/red flower.mp4", which S3's event names "clips/red+flower.mp4". */
    private static final ObjectHeads BUCKET = (bucket, key, versionId) ->
            key.equals("clips/red flower.mp4") ? new ObjectHeads.Head("etag1", versionId) : null;

    private final Fakes.TaskTokens tokens = new Fakes.TaskTokens();
    private final Fakes.Callbacks callbacks = new Fakes.Callbacks();
    private final Fakes.Rekognition rekognition = new Fakes.Rekognition();
    private final JobCompletion completion = new JobCompletion(rekognition, tokens, callbacks,
            new Fakes.Results("results"), new ResultLocation("results", ""), REQUESTS, CLOCK);
    private final StartAnalysisHandler handler = new StartAnalysisHandler(
            new AnalysisStarter(rekognition, UNREAD, tokens, completion,
                    Fakes.admission(rekognition, callbacks, REQUESTS, CLOCK), REQUESTS, 18_000, CLOCK),
            new ObjectKeyResolver(BUCKET));

    private static String input(String taskToken, String key) {
        return "{\"taskToken\": " + (taskToken == null ? "null" : "\"" + taskToken + "\"")
                + ", \"executionId\": \"" + EXECUTION + "\", \"executionName\": \"4f1c\", \"object\": {"
                + "\"bucket\": \"uploads\", \"key\": \"" + key + "\", \"versionId\": \"v1\", \"etag\": \"etag1\","
                + " \"size\": 31457280, \"sequencer\": \"617f08299329d189\"}}";
    }

    private JsonNode handle(String input) throws Exception {
        return Invocations.invoke(handler, input);
    }

    @Test
    void handleRequest_shouldStartTheJobOnTheRealKey_andStoreTheToken_whenTheEventKeyIsEncoded() throws Exception {
        // WHEN the state invokes the function for "clips/red+flower.mp4"
        JsonNode output = handle(input("AQCEAAAAKgAAAA-token", "clips/red+flower.mp4"));

        // THEN Rekognition is asked for the object under its real key, at the event's version
        ObjectRef resolved = new ObjectRef("uploads", "clips/red flower.mp4", "v1", "etag1", 31457280L,
                "617f08299329d189", null, null, null);
        AnalysisRequest celebrities = REQUESTS.getFirst();
        assertThat(rekognition.starts()).containsExactly(new Fakes.Rekognition.Start("celebrities",
                "s3://uploads/clips/red flower.mp4", "v1", JobTokens.clientRequestToken(resolved, celebrities),
                JobTokens.jobTag(resolved, celebrities)));
        // AND the task token is stored under the job, to live as long as TASK_TOKEN_TTL_SECONDS says
        assertThat(tokens.registrations()).containsExactly(new Fakes.TaskTokens.Registration(
                JobTokens.waiterId(EXECUTION), "AQCEAAAAKgAAAA-token", resolved, Map.of("job-1", Analysis.CELEBRITIES),
                Map.of(), NOW.toEpochMilli(), NOW.getEpochSecond() + 18_000));
        assertThat(callbacks.sent()).isEmpty();
        assertThat(output).isEqualTo(JSON.readTree(
                "{\"jobs\": [\"job-1\"], \"refused\": [], \"answered\": false, \"queued\": false}"));
    }

    @Test
    void handleRequest_shouldAnswerTheTaskAtOnce_whenTheJobHadAlreadyFinished() throws Exception {
        // GIVEN a redrive: Rekognition returns the job it started before, which has failed since
        rekognition.finish("job-1", new JobState("FAILED", "Unsupported codec/format."), null);

        JsonNode output = handle(input("token-2", "clips/red+flower.mp4"));

        assertThat(output.path("answered").asBoolean()).isTrue();
        assertThat(callbacks.sent()).singleElement().satisfies(sent -> {
            assertThat(sent.taskToken()).isEqualTo("token-2");
            assertThat(JSON.readTree(sent.output())).isEqualTo(JSON.readTree("""
                    {"status": "SKIPPED", "reason": "celebrities: Unsupported codec/format.",
                     "analyses": {"celebrities": {"jobId": "job-1", "status": "SKIPPED",
                      "reason": "Unsupported codec/format."}}}"""));
        });
    }

    @Test
    void handleRequest_shouldRefuseTheInput_andStartNothing_whenTheTaskTokenIsMissing() {
        assertThatThrownBy(() -> handle(input(null, "clips/a.mp4")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("input needs taskToken, executionId and object");
        assertThat(rekognition.starts()).isEmpty();
        assertThat(tokens.registrations()).isEmpty();
    }
}
