package dev.vidmeta.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AnalysisRequestTest {

    @Test
    void parseList_shouldReadAnalysesWithOptionalConfidence() {
        assertThat(AnalysisRequest.parseList(" celebrities, labels:80 ,segments:90.5"))
                .containsExactly(
                        new AnalysisRequest(Analysis.CELEBRITIES, 0),
                        new AnalysisRequest(Analysis.LABELS, 80),
                        new AnalysisRequest(Analysis.SEGMENTS, 90.5f));
    }

    @Test
    void parseList_shouldNameTheProblem_whenUnknownDuplicatedOrOutOfRange() {
        assertThatThrownBy(() -> AnalysisRequest.parseList("celebs")).hasMessageContaining("celebs");
        assertThatThrownBy(() -> AnalysisRequest.parseList("labels,labels:50")).hasMessageContaining("twice");
        assertThatThrownBy(() -> AnalysisRequest.parseList("labels:101")).hasMessageContaining("0..100");
        assertThatThrownBy(() -> AnalysisRequest.parseList(" , ")).hasMessageContaining("no analysis");
    }
}
