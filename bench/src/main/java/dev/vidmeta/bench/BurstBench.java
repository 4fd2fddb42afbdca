package dev.vidmeta.bench;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.vidmeta.local.LocalAws;
import dev.vidmeta.local.LocalDeployment;
import dev.vidmeta.local.LocalRuntime;
import dev.vidmeta.local.PipelineDeployment;
import dev.vidmeta.local.lambda.LocalFunction;
import dev.vidmeta.local.sfn.LocalStepFunctions;
import dev.vidmeta.local.sns.LocalSns;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;

/**
 * Benchmark (not a test) of issue 14's burst: N uploads at once against Rekognition's 20-job limit, with the local
 * Rekognition job time set to 5 s, through the whole local pipeline in real workflow time. Prints, per N:
 *
 * <ul>
 *   <li>the drain time (first upload to the last execution's end, which is after its record's write), the floor
 *       N / slots x job time, and their ratio (goal: at most 1.2);</li>
 *   <li>records by status (goal: all COMPLETE), the local Rekognition's peak of running jobs and its
 *       LimitExceeded answers (goal: 0);</li>
 *   <li>state transitions per execution (entered states, Step Functions' billing unit; min/median/max, goal at most
 *       15), Lambda invocations per video by function;</li>
 *   <li>the pipeline's cost per video from what was counted (transitions, Lambda requests and GB-s at the deployed
 *       memory sizes, S3 and DynamoDB requests, {@link Prices}) against Rekognition's price for a 10-minute video
 *       (goal: at most 0.5 %).</li>
 * </ul>
 *
 * <p>Lambda GB-s use the handlers' wall time here, on this machine: an estimate of AWS's billed duration, not a
 * measurement of it. One warm-up video runs first, outside the figures.
 *
 * <p>Run from the repository root: {@code mvn -B -q -o -pl bench -am package -DskipTests} then
 * {@code java -cp bench/target/classes:$(cat bench/target/classpath.txt) dev.vidmeta.bench.BurstBench 200 1000}.
 */
public final class BurstBench {

    static final int SLOTS = 20;
    static final Duration JOB = Duration.ofSeconds(5);
    static final double VIDEO_MINUTES = 10;

    private BurstBench() {}

    public static void main(String[] args) throws Exception {
        List<Integer> sizes = new ArrayList<>();
        for (String a : args) {
            sizes.add(Integer.parseInt(a));
        }
        if (sizes.isEmpty()) {
            sizes = List.of(200, 1000);
        }
        Path repo = Path.of("").toAbsolutePath();
        Path video = clip(Files.createTempDirectory("vidmeta-burst-clip"));
        List<String> rows = new ArrayList<>();
        for (int n : sizes) {
            rows.add(run(repo, video, n));
        }
        System.out.println();
        System.out.println("| uploads | drain | floor N/20x5 s | ratio | records | peak jobs | LimitExceeded | billed transitions/execution min/median/max | Lambda invocations/video | pipeline $/video | Rekognition $/10-min video | overhead |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|");
        rows.forEach(System.out::println);
    }

