package dev.vidmeta.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class LocalRunCommandTest {

    @TempDir
    Path dir;

    @Test
    void uploads_shouldKeyEachFileByItsRawName_andTakeASidecarAsItsVideosDetections() throws Exception {
        // GIVEN an odd-named video with detections beside it, both on the command line, and a plain file
        Path video = Files.writeString(dir.resolve("Été 2026 + friends (café) 🎬.mp4"), "v");
        Path detections = Files.writeString(dir.resolve("Été 2026 + friends (café) 🎬.mp4.rekognition.json"), "{}");
        Path notes = Files.writeString(dir.resolve("notes.txt"), "n");

        // WHEN
        List<LocalPipelineRun.Upload> uploads = LocalRunCommand.uploads(List.of(video, detections, notes));

        // THEN the sidecar is not an upload of its own
        assertThat(uploads).containsExactly(
                new LocalPipelineRun.Upload(video, "Été 2026 + friends (café) 🎬.mp4", detections),
                new LocalPipelineRun.Upload(notes, "notes.txt", null));
    }

    @Test
    void uploads_shouldRefuse_twoFilesWithOneName() throws Exception {
        Path a = Files.createDirectories(dir.resolve("a")).resolve("clip.mp4");
        Path b = Files.createDirectories(dir.resolve("b")).resolve("clip.mp4");
        Files.writeString(a, "a");
        Files.writeString(b, "b");

        assertThatThrownBy(() -> LocalRunCommand.uploads(List.of(a, b)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("would both be uploaded as clip.mp4");
    }

    @Test
    void run_shouldExitWithUsageError_beforeStartingAnything_whenAFileIsMissing() {
        // GIVEN a file that does not exist
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = VidmetaCommand.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));

        // WHEN
        int exit = cli.execute("local", "run", dir.resolve("missing.mp4").toString());

        // THEN a clear message, exit 2, and no runtime started (nothing printed on stdout)
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("missing.mp4: no such file");
        assertThat(out.toString()).isEmpty();
    }
}
