package dev.vidmeta.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vidmeta demo} in-process: the real runtime, state machine, handlers, libmediainfo and the sample. */
class DemoCommandIT {

    @TempDir
    Path workDir;

    @Test
    void demo_shouldPrintACompleteRecord_withTheSamplesProbeAndTheCannedCelebrity() throws Exception {
        // WHEN the demo runs with progress as lines (no terminal here anyway)
        RunOutput run = RunOutput.execute("demo", "--plain", "--work-dir", workDir.toString(),
                "--rekognition-job-seconds", "1");

        // THEN it succeeded, and said where the celebrity comes from
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("The local Rekognition recognizes no one")
                .contains("sample.mp4.rekognition.json");
        // AND it showed the states as they ran, in watch's words and durations: the analysis waits for the 1 s
        // Rekognition job, long enough to be seen IN PROGRESS (the probe of this small file may finish before
        // its IN PROGRESS line is drawn)
        String at = "\\n\\d\\d:\\d\\d:\\d\\d  ";
        String took = " +(\\d+ms|\\d+\\.\\ds)\\n";
        assertThat(run.out()).containsPattern(at + "Analyze With Rekognition +IN PROGRESS\\n")
                .containsPattern(at + "Probe Media +SUCCEEDED" + took)
                .containsPattern(at + "Analyze With Rekognition +SUCCEEDED" + took)
                .containsPattern(at + "Merge Record +SUCCEEDED" + took)
                .contains("sample.mp4: execution SUCCEEDED in ");
        // AND the record, read back from DynamoDB, has the probe's facts and the canned celebrity
        JsonNode record = run.record("vidmeta-uploads", "sample.mp4");
        assertThat(record.path("status").asText()).isEqualTo("COMPLETE");
        JsonNode video = record.at("/technical/video/0");
        assertThat(video.path("codec").asText()).isEqualTo("AVC");
        assertThat(video.path("width").asInt()).isEqualTo(320);
        assertThat(video.path("height").asInt()).isEqualTo(180);
        assertThat(record.at("/technical/audio/0/codec").asText()).isEqualTo("AAC");
        JsonNode celebrity = record.at("/analyses/celebrities/summary/celebrities/0");
        assertThat(celebrity.path("name").asText()).isEqualTo("Demo Celebrity (made up)");
        assertThat(celebrity.path("appearances").asInt()).isEqualTo(4);
        assertThat(celebrity.path("lastSeenMs").asLong()).isEqualTo(3000);
        // AND the functions' logs went to the work directory, not between the progress lines
        // (EMF metrics carry "_aws", Powertools' JSON logs "cold_start")
        assertThat(Files.readString(workDir.resolve(LocalPipelineRun.FUNCTION_LOG))).contains("\"_aws\"")
                .contains("\"cold_start\"");
        assertThat(run.out()).doesNotContain("\"_aws\"").doesNotContain("\"cold_start\"");
    }
}
