package dev.vidmeta.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vidmeta.aws.JsonAttributeValues;
import dev.vidmeta.aws.RecordTable;
import dev.vidmeta.local.LocalAws;
import dev.vidmeta.local.LocalRuntime;
import dev.vidmeta.local.sfn.LocalStepFunctions;
import dev.vidmeta.local.sns.LocalSns;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * One run of the whole pipeline on local files, for {@code vidmeta demo} and {@code vidmeta local run}: starts
 * the local runtime with the real state machine and handlers, uploads each file to the watched bucket, shows
 * each execution's states live, prints each merged record as JSON from DynamoDB, and stops the runtime.
 *
 * <p>The objects' keys are the files' names, raw: S3 and EventBridge carry them unencoded, so a name with
 * spaces, {@code +} or accents is recorded exactly as it is on disk.
 */
final class LocalPipelineRun {

    /** A file to upload under {@code key}; {@code detections} is canned Rekognition output for it, or null. */
    record Upload(Path file, String key, Path detections) {
    }

    /** The exit status: every record COMPLETE. */
    static final int COMPLETE = 0;
    /** The exit status: some object has no record, or one that is not COMPLETE. */
    static final int NOT_COMPLETE = 1;

    static final String FUNCTION_LOG = "functions.log";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TICK = Duration.ofMillis(100);

    private final LocalPipelineOptions options;
    private final Path workDir;
    private final boolean live;
    private final Duration timeout;

    /**
     * @param workDir where the runtime keeps objects and tables; null for a temporary one, deleted at the end
     * @param live redraw progress in place (a terminal) rather than print a line per change
     */
    LocalPipelineRun(LocalPipelineOptions options, Path workDir, boolean live, Duration timeout) {
        this.options = options;
        this.workDir = workDir;
        this.live = live;
        this.timeout = timeout;
    }

