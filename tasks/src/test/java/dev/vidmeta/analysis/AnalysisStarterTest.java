package dev.vidmeta.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vidmeta.probe.Fixtures;
import dev.vidmeta.probe.Fixtures.Fixture;
import dev.vidmeta.record.ObjectRef;
import dev.vidmeta.record.ResultLocation;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Formats Rekognition Video cannot read start no job, so they take none of the 20 concurrent-job places
 * ("Guidelines and quotas in Amazon Rekognition", https://docs.aws.amazon.com/rekognition/latest/dg/limits.html);
 * the formats it reads: "MPEG-4 and MOV", "encoded using the H.264 codec" (https://aws.amazon.com/rekognition/faqs/).
 */
class AnalysisStarterTest {

    private static final Fixtures FIXTURES = Fixtures.inTarget();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectRef OBJECT = new ObjectRef("uploads", "clips/talk.mkv", "v1", "etag1", 4096L,
            "0055AED6DCD90281E5", null, null, null);
    private static final List<AnalysisRequest> REQUESTS = AnalysisRequest.parseList("celebrities,labels:80");

    private final List<String> started = new ArrayList<>();
    private final List<String> heads = new ArrayList<>();
    private final List<Map<String, Analysis>> registeredJobs = new ArrayList<>();
    private final List<String> answers = new ArrayList<>();

    private final VideoAnalyzer analyzer = new VideoAnalyzer() {
        @Override
        public String start(AnalysisRequest request, ObjectRef object, String token, String jobTag) {
            started.add(request.analysis().code() + " " + object.uri() + " " + object.versionId());
            return "job-" + started.size();
        }

        @Override
        public JobState status(Analysis analysis, String jobId) {
            return new JobState("IN_PROGRESS", null);
        }

        @Override
        public JsonNode results(Analysis analysis, String jobId) {
            throw new AssertionError("no results are read when starting");
        }
    };

    private final TaskTokenStore tokens = new TaskTokenStore() {
        @Override
        public void register(String waiterId, String taskToken, ObjectRef object, Map<String, Analysis> jobs,
                Map<String, String> knownResults, long registeredAtMillis, long expiresAtEpochSeconds) {
            registeredJobs.add(jobs);
        }

        @Override
        public List<JobWaiter> waitersOf(String jobId) {
            return List.of();
        }

        @Override
        public Progress recordResult(String waiterId, String jobId, Analysis analysis, String resultJson) {
            return null;
        }

        @Override
        public void markSent(String waiterId) {
        }
    };

    private final TaskCallbacks callbacks = new TaskCallbacks() {
        @Override
        public Delivery success(String taskToken, String outputJson) {
            answers.add(outputJson);
            return Delivery.DELIVERED;
        }

        @Override
        public Delivery failure(String taskToken, String error, String cause) {
            answers.add(error + ": " + cause);
            return Delivery.DELIVERED;
        }
    };

    private AnalysisStarter starter(ObjectStart head) {
        Clock clock = Clock.fixed(Instant.parse("2026-12-03T05:00:00Z"), ZoneOffset.UTC);
        JobCompletion completion = new JobCompletion(analyzer, tokens, callbacks, (key, json) -> "s3://results/" + key,
                new ResultLocation("results", "vidmeta/"), REQUESTS, clock);
        return new AnalysisStarter(analyzer, head, tokens, completion, REQUESTS, 3600, clock);
    }

    private ObjectStart headOf(Fixture fixture) {
        return (object, length) -> {
            heads.add(object.uri() + " " + length);
            try (InputStream in = Files.newInputStream(FIXTURES.path(fixture))) {
                return in.readNBytes(length);
            }
        };
    }

    @Test
    void start_shouldStartNoJob_andAnswerSkipped_whenTheObjectIsMatroska() throws Exception {
        // GIVEN an upload whose first bytes are Matroska's (H.264 inside, which does not help)
        AnalysisStarter starter = starter(headOf(Fixture.MKV_H264_OPUS));

        // WHEN the analyses are started
        AnalysisStarter.Started result = starter.start("token-1", "arn:aws:states:eu-west-1:111122223333:execution:vm:e1",
                OBJECT);

        // THEN one small read, no Rekognition job, and the task answered at once with every analysis SKIPPED
        assertThat(heads).containsExactly("s3://uploads/clips/talk.mkv " + StoredVideoFormat.HEAD_BYTES);
        assertThat(started).isEmpty();
        assertThat(registeredJobs).containsExactly(Map.of());
        assertThat(result.answered()).isTrue();
        String reason = "the object is Matroska/WebM; Rekognition Video reads MPEG-4 and MOV files encoded with"
                + " H.264 only";
        assertThat(answers).singleElement().satisfies(output -> assertThat(JSON.readTree(output)).isEqualTo(
                JSON.readTree(JSON.writeValueAsString(Map.of(
                        "status", "SKIPPED",
                        "reason", "celebrities: " + reason + "; labels: " + reason,
                        "analyses", Map.of(
                                "celebrities", Map.of("status", "SKIPPED", "reason", reason),
                                "labels", Map.of("status", "SKIPPED", "reason", reason)))))));
    }

    @Test
    void start_shouldStartEveryJob_whenTheMoovListsH264() {
        AnalysisStarter starter = starter(headOf(Fixture.MP4_FASTSTART));

        AnalysisStarter.Started result = starter.start("token-1", "arn:aws:states:eu-west-1:111122223333:execution:vm:e1",
                OBJECT);

        assertThat(started).containsExactly("celebrities s3://uploads/clips/talk.mkv v1", "labels s3://uploads/clips/talk.mkv v1");
        assertThat(result.jobs()).containsOnlyKeys("job-1", "job-2");
        assertThat(answers).isEmpty();
    }

    @Test
    void start_shouldLeaveTheDecisionToRekognition_whenTheCodecIsNotInTheFirstBytes() {
        // GIVEN an MPEG-4 Part 2 video (a codec Rekognition refuses) whose moov comes after its mdat
        AnalysisStarter starter = starter(headOf(Fixture.MP4_MPEG4_PART2));

        starter.start("token-1", "arn:aws:states:eu-west-1:111122223333:execution:vm:e1", OBJECT);

        // THEN the jobs start: Rekognition's own failure will be the recorded outcome
        assertThat(started).hasSize(2);
    }

    @Test
    void start_shouldStartTheJobs_whenTheFirstBytesCannotBeRead() {
        AnalysisStarter starter = starter((object, length) -> {
            throw new IOException("S3 said 503 Slow Down");
        });

        starter.start("token-1", "arn:aws:states:eu-west-1:111122223333:execution:vm:e1", OBJECT);

        assertThat(started).hasSize(2);
    }
}
