package dev.vidmeta.cli;

import dev.vidmeta.local.LocalAws;
import dev.vidmeta.local.LocalDeployment;
import dev.vidmeta.local.LocalRuntime;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vidmeta local up}: starts the local runtime in the foreground, prints its endpoints and the lines
 * that point the AWS CLI and the vidmeta CLI at it, and runs until Ctrl-C, which stops it cleanly.
 */
@Command(
        name = "up",
        mixinStandardHelpOptions = true,
        description = "Start the local runtime in the foreground; Ctrl-C stops it.")
public final class LocalUpCommand implements Runnable {

    @Option(names = "--work-dir", description = "Where objects and tables are kept across restarts (default: ${DEFAULT-VALUE}).")
    Path workDir = Path.of(System.getProperty("user.home"), ".vidmeta", "local");

    @Option(names = "--source-bucket", description = "The watched bucket; uploads to it start the pipeline (default: ${DEFAULT-VALUE}).")
    String sourceBucket = "vidmeta-uploads";

    @Option(names = "--results-bucket", description = "Where the pipeline writes full results (default: ${DEFAULT-VALUE}).")
    String resultsBucket = "vidmeta-results";

    @Option(names = "--rekognition-job-seconds", description = "How long a Rekognition job runs (default: ${DEFAULT-VALUE}).")
    int rekognitionJobSeconds = 5;

    @Override
    public void run() {
        try {
            Files.createDirectories(workDir);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot create " + workDir + ": " + e.getMessage(), e);
        }
        long start = System.nanoTime();
        var deployment = LocalDeployment.builder()
                .sourceBucket(sourceBucket)
                .bucket(resultsBucket, false)
                .build();
        var options = LocalRuntime.Options.defaults(workDir).withPersistentTables(true)
                .withRekognitionJobDuration(Duration.ofSeconds(rekognitionJobSeconds));
        LocalRuntime runtime = LocalRuntime.start(deployment, options);
        var stopped = new CountDownLatch(1);
        Thread shutdown = new Thread(() -> {
            System.err.println("vidmeta: stopping the local runtime");
            runtime.close();
            stopped.countDown();
        }, "vidmeta-local-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdown);
        printBanner(System.out, runtime.endpoints(), Duration.ofNanos(System.nanoTime() - start));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void printBanner(PrintStream out, Map<String, URI> endpoints, Duration startup) {
        out.printf("vidmeta local runtime is up in %.1f s (data in %s). Ctrl-C stops it.%n%n",
                startup.toMillis() / 1000.0, workDir);
        endpoints.forEach((service, uri) -> out.printf("  %-12s %s%n", service, uri));
        out.printf("%n  buckets: %s (versioned, watched), %s%n", sourceBucket, resultsBucket);
        out.println();
        out.println("Point the AWS CLI and the vidmeta CLI at it (both read these variables):");
        out.printf("  export AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s AWS_REGION=%s AWS_DEFAULT_REGION=%s%n",
                LocalAws.ACCESS_KEY_ID, LocalAws.SECRET_ACCESS_KEY, LocalAws.REGION, LocalAws.REGION);
        endpoints.forEach((service, uri) -> out.printf("  export AWS_ENDPOINT_URL_%s=%s%n", service, uri));
        out.println();
        out.println("Then, for example:");
        out.printf("  aws s3 cp samples/sample.mp4 s3://%s/sample.mp4%n", sourceBucket);
        out.printf("  aws --endpoint-url %s s3 ls s3://%s/   # older AWS CLIs: pass the endpoint per command%n",
                endpoints.get("S3"), sourceBucket);
        out.println();
        out.println("Rekognition here recognizes no one: results are empty unless a <key>.rekognition.json file");
        out.println("beside the video supplies canned detections.");
        out.flush();
    }
}
