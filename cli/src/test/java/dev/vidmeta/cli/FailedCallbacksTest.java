package dev.vidmeta.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vidmeta.testing.RepoFiles;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvokeRequest;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityRequest;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityResponse;
import software.amazon.awssdk.services.sqs.model.DeleteMessageRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;

/**
 * Reading Lambda's on-failure records (events/lambda-on-failure-callback.json, in the shape of "Capturing records of
 * Lambda asynchronous invocations", https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html)
 * and re-delivering them: a message is deleted only after its invocation succeeded.
 */
class FailedCallbacksTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String QUEUE = "https://sqs.eu-west-1.amazonaws.com/111122223333/vidmeta-callback-failures";
    private static final String RECORD = RepoFiles.text("events/lambda-on-failure-callback.json");

    private final List<Object> requests = new ArrayList<>();

    @Test
    void parse_shouldShowTheJobVideoAttemptsAndError_ofLambdasOnFailureRecord() {
        FailedCallbacks.FailedCallback c = FailedCallbacks.parse(message("m-1", "h-1"));

        assertThat(c.functionArn())
                .isEqualTo("arn:aws:lambda:eu-west-1:111122223333:function:vidmeta-rekognition-callback:live");
        assertThat(c.condition()).isEqualTo("RetriesExhausted");
        assertThat(c.attempts()).isEqualTo(3);
        assertThat(c.jobId()).isEqualTo("6de014b0-2121-4bf0-9e31-856a18719e22");
        assertThat(c.jobStatus()).isEqualTo("SUCCEEDED");
        assertThat(c.video()).isEqualTo("s3://vidmeta-uploads-111122223333/uploads/2026/keynote.mp4");
        assertThat(c.error()).startsWith("ProvisionedThroughputExceededException: The level of configured");
        assertThat(c.failedAt()).isEqualTo("2026-11-21T05:18:27.451Z");
    }

    @Test
    void redeliver_shouldInvokeTheSameFunctionWithTheOriginalEvent_andDeleteOnlyWhatSucceeded() throws Exception {
        // GIVEN two failed callbacks; the function handles the first and fails again on the second
        SqsClient sqs = sqs(List.of(message("m-1", "h-1"), message("m-2", "h-2")));
        List<String> results = new ArrayList<>(List.of("ok", "fail"));
        LambdaClient lambda = new LambdaClient() {
            @Override
            public InvokeResponse invoke(InvokeRequest request) {
                requests.add(request);
                boolean ok = results.removeFirst().equals("ok");
                return InvokeResponse.builder().statusCode(200)
                        .functionError(ok ? null : "Unhandled")
                        .payload(SdkBytes.fromUtf8String(ok ? "{\"handled\":1}"
                                : "{\"errorType\":\"java.lang.IllegalStateException\",\"errorMessage\":\"still down\"}"))
                        .build();
            }

            @Override
            public String serviceName() {
                return "lambda";
            }

            @Override
            public void close() {
            }
        };

        // WHEN re-delivered
        List<FailedCallbacks.Outcome> outcomes = new FailedCallbacks(sqs, lambda, QUEUE).redeliver(100, false);

        // THEN each invocation named the record's function and qualifier and carried its requestPayload exactly;
        // the handled message was deleted, the other made visible again
        assertThat(outcomes).extracting(FailedCallbacks.Outcome::action)
                .containsExactly(FailedCallbacks.Action.REDELIVERED, FailedCallbacks.Action.FAILED);
        assertThat(outcomes.get(1).detail()).contains("IllegalStateException: still down", "left in the queue");
        List<InvokeRequest> invokes = requests.stream().filter(InvokeRequest.class::isInstance)
                .map(InvokeRequest.class::cast).toList();
        assertThat(invokes).hasSize(2).allSatisfy(i -> {
            assertThat(i.functionName())
                    .isEqualTo("arn:aws:lambda:eu-west-1:111122223333:function:vidmeta-rekognition-callback:live");
            assertThat(i.invocationTypeAsString()).isEqualTo("RequestResponse");
            assertThat(JSON.readTree(i.payload().asString(StandardCharsets.UTF_8)))
                    .isEqualTo(JSON.readTree(RECORD).get("requestPayload"));
        });
        assertThat(requests).filteredOn(DeleteMessageRequest.class::isInstance).singleElement()
                .isEqualTo(DeleteMessageRequest.builder().queueUrl(QUEUE).receiptHandle("h-1").build());
        assertThat(requests).filteredOn(ChangeMessageVisibilityRequest.class::isInstance).singleElement()
                .isEqualTo(ChangeMessageVisibilityRequest.builder().queueUrl(QUEUE).receiptHandle("h-2")
                        .visibilityTimeout(0).build());
    }

    private static Message message(String id, String receiptHandle) {
        return Message.builder().messageId(id).receiptHandle(receiptHandle).body(RECORD).build();
    }

    /** A queue holding {@code messages}: the first receive returns them, later ones nothing. */
    private SqsClient sqs(List<Message> messages) {
        List<Message> pending = new ArrayList<>(messages);
        return new SqsClient() {
            @Override
            public ReceiveMessageResponse receiveMessage(ReceiveMessageRequest request) {
                requests.add(request);
                List<Message> batch = List.copyOf(pending);
                pending.clear();
                return ReceiveMessageResponse.builder().messages(batch).build();
            }

            @Override
            public DeleteMessageResponse deleteMessage(DeleteMessageRequest request) {
                requests.add(request);
                return DeleteMessageResponse.builder().build();
            }

            @Override
            public ChangeMessageVisibilityResponse changeMessageVisibility(ChangeMessageVisibilityRequest request) {
                requests.add(request);
                return ChangeMessageVisibilityResponse.builder().build();
            }

            @Override
            public String serviceName() {
                return "sqs";
            }

            @Override
            public void close() {
            }
        };
    }
}
