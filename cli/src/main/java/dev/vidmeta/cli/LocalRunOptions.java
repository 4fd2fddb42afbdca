package dev.vidmeta.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The options of {@code vidmeta demo} and {@code vidmeta local run}, and the run they both do. */
final class LocalRunOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Mixin
    LocalPipelineOptions pipeline;

    @Option(names = "--work-dir", paramLabel = "DIR",
            description = "Keep the runtime's objects, tables and the functions' logs here (default: a temporary"
                    + " directory, deleted after unless a record is not COMPLETE).")
    Path workDir;

    @Option(names = "--timeout", paramLabel = "SECONDS",
            description = "Give up waiting for the executions after this long (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds = 600;

    @Option(names = "--plain", description = "One line per state change even on a terminal.")
    boolean plain;

    /** Bad option values are usage errors (exit 2), as picocli's own. */
    void validate() {
        if (timeoutSeconds <= 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--timeout must be positive");
        }
        if (pipeline.rekognitionJobSeconds < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--rekognition-job-seconds must be 0 or more");
        }
        if (pipeline.rekognitionJobSlots < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--rekognition-job-slots must be 1 or more");
        }
    }

    /** Runs the uploads through the local pipeline. */
    int run(List<LocalPipelineRun.Upload> uploads) {
        validate();
        // A terminal gets a redrawn view; picocli's ANSI detection is false for pipes, files and NO_COLOR.
        boolean live = !plain && CommandLine.Help.Ansi.AUTO.enabled();
        return new LocalPipelineRun(pipeline, workDir, live, Duration.ofSeconds(timeoutSeconds))
                .run(uploads, spec.commandLine().getOut());
    }
}
