package dev.vidmeta.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vidmeta.record.ObjectRef;
import dev.vidmeta.testing.Fakes;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Starting Rekognition jobs when a ClientRequestToken is already bound to other parameters. Rekognition's rule
 * (StartCelebrityRecognition API reference, Errors: IdempotentParameterMismatchException, "A ClientRequestToken
 * input parameter was reused with an operation, but at least one of the other input parameters is different from
 * the previous call to the operation",
 * https://docs.aws.amazon.com/rekognition/latest/APIReference/API_StartCelebrityRecognition.html) is modelled by
 * {@link TokenRules}: a token remembers the parameters of its first start.
 */
class AnalysisStarterTokenTest {

    private static final ObjectRef OBJECT = new ObjectRef("uploads", "in/clip.mp4", "v1", "etag1", 10L,
            "00617F08299329D189", null, null, null);
    private static final AnalysisRequest CELEBRITIES = new AnalysisRequest(Analysis.CELEBRITIES, 0);
    /** The format check cannot read the object here, so the jobs start and Rekognition decides (AnalysisStarterTest). */
    private static final ObjectStart UNREAD = (object, length) -> {
        throw new IOException("the first bytes are not read in this test");
    };

    @Test
    void start_shouldUseAFreshToken_notFail_whenTheTokenWasUsedWithAnotherTopicBeforeARedeploy() {
        // GIVEN Rekognition saw this object's celebrity token with the topic of an earlier deployment
        TokenRules rekognition = new TokenRules("arn:aws:sns:eu-west-1:111122223333:new-topic");
        rekognition.seen.put(JobTokens.clientRequestToken(OBJECT, CELEBRITIES), "arn:aws:sns:eu-west-1:111122223333:old");
        Fakes.TaskTokens store = new Fakes.TaskTokens();

        // WHEN the analysis starts, and again (a Lambda retry of the same start)
        AnalysisStarter.Started first = starter(rekognition, store).start("task-token", "exec-1", OBJECT);
        AnalysisStarter.Started retry = starter(rekognition, store).start("task-token", "exec-1", OBJECT);

        // THEN the job started under the next token of the series, with its JobTag, and is waited for
        String fresh = JobTokens.clientRequestToken(OBJECT, CELEBRITIES, 1);
        assertThat(rekognition.starts).extracting(Start::token).containsExactly(
                JobTokens.clientRequestToken(OBJECT, CELEBRITIES), fresh,
                JobTokens.clientRequestToken(OBJECT, CELEBRITIES), fresh);
        assertThat(rekognition.starts.get(1).jobTag()).isEqualTo(JobTokens.jobTag(OBJECT, CELEBRITIES, 1))
                .startsWith("celebrities-");
        assertThat(first.refused()).isEmpty();
        assertThat(first.jobs()).containsExactly(Map.entry("job-" + fresh, Analysis.CELEBRITIES));
        assertThat(retry.jobs()).isEqualTo(first.jobs());
        assertThat(store.registrations()).extracting(Fakes.TaskTokens.Registration::jobs)
                .containsExactly(first.jobs(), first.jobs());
        assertThat(fresh).isNotEqualTo(JobTokens.clientRequestToken(OBJECT, CELEBRITIES))
                .hasSizeLessThanOrEqualTo(64).matches("[a-zA-Z0-9_-]+");
    }

    @Test
    void start_shouldRecordAFailedAnalysis_whenEveryTokenOfTheSeriesIsTaken() {
        // GIVEN every token of the series already bound to other parameters
        TokenRules rekognition = new TokenRules("topic-now");
        for (int g = 0; g < AnalysisStarter.MAX_TOKEN_GENERATIONS; g++) {
            rekognition.seen.put(JobTokens.clientRequestToken(OBJECT, CELEBRITIES, g), "topic-" + g);
        }

        Fakes.Callbacks callbacks = new Fakes.Callbacks();
        Fakes.TaskTokens store = new Fakes.TaskTokens();
        var starter = new AnalysisStarter(rekognition, UNREAD, store,
                new JobCompletion(rekognition, store, callbacks, null, null, List.of(CELEBRITIES), Clock.systemUTC()),
                Fakes.admission(rekognition, callbacks, List.of(CELEBRITIES), Clock.systemUTC()),
                List.of(CELEBRITIES), 3600, Clock.systemUTC());

        // WHEN the analysis starts
        AnalysisStarter.Started started = starter.start("t", "exec-1", OBJECT);

        // THEN no job, and a FAILED result that says why, sent to the waiting task, rather than a thrown error
        assertThat(started.jobs()).isEmpty();
        assertThat(started.refused().get("celebrities")).contains("\"status\":\"FAILED\"")
                .contains("reused with other parameters");
        assertThat(callbacks.sent()).singleElement().satisfies(sent -> {
            assertThat(sent.taskToken()).isEqualTo("t");
            assertThat(sent.error()).isEqualTo("RekognitionJobFailed");
            assertThat(sent.cause()).startsWith("celebrities: ").contains("reused with other parameters");
        });
        assertThat(rekognition.starts).hasSize(AnalysisStarter.MAX_TOKEN_GENERATIONS);
    }

    private static AnalysisStarter starter(VideoAnalyzer analyzer, TaskTokenStore store) {
        JobCompletion noCompletionExpected = new JobCompletion(analyzer, store, null, null, null, List.of(),
                Clock.systemUTC());
        return new AnalysisStarter(analyzer, UNREAD, store, noCompletionExpected,
                Fakes.admission(analyzer, new Fakes.Callbacks(), List.of(CELEBRITIES), Clock.systemUTC()),
                List.of(CELEBRITIES), 3600, Clock.systemUTC());
    }

    private record Start(String token, String jobTag) { }

    /** Rekognition's token rule over one parameter that a redeploy changes: the notification topic. */
    private static final class TokenRules implements VideoAnalyzer {
        final Map<String, String> seen = new HashMap<>();
        final List<Start> starts = new ArrayList<>();
        private final String topic;

        TokenRules(String topic) {
            this.topic = topic;
        }

        @Override
        public String start(AnalysisRequest request, ObjectRef object, String token, String jobTag)
                throws TokenReusedException {
            starts.add(new Start(token, jobTag));
            String earlier = seen.putIfAbsent(token, topic);
            if (earlier != null && !earlier.equals(topic)) {
                throw new TokenReusedException("IdempotentParameterMismatchException", null);
            }
            return "job-" + token;
        }

        @Override
        public JobState status(Analysis analysis, String jobId) {
            return new JobState("IN_PROGRESS", null);
        }

        @Override
        public JsonNode results(Analysis analysis, String jobId) {
            throw new AssertionError("no results are read while starting");
        }
    }
}
