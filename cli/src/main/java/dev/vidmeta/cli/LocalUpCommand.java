package dev.vidmeta.cli;

import dev.vidmeta.cli.console.ConsoleServer;
import dev.vidmeta.local.LocalAws;
import dev.vidmeta.local.LocalRuntime;
import dev.vidmeta.local.PipelineDeployment;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * {@code vidmeta local up}: starts the local runtime in the foreground, prints its endpoints and the lines
 * that point the AWS CLI and the vidmeta CLI at it, and runs until Ctrl-C, which stops it cleanly.
 */
@Command(
        name = "up",
        mixinStandardHelpOptions = true,
        description = "Start the local runtime with the whole pipeline deployed, and its web console, in the"
                + " foreground; uploads to the source bucket run the state machine. Ctrl-C stops it.")
public final class LocalUpCommand implements Runnable {

    @Option(names = "--work-dir", description = "Where objects and tables are kept across restarts (default: ${DEFAULT-VALUE}).")
    Path workDir = Path.of(System.getProperty("user.home"), ".vidmeta", "local");

    @Mixin
    LocalPipelineOptions pipeline;

    @Option(names = "--console-port", description = "Port of the web console on 127.0.0.1; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int consolePort = 0;

    /** The started runtime and its console; closing stops both. */
    record Running(LocalRuntime runtime, ConsoleServer console) implements AutoCloseable {
        @Override
        public void close() {
            console.close();
            runtime.close();
        }
    }

    @Override
    public void run() {
        long start = System.nanoTime();
        Running running = start();
        var stopped = new CountDownLatch(1);
        Thread shutdown = new Thread(() -> {
            System.err.println("vidmeta: stopping the local runtime");
            running.close();
            stopped.countDown();
        }, "vidmeta-local-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdown);
        printBanner(System.out, running.runtime().endpoints(), running.runtime().stateMachineArn(), running.console(),
                Duration.ofNanos(System.nanoTime() - start));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Starts the runtime with the whole pipeline deployed, then the console, which reads the runtime like any
     * client: through SDK clients aimed at its endpoints, and from the record table the pipeline writes.
     */
    Running start() {
        try {
            Files.createDirectories(workDir);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create " + workDir + ": " + e.getMessage(), e);
        }
        var options = LocalRuntime.Options.defaults(workDir).withPersistentTables(true)
                .withRekognitionJobDuration(pipeline.rekognitionJob());
        LocalRuntime runtime = pipeline.start(options);
        try {
            SfnClient sfn = LocalAws.client(SfnClient.builder(), runtime.endpoints().get("SFN"));
            DynamoDbClient dynamoDb = LocalAws.client(DynamoDbClient.builder(), runtime.endpoints().get("DYNAMODB"));
            return new Running(runtime, ConsoleServer.start(new ConsoleServer.Config(sfn, dynamoDb,
                    runtime.stateMachineArn(), pipeline.settings().recordTable()), consolePort));
        } catch (RuntimeException e) {
            runtime.close();
            throw e;
        }
    }

    private void printBanner(PrintStream out, Map<String, URI> endpoints, String stateMachineArn, ConsoleServer console,
            Duration startup) {
        out.printf("vidmeta local runtime is up in %s (data in %s). Ctrl-C stops it.%n%n",
                Durations.format(startup), workDir);
        endpoints.forEach((service, uri) -> out.printf("  %-12s %s%n", service, uri));
        out.printf("  %-12s %s%n", "CONSOLE", console.endpoint());
        out.printf("%n  buckets: %s (versioned, watched), %s%n", pipeline.sourceBucket, pipeline.resultsBucket);
        out.printf("  state machine %s writes one record per upload to DynamoDB table %s%n",
                PipelineDeployment.STATE_MACHINE, pipeline.settings().recordTable());
        out.println();
        out.println("Point the AWS CLI and the vidmeta CLI at it (both read these variables):");
        out.printf("  export AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s AWS_REGION=%s AWS_DEFAULT_REGION=%s%n",
                LocalAws.ACCESS_KEY_ID, LocalAws.SECRET_ACCESS_KEY, LocalAws.REGION, LocalAws.REGION);
        endpoints.forEach((service, uri) -> out.printf("  export AWS_ENDPOINT_URL_%s=%s%n", service, uri));
        out.printf("  export %s=%s %s=%s%n", DeploymentOptions.STATE_MACHINE_ENV, stateMachineArn,
                DeploymentOptions.TABLE_ENV, pipeline.settings().recordTable());
        out.printf("  export %s=%s/%s/%s%n", DeploymentOptions.CALLBACK_QUEUE_ENV, endpoints.get("SQS"),
                LocalAws.ACCOUNT_ID, PipelineDeployment.CALLBACK_FAILURE_QUEUE);
        out.println();
        out.println("Then, for example:");
        out.println("  ./vidmeta executions");
        out.printf("  aws s3 cp samples/sample.mp4 s3://%s/sample.mp4%n", pipeline.sourceBucket);
        out.printf("  aws --endpoint-url %s s3 ls s3://%s/   # older AWS CLIs: pass the endpoint per command%n",
                endpoints.get("S3"), pipeline.sourceBucket);
        out.printf("  aws dynamodb get-item --table-name %s --key '{\"pk\":{\"S\":\"%s/sample.mp4\"}}'%n",
                pipeline.settings().recordTable(), pipeline.sourceBucket);
        out.println();
        out.println("Rekognition here recognizes no one: results are empty unless a <key>.rekognition.json file");
        out.println("beside the video supplies canned detections.");
        out.flush();
    }
}
