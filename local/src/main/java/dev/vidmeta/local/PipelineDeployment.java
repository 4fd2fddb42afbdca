package dev.vidmeta.local;

import dev.vidmeta.analysis.AnalysisAdmission;
import dev.vidmeta.aws.RecordTable;
import dev.vidmeta.aws.TaskTokenTable;
import dev.vidmeta.handler.MergeRecordHandler;
import dev.vidmeta.handler.ProbeMediaHandler;
import dev.vidmeta.handler.SnsCallbackHandler;
import dev.vidmeta.handler.StartAnalysisHandler;
import dev.vidmeta.handler.TaskConfig;
import dev.vidmeta.local.lambda.LocalFunction;
import dev.vidmeta.local.lambda.LocalFunction.HandlerFactory;
import dev.vidmeta.local.lambda.LocalLambda;
import dev.vidmeta.local.sfn.Templates;
import dev.vidmeta.probe.MediaProbe;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.rekognition.RekognitionClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * The video-metadata pipeline as Terraform deploys it, for the local runtime: the source and results buckets,
 * the record and task-token tables, the Rekognition topic with the callback subscription and the callback's
 * on-failure queue, the four functions
 * with exactly Terraform's environment variables, and the state machine rendered from
 * {@code statemachine/video-metadata.asl.json} with the same template variables.
 *
 * <p>A function's handler and its clients are built at its first invocation (its Init, as on Lambda), not at
 * deployment, which checks only the handler class each factory names. The clients are built from the function's
 * own environment map (the SDK's {@code AWS_ENDPOINT_URL_<SERVICE>} names, which the runtime fills with the local
 * endpoints), because one JVM has one process environment for all functions. The handler code is the one
 * deployed to Lambda.
 */
public final class PipelineDeployment {

    public static final String STATE_MACHINE = "vidmeta-video-metadata";
    public static final String PROBE = "vidmeta-probe-media";
    public static final String START_ANALYSIS = "vidmeta-start-analysis";
    public static final String SNS_CALLBACK = "vidmeta-rekognition-callback";
    public static final String MERGE_RECORD = "vidmeta-merge-record";
    /** Rekognition's managed service role may only publish to topics whose name starts with AmazonRekognition. */
    public static final String TOPIC = "AmazonRekognition-vidmeta";
    /** The callback's on-failure destination (terraform/callback_failures.tf). */
    public static final String CALLBACK_FAILURE_QUEUE = "vidmeta-callback-failures";

    /**
     * What a user can choose; the defaults are Terraform's variable defaults (terraform-check's
     * LocalDefaultsMatchTerraformTest holds them to {@code terraform/variables.tf}).
     *
     * @param analysisTimeout the "Analyze With Rekognition" wait (workflow time)
     * @param subscribeCallback false deploys without the SNS subscription: every notification is lost
     * @param rekognitionJobSlots the Rekognition job slots executions lease (Terraform's rekognition_job_slots)
     * @param rekognitionLease how long a job holds its slot before it is reconciled (real time, as the functions'
     *     clock; Terraform sets the analysis timeout)
     */
    public record Settings(
            String sourceBucket,
            String resultsBucket,
            String resultsPrefix,
            String recordTable,
            String taskTokenTable,
            String watchedPrefixes,
            String watchedSuffixes,
            String analyses,
            Duration analysisTimeout,
            boolean subscribeCallback,
            int rekognitionJobSlots,
            Duration rekognitionLease) {

        /** Terraform's defaults, so that local and cloud analyse the same files and write to the same keys. */
        public static Settings defaults() {
            return new Settings("vidmeta-uploads", "vidmeta-results", "vidmeta/", "vidmeta-records", "vidmeta-task-tokens",
                    "", ".mp4,.mov,.m4v,.mkv,.webm,.avi,.mpg,.mpeg,.ts,.mxf", "celebrities", Duration.ofHours(4), true,
                    AnalysisAdmission.DEFAULT_SLOTS, Duration.ofHours(4));
        }

        /** The analysis timeout, and the lease with it (as Terraform sets them). */
        public Settings withAnalysisTimeout(Duration timeout) {
            return new Settings(sourceBucket, resultsBucket, resultsPrefix, recordTable, taskTokenTable,
                    watchedPrefixes, watchedSuffixes, analyses, timeout, subscribeCallback, rekognitionJobSlots,
                    timeout);
        }

        public Settings withoutCallbackSubscription() {
            return new Settings(sourceBucket, resultsBucket, resultsPrefix, recordTable, taskTokenTable,
                    watchedPrefixes, watchedSuffixes, analyses, analysisTimeout, false, rekognitionJobSlots,
                    rekognitionLease);
        }

        public Settings withRekognitionJobSlots(int slots) {
            return new Settings(sourceBucket, resultsBucket, resultsPrefix, recordTable, taskTokenTable,
                    watchedPrefixes, watchedSuffixes, analyses, analysisTimeout, subscribeCallback, slots,
                    rekognitionLease);
        }

        public Settings withRekognitionLease(Duration lease) {
            return new Settings(sourceBucket, resultsBucket, resultsPrefix, recordTable, taskTokenTable,
                    watchedPrefixes, watchedSuffixes, analyses, analysisTimeout, subscribeCallback,
                    rekognitionJobSlots, lease);
        }
    }

    private PipelineDeployment() {}

