package dev.vidmeta.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code vidmeta demo}: the whole pipeline once, on the repository's sample video, with nothing to set up: the
 * local runtime starts, {@code samples/sample.mp4} is uploaded, its execution runs state by state, and the
 * merged record is printed.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = "Run the pipeline locally on samples/sample.mp4: start the local runtime, upload the sample,"
                + " show each state live, print the merged DynamoDB record, stop.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:the sample's record was written with status COMPLETE",
            "1:no record, or one that is not COMPLETE",
            "2:usage error, or the repository's files are missing"})
public final class DemoCommand implements Callable<Integer> {

    static final String DETECTIONS_SUFFIX = ".rekognition.json";

    @Spec
    CommandSpec spec;

    @Mixin
    LocalRunOptions run;

    @Override
    public Integer call() {
        run.validate();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path sample;
        try {
            sample = RepositoryFiles.root().resolve(RepositoryFiles.SAMPLE);
        } catch (IllegalStateException e) {
            err.println("vidmeta demo: " + e.getMessage());
            return 2;
        }
        Path detections = sample.resolveSibling(sample.getFileName() + DETECTIONS_SUFFIX);
        if (!Files.isRegularFile(sample) || !Files.isRegularFile(detections)) {
            err.println("vidmeta demo: missing " + sample + " or " + detections);
            return 2;
        }
        out.println("The local Rekognition recognizes no one: the celebrity in this demo's record is made up, read from");
        out.println("  " + detections);
        out.println("(canned GetCelebrityRecognition results). Everything else is computed: libmediainfo probes the");
        out.println("sample over S3 ranged reads, and the real state machine and Lambda handlers write the record.");
        out.println();
        var upload = new LocalPipelineRun.Upload(sample, sample.getFileName().toString(), detections);
        return run.run(List.of(upload));
    }
}
