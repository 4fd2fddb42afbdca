package dev.vidmeta.local.sqs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vidmeta.local.LocalAws;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * The local SQS through the SDK's SqsClient (JSON protocol, MD5 checks on). Visibility as the SQS developer
 * guide describes it ("Amazon SQS visibility timeout",
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-visibility-timeout.html).
 */
class LocalSqsIT {

    private LocalSqs sqs;
    private SqsClient client;

    @BeforeEach
    void start() {
        sqs = LocalSqs.start();
        client = LocalAws.client(SqsClient.builder(), sqs.endpoint());
    }

    @AfterEach
    void stop() {
        client.close();
        sqs.close();
    }

    @Test
    void receivedMessage_shouldBeInvisibleUntilReleased_thenReceivedAgainWithANewHandle_andGoneOnceDeleted() {
        // GIVEN a queue holding one message, sent as a Lambda destination sends it (by queue ARN)
        String url = client.createQueue(b -> b.queueName("failures")
                .attributes(Map.of(QueueAttributeName.MESSAGE_RETENTION_PERIOD, "1209600"))).queueUrl();
        sqs.sendMessage(LocalSqs.arnOf("failures"), "{\"n\":1}");

        // WHEN it is received, received again while invisible, released, and received again
        Message first = client.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).visibilityTimeout(30)
                .messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages().getFirst();
        assertThat(client.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10)).messages()).isEmpty();
        client.changeMessageVisibility(b -> b.queueUrl(url).receiptHandle(first.receiptHandle()).visibilityTimeout(0));
        Message second = client.receiveMessage(b -> b.queueUrl(url).visibilityTimeout(30)
                .messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages().getFirst();

        // THEN the same message with a new handle and count; deleting it with that handle empties the queue
        assertThat(first.body()).isEqualTo("{\"n\":1}");
        assertThat(second.messageId()).isEqualTo(first.messageId());
        assertThat(second.receiptHandle()).isNotEqualTo(first.receiptHandle());
        assertThat(second.attributes()).containsEntry(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, "2");
        client.deleteMessage(b -> b.queueUrl(url).receiptHandle(second.receiptHandle()));
        assertThat(sqs.bodies(url)).isEmpty();
        assertThat(client.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.ALL))
                .attributes()).containsEntry(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, "0")
                .containsEntry(QueueAttributeName.QUEUE_ARN, LocalSqs.arnOf("failures"));
    }

    @Test
    void unknownQueue_shouldBeQueueDoesNotExist() {
        String url = sqs.urlOf("nope");

        assertThatThrownBy(() -> client.receiveMessage(b -> b.queueUrl(url)))
                .isInstanceOf(QueueDoesNotExistException.class);
        assertThatThrownBy(() -> client.getQueueUrl(b -> b.queueName("nope")))
                .isInstanceOf(QueueDoesNotExistException.class);
    }
}