    /** {@code definition} is the ASL template text (statemachine/video-metadata.asl.json). */
    public static LocalDeployment create(Settings s, String definitionTemplate) {
        String topicArn = LocalAws.arn("sns", TOPIC);
        long ttl = s.analysisTimeout().toSeconds() + 3600;
        Map<String, String> results = Map.of(
                TaskConfig.RESULTS_BUCKET, s.resultsBucket(),
                TaskConfig.RESULTS_PREFIX, s.resultsPrefix());
        // Start and callback both start jobs (the callback for the waiters it wakes): the same variables.
        Map<String, String> startEnv = env(results,
                TaskConfig.TASK_TOKEN_TABLE_NAME, s.taskTokenTable(),
                TaskConfig.REKOGNITION_SNS_TOPIC_ARN, topicArn,
                TaskConfig.REKOGNITION_ROLE_ARN, LocalAws.roleArn("vidmeta-rekognition-sns"),
                TaskConfig.ANALYSES, s.analyses(),
                TaskConfig.TASK_TOKEN_TTL_SECONDS, Long.toString(ttl),
                TaskConfig.REKOGNITION_JOB_SLOTS, Integer.toString(s.rekognitionJobSlots()),
                TaskConfig.REKOGNITION_LEASE_SECONDS, Long.toString(Math.max(1, s.rekognitionLease().toSeconds())));
        Map<String, String> callbackEnv = startEnv;
        Map<String, String> mergeEnv = env(results, TaskConfig.RECORD_TABLE_NAME, s.recordTable());

        Map<String, String> vars = new LinkedHashMap<>();
        vars.put("watched_prefixes", s.watchedPrefixes());
        vars.put("watched_suffixes", s.watchedSuffixes());
        vars.put("results_bucket", s.resultsBucket());
        vars.put("results_prefix", s.resultsPrefix());
        vars.put("analysis_timeout_seconds", Long.toString(s.analysisTimeout().toSeconds()));
        vars.put("probe_function_arn", LocalLambda.arnOf(PROBE));
        vars.put("start_analysis_function_arn", LocalLambda.arnOf(START_ANALYSIS));
        vars.put("merge_record_function_arn", LocalLambda.arnOf(MERGE_RECORD));

        LocalDeployment.Builder b = LocalDeployment.builder()
                .sourceBucket(s.sourceBucket())
                .bucket(s.resultsBucket(), false)
                .table(RecordTable.createTableRequest(s.recordTable()))
                .table(TaskTokenTable.createTableRequest(s.taskTokenTable()),
                        TaskTokenTable.timeToLiveRequest(s.taskTokenTable()))
                .topic(TOPIC)
                .function(LocalFunction.of(PROBE, HandlerFactory.of(ProbeMediaHandler.class,
                        e -> ProbeMediaHandler.wired(new TaskConfig(e), s3(e), MediaProbe.create())), results)
                        .withTimeout(Duration.ofMinutes(5)))
                .function(LocalFunction.of(START_ANALYSIS, HandlerFactory.of(StartAnalysisHandler.class,
                        e -> StartAnalysisHandler.wired(new TaskConfig(e), s3(e),
                        client(DynamoDbClient.builder(), e, "DYNAMODB"), client(RekognitionClient.builder(), e,
                        "REKOGNITION"), client(SfnClient.builder(), e, "SFN"))), startEnv)
                        .withTimeout(Duration.ofMinutes(1)))
                .function(LocalFunction.of(SNS_CALLBACK, HandlerFactory.of(SnsCallbackHandler.class,
                        e -> SnsCallbackHandler.wired(new TaskConfig(e), s3(e),
                        client(DynamoDbClient.builder(), e, "DYNAMODB"), client(RekognitionClient.builder(), e,
                        "REKOGNITION"), client(SfnClient.builder(), e, "SFN"))), callbackEnv)
                        .withTimeout(Duration.ofMinutes(5)))
                .function(LocalFunction.of(MERGE_RECORD, HandlerFactory.of(MergeRecordHandler.class,
                        e -> MergeRecordHandler.wired(new TaskConfig(e), s3(e),
                        client(DynamoDbClient.builder(), e, "DYNAMODB"))), mergeEnv)
                        .withTimeout(Duration.ofMinutes(1)))
                .stateMachine(STATE_MACHINE, Templates.render(definitionTemplate, vars));
        if (s.subscribeCallback()) {
            b.subscription(TOPIC, SNS_CALLBACK);
        }
        // As terraform/callback_failures.tf: 2 retries, 6 hours, then the queue, kept 14 days.
        b.queue(CALLBACK_FAILURE_QUEUE, Map.of("MessageRetentionPeriod", "1209600"));
        b.asyncInvokeConfig(new LocalDeployment.AsyncInvokeConfig(SNS_CALLBACK, 2, Duration.ofHours(6),
                CALLBACK_FAILURE_QUEUE));
        return b.build();
    }

    /** Reads the definition template from the repository checkout ({@code root}/statemachine/...). */
    public static String definitionTemplate(Path repositoryRoot) {
        try {
            return Files.readString(repositoryRoot.resolve("statemachine/video-metadata.asl.json"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, String> env(Map<String, String> base, String... pairs) {
        Map<String, String> env = new LinkedHashMap<>(base);
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return Map.copyOf(env);
    }

    private static S3Client s3(Map<String, String> env) {
        // The local S3 has no per-bucket host names.
        return client(S3Client.builder().forcePathStyle(true), env, "S3");
    }

    private static <B extends AwsClientBuilder<B, C> & SdkSyncClientBuilder<B, C>, C> C client(
            B builder, Map<String, String> env, String service) {
        String endpoint = env.get("AWS_ENDPOINT_URL_" + service);
        if (endpoint == null) {
            throw new IllegalStateException("the runtime gave no AWS_ENDPOINT_URL_" + service);
        }
        return LocalAws.client(builder, URI.create(endpoint));
    }
}
