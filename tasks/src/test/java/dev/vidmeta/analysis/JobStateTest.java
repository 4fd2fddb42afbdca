package dev.vidmeta.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JobStateTest {

    @Test
    void unsupportedMedia_shouldBeRecognised_fromRekognitionsStatusMessage() {
        assertThat(new JobState("FAILED", "Unsupported codec/format.").unsupportedMedia()).isTrue();
    }

    @Test
    void unsupportedMedia_shouldBeFalse_forOtherFailuresAndSuccess() {
        assertThat(new JobState("FAILED", "Internal error: Unexpected character (format error)").unsupportedMedia())
                .isFalse();
        assertThat(new JobState("FAILED", null).unsupportedMedia()).isFalse();
        assertThat(new JobState("SUCCEEDED", "unsupported").unsupportedMedia()).isFalse();
    }

    @Test
    void finished_shouldBeFalseOnlyWhileInProgress() {
        assertThat(new JobState("IN_PROGRESS", null).finished()).isFalse();
        assertThat(new JobState("SUCCEEDED", null).finished()).isTrue();
        assertThat(new JobState("ERROR", null).finished()).isTrue();
    }
}
