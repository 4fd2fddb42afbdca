package dev.vidmeta.local.sns;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vidmeta.local.LocalAws;
import dev.vidmeta.local.lambda.LocalLambda;
import dev.vidmeta.testing.Await;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * A message SNS accepted is delivered to its Lambda subscription even if the local SNS dies first: SNS retries a
 * delivery the endpoint did not accept ("Amazon SNS message delivery retries",
 * https://docs.aws.amazon.com/sns/latest/dg/sns-message-delivery-retries.html), and the owed delivery is kept in
 * the state directory until Lambda accepts it.
 */
class LocalSnsRestartIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** One attempt, then an hour before the next: the delivery is still owed when the process stops. */
    private static final LocalSns.DeliveryPolicy ONE_ATTEMPT_THEN_AN_HOUR = new LocalSns.DeliveryPolicy(0, 0,
            Duration.ofHours(1), 1, Duration.ofHours(1));

    @TempDir
    Path stateDir;

    @Test
    void deliveryStillOwed_shouldBeMade_byTheNextRunOnTheSameDirectory() throws Exception {
        // GIVEN a message published to a subscription whose function Lambda does not have yet (it refuses the
        // event, so SNS keeps retrying), and the process stops while SNS waits to retry
        String messageId;
        String topic;
        try (LocalLambda lambda = LocalLambda.create();
                LocalSns first = LocalSns.start(lambda, ONE_ATTEMPT_THEN_AN_HOUR, stateDir);
                SnsClient client = LocalAws.client(SnsClient.builder(), first.endpoint())) {
            topic = first.createTopic("jobs");
            first.subscribe(topic, "lambda", LocalLambda.arnOf("callback"));
            messageId = client.publish(b -> b.topicArn(topic).message("{\"JobId\":\"j-1\"}")).messageId();
        }

        // WHEN the next run deploys the topic, the subscription and now the function, then resumes
        List<String> received = new CopyOnWriteArrayList<>();
        try (LocalLambda lambda = LocalLambda.create();
                LocalSns next = LocalSns.start(lambda, ONE_ATTEMPT_THEN_AN_HOUR, stateDir)) {
            lambda.register("callback", env -> (RequestStreamHandler) (in, out, ctx) ->
                    received.add(new String(in.readAllBytes(), StandardCharsets.UTF_8)), Map.of());
            next.createTopic("jobs");
            next.subscribe(topic, "lambda", LocalLambda.arnOf("callback"));
            int resumed = next.resumeDeliveries();

            // THEN the function gets the message it was owed, under its MessageId, once
            assertThat(resumed).isEqualTo(1);
            Await.until("the owed delivery", Duration.ofSeconds(30), () -> List.copyOf(received), r -> !r.isEmpty());
            JsonNode sns = JSON.readTree(received.getFirst()).at("/Records/0/Sns");
            assertThat(sns.get("MessageId").asText()).isEqualTo(messageId);
            assertThat(sns.get("TopicArn").asText()).isEqualTo(topic);
            assertThat(sns.get("Message").asText()).isEqualTo("{\"JobId\":\"j-1\"}");
            assertThat(next.deadLetters()).isEmpty();
        }
        // AND, accepted by Lambda, it is no longer owed
        try (LocalLambda lambda = LocalLambda.create();
                LocalSns third = LocalSns.start(lambda, ONE_ATTEMPT_THEN_AN_HOUR, stateDir)) {
            assertThat(third.resumeDeliveries()).isZero();
        }
    }
}
