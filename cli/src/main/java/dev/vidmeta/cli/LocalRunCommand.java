package dev.vidmeta.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vidmeta local run <files...>}: {@code vidmeta demo} for the user's own files. Each file is uploaded
 * under its own name; a {@code <name>.rekognition.json} beside it supplies canned Rekognition detections.
 */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = "Run the pipeline locally on your files: start the local runtime, upload each file (key = its"
                + " name), show each execution's states live, print each merged DynamoDB record, stop.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:every file's record was written with status COMPLETE",
            "1:some file has no record, or one that is not COMPLETE (PARTIAL, FAILED, SKIPPED)",
            "2:usage error: a file is missing, not a regular file, or two files share a name"})
public final class LocalRunCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    LocalRunOptions run;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Files to run through the pipeline.")
    List<Path> files;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        List<LocalPipelineRun.Upload> uploads;
        try {
            uploads = uploads(files);
        } catch (IllegalArgumentException e) {
            err.println("vidmeta local run: " + e.getMessage());
            return 2;
        }
        return run.run(uploads);
    }

    /**
     * One upload per file, keyed by its name. A {@code <name>.rekognition.json} given alongside its video is
     * that video's detections, not an upload of its own (so {@code local run samples/*} does what one means).
     */
    static List<LocalPipelineRun.Upload> uploads(List<Path> files) {
        Map<String, Path> byName = new HashMap<>();
        for (Path file : files) {
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException(file + ": " + (Files.exists(file) ? "not a regular file" : "no such file"));
            }
            Path previous = byName.put(file.getFileName().toString(), file);
            if (previous != null && !previous.toAbsolutePath().normalize().equals(file.toAbsolutePath().normalize())) {
                throw new IllegalArgumentException(previous + " and " + file
                        + " would both be uploaded as " + file.getFileName() + " (the key is the file's name)");
            }
        }
        Set<String> done = new HashSet<>();
        List<LocalPipelineRun.Upload> uploads = new ArrayList<>();
        for (Path file : files) {
            String name = file.getFileName().toString();
            if (!done.add(name) || name.endsWith(DemoCommand.DETECTIONS_SUFFIX)
                    && byName.containsKey(name.substring(0, name.length() - DemoCommand.DETECTIONS_SUFFIX.length()))) {
                continue;
            }
            Path detections = file.resolveSibling(name + DemoCommand.DETECTIONS_SUFFIX);
            uploads.add(new LocalPipelineRun.Upload(file, name, Files.isRegularFile(detections) ? detections : null));
        }
        return List.copyOf(uploads);
    }
}
