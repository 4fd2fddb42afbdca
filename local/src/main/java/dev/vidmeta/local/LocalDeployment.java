package dev.vidmeta.local;

import dev.vidmeta.local.lambda.LocalFunction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateTimeToLiveRequest;

/**
 * What Terraform would deploy, for the local runtime: buckets, tables, topics and their Lambda
 * subscriptions, functions, the state machine, and the bucket whose Object Created events start it.
 *
 * <p>Functions receive their environment exactly as Terraform sets it; the runtime adds what Lambda itself
 * provides (AWS_REGION, credentials) plus the SDK's {@code AWS_ENDPOINT_URL_<SERVICE>} variables pointing at
 * the local servers, so a handler's factory can build its clients from that one map.
 */
public record LocalDeployment(
        String sourceBucket,
        List<Bucket> buckets,
        List<Table> tables,
        List<String> topics,
        List<Subscription> subscriptions,
        List<LocalFunction> functions,
        StateMachine stateMachine,
        List<Queue> queues,
        List<AsyncInvokeConfig> asyncInvokeConfigs) {

    public record Bucket(String name, boolean versioned) { }

    /** A table, and its Time to Live setting (null: TTL off), as Terraform's {@code ttl} block sets it. */
    public record Table(CreateTableRequest create, UpdateTimeToLiveRequest timeToLive) { }

    /** An SQS queue, by name, with its attributes as CreateQueue takes them (MessageRetentionPeriod, ...). */
    public record Queue(String name, Map<String, String> attributes) { }

    /**
     * A function's asynchronous-invocation settings (Terraform's {@code aws_lambda_function_event_invoke_config}):
     * retries, and the queue (by name) that receives what still fails, or null.
     */
    public record AsyncInvokeConfig(String function, int maximumRetryAttempts, Duration maximumEventAge,
            String onFailureQueue) { }

    /** A Lambda subscription: {@code topic} by name, {@code function} by name. */
    public record Subscription(String topic, String function) { }

    /**
     * @param definition the ASL, already rendered ({@code dev.vidmeta.local.sfn.Templates}); its Task resources name the
     *     functions by ARN ({@code LocalLambda.arnOf(name)})
     */
    public record StateMachine(String name, String definition) { }

    public LocalDeployment {
        buckets = List.copyOf(buckets);
        tables = List.copyOf(tables);
        topics = List.copyOf(topics);
        subscriptions = List.copyOf(subscriptions);
        functions = List.copyOf(functions);
        queues = List.copyOf(queues);
        asyncInvokeConfigs = List.copyOf(asyncInvokeConfigs);
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private String sourceBucket;
        private final List<Bucket> buckets = new ArrayList<>();
        private final List<Table> tables = new ArrayList<>();
        private final List<String> topics = new ArrayList<>();
        private final List<Subscription> subscriptions = new ArrayList<>();
        private final List<LocalFunction> functions = new ArrayList<>();
        private StateMachine stateMachine;
        private final List<Queue> queues = new ArrayList<>();
        private final List<AsyncInvokeConfig> asyncInvokeConfigs = new ArrayList<>();

        private Builder() {
        }

        /** The watched bucket (versioned, as the project's Terraform creates it); its events start executions. */
        public Builder sourceBucket(String name) {
            this.sourceBucket = name;
            buckets.add(new Bucket(name, true));
            return this;
        }

        public Builder bucket(String name, boolean versioned) {
            buckets.add(new Bucket(name, versioned));
            return this;
        }

        public Builder table(CreateTableRequest table) {
            tables.add(new Table(table, null));
            return this;
        }

        public Builder table(CreateTableRequest table, UpdateTimeToLiveRequest timeToLive) {
            tables.add(new Table(table, timeToLive));
            return this;
        }

        public Builder topic(String name) {
            topics.add(name);
            return this;
        }

        public Builder subscription(String topic, String function) {
            subscriptions.add(new Subscription(topic, function));
            return this;
        }

        public Builder function(LocalFunction function) {
            functions.add(function);
            return this;
        }

        public Builder stateMachine(String name, String definition) {
            this.stateMachine = new StateMachine(name, definition);
            return this;
        }

        public Builder queue(String name, Map<String, String> attributes) {
            queues.add(new Queue(name, attributes));
            return this;
        }

        public Builder asyncInvokeConfig(AsyncInvokeConfig config) {
            asyncInvokeConfigs.add(config);
            return this;
        }

        public LocalDeployment build() {
            return new LocalDeployment(sourceBucket, buckets, tables, topics, subscriptions, functions, stateMachine,
                    queues, asyncInvokeConfigs);
        }
    }
}
