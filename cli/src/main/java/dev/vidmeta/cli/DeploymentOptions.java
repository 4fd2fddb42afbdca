package dev.vidmeta.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Option;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Which deployment the operate commands talk to, and their SDK clients: the one place that resolves it.
 *
 * <p>The state machine comes from {@code --state-machine-arn}, else {@code VIDMETA_STATE_MACHINE_ARN}, else
 * {@code terraform output -raw state_machine_arn} in the repository's {@code terraform/} folder; the record
 * table likewise ({@code --table}, {@code VIDMETA_RECORD_TABLE}, output {@code record_table_name}).
 *
 * <p>Clients use the SDK's default chains for credentials and region ({@code AWS_DEFAULT_REGION} too, after
 * {@code AWS_REGION}, as the AWS CLI reads it: {@link CliRegion}), and its own
 * {@code AWS_ENDPOINT_URL_<SERVICE>} variables (or {@code aws.endpointUrl<Service>} system properties) for
 * endpoints: {@code ./vidmeta local up} prints them, and nothing here switches endpoints itself.
 */
final class DeploymentOptions implements AutoCloseable {

    static final String STATE_MACHINE_ENV = "VIDMETA_STATE_MACHINE_ARN";
    static final String TABLE_ENV = "VIDMETA_RECORD_TABLE";
    static final String CALLBACK_QUEUE_ENV = "VIDMETA_CALLBACK_FAILURE_QUEUE_URL";

    @Option(names = "--state-machine-arn", paramLabel = "ARN",
            description = "the pipeline's state machine (default: $" + STATE_MACHINE_ENV
                    + ", else terraform output state_machine_arn)")
    String stateMachineArn;

    @Option(names = "--table", paramLabel = "NAME",
            description = "the record table (default: $" + TABLE_ENV + ", else terraform output record_table_name)")
    String table;

    /** Environment lookups; tests substitute a map. */
    Map<String, String> environment = System.getenv();

    private final List<AutoCloseable> clients = new ArrayList<>();
    private SfnClient sfn;
    private DynamoDbClient dynamoDb;
    private S3Client s3;
    private SqsClient sqs;
    private LambdaClient lambda;

    String stateMachineArn() {
        if (stateMachineArn == null) {
            stateMachineArn = resolve("--state-machine-arn", STATE_MACHINE_ENV, "state_machine_arn");
        }
        return stateMachineArn;
    }

    String recordTable() {
        if (table == null) {
            table = resolve("--table", TABLE_ENV, "record_table_name");
        }
        return table;
    }

    /** The callback's on-failure queue: {@code option}, else the variable, else {@code terraform output}. */
    String callbackFailureQueueUrl(String option) {
        return option != null ? option
                : resolve("--queue-url", CALLBACK_QUEUE_ENV, "callback_failure_queue_url");
    }

    /**
     * An execution ARN from an ARN or a bare execution name of this state machine
     * ({@code arn:aws:states:<region>:<account>:execution:<machine>:<name>}).
     */
    String executionArn(String arnOrName) {
        if (arnOrName.startsWith("arn:")) {
            return arnOrName;
        }
        return stateMachineArn().replace(":stateMachine:", ":execution:") + ":" + arnOrName;
    }

    SfnClient sfn() {
        if (sfn == null) {
            sfn = track(build(SfnClient.builder(), environment));
        }
        return sfn;
    }

    DynamoDbClient dynamoDb() {
        if (dynamoDb == null) {
            dynamoDb = track(build(DynamoDbClient.builder(), environment));
        }
        return dynamoDb;
    }

    S3Client s3() {
        if (s3 == null) {
            s3 = track(build(S3Client.builder(), environment));
        }
        return s3;
    }

    SqsClient sqs() {
        if (sqs == null) {
            sqs = track(build(SqsClient.builder(), environment));
        }
        return sqs;
    }

    /**
     * For synchronous Invoke, which waits for the function: the socket outlasts any function's timeout (at most
     * 900 s, "Lambda quotas"), where Apache's default gives up after 30 s; and the SDK does not retry, since a
     * retried Invoke runs the function again.
     */
    LambdaClient lambda() {
        if (lambda == null) {
            lambda = track(CliRegion.apply(LambdaClient.builder(), environment)
                    .httpClientBuilder(ApacheHttpClient.builder().socketTimeout(Duration.ofMinutes(16)))
                    .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                    .build());
        }
        return lambda;
    }

    /** Apache's HTTP client, the one the Lambda jar uses; everything else comes from the default chains. */
    private static <B extends AwsClientBuilder<B, C> & SdkSyncClientBuilder<B, C>, C> C build(B builder,
            Map<String, String> environment) {
        return CliRegion.apply(builder, environment).httpClientBuilder(ApacheHttpClient.builder()).build();
    }

    private <T extends AutoCloseable> T track(T client) {
        clients.add(client);
        return client;
    }

    private String resolve(String option, String variable, String output) {
        String value = environment.get(variable);
        if (value != null && !value.isBlank()) {
            return value.trim();
        }
        Path dir = terraformDir();
        if (dir != null) {
            String fromTerraform = terraformOutput(dir, output);
            if (fromTerraform != null) {
                return fromTerraform;
            }
        }
        throw new MissingSettingException("no " + option.substring(2).replace('-', ' ') + ": pass " + option
                + ", set " + variable + ", or run where `terraform output -raw " + output + "` answers"
                + (dir == null ? " (no applied terraform/ folder here or above)" : " (it gave nothing in " + dir + ")"));
    }

    /** The repository's terraform/ folder: in the working directory or one of its parents. */
    private static Path terraformDir() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("terraform");
            if (Files.isRegularFile(candidate.resolve("outputs.tf"))) {
                return candidate;
            }
        }
        return null;
    }

    /** {@code terraform output -raw <name>}; null when terraform is missing, fails or has no state. */
    private static String terraformOutput(Path dir, String name) {
        Process process;
        try {
            process = new ProcessBuilder("terraform", "output", "-raw", name).directory(dir.toFile())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            return null;
        }
        try {
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return null;
            }
            return process.exitValue() == 0 && !out.isEmpty() && !out.contains("\n") ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    @Override
    public void close() {
        for (AutoCloseable client : clients) {
            try {
                client.close();
            } catch (Exception e) {
                // Closing an SDK client only releases connections; nothing to report to an operator.
            }
        }
        clients.clear();
        sfn = null;
        dynamoDb = null;
        s3 = null;
        sqs = null;
        lambda = null;
    }

    /** A setting the user must supply; the message says how. */
    static final class MissingSettingException extends RuntimeException {
        MissingSettingException(String message) {
            super(message);
        }
    }
}
