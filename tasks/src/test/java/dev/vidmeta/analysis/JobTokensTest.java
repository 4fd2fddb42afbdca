package dev.vidmeta.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vidmeta.record.ObjectRef;
import org.junit.jupiter.api.Test;

class JobTokensTest {

    private static final ObjectRef OBJECT = new ObjectRef("uploads", "clips/Été + 100% 🎬.mp4", "v1", "etag1",
            10L, "00617F08299329D189", null, null, null);
    private static final AnalysisRequest CELEBRITIES = new AnalysisRequest(Analysis.CELEBRITIES, 0);

    @Test
    void clientRequestToken_shouldFitRekognitionsPattern() {
        String token = JobTokens.clientRequestToken(OBJECT, CELEBRITIES);
        assertThat(token).hasSizeLessThanOrEqualTo(64).matches("[a-zA-Z0-9_-]+");
    }

    @Test
    void clientRequestToken_shouldBeSame_whenSameVersionAndAnalysis() {
        ObjectRef sameVersionOtherEvent = new ObjectRef("uploads", OBJECT.key(), "v1", "etag1", 10L,
                "00617F08299329D189", "2026-11-21T06:00:00Z", "other-event-id", "PutObject");
        assertThat(JobTokens.clientRequestToken(sameVersionOtherEvent, CELEBRITIES))
                .isEqualTo(JobTokens.clientRequestToken(OBJECT, CELEBRITIES));
    }

    @Test
    void clientRequestToken_shouldDiffer_whenVersionEtagAnalysisOrConfidenceDiffer() {
        String base = JobTokens.clientRequestToken(OBJECT, CELEBRITIES);
        ObjectRef otherVersion = new ObjectRef("uploads", OBJECT.key(), "v2", "etag1", 10L, null, null, null, null);
        ObjectRef otherEtag = new ObjectRef("uploads", OBJECT.key(), "v1", "etag2", 10L, null, null, null, null);
        assertThat(JobTokens.clientRequestToken(otherVersion, CELEBRITIES)).isNotEqualTo(base);
        assertThat(JobTokens.clientRequestToken(otherEtag, CELEBRITIES)).isNotEqualTo(base);
        assertThat(JobTokens.clientRequestToken(OBJECT, new AnalysisRequest(Analysis.LABELS, 0))).isNotEqualTo(base);
        assertThat(JobTokens.clientRequestToken(OBJECT, new AnalysisRequest(Analysis.LABELS, 80)))
                .isNotEqualTo(JobTokens.clientRequestToken(OBJECT, new AnalysisRequest(Analysis.LABELS, 0)));
    }

    @Test
    void jobTag_shouldFitRekognitionsPattern_andNameTheAnalysis() {
        assertThat(JobTokens.jobTag(OBJECT, CELEBRITIES)).startsWith("celebrities-").matches("[a-zA-Z0-9_.\\-:]+")
                .hasSizeLessThanOrEqualTo(256);
    }

    @Test
    void waiterId_shouldBeStablePerExecution() {
        String arn = "arn:aws:states:eu-west-1:111122223333:execution:vidmeta:abc";
        assertThat(JobTokens.waiterId(arn)).isEqualTo(JobTokens.waiterId(arn))
                .isNotEqualTo(JobTokens.waiterId(arn + "d"));
    }
}
