package dev.vidmeta.cli;

import dev.vidmeta.local.LocalDeployment;
import dev.vidmeta.local.LocalRuntime;
import dev.vidmeta.local.PipelineDeployment;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * What {@code local up}, {@code local run} and {@code demo} share: the pipeline's names and the emulated
 * Rekognition job's length. Defaults come from {@link PipelineDeployment.Settings#defaults()} (its watched
 * suffixes are Terraform's), so the console and the record printer read the table the pipeline writes.
 */
final class LocalPipelineOptions {

    private static final PipelineDeployment.Settings DEFAULTS = PipelineDeployment.Settings.defaults();

    @Option(names = "--source-bucket", description = "The watched bucket; uploads to it start the pipeline (default: ${DEFAULT-VALUE}).")
    String sourceBucket = DEFAULTS.sourceBucket();

    @Option(names = "--results-bucket", description = "Where the pipeline writes full results (default: ${DEFAULT-VALUE}).")
    String resultsBucket = DEFAULTS.resultsBucket();

    @Option(names = "--record-table", description = "The DynamoDB table of merged records (default: ${DEFAULT-VALUE}).")
    String recordTable = DEFAULTS.recordTable();

    @Option(names = "--rekognition-job-seconds", paramLabel = "SECONDS",
            description = "How long an emulated Rekognition job runs before it reports (default: ${DEFAULT-VALUE}).")
    int rekognitionJobSeconds = 2;

    @Option(names = "--rekognition-job-slots", paramLabel = "N",
            description = "Rekognition jobs the pipeline runs at once; other videos wait for a slot"
                    + " (default: ${DEFAULT-VALUE}, Rekognition's default quota).")
    int rekognitionJobSlots = DEFAULTS.rekognitionJobSlots();

    PipelineDeployment.Settings settings() {
        return new PipelineDeployment.Settings(sourceBucket, resultsBucket, DEFAULTS.resultsPrefix(), recordTable,
                DEFAULTS.taskTokenTable(), DEFAULTS.watchedPrefixes(), DEFAULTS.watchedSuffixes(),
                DEFAULTS.analyses(), DEFAULTS.analysisTimeout(), DEFAULTS.subscribeCallback(), rekognitionJobSlots,
                DEFAULTS.rekognitionLease());
    }

    /** The pipeline with the checkout's own state machine definition. */
    LocalDeployment deployment() {
        return PipelineDeployment.create(settings(), PipelineDeployment.definitionTemplate(RepositoryFiles.root()));
    }

    /**
     * Starts the local runtime with {@link #deployment()}. The runtime starts its servers side by side; were SLF4J
     * first touched there, its provider would still be loading, and it would print a warning per logger it had to
     * stand in for. So the logging starts first ({@link LoggingStart}, begun already by {@code main} for the
     * commands that start the runtime), while this thread builds the deployment, which does not log through SLF4J.
     */
    LocalRuntime start(LocalRuntime.Options options) {
        LoggingStart.begin();
        LocalDeployment deployment = deployment();
        LoggingStart.await();
        return LocalRuntime.start(deployment, options);
    }

    Duration rekognitionJob() {
        return Duration.ofSeconds(rekognitionJobSeconds);
    }
}
