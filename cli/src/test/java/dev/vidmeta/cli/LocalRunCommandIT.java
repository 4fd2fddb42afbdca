package dev.vidmeta.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vidmeta local run} in-process on the user's own files. */
class LocalRunCommandIT {

    @TempDir
    Path dir;

    @Test
    void localRun_shouldRecordEachFileUnderItsRawName_andExitNonZero_whenOneIsNotComplete() throws Exception {
        // GIVEN the sample under a name with spaces, '+', '%', accents and an emoji, and a text file
        String oddName = "Été 2026 + 100% friends (café) 🎬.mp4";
        Path odd = Files.copy(RepositoryFiles.root().resolve(RepositoryFiles.SAMPLE), dir.resolve(oddName));
        Path notes = Files.writeString(dir.resolve("notes.txt"), "not a video\n", StandardCharsets.UTF_8);

        // WHEN both run through the local pipeline
        RunOutput run = RunOutput.execute("local", "run", "--plain", "--rekognition-job-seconds", "1",
                "--work-dir", dir.resolve("work").toString(), odd.toString(), notes.toString());

        // THEN the video's record is COMPLETE, under the exact key, with the probe's facts and no celebrity
        // (nothing canned for it: the local Rekognition recognizes no one)
        JsonNode video = run.record("vidmeta-uploads", oddName);
        assertThat(video.path("objectKey").asText()).isEqualTo(oddName);
        assertThat(video.path("status").asText()).isEqualTo("COMPLETE");
        assertThat(video.at("/technical/video/0/codec").asText()).isEqualTo("AVC");
        assertThat(video.at("/analyses/celebrities/summary/celebrities").size()).isZero();
        // AND the text file's record says why it was skipped
        JsonNode text = run.record("vidmeta-uploads", "notes.txt");
        assertThat(text.path("status").asText()).isEqualTo("SKIPPED");
        assertThat(text.path("reasons").get(0).asText()).contains("outside the watched suffixes");
        // AND the exit status tells that not every record is COMPLETE
        assertThat(run.exitCode()).isEqualTo(LocalPipelineRun.NOT_COMPLETE);
        assertThat(run.out()).contains(oddName + ": execution SUCCEEDED in ")
                .contains("The functions' logs are in ");
    }
}
