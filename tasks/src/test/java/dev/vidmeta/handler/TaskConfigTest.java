package dev.vidmeta.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TaskConfigTest {

    @Test
    void accessor_shouldNameTheVariable_whenMissing() {
        TaskConfig config = new TaskConfig(Map.of());

        assertThatThrownBy(config::recordTableName).hasMessage("environment variable RECORD_TABLE_NAME is not set");
        assertThatThrownBy(config::resultLocation).hasMessageContaining("RESULTS_BUCKET");
    }

    @Test
    void resultLocation_shouldAllowAnEmptyPrefix_butNotAnEmptyBucket() {
        assertThat(new TaskConfig(Map.of("RESULTS_BUCKET", "r", "RESULTS_PREFIX", "")).resultLocation().prefix())
                .isEmpty();
        assertThatThrownBy(() -> new TaskConfig(Map.of("RESULTS_BUCKET", " ", "RESULTS_PREFIX", "")).resultLocation())
                .hasMessage("environment variable RESULTS_BUCKET is empty");
    }

    @Test
    void analyses_andTtl_shouldBeValidated() {
        assertThatThrownBy(() -> new TaskConfig(Map.of("ANALYSES", "celebs")).analyses())
                .hasMessageContaining("ANALYSES").hasMessageContaining("celebs");
        assertThatThrownBy(() -> new TaskConfig(Map.of("TASK_TOKEN_TTL_SECONDS", "-1")).taskTokenTtlSeconds())
                .hasMessageContaining("TASK_TOKEN_TTL_SECONDS");
        assertThat(new TaskConfig(Map.of("TASK_TOKEN_TTL_SECONDS", "18000")).taskTokenTtlSeconds()).isEqualTo(18000);
    }

    @Test
    void rekognitionSlotsAndLease_shouldBePositiveWholeNumbers() {
        assertThat(new TaskConfig(Map.of("REKOGNITION_JOB_SLOTS", "20")).rekognitionJobSlots()).isEqualTo(20);
        assertThatThrownBy(() -> new TaskConfig(Map.of("REKOGNITION_JOB_SLOTS", "0")).rekognitionJobSlots())
                .hasMessage("environment variable REKOGNITION_JOB_SLOTS must be a positive number, got '0'");
        assertThatThrownBy(() -> new TaskConfig(Map.of("REKOGNITION_JOB_SLOTS", "20000")).rekognitionJobSlots())
                .hasMessageContaining("at most 1000");
        assertThat(new TaskConfig(Map.of("REKOGNITION_LEASE_SECONDS", "14400")).rekognitionLeaseDuration())
                .isEqualTo(java.time.Duration.ofHours(4));
        assertThatThrownBy(() -> new TaskConfig(Map.of("REKOGNITION_LEASE_SECONDS", "4h")).rekognitionLeaseDuration())
                .hasMessageContaining("REKOGNITION_LEASE_SECONDS").hasMessageContaining("'4h'");
    }

    @Test
    void constructors_shouldFailAtStartup_namingTheVariable() {
        assertThatThrownBy(() -> MergeRecordHandler.wired(new TaskConfig(Map.of("RESULTS_BUCKET", "r",
                "RESULTS_PREFIX", "")), null, null))
                .hasMessage("environment variable RECORD_TABLE_NAME is not set");
    }
}
