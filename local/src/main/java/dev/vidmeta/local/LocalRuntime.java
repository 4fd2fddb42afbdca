package dev.vidmeta.local;

import dev.vidmeta.local.dynamodb.LocalDynamoDb;
import dev.vidmeta.local.events.LocalEventBridge;
import dev.vidmeta.local.events.S3EventJson;
import dev.vidmeta.local.lambda.LocalFunction;
import dev.vidmeta.local.lambda.LocalLambda;
import dev.vidmeta.local.rekognition.LocalRekognition;
import dev.vidmeta.local.s3.LocalS3;
import dev.vidmeta.local.s3.S3Event;
import dev.vidmeta.local.sfn.LocalStepFunctions;
import dev.vidmeta.local.sns.LocalSns;
import dev.vidmeta.local.sqs.LocalSqs;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * The whole local AWS of vidmeta, on 127.0.0.1 with random ports: S3 (s3proxy), DynamoDB (dynalite),
 * Lambda (in-process), SNS, Rekognition Video, EventBridge matching and Step Functions; then the project's
 * deployment on top. {@link #close()} stops everything.
 *
 * <p>Wiring as on AWS: S3 Object Created and Object Deleted events go to the EventBridge rule rendered from
 * {@code events/object-created-rule.json}; its target calls StartExecution over the Step Functions API
 * with the event as input; Rekognition publishes completion to SNS, which invokes the subscribed function.
 */
public final class LocalRuntime implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(LocalRuntime.class.getName());
    static final String RULE_NAME = "object-created";

    /**
     * @param workDir objects (and, when {@code persistentTables}, tables) live here across restarts, and so do
     *     running Rekognition jobs, SNS deliveries still owed, Lambda's queued asynchronous events and SQS messages
     * @param rekognitionJobDuration how long a Rekognition job stays IN_PROGRESS
     * @param stepFunctions the engine's options (its time scale, a history listener)
     */
    public record Options(Path workDir, boolean persistentTables, Duration rekognitionJobDuration,
            LocalSns.DeliveryPolicy snsDelivery, LocalStepFunctions.Options stepFunctions,
            LocalLambda.AsyncRetryDelays lambdaRetryDelays) {

        /** With Lambda's asynchronous retries as fast as {@code snsDelivery}'s: AWS's for aws(), else fast(). */
        public Options(Path workDir, boolean persistentTables, Duration rekognitionJobDuration,
                LocalSns.DeliveryPolicy snsDelivery, LocalStepFunctions.Options stepFunctions) {
            this(workDir, persistentTables, rekognitionJobDuration, snsDelivery, stepFunctions,
                    snsDelivery.equals(LocalSns.DeliveryPolicy.aws())
                            ? LocalLambda.AsyncRetryDelays.aws() : LocalLambda.AsyncRetryDelays.fast());
        }

        public static Options defaults(Path workDir) {
            return new Options(workDir, false, Duration.ofSeconds(5), LocalSns.DeliveryPolicy.aws(),
                    LocalStepFunctions.Options.defaults(), LocalLambda.AsyncRetryDelays.aws());
        }

        public Options withSnsDelivery(LocalSns.DeliveryPolicy policy) {
            return new Options(workDir, persistentTables, rekognitionJobDuration, policy, stepFunctions,
                    lambdaRetryDelays);
        }

        public Options withLambdaRetryDelays(LocalLambda.AsyncRetryDelays delays) {
            return new Options(workDir, persistentTables, rekognitionJobDuration, snsDelivery, stepFunctions, delays);
        }

        public Options withRekognitionJobDuration(Duration duration) {
            return new Options(workDir, persistentTables, duration, snsDelivery, stepFunctions, lambdaRetryDelays);
        }

        public Options withPersistentTables(boolean persistent) {
            return new Options(workDir, persistent, rekognitionJobDuration, snsDelivery, stepFunctions,
                    lambdaRetryDelays);
        }
    }

    private final List<AutoCloseable> started = new ArrayList<>();
    private LocalS3 s3;
    private LocalDynamoDb dynamoDb;
    private LocalLambda lambda;
    private LocalSns sns;
    private LocalSqs sqs;
    private LocalRekognition rekognition;
    private LocalEventBridge eventBridge;
    private LocalStepFunctions stepFunctions;
    private S3Client s3Client;
    private SfnClient sfnClient;
    private String stateMachineArn;

    private LocalRuntime() {
    }

    /**
     * Locks the work directory, starts every server, then deploys; on any failure stops what started and rethrows.
     *
     * @throws WorkDirLock.InUseException when another local runtime uses {@code options.workDir()}
     */
    public static LocalRuntime start(LocalDeployment deployment, Options options) {
        var runtime = new LocalRuntime();
        try {
            runtime.track(WorkDirLock.acquire(options.workDir()));
            runtime.startServers(options, deployment.stateMachine());
            runtime.deploy(deployment);
            runtime.resumeOwedWork();
            return runtime;
        } catch (RuntimeException e) {
            runtime.close();
            throw e;
        }
    }

    /**
     * S3 (s3proxy: Jetty, Jackson 3, jclouds) loads most of the runtime's classes, and DynamoDB (dynalite) is a
     * Node process that takes a few hundred milliseconds to open its data: together most of the start-up time.
     * Each gets its own thread while this one starts the light stand-ins and creates the state machine, which
     * needs neither: CreateStateMachine checks the definition (the syntax check ValidateStateMachineDefinition
     * runs alone, Step Functions API reference), not the services its tasks will call. Not CompletableFuture's
     * default pool: with 2 cores the common pool has one worker, and it ran the two starts one after the other.
     */
    private void startServers(Options options, LocalDeployment.StateMachine stateMachine) {
        var eventSink = new AtomicReference<LocalEventBridge>();
        RuntimeException failure = null;
        try (ExecutorService starter = Executors.newThreadPerTaskExecutor(
                Thread.ofPlatform().name("vidmeta-start-", 0).factory())) {
            Future<LocalS3> s3Start = starter.submit(
                    () -> LocalS3.start(options.workDir(), event -> publish(eventSink, event)));
            Future<LocalDynamoDb> dynamoStart = starter.submit(() -> options.persistentTables()
                    ? LocalDynamoDb.startPersistent(options.workDir()) : LocalDynamoDb.startInMemory());
            try {
                eventBridge = track(LocalEventBridge.create());
                eventSink.set(eventBridge);
                lambda = track(LocalLambda.create());
                lambda.asyncRetryDelays(options.lambdaRetryDelays());
                lambda.keepAsyncEventsIn(options.workDir().resolve("lambda"));
                sqs = track(LocalSqs.start(options.workDir().resolve("sqs")));
                lambda.destinations(sqs::sendMessage);
                sns = track(LocalSns.start(lambda, options.snsDelivery(), options.workDir().resolve("sns")));
                // Executions are journaled in the work dir, so that they survive a restart of `local up`.
                stepFunctions = track(LocalStepFunctions.start(lambda,
                        options.stepFunctions().withJournal(options.workDir().resolve("sfn"))));
                sfnClient = track(LocalAws.client(SfnClient.builder(), stepFunctions.endpoint()));
                if (stateMachine != null) {
                    stateMachineArn = sfnClient.createStateMachine(b -> b.name(stateMachine.name())
                            .definition(stateMachine.definition()).roleArn(LocalAws.roleArn(stateMachine.name())))
                            .stateMachineArn();
                }
            } catch (RuntimeException e) {
                failure = e;
            }
            // Whatever happened here, wait for both starts so that close() stops whatever came up.
            try {
                s3 = track(await(s3Start));
            } catch (RuntimeException e) {
                failure = firstOf(failure, e);
            }
            try {
                dynamoDb = track(await(dynamoStart));
            } catch (RuntimeException e) {
                failure = firstOf(failure, e);
            }
        }
        if (failure != null) {
            throw failure;
        }
        s3Client = track(LocalAws.client(S3Client.builder().forcePathStyle(true), s3.endpoint()));
        rekognition = track(LocalRekognition.start(options.workDir().resolve("rekognition"), s3Client,
                (topic, message) -> sns.publish(topic, message, null, Map.of()), options.rekognitionJobDuration()));
    }

    /** The task's result; its exception as thrown (a checked one wrapped). */
    private static <T> T await(Future<T> task) {
        try {
            return task.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the local runtime started", e);
        }
    }

    private static RuntimeException firstOf(RuntimeException first, RuntimeException next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }

    private static void publish(AtomicReference<LocalEventBridge> bus, S3Event event) {
        LocalEventBridge target = bus.get();
        if (target != null) {
            target.putEvent(S3EventJson.of(event));
        }
    }

    private void deploy(LocalDeployment deployment) {
        for (LocalDeployment.Bucket bucket : deployment.buckets()) {
            s3.createBucket(bucket.name(), bucket.versioned());
        }
        if (!deployment.tables().isEmpty()) {
            try (var dynamo = LocalAws.client(DynamoDbClient.builder(), dynamoDb.endpoint())) {
                List<String> existing = dynamo.listTables().tableNames();
                for (LocalDeployment.Table table : deployment.tables()) {
                    if (!existing.contains(table.create().tableName())) {
                        LocalDynamoDb.createTable(dynamo, table.create());
                        if (table.timeToLive() != null) {
                            dynamo.updateTimeToLive(table.timeToLive());
                        }
                    }
                }
            }
        }
        for (String topic : deployment.topics()) {
            sns.createTopic(topic);
        }
        for (LocalDeployment.Queue queue : deployment.queues()) {
            sqs.createQueue(queue.name(), queue.attributes());
        }
        Map<String, String> platform = lambdaEnvironment();
        for (LocalFunction function : deployment.functions()) {
            Map<String, String> env = new HashMap<>(platform);
            env.putAll(function.environment());
            env.put("AWS_LAMBDA_FUNCTION_NAME", function.name());
            lambda.register(new LocalFunction(function.name(), function.handlerFactory(), env, function.timeout(),
                    function.memoryMb()));
        }
        for (LocalDeployment.AsyncInvokeConfig config : deployment.asyncInvokeConfigs()) {
            lambda.putFunctionEventInvokeConfig(config.function(), new LocalLambda.EventInvokeConfig(
                    config.maximumRetryAttempts(), config.maximumEventAge(),
                    config.onFailureQueue() == null ? null : LocalSqs.arnOf(config.onFailureQueue())));
        }
        for (LocalDeployment.Subscription subscription : deployment.subscriptions()) {
            sns.subscribe(LocalAws.arn("sns", subscription.topic()), "lambda", LocalLambda.arnOf(subscription.function()));
        }
        if (deployment.sourceBucket() != null && stateMachineArn != null) {
            String machine = stateMachineArn;
            eventBridge.putRule(RULE_NAME, LocalEventBridge.objectCreatedPattern(deployment.sourceBucket()),
                    event -> sfnClient.startExecution(b -> b.stateMachineArn(machine).input(event)));
        }
    }

    /**
     * Takes up what a crash of the previous run on this work dir cut off, now that the functions, topics and
     * queues it needs are deployed again: Lambda's queued asynchronous events first, then SNS deliveries still owed,
     * then the Rekognition jobs that were running, which end at their due time and notify through both.
     */
    private void resumeOwedWork() {
        int events = lambda.resumeAsyncEvents();
        int deliveries = sns.resumeDeliveries();
        rekognition.resumeJobs();
        if (events + deliveries > 0) {
            LOG.log(System.Logger.Level.INFO, "resumed " + events + " asynchronous Lambda event(s) and " + deliveries
                    + " SNS delivery(ies) a previous run left");
        }
    }

    /** What every function's environment gets from the platform: region, credentials, local endpoints. */
    public Map<String, String> lambdaEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("AWS_REGION", LocalAws.REGION);
        env.put("AWS_DEFAULT_REGION", LocalAws.REGION);
        env.put("AWS_ACCESS_KEY_ID", LocalAws.ACCESS_KEY_ID);
        env.put("AWS_SECRET_ACCESS_KEY", LocalAws.SECRET_ACCESS_KEY);
        endpoints().forEach((service, uri) -> env.put("AWS_ENDPOINT_URL_" + service, uri.toString()));
        return env;
    }

    /** Service name as in {@code AWS_ENDPOINT_URL_<SERVICE>} -> endpoint. */
    public Map<String, URI> endpoints() {
        Map<String, URI> endpoints = new LinkedHashMap<>();
        endpoints.put("S3", s3.endpoint());
        endpoints.put("DYNAMODB", dynamoDb.endpoint());
        endpoints.put("SNS", sns.endpoint());
        endpoints.put("SQS", sqs.endpoint());
        endpoints.put("LAMBDA", lambda.endpoint());
        endpoints.put("REKOGNITION", rekognition.endpoint());
        endpoints.put("SFN", stepFunctions.endpoint());
        return endpoints;
    }

    public LocalS3 s3() {
        return s3;
    }

    public LocalSqs sqs() {
        return sqs;
    }

    public LocalRekognition rekognition() {
        return rekognition;
    }

    public LocalEventBridge eventBridge() {
        return eventBridge;
    }

    /** The deployed state machine's ARN, or null when the deployment has none. */
    public String stateMachineArn() {
        return stateMachineArn;
    }

    private <T extends AutoCloseable> T track(T resource) {
        started.add(resource);
        return resource;
    }

    /**
     * Stops everything in reverse order of starting; keeps going past failures and reports them. Closing again
     * does nothing. Synchronized: a shutdown hook (Ctrl-C) may close it while the main thread does too.
     */
    @Override
    public synchronized void close() {
        // Step Functions first: a function that loses S3 or DynamoDB as they stop must not be journaled as its
        // task's outcome; the executions go on from where they were at the next start.
        if (stepFunctions != null && started.contains(stepFunctions)) {
            started.remove(stepFunctions);
            try {
                stepFunctions.close();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "stopping LocalStepFunctions: " + e);
            }
        }
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "stopping " + started.get(i).getClass().getSimpleName() + ": " + e);
            }
        }
        started.clear();
    }
}
