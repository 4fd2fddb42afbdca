package dev.vidmeta.local.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vidmeta.local.PipelineDeployment;
import dev.vidmeta.probe.Fixtures;
import dev.vidmeta.probe.Fixtures.Fixture;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A Rekognition notification that never arrives: the wait times out and the record says so. */
class LostNotificationIT {

    private static final Fixtures FIXTURES = Fixtures.inTarget();

    @TempDir
    Path workDir;

    @Test
    void lostNotification_shouldTimeOutTheWait_andGiveAPartialRecord() {
        // GIVEN no subscription on the Rekognition topic, and a 20 s wait (2 s at the test's time scale)
        var settings = PipelineDeployment.Settings.defaults().withoutCallbackSubscription()
                .withAnalysisTimeout(Duration.ofSeconds(20));
        try (var p = new PipelineRuntime(workDir, settings, Duration.ofMillis(200))) {
            // WHEN
            p.upload("lost/clip.mp4", FIXTURES.path(Fixture.MP4_MOOV_AT_END));
            p.awaitExecutions(1, Duration.ofMinutes(2));

            // THEN
            ObjectNode record = p.record("lost/clip.mp4");
            assertThat(record.get("status").asText()).as(record.toString()).isEqualTo("PARTIAL");
            assertThat(record.get("probeStatus").asText()).isEqualTo("OK");
            assertThat(record.get("analysisStatus").asText()).isEqualTo("TIMED_OUT");
            assertThat(record.get("reasons").get(0).asText()).startsWith("analysis: timed out");
        }
    }
}
