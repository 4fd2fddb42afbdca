package dev.vidmeta.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vidmeta.probe.Fixtures.Fixture;
import dev.vidmeta.probe.Fixtures;
import dev.vidmeta.record.ObjectRef;
import dev.vidmeta.record.ResultLocation;
import dev.vidmeta.testing.Fakes;
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

    private final List<String> heads = new ArrayList<>();
    private final Fakes.Rekognition analyzer = new Fakes.Rekognition();
    private final Fakes.TaskTokens tokens = new Fakes.TaskTokens();
    private final Fakes.Callbacks callbacks = new Fakes.Callbacks();

    private AnalysisStarter starter(ObjectStart head) {
        Clock clock = Clock.fixed(Instant.parse("2026-12-03T05:00:00Z"), ZoneOffset.UTC);
        JobCompletion completion = new JobCompletion(analyzer, tokens, callbacks, new Fakes.Results("results"),
                new ResultLocation("results", "vidmeta/"), REQUESTS, clock);
        return new AnalysisStarter(analyzer, head, tokens, completion,
                Fakes.admission(analyzer, callbacks, REQUESTS, clock), REQUESTS, 3600, clock);
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
        assertThat(analyzer.starts()).isEmpty();
        assertThat(tokens.registrations()).extracting(Fakes.TaskTokens.Registration::jobs).containsExactly(Map.of());
        assertThat(result.answered()).isTrue();
        String reason = "the object is Matroska/WebM; Rekognition Video reads MPEG-4 and MOV files encoded with"
                + " H.264 only";
        assertThat(callbacks.sent()).extracting(Fakes.Callbacks.Sent::output).singleElement()
                .satisfies(output -> assertThat(JSON.readTree(output)).isEqualTo(
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

        assertThat(analyzer.starts()).extracting(s -> s.analysis() + " " + s.uri() + " " + s.versionId())
                .containsExactly("celebrities s3://uploads/clips/talk.mkv v1", "labels s3://uploads/clips/talk.mkv v1");
        assertThat(result.jobs()).containsOnlyKeys("job-1", "job-2");
        assertThat(callbacks.sent()).isEmpty();
    }

    @Test
    void start_shouldLeaveTheDecisionToRekognition_whenTheCodecIsNotInTheFirstBytes() {
        // GIVEN an MPEG-4 Part 2 video (a codec Rekognition refuses) whose moov comes after its mdat
        AnalysisStarter starter = starter(headOf(Fixture.MP4_MPEG4_PART2));

        starter.start("token-1", "arn:aws:states:eu-west-1:111122223333:execution:vm:e1", OBJECT);

        // THEN the jobs start: Rekognition's own failure will be the recorded outcome
        assertThat(analyzer.starts()).hasSize(2);
    }

    @Test
    void start_shouldStartTheJobs_whenTheFirstBytesCannotBeRead() {
        AnalysisStarter starter = starter((object, length) -> {
            throw new IOException("S3 said 503 Slow Down");
        });

        starter.start("token-1", "arn:aws:states:eu-west-1:111122223333:execution:vm:e1", OBJECT);

        assertThat(analyzer.starts()).hasSize(2);
    }

    @Test
    void start_shouldAnswerTheTaskItself_whenItsJobsEndedBeforeItsTokenWasRegistered() throws Exception {
        // GIVEN jobs that end before the start has registered its token (short jobs in a burst): their
        // notifications found no waiter and were acknowledged
        analyzer.finish("job-1", new JobState("SUCCEEDED", null), JSON.readTree("{\"Celebrities\": []}"))
                .finish("job-2", new JobState("FAILED", "Access denied to the S3 object"), null);
        AnalysisStarter starter = starter(headOf(Fixture.MP4_FASTSTART));

        // WHEN the start registers its token
        AnalysisStarter.Started result = starter.start("token-1",
                "arn:aws:states:eu-west-1:111122223333:execution:vm:e1", OBJECT);

        // THEN it reads its jobs' status after registering, and answers the task once with both outcomes
        assertThat(result.answered()).isTrue();
        assertThat(analyzer.reads()).startsWith("status celebrities job-1").contains("status labels job-2");
        assertThat(callbacks.sent()).singleElement().satisfies(sent -> {
            assertThat(sent.taskToken()).isEqualTo("token-1");
            JsonNode analyses = JSON.readTree(sent.output()).path("analyses");
            assertThat(analyses.path("celebrities").path("status").asText()).isEqualTo("OK");
            assertThat(analyses.path("labels")).isEqualTo(JSON.readTree("""
                    {"jobId": "job-2", "status": "FAILED", "reason": "Access denied to the S3 object"}"""));
        });
    }
}
