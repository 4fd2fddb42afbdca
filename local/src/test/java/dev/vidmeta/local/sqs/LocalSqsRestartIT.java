package dev.vidmeta.local.sqs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vidmeta.local.LocalAws;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * A message SQS accepted stays in its queue until it is deleted or "left in a queue longer than the retention
 * period" (DeleteMessage API reference,
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_DeleteMessage.html), here across restarts on one state directory; one received and not deleted before the restart is visible again,
 * as after its visibility timeout ("Amazon SQS visibility timeout",
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-visibility-timeout.html).
 */
class LocalSqsRestartIT {

    @TempDir
    Path stateDir;

    @Test
    void messages_shouldOutliveARestart_untilDeleted() {
        // GIVEN two messages sent to a queue (as the Lambda destination sends them), one received, not deleted
        try (LocalSqs first = LocalSqs.start(stateDir);
                SqsClient client = LocalAws.client(SqsClient.builder(), first.endpoint())) {
            String url = first.createQueue("failures", Map.of());
            first.sendMessage(LocalSqs.arnOf("failures"), "{\"n\":1}");
            first.sendMessage(LocalSqs.arnOf("failures"), "{\"n\":2}");
            assertThat(client.receiveMessage(b -> b.queueUrl(url).visibilityTimeout(300)).messages()).hasSize(1);
        }

        // WHEN the next run creates the queue again (its deployment) and receives
        try (LocalSqs next = LocalSqs.start(stateDir);
                SqsClient client = LocalAws.client(SqsClient.builder(), next.endpoint())) {
            String url = next.createQueue("failures", Map.of());
            List<Message> received = client.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10)
                    .visibilityTimeout(300)).messages();

            // THEN both are there, oldest first; deleting one keeps it deleted for the run after
            assertThat(received).extracting(Message::body).containsExactly("{\"n\":1}", "{\"n\":2}");
            client.deleteMessage(b -> b.queueUrl(url).receiptHandle(received.getFirst().receiptHandle()));
        }
        try (LocalSqs third = LocalSqs.start(stateDir)) {
            third.createQueue("failures", Map.of());
            assertThat(third.bodies(LocalSqs.arnOf("failures"))).containsExactly("{\"n\":2}");
        }
    }
}
