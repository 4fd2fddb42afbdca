package dev.vidmeta.cli;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.vidmeta.aws.RecordTable;
import dev.vidmeta.local.LocalAws;
import dev.vidmeta.local.LocalDeployment;
import dev.vidmeta.local.LocalRuntime;
import dev.vidmeta.local.PipelineDeployment;
import dev.vidmeta.local.dynamodb.LocalDynamoDb;
import dev.vidmeta.local.lambda.LocalFunction;
import dev.vidmeta.local.sfn.LocalStepFunctions;
import dev.vidmeta.local.sns.LocalSns;
import dev.vidmeta.testing.Await;
import dev.vidmeta.testing.SfnExecutions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;

/**
 * The local runtime running the project's pipeline ({@link PipelineDeployment}: the real definition and handlers),
 * plus one versioned bucket no rule watches, holding objects "stored before the pipeline" for backfill.
 *
 * <p>The commands run in-process exactly as from the shell; the SDK finds the runtime through the system
 * properties equivalent to the {@code AWS_ENDPOINT_URL_<SERVICE>} variables {@code vidmeta local up} prints.
 */
final class OperateRuntime implements AutoCloseable {

    static final PipelineDeployment.Settings SETTINGS = PipelineDeployment.Settings.defaults();
    static final String SOURCE = SETTINGS.sourceBucket();
    static final String ARCHIVE = "vidmeta-archive";
    static final String TABLE = SETTINGS.recordTable();
    /** Workflow time (retry back-off, waits) runs ten times faster; Rekognition jobs take this long. */
    private static final double TIME_SCALE = 0.1;
    /**
     * Bound of every wait on the pipeline: a whole execution (probe, Rekognition job, merge) on a loaded 2-core
     * machine, with room to spare; a healthy run settles in about a second.
     */
    static final Duration WAIT = Duration.ofSeconds(60);

    private final LocalRuntime runtime;
    private final AtomicInteger callbackFailuresToInject = new AtomicInteger();
    private final AtomicInteger callbackInvocations = new AtomicInteger();
    final S3Client s3;
    final SfnClient sfn;
    final DynamoDbClient dynamo;

    /** Program output of one command. */
    record Run(int exit, String out, String err) {
    }

    OperateRuntime(Path workDir, Duration rekognitionJob) {
        LocalDeployment pipeline = PipelineDeployment.create(SETTINGS,
                PipelineDeployment.definitionTemplate(repositoryRoot()));
        List<LocalDeployment.Bucket> buckets = new ArrayList<>(pipeline.buckets());
        buckets.add(new LocalDeployment.Bucket(ARCHIVE, true));
        List<LocalFunction> functions = pipeline.functions().stream()
                .map(f -> f.name().equals(PipelineDeployment.SNS_CALLBACK) ? withInjectedFailures(f) : f).toList();
        LocalDeployment deployment = new LocalDeployment(pipeline.sourceBucket(), buckets, pipeline.tables(),
                pipeline.topics(), pipeline.subscriptions(), functions, pipeline.stateMachine(),
                pipeline.queues(), pipeline.asyncInvokeConfigs());
        var options = new LocalRuntime.Options(workDir, false, rekognitionJob, LocalSns.DeliveryPolicy.fast(),
                LocalStepFunctions.Options.defaults().withTimeScale(TIME_SCALE));
        runtime = LocalRuntime.start(deployment, options);
        var endpoints = runtime.endpoints();
        s3 = LocalAws.client(S3Client.builder().forcePathStyle(true), endpoints.get("S3"));
        sfn = LocalAws.client(SfnClient.builder(), endpoints.get("SFN"));
        dynamo = LocalAws.client(DynamoDbClient.builder(), endpoints.get("DYNAMODB"));
        // What `vidmeta local up` tells users to export, as the SDK's equivalent system properties.
        System.setProperty("aws.region", LocalAws.REGION);
        System.setProperty("aws.accessKeyId", LocalAws.ACCESS_KEY_ID);
        System.setProperty("aws.secretAccessKey", LocalAws.SECRET_ACCESS_KEY);
        System.setProperty("aws.endpointUrlSfn", endpoints.get("SFN").toString());
        System.setProperty("aws.endpointUrlS3", endpoints.get("S3").toString());
        System.setProperty("aws.endpointUrlDynamoDb", endpoints.get("DYNAMODB").toString());
        System.setProperty("aws.endpointUrlSqs", endpoints.get("SQS").toString());
        System.setProperty("aws.endpointUrlLambda", endpoints.get("LAMBDA").toString());
    }