    int run(List<Upload> uploads, PrintWriter out) {
        RunDirectory dir = RunDirectory.open(workDir, System.err);
        Path functionLog = dir.path().resolve(FUNCTION_LOG);
        PrintStream stdout = System.out;
        try (dir; PrintStream log = new PrintStream(Files.newOutputStream(functionLog, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND), true, StandardCharsets.UTF_8)) {
            // The functions write their JSON logs and EMF metrics to standard output, as on Lambda: into the
            // log file here, not between the progress lines. Our own output holds the original stream.
            System.setOut(log);
            int status;
            try {
                status = run(uploads, dir, out);
            } finally {
                System.setOut(stdout);
            }
            if (status != COMPLETE) {
                dir.keep(); // the functions' log says why
            }
            return status;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + functionLog + ": " + e.getMessage(), e);
        } finally {
            if (!dir.deletedAtEnd()) {
                out.printf("The functions' logs are in %s%s%n", functionLog,
                        workDir == null ? " (kept because a record is not COMPLETE)" : "");
            }
            out.flush();
        }
    }

    private int run(List<Upload> uploads, RunDirectory dir, PrintWriter out) {
        var settings = options.settings();
        var progress = new ExecutionProgress();
        // Real workflow time; SNS retries milliseconds apart, since nothing here is flaky enough to need AWS's.
        var runtimeOptions = new LocalRuntime.Options(dir.path(), workDir != null, options.rekognitionJob(),
                LocalSns.DeliveryPolicy.fast(), LocalStepFunctions.Options.defaults().withListener(progress));
        out.println("Starting the local runtime (S3, DynamoDB, Lambda, SNS, Rekognition, EventBridge, Step Functions)...");
        out.flush();
        Instant begin = Instant.now();
        try (LocalRuntime runtime = dir.start(() -> options.start(runtimeOptions));
                S3Client s3 = LocalAws.client(S3Client.builder().forcePathStyle(true), runtime.s3().endpoint());
                DynamoDbClient dynamoDb = LocalAws.client(DynamoDbClient.builder(),
                        runtime.endpoints().get("DYNAMODB"));
                SfnClient sfn = LocalAws.client(SfnClient.builder(), runtime.endpoints().get("SFN"))) {
            out.printf("Up in %s; state machine %s.%n", Durations.format(Duration.between(begin, Instant.now())),
                    runtime.stateMachineArn());
            List<String> versions = new ArrayList<>();
            for (Upload upload : uploads) {
                if (upload.detections() != null) {
                    runtime.rekognition().cannedDetections(settings.sourceBucket(), upload.key(),
                            read(upload.detections()));
                    out.printf("Canned Rekognition detections for %s: %s%n", upload.key(), upload.detections());
                }
                String version = s3.putObject(b -> b.bucket(settings.sourceBucket()).key(upload.key()),
                        RequestBody.fromFile(upload.file())).versionId();
                versions.add(version);
                out.printf("Uploaded %s to s3://%s/%s (version %s)%n", upload.file(), settings.sourceBucket(),
                        upload.key(), version);
            }
            out.flush();
            Instant deadline = Instant.now().plus(timeout);
            int status = COMPLETE;
            var view = new StatesView(out, live);
            // The states in definition order, nested ones indented, as watch shows them.
            Map<String, Integer> order = ExecutionHistory.definitionStates(sfn.describeStateMachine(
                    b -> b.stateMachineArn(runtime.stateMachineArn())).definition());
            for (int i = 0; i < uploads.size(); i++) {
                String key = uploads.get(i).key();
                out.println();
                boolean ended = follow(progress, view, order, settings.sourceBucket(), key, versions.get(i), deadline,
                        out);
                ObjectNode record = record(dynamoDb, settings.recordTable(), settings.sourceBucket(), key);
                if (record == null) {
                    out.printf("%s: no record in %s%s%n", key, settings.recordTable(),
                            ended ? "" : " (gave up waiting after " + timeout.toSeconds() + " s; --timeout changes it)");
                    status = NOT_COMPLETE;
                    continue;
                }
                out.printf("Record of s3://%s/%s in DynamoDB table %s:%n", settings.sourceBucket(), key,
                        settings.recordTable());
                out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(record));
                if (!"COMPLETE".equals(record.path("status").asText())) {
                    status = NOT_COMPLETE;
                }
            }
            out.println();
            out.println("Stopping the local runtime.");
            out.flush();
            return status;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Shows the execution of this upload until it ends; false when the deadline came first. */
    private boolean follow(ExecutionProgress progress, StatesView view, Map<String, Integer> order, String bucket,
            String key, String version, Instant deadline, PrintWriter out) {
        String arn = progress.executionOf(bucket, key, version);
        while (arn == null) {
            if (Instant.now().isAfter(deadline)) {
                out.printf("%s: no execution started%n", key);
                return false;
            }
            sleep();
            arn = progress.executionOf(bucket, key, version);
        }
        out.printf("%s: execution %s%n", key, arn.substring(arn.lastIndexOf(':') + 1));
        while (true) {
            ExecutionHistory history = progress.history(arn);
            Instant now = Instant.now();
            String status = history.status();
            view.show(key, status, history.elapsed(now), history.states(order), now);
            if (!status.equals("RUNNING")) {
                ExecutionHistory.Failure failure = history.failure();
                out.println(key + ": " + StatesView.ending(status, history.elapsed(now)) + (failure == null ? ""
                        : "  " + failure.error() + (failure.cause() == null ? "" : ": " + failure.cause())));
                out.flush();
                view.reset();
                return true;
            }
            if (Instant.now().isAfter(deadline)) {
                out.printf("%s: still RUNNING after %d s; not waiting any longer%n", key, timeout.toSeconds());
                return false;
            }
            sleep();
        }
    }

    /** The merged record of {@code bucket/key}, as JSON; null when there is none. */
    static ObjectNode record(DynamoDbClient dynamoDb, String table, String bucket, String key) {
        Map<String, AttributeValue> item = dynamoDb.getItem(b -> b.tableName(table).consistentRead(true)
                .key(Map.of(RecordTable.PARTITION_KEY, AttributeValue.fromS(bucket + "/" + key)))).item();
        return item == null || item.isEmpty() ? null : JsonAttributeValues.toJson(item);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(TICK);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
