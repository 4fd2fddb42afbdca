package dev.vidmeta.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * The callback function's failed invocations, as Lambda leaves them in its on-failure SQS destination, for
 * {@code vidmeta callbacks}: listed, and re-delivered by invoking the function again with the original event.
 *
 * <p>Each message is Lambda's on-failure record ("Capturing records of Lambda asynchronous invocations",
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html): {@code requestContext}
 * (the function ARN with its qualifier, the condition, the attempts), {@code requestPayload} (the SNS event as the
 * function received it), {@code responseContext} and {@code responsePayload} (the last error). Redelivery is a
 * synchronous Invoke of that same function and qualifier with that payload; the message is deleted only when
 * the invocation returned without a function error, otherwise it is made visible again and stays. The callback is
 * idempotent (a job result is recorded once per waiter), so a redelivery that races a late retry is harmless.
 *
 * <p>Reading a queue is receiving its messages: each is hidden for {@link #LIST_VISIBILITY_SECONDS} while this
 * runs and made visible again at once afterwards ("Amazon SQS visibility timeout",
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-visibility-timeout.html).
 */
final class FailedCallbacks {

    /** Hides a listed message while the listing pages through the queue. */
    static final int LIST_VISIBILITY_SECONDS = 60;
    /** Hides a message while it is re-delivered: beyond the callback's 300 s timeout, with room. */
    static final int REDELIVERY_VISIBILITY_SECONDS = 900;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One failed invocation: what the operator needs to judge it, and what redelivery needs. */
    record FailedCallback(String messageId, String receiptHandle, String functionArn, String condition,
            int attempts, String failedAt, String jobId, String jobStatus, String video, String error,
            String payloadJson, String recordJson) { }

    /** What a redelivery did. */
    enum Action { REDELIVERED, FAILED, WOULD_REDELIVER, UNREADABLE }

    record Outcome(FailedCallback callback, Action action, String detail) { }

    private final SqsClient sqs;
    private final LambdaClient lambda;
    private final String queueUrl;

    FailedCallbacks(SqsClient sqs, LambdaClient lambda, String queueUrl) {
        this.sqs = sqs;
        this.lambda = lambda;
        this.queueUrl = queueUrl;
    }

    /** Every message now visible in the queue (at most {@code max}), left in the queue. */
    List<FailedCallback> list(int max) {
        List<Message> messages = receiveAll(max, LIST_VISIBILITY_SECONDS);
        messages.forEach(this::release);
        return messages.stream().map(FailedCallbacks::parse).toList();
    }

    /** Re-delivers every visible message (at most {@code max}); deletes each one that was handled. */
    List<Outcome> redeliver(int max, boolean dryRun) {
        List<Message> messages = receiveAll(max, dryRun ? LIST_VISIBILITY_SECONDS : REDELIVERY_VISIBILITY_SECONDS);
        List<Outcome> outcomes = new ArrayList<>();
        for (Message message : messages) {
            FailedCallback callback = parse(message);
            if (dryRun) {
                release(message);
                outcomes.add(new Outcome(callback, Action.WOULD_REDELIVER, "would invoke " + callback.functionArn()));
                continue;
            }
            if (callback.functionArn() == null || callback.payloadJson() == null) {
                release(message);
                outcomes.add(new Outcome(callback, Action.UNREADABLE, "not a Lambda on-failure record; left in the"
                        + " queue"));
                continue;
            }
            outcomes.add(redeliver(message, callback));
        }
        return outcomes;
    }

    private Outcome redeliver(Message message, FailedCallback callback) {
        InvokeResponse response;
        try {
            response = lambda.invoke(b -> b.functionName(callback.functionArn())
                    .invocationType(InvocationType.REQUEST_RESPONSE)
                    .payload(SdkBytes.fromUtf8String(callback.payloadJson())));
        } catch (AwsServiceException e) {
            release(message);
            return new Outcome(callback, Action.FAILED, "Invoke refused: " + e.awsErrorDetails().errorCode() + ": "
                    + e.awsErrorDetails().errorMessage() + "; left in the queue");
        } catch (SdkException e) {
            // No answer (a timeout, a dropped connection): the function may or may not have run; the callback is
            // idempotent, so the message stays for the next redeliver.
            release(message);
            return new Outcome(callback, Action.FAILED, "no answer from Invoke: " + e.getMessage()
                    + "; left in the queue");
        }
        if (response.functionError() != null) {
            release(message);
            return new Outcome(callback, Action.FAILED, "the callback failed again: "
                    + errorOf(response.payload().asString(StandardCharsets.UTF_8)) + "; left in the queue");
        }
        sqs.deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
        return new Outcome(callback, Action.REDELIVERED, "handled: " + response.payload().asString(StandardCharsets.UTF_8));
    }

    /** Receives until the queue has nothing more visible: hidden meanwhile, so each message comes once. */
    private List<Message> receiveAll(int max, int visibilitySeconds) {
        Map<String, Message> received = new LinkedHashMap<>();
        while (received.size() < max) {
            int batch = Math.min(10, max - received.size());
            // A 1 s long poll asks every SQS server, where a short poll samples some and may miss a message.
            List<Message> messages = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(batch)
                    .visibilityTimeout(visibilitySeconds).waitTimeSeconds(1)
                    .messageSystemAttributeNames(MessageSystemAttributeName.SENT_TIMESTAMP)).messages();
            if (messages.isEmpty()) {
                break;
            }
            messages.forEach(m -> received.putIfAbsent(m.messageId(), m));
        }
        return new ArrayList<>(received.values());
    }

    private void release(Message message) {
        sqs.changeMessageVisibility(b -> b.queueUrl(queueUrl).receiptHandle(message.receiptHandle())
                .visibilityTimeout(0));
    }

    static FailedCallback parse(Message message) {
        JsonNode record;
        try {
            record = JSON.readTree(message.body());
        } catch (IOException e) {
            record = JSON.createObjectNode();
        }
        JsonNode payload = record.get("requestPayload");
        JsonNode notification = JSON.createObjectNode();
        String rekognitionMessage = record.at("/requestPayload/Records/0/Sns/Message").asText(null);
        if (rekognitionMessage != null) {
            try {
                notification = JSON.readTree(rekognitionMessage);
            } catch (IOException e) {
                // Not a Rekognition notification: shown without job details.
            }
        }
        String video = notification.at("/Video/S3Bucket").isMissingNode() ? null
                : "s3://" + notification.at("/Video/S3Bucket").asText() + "/" + notification.at("/Video/S3ObjectName").asText();
        return new FailedCallback(message.messageId(), message.receiptHandle(),
                record.at("/requestContext/functionArn").asText(null),
                record.at("/requestContext/condition").asText(null),
                record.at("/requestContext/approximateInvokeCount").asInt(0),
                record.path("timestamp").asText(null),
                notification.path("JobId").asText(null), notification.path("Status").asText(null), video,
                record.has("responsePayload") ? errorOf(record.get("responsePayload").toString()) : null,
                payload == null || payload.isNull() ? null : payload.toString(), message.body());
    }

    /**
     * {@code ErrorType: errorMessage} of the Java runtime's error document (the exception's simple class name),
     * or the text itself.
     */
    private static String errorOf(String document) {
        try {
            JsonNode error = JSON.readTree(document);
            if (error.has("errorType")) {
                String type = error.path("errorType").asText();
                return type.substring(type.lastIndexOf('.') + 1) + ": " + error.path("errorMessage").asText("");
            }
        } catch (IOException e) {
            // Not JSON: shown as it is.
        }
        return document;
    }
}