    /** A 2-second 320x240 H.264 MP4, the format Rekognition Video reads. */
    private static Path clip(Path dir) throws IOException, InterruptedException {
        Path out = dir.resolve("clip.mp4");
        Process p = new ProcessBuilder("ffmpeg", "-loglevel", "error", "-f", "lavfi", "-i",
                "testsrc=duration=2:size=320x240:rate=25", "-c:v", "libx264", "-pix_fmt", "yuv420p", out.toString())
                .inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("ffmpeg failed to make the clip");
        }
        return out;
    }

    private static String run(Path repo, Path video, int n) throws Exception {
        Path work = Files.createTempDirectory("vidmeta-burst");
        Counting counting = new Counting();
        var settings = PipelineDeployment.Settings.defaults().withRekognitionJobSlots(SLOTS);
        LocalDeployment deployment = counting.wrap(PipelineDeployment.create(settings,
                PipelineDeployment.definitionTemplate(repo)));
        var options = new LocalRuntime.Options(work, false, JOB, LocalSns.DeliveryPolicy.fast(),
                LocalStepFunctions.Options.defaults());
        try (LocalRuntime runtime = LocalRuntime.start(deployment, options);
                S3Client s3 = LocalAws.client(S3Client.builder().forcePathStyle(true), runtime.s3().endpoint());
                DynamoDbClient dynamo = LocalAws.client(DynamoDbClient.builder(), runtime.endpoints().get("DYNAMODB"));
                SfnClient sfn = LocalAws.client(SfnClient.builder(), runtime.endpoints().get("SFN"))) {
            String bucket = settings.sourceBucket();
            // warm-up: one video, outside the figures
            s3.putObject(b -> b.bucket(bucket).key("warmup/clip.mp4"), RequestBody.fromFile(video));
            awaitEnded(sfn, runtime.stateMachineArn(), 1, Duration.ofMinutes(5));
            long limitBefore = runtime.rekognition().limitExceededResponses();
            counting.reset();
            CallCounter.reset();
            List<String> before = executions(sfn, runtime.stateMachineArn()).stream()
                    .map(ExecutionListItem::executionArn).toList();

            System.err.printf("%s: %d uploads at once, %d slots, %d s jobs%n", Instant.now(), n, SLOTS,
                    JOB.toSeconds());
            ExecutorService pool = Executors.newFixedThreadPool(16);
            Instant t0 = Instant.now();
            List<Future<?>> uploads = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String key = "burst/clip-" + i + ".mp4";
                uploads.add(pool.submit(() -> s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromFile(video))));
            }
            for (Future<?> f : uploads) {
                f.get();
            }
            pool.shutdown();
            Instant uploaded = Instant.now();
            List<ExecutionListItem> all = awaitEnded(sfn, runtime.stateMachineArn(), n + 1,
                    Duration.ofSeconds(60 + 4L * n));
            List<ExecutionListItem> burst = all.stream().filter(e -> !before.contains(e.executionArn())).toList();
            Instant end = burst.stream().map(ExecutionListItem::stopDate).max(Instant::compareTo).orElseThrow();
            double drain = Duration.between(t0, end).toMillis() / 1000.0;
            double floor = (double) n / SLOTS * JOB.toSeconds();

            Map<String, Integer> statuses = new TreeMap<>();
            for (int i = 0; i < n; i++) {
                String pk = bucket + "/burst/clip-" + i + ".mp4";
                var item = dynamo.getItem(b -> b.tableName(settings.recordTable()).consistentRead(true)
                        .key(Map.of("pk", AttributeValue.fromS(pk)))).item();
                statuses.merge(item == null || item.isEmpty() ? "MISSING" : item.get("status").s(), 1, Integer::sum);
            }

            List<Integer> transitions = new ArrayList<>();
            for (ExecutionListItem e : burst) {
                transitions.add(enteredStates(sfn, e.executionArn()));
            }
            long retried = transitions.stream().filter(t -> t > transitions.get(0)).count();
            transitions.sort(Integer::compare);
            long limitExceeded = runtime.rekognition().limitExceededResponses() - limitBefore;

            // Cost per video, from what was counted.
            double perVideoTransitions = transitions.stream().mapToInt(Integer::intValue).average().orElse(0);
            Map<String, Long> invocations = counting.invocations();
            long lambdaCalls = invocations.values().stream().mapToLong(Long::longValue).sum();
            double gbSeconds = counting.gbSeconds();
            Map<String, Long> calls = CallCounter.calls();
            long s3Puts = calls.getOrDefault("S3:PutObject", 0L);
            long s3Gets = calls.entrySet().stream().filter(c -> c.getKey().startsWith("S3:") && !c.getKey().equals("S3:PutObject"))
                    .mapToLong(Map.Entry::getValue).sum();
            double cost = perVideoTransitions * Prices.STEP_FUNCTIONS_PER_TRANSITION
                    + (double) lambdaCalls / n * Prices.LAMBDA_PER_REQUEST
                    + gbSeconds / n * Prices.LAMBDA_PER_GB_SECOND
                    + (double) s3Puts / n * Prices.S3_PER_PUT
                    + (double) s3Gets / n * Prices.S3_PER_GET
                    + CallCounter.writeUnits() / n * Prices.DYNAMODB_PER_WRITE_UNIT
                    + CallCounter.readUnits() / n * Prices.DYNAMODB_PER_READ_UNIT;
            double analyses = 1; // Terraform's default var.analyses: celebrities
            double rekognition = analyses * VIDEO_MINUTES * Prices.REKOGNITION_VIDEO_PER_MINUTE;

            System.err.printf("uploads took %.1f s; drain %.1f s (floor %.1f s); %d execution(s) above the fewest"
                            + " transitions%n", Duration.between(t0, uploaded).toMillis() / 1000.0, drain, floor, retried);
            // Slot use: the jobs' time over the slots' time between the first job's start and the last one's end.
            List<Long> starts = CallCounter.jobStarts();
            long first = starts.get(0);
            long last = starts.get(starts.size() - 1);
            double busy = (double) starts.size() * JOB.toMillis() / (SLOTS * (last + JOB.toMillis() - first));
            System.err.printf("jobs: first started %.1f s after the first upload, 20th at %.1f s, last at %.1f s;"
                            + " slots busy %.0f %% from the first start to the last end%n",
                    (first - t0.toEpochMilli()) / 1000.0,
                    (starts.get(Math.min(SLOTS, starts.size()) - 1) - t0.toEpochMilli()) / 1000.0,
                    (last - t0.toEpochMilli()) / 1000.0, 100 * busy);
            System.err.println("Lambda invocations: " + invocations + ", GB-s " + String.format("%.1f", gbSeconds)
                    + ", mean wall ms " + counting.meanMillis());
            System.err.println("AWS calls by the functions: " + calls);
            System.err.printf("DynamoDB units: %.1f write, %.1f read (%d answers without ConsumedCapacity)%n",
                    CallCounter.writeUnits(), CallCounter.readUnits(), CallCounter.withoutCapacity());
            System.err.printf("cost per video: transitions $%.7f, Lambda requests $%.7f, Lambda GB-s $%.7f, S3 $%.7f,"
                            + " DynamoDB $%.7f%n",
                    perVideoTransitions * Prices.STEP_FUNCTIONS_PER_TRANSITION,
                    (double) lambdaCalls / n * Prices.LAMBDA_PER_REQUEST,
                    gbSeconds / n * Prices.LAMBDA_PER_GB_SECOND,
                    (double) s3Puts / n * Prices.S3_PER_PUT + (double) s3Gets / n * Prices.S3_PER_GET,
                    CallCounter.writeUnits() / n * Prices.DYNAMODB_PER_WRITE_UNIT
                            + CallCounter.readUnits() / n * Prices.DYNAMODB_PER_READ_UNIT);

            StringBuilder perFunction = new StringBuilder();
            invocations.forEach((fn, c) -> perFunction.append(perFunction.isEmpty() ? "" : ", ")
                    .append(fn.replace("vidmeta-", "")).append(' ').append(String.format("%.2f", (double) c / n)));
            return String.format("| %d | %.1f s | %.1f s | %.2f | %s | %d | %d | %d / %d / %d | %.2f (%s) | $%.6f | $%.2f | %.3f %% |",
                    n, drain, floor, drain / floor, statuses, runtime.rekognition().peakRunningJobs(), limitExceeded,
                    transitions.get(0), transitions.get(transitions.size() / 2), transitions.get(transitions.size() - 1),
                    (double) lambdaCalls / n, perFunction, cost, rekognition, 100 * cost / rekognition);
        }
    }

    /** Waits until at least {@code expected} executions exist and none runs; returns them all. */
    private static List<ExecutionListItem> awaitEnded(SfnClient sfn, String machine, int expected, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            boolean running = !sfn.listExecutions(b -> b.stateMachineArn(machine).statusFilter(ExecutionStatus.RUNNING)
                    .maxResults(1)).executions().isEmpty();
            if (!running) {
                List<ExecutionListItem> all = executions(sfn, machine);
                if (all.size() >= expected && all.stream().noneMatch(e -> e.status() == ExecutionStatus.RUNNING)) {
                    return all;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("executions still running after " + timeout);
            }
            TimeUnit.MILLISECONDS.sleep(500);
        }
    }

    private static List<ExecutionListItem> executions(SfnClient sfn, String machine) {
        List<ExecutionListItem> all = new ArrayList<>();
        sfn.listExecutionsPaginator(b -> b.stateMachineArn(machine).maxResults(1000)).executions().forEach(all::add);
        return all;
    }

    /**
     * Billed state transitions: each state entered, plus each retry of a Task ("each retry will be charged as an
     * additional state transition", https://aws.amazon.com/step-functions/pricing/): Task attempts beyond one per
     * Task state entered.
     */
    private static int enteredStates(SfnClient sfn, String executionArn) {
        int entered = 0;
        int taskEntered = 0;
        int taskScheduled = 0;
        for (HistoryEvent e : sfn.getExecutionHistoryPaginator(b -> b.executionArn(executionArn).maxResults(1000))
                .events()) {
            String type = e.typeAsString();
            if (type.endsWith("StateEntered")) {
                entered++;
            }
            if (type.equals("TaskStateEntered")) {
                taskEntered++;
            }
            if (type.equals("TaskScheduled") || type.equals("LambdaFunctionScheduled")) {
                taskScheduled++;
            }
        }
        return entered + Math.max(0, taskScheduled - taskEntered);
    }

    /** Wraps every function's handler to count its invocations and their wall time, and names it for CallCounter. */
    static final class Counting {
        private final Map<String, AtomicLong> invocations = new ConcurrentHashMap<>();
        private final Map<String, AtomicLong> nanos = new ConcurrentHashMap<>();
        private final Map<String, Integer> memoryMb = Map.of(
                PipelineDeployment.PROBE, Prices.PROBE_MB,
                PipelineDeployment.START_ANALYSIS, Prices.START_ANALYSIS_MB,
                PipelineDeployment.SNS_CALLBACK, Prices.CALLBACK_MB,
                PipelineDeployment.MERGE_RECORD, Prices.MERGE_RECORD_MB);

        LocalDeployment wrap(LocalDeployment d) {
            List<LocalFunction> functions = new ArrayList<>();
            for (LocalFunction f : d.functions()) {
                functions.add(new LocalFunction(f.name(), env -> counted(f.name(),
                        (RequestStreamHandler) f.handlerFactory().create(env)), f.environment(), f.timeout(),
                        f.memoryMb()));
            }
            return new LocalDeployment(d.sourceBucket(), d.buckets(), d.tables(), d.topics(), d.subscriptions(),
                    functions, d.stateMachine(), d.queues(), d.asyncInvokeConfigs());
        }

        private RequestStreamHandler counted(String name, RequestStreamHandler handler) {
            return (in, out, context) -> {
                CallCounter.FUNCTION.set(name);
                long t = System.nanoTime();
                try {
                    handler.handleRequest(in, out, context);
                } finally {
                    nanos.computeIfAbsent(name, k -> new AtomicLong()).addAndGet(System.nanoTime() - t);
                    invocations.computeIfAbsent(name, k -> new AtomicLong()).incrementAndGet();
                    CallCounter.FUNCTION.remove();
                }
            };
        }

        void reset() {
            invocations.clear();
            nanos.clear();
        }

        Map<String, Long> invocations() {
            Map<String, Long> copy = new TreeMap<>();
            invocations.forEach((k, v) -> copy.put(k, v.get()));
            return copy;
        }

        Map<String, Long> meanMillis() {
            Map<String, Long> mean = new TreeMap<>();
            nanos.forEach((k, v) -> mean.put(k, v.get() / 1_000_000 / Math.max(1, invocations.get(k).get())));
            return mean;
        }

        /** Sum over functions of wall seconds x deployed memory (GB). */
        double gbSeconds() {
            double total = 0;
            for (Map.Entry<String, AtomicLong> e : nanos.entrySet()) {
                total += e.getValue().get() / 1e9 * memoryMb.getOrDefault(e.getKey(), 1024) / 1024.0;
            }
            return total;
        }
    }
}