    /**
     * The callback function as deployed, except that its next {@link #failCallbacks} invocations throw what the
     * handler throws when DynamoDB throttles it, before doing anything.
     */
    private LocalFunction withInjectedFailures(LocalFunction callback) {
        return new LocalFunction(callback.name(), env -> {
            var real = (RequestStreamHandler) callback.handlerFactory().create(env);
            return (RequestStreamHandler) (in, out, context) -> {
                callbackInvocations.incrementAndGet();
                if (callbackFailuresToInject.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    throw ProvisionedThroughputExceededException.builder()
                            .message("The level of configured provisioned throughput for the table was exceeded.")
                            .build();
                }
                real.handleRequest(in, out, context);
            };
        }, callback.environment(), callback.timeout(), callback.memoryMb());
    }

    /** The callback's next {@code count} invocations fail. */
    void failCallbacks(int count) {
        callbackFailuresToInject.set(count);
    }

    int callbackInvocations() {
        return callbackInvocations.get();
    }

    /** The on-failure queue's messages, by the local SQS itself (not through the command under test). */
    List<String> callbackFailureQueue() {
        return runtime.sqs().bodies(callbackQueueUrl());
    }

    String callbackQueueUrl() {
        return runtime.sqs().urlOf(PipelineDeployment.CALLBACK_FAILURE_QUEUE);
    }

    /** Runs {@code vidmeta <args> --queue-url <the callback failure queue>} in-process. */
    Run vidmetaCallbacks(String... args) {
        return run(Stream.concat(Arrays.stream(args), Stream.of("--queue-url", callbackQueueUrl())));
    }

    static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("statemachine/video-metadata.asl.json"))) {
                return dir;
            }
        }
        throw new IllegalStateException("not inside the vidmeta repository");
    }

    /** What {@code vidmeta local up} tells a shell to export. */
    Map<String, String> shellEnvironment() {
        Map<String, String> env = new HashMap<>();
        env.put("AWS_REGION", LocalAws.REGION);
        env.put("AWS_ACCESS_KEY_ID", LocalAws.ACCESS_KEY_ID);
        env.put("AWS_SECRET_ACCESS_KEY", LocalAws.SECRET_ACCESS_KEY);
        runtime.endpoints().forEach((service, uri) -> env.put("AWS_ENDPOINT_URL_" + service, uri.toString()));
        return env;
    }

    String machineArn() {
        return runtime.stateMachineArn();
    }

    /** A tiny object that is not media: the probe says NOT_MEDIA, the record says SKIPPED. Fast. */
    void upload(String key) {
        upload(SOURCE, key);
    }

    void upload(String bucket, String key) {
        put(bucket, key, RequestBody.fromString("not really a video: " + key));
    }

    void upload(String key, Path file) {
        put(SOURCE, key, RequestBody.fromFile(file));
    }

    /**
     * One PutObject. A burst of uploads sometimes meets a connection the local S3 has just closed while the
     * client waits for "100 Continue", which the SDK does not retry; one retry here keeps the setup (not what
     * these tests are about) from failing on it.
     */
    private void put(String bucket, String key, RequestBody body) {
        try {
            s3.putObject(b -> b.bucket(bucket).key(key), body);
        } catch (UncheckedIOException e) {
            s3.putObject(b -> b.bucket(bucket).key(key), body);
        }
    }

    void deleteRecordTable() {
        LocalDynamoDb.deleteTable(dynamo, TABLE);
    }

    void createRecordTable() {
        LocalDynamoDb.createTable(dynamo, RecordTable.createTableRequest(TABLE));
    }

    int records() {
        return dynamo.scan(b -> b.tableName(TABLE)).count();
    }

    /** Every execution of the pipeline, newest first, read through every page. */
    List<ExecutionListItem> executions() {
        return SfnExecutions.executions(sfn, machineArn());
    }

    /** Waits until an execution exists; returns the newest. */
    ExecutionListItem awaitStarted() {
        return Await.until("an execution of " + machineArn() + " to start", WAIT, this::executions,
                all -> !all.isEmpty()).getFirst();
    }

    /** Waits until exactly {@code count} executions exist and none is running; returns them, newest first. */
    List<ExecutionListItem> awaitSettled(int count) {
        return Await.until(count + " executions, none RUNNING", WAIT, this::executions,
                all -> all.size() == count && all.stream().noneMatch(e -> e.status() == ExecutionStatus.RUNNING));
    }

    /** Runs {@code vidmeta <args> --state-machine-arn <this runtime's>} in-process. */
    Run vidmeta(String... args) {
        return run(Stream.concat(Arrays.stream(args), Stream.of("--state-machine-arn", machineArn())));
    }

    /** Runs {@code vidmeta <args> --table <the record table>} in-process. */
    Run vidmetaRecords(String... args) {
        return run(Stream.concat(Arrays.stream(args), Stream.of("--table", TABLE)));
    }

    private static Run run(Stream<String> args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cli = VidmetaCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args.toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
    }

    @Override
    public void close() {
        s3.close();
        sfn.close();
        dynamo.close();
        runtime.close();
    }
}
