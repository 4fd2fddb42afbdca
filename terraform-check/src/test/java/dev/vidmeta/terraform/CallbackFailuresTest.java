package dev.vidmeta.terraform;

import static dev.vidmeta.terraform.TerraformModule.list;
import static dev.vidmeta.terraform.TerraformModule.map;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vidmeta.local.LocalDeployment;
import dev.vidmeta.local.PipelineDeployment;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * terraform/callback_failures.tf: the callback function's failures are kept, alarmed on, and the local runtime
 * deploys the same settings. SNS invokes the callback asynchronously ("Invoking Lambda with Amazon SNS",
 * https://docs.aws.amazon.com/lambda/latest/dg/with-sns.html), so after Lambda's retries a failure is discarded
 * unless the function has an on-failure destination ("How Lambda handles errors and retries with asynchronous
 * invocation", https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html).
 */
class CallbackFailuresTest {

    private static final TerraformModule TERRAFORM = TerraformModule.load(
            TerraformMatchesCodeTest.locateRepository().resolve("terraform"));
    private static final String FILE = read(TerraformMatchesCodeTest.locateRepository()
            .resolve("terraform/callback_failures.tf"));
    private static final LocalDeployment LOCAL = PipelineDeployment.create(PipelineDeployment.Settings.defaults(),
            PipelineDeployment.definitionTemplate(TerraformMatchesCodeTest.locateRepository()));

    @Test
    void callbackAlias_shouldRetryTwice_thenSendToTheFailureQueue_asTheLocalRuntimeDoes() {
        // GIVEN the event invoke config and the local deployment's asynchronous settings
        Map<String, Object> config = TERRAFORM.resource("aws_lambda_function_event_invoke_config", "rekognition_callback");
        LocalDeployment.AsyncInvokeConfig local = LOCAL.asyncInvokeConfigs().stream().filter(c -> c.function()
                .equals(PipelineDeployment.SNS_CALLBACK)).findFirst().orElseThrow();

        // THEN it applies to the alias SNS invokes (a config belongs to one qualifier,
        // https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-configuring.html), with the same numbers
        // (references with an index key are read from the file's text: HCL parsers differ in how they render them)
        assertThat(FILE).containsPattern("function_name += aws_lambda_function\\.task\\[\"rekognition_callback\"]"
                + "\\.function_name\\s+qualifier += aws_lambda_alias\\.live\\[\"rekognition_callback\"]\\.name");
        assertThat(String.valueOf(TERRAFORM.resource("aws_sns_topic_subscription", "rekognition_callback")
                .get("endpoint"))).contains("alias_arns.rekognition_callback");
        assertThat(((Number) config.get("maximum_retry_attempts")).intValue()).isEqualTo(2)
                .isEqualTo(local.maximumRetryAttempts());
        assertThat(((Number) config.get("maximum_event_age_in_seconds")).longValue())
                .isEqualTo(local.maximumEventAge().toSeconds());
        Map<String, Object> onFailure = map(only(map(only(config.get("destination_config")), "destination_config")
                .get("on_failure")), "on_failure");
        assertThat(onFailure.get("destination")).isEqualTo("aws_sqs_queue.callback_failures.arn");
        assertThat(local.onFailureQueue()).isEqualTo(PipelineDeployment.CALLBACK_FAILURE_QUEUE);
    }

    @Test
    void failureQueue_shouldBeEncrypted_keepMessages14Days_andBeWritableByTheCallbackRoleOnly() {
        // GIVEN the queue, the local one, and the callback role's destination policy
        Map<String, Object> queue = TERRAFORM.resource("aws_sqs_queue", "callback_failures");
        LocalDeployment.Queue local = LOCAL.queues().stream()
                .filter(q -> q.name().equals(PipelineDeployment.CALLBACK_FAILURE_QUEUE)).findFirst().orElseThrow();
        Map<String, Object> attachment = TERRAFORM.resource("aws_iam_role_policy", "callback_failures");
        List<Map<String, Object>> statements = list(TERRAFORM.data("aws_iam_policy_document", "callback_failures")
                .get("statement"));

        // THEN SSE on; SQS's longest retention (1,209,600 s), locally too
        assertThat(queue.get("sqs_managed_sse_enabled")).isEqualTo(true);
        assertThat(((Number) queue.get("message_retention_seconds")).longValue()).isEqualTo(1_209_600L)
                .isEqualTo(Long.parseLong(local.attributes().get("MessageRetentionPeriod")));
        // AND Lambda sends with the function's execution role, which needs sqs:SendMessage on the destination
        // (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html)
        assertThat(FILE).containsPattern("role += aws_iam_role\\.function\\[\"rekognition_callback\"]\\.id");
        assertThat(attachment.get("policy")).isEqualTo("data.aws_iam_policy_document.callback_failures.json");
        assertThat(statements).singleElement().satisfies(s -> {
            assertThat(list(s.get("actions"))).containsExactly("sqs:SendMessage");
            assertThat(list(s.get("resources"))).containsExactly("aws_sqs_queue.callback_failures.arn");
        });
    }

    @Test
    void alarm_shouldFire_AsSoonAsTheQueueHoldsAVisibleMessage() {
        // GIVEN the alarm (SQS metrics: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html)
        Map<String, Object> alarm = TERRAFORM.resource("aws_cloudwatch_metric_alarm", "callback_failures");

        // THEN ApproximateNumberOfMessagesVisible of this queue, above 0
        assertThat(alarm.get("namespace")).isEqualTo("AWS/SQS");
        assertThat(alarm.get("metric_name")).isEqualTo("ApproximateNumberOfMessagesVisible");
        assertThat(map(alarm.get("dimensions"), "dimensions").get("QueueName"))
                .isEqualTo("aws_sqs_queue.callback_failures.name");
        assertThat(alarm.get("comparison_operator")).isEqualTo("GreaterThanThreshold");
        assertThat(((Number) alarm.get("threshold")).doubleValue()).isZero();
        // AND the operator finds the queue by the output the CLI reads
        assertThat(map(only(TERRAFORM.outputs().get("callback_failure_queue_url")), "output").get("value"))
                .isEqualTo("aws_sqs_queue.callback_failures.url");
    }

    private static String read(java.nio.file.Path file) {
        try {
            return java.nio.file.Files.readString(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Object only(Object block) {
        return list(block).getFirst();
    }
}
