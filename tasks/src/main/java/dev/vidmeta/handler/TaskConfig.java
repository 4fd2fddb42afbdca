package dev.vidmeta.handler;

import dev.vidmeta.analysis.AnalysisRequest;
import dev.vidmeta.record.ResultLocation;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The handlers' configuration: the UPPER_SNAKE environment variables Terraform sets, under exactly these names.
 *
 * <p>Each handler reads what it needs in its constructor, so a missing variable fails the function at start-up
 * with the variable's name, not on the first event. The local runtime and tests pass a map instead of the
 * process environment. SDK endpoints are not configured here: the SDK reads {@code AWS_ENDPOINT_URL_<SERVICE>}.
 */
public final class TaskConfig {

    public static final String RECORD_TABLE_NAME = "RECORD_TABLE_NAME";
    public static final String TASK_TOKEN_TABLE_NAME = "TASK_TOKEN_TABLE_NAME";
    public static final String RESULTS_BUCKET = "RESULTS_BUCKET";
    /** May be empty when the results bucket holds nothing else. */
    public static final String RESULTS_PREFIX = "RESULTS_PREFIX";
    public static final String REKOGNITION_SNS_TOPIC_ARN = "REKOGNITION_SNS_TOPIC_ARN";
    public static final String REKOGNITION_ROLE_ARN = "REKOGNITION_ROLE_ARN";
    /** For example {@code celebrities} or {@code celebrities,labels:80,segments:90}. */
    public static final String ANALYSES = "ANALYSES";
    /** How long a stored task token lives; at least the state machine's analysis timeout. */
    public static final String TASK_TOKEN_TTL_SECONDS = "TASK_TOKEN_TTL_SECONDS";

    /** Rekognition job slots shared by every analysis type (Rekognition's quota; default 20). */
    public static final String REKOGNITION_JOB_SLOTS = "REKOGNITION_JOB_SLOTS";
    /** How long a job holds its slot before the lease is reconciled against its Get* status. */
    public static final String REKOGNITION_LEASE_SECONDS = "REKOGNITION_LEASE_SECONDS";
    /**
     * Every lease lives in one DynamoDB item, at most 400 KB ("Item size", DynamoDB quotas,
     * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html): about 150 bytes a lease.
     */
    static final int MAX_JOB_SLOTS = 1000;

    private final Map<String, String> env;

    public TaskConfig(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    public static TaskConfig fromEnvironment() {
        return new TaskConfig(System.getenv());
    }

    public String recordTableName() {
        return required(RECORD_TABLE_NAME);
    }

    public String taskTokenTableName() {
        return required(TASK_TOKEN_TABLE_NAME);
    }

    public ResultLocation resultLocation() {
        return new ResultLocation(required(RESULTS_BUCKET), requiredAllowEmpty(RESULTS_PREFIX));
    }

    public String rekognitionSnsTopicArn() {
        return required(REKOGNITION_SNS_TOPIC_ARN);
    }

    public String rekognitionRoleArn() {
        return required(REKOGNITION_ROLE_ARN);
    }

    public List<AnalysisRequest> analyses() {
        try {
            return AnalysisRequest.parseList(required(ANALYSES));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("environment variable " + ANALYSES + " is invalid: " + e.getMessage(), e);
        }
    }

    public long taskTokenTtlSeconds() {
        return positive(TASK_TOKEN_TTL_SECONDS);
    }

    public int rekognitionJobSlots() {
        long slots = positive(REKOGNITION_JOB_SLOTS);
        if (slots > MAX_JOB_SLOTS) {
            throw new IllegalStateException("environment variable " + REKOGNITION_JOB_SLOTS
                    + " must be at most " + MAX_JOB_SLOTS + " (the leases of one DynamoDB item), got " + slots);
        }
        return (int) slots;
    }

    public Duration rekognitionLeaseDuration() {
        return Duration.ofSeconds(positive(REKOGNITION_LEASE_SECONDS));
    }

    private long positive(String name) {
        String value = required(name);
        try {
            long n = Long.parseLong(value.trim());
            if (n <= 0) {
                throw new NumberFormatException("not positive");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalStateException("environment variable " + name
                    + " must be a positive number, got '" + value + "'", e);
        }
    }

    private String required(String name) {
        String value = requiredAllowEmpty(name);
        if (value.isBlank()) {
            throw new IllegalStateException("environment variable " + name + " is empty");
        }
        return value;
    }

    private String requiredAllowEmpty(String name) {
        String value = env.get(name);
        if (value == null) {
            throw new IllegalStateException("environment variable " + name + " is not set");
        }
        return value;
    }
}
