package dev.vidmeta.local.sns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vidmeta.local.LocalAws;
import dev.vidmeta.local.lambda.LocalLambda;
import dev.vidmeta.testing.Await;
import dev.vidmeta.testing.RepoFiles;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.InvalidParameterException;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sns.model.NotFoundException;

/** The local SNS through the SDK's SnsClient, delivering to in-process functions. */
class LocalSnsIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    private LocalLambda lambda;
    private LocalSns sns;
    private SnsClient client;
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger failingCalls = new AtomicInteger();
    private final List<String[]> destination = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        lambda = LocalLambda.create();
        lambda.register("callback", env -> (RequestStreamHandler) (in, out, ctx) ->
                received.add(new String(in.readAllBytes(), StandardCharsets.UTF_8)), Map.of());
        lambda.register("failing", env -> (RequestStreamHandler) (in, out, ctx) -> {
            failingCalls.incrementAndGet();
            throw new IllegalStateException("cannot handle it");
        }, Map.of());
        lambda.asyncRetryDelays(LocalLambda.AsyncRetryDelays.fast());
        lambda.destinations((arn, record) -> destination.add(new String[] {arn, record}));
        sns = LocalSns.start(lambda, LocalSns.DeliveryPolicy.fast());
        client = LocalAws.client(SnsClient.builder(), sns.endpoint());
    }

    @AfterEach
    void stop() {
        client.close();
        sns.close();
        lambda.close();
    }

    @Test
    void createTopic_shouldBeIdempotent_andListed() {
        String arn = client.createTopic(b -> b.name("AmazonRekognition-vidmeta")).topicArn();

        assertThat(client.createTopic(b -> b.name("AmazonRekognition-vidmeta")).topicArn()).isEqualTo(arn);
        assertThat(arn).isEqualTo("arn:aws:sns:" + LocalAws.REGION + ":" + LocalAws.ACCOUNT_ID + ":AmazonRekognition-vidmeta");
        assertThat(client.listTopics().topics()).extracting(t -> t.topicArn()).containsExactly(arn);
    }

    @Test
    void publish_shouldDeliverTheStandardSnsEventEnvelope_toALambdaSubscription() throws Exception {
        // Envelope per https://docs.aws.amazon.com/lambda/latest/dg/with-sns.html
        String topic = client.createTopic(b -> b.name("jobs")).topicArn();
        String subscription = client.subscribe(b -> b.topicArn(topic).protocol("lambda")
                .endpoint(LocalLambda.arnOf("callback")).returnSubscriptionArn(true)).subscriptionArn();

        String messageId = client.publish(b -> b.topicArn(topic).message("{\"JobId\":\"j-1\"}")
                .messageAttributes(Map.of("kind", MessageAttributeValue.builder().dataType("String")
                        .stringValue("celebrities").build()))).messageId();

        awaitSize(received, 1);
        JsonNode record = JSON.readTree(received.getFirst()).get("Records").get(0);
        assertThat(record.get("EventSource").asText()).isEqualTo("aws:sns");
        assertThat(record.get("EventVersion").asText()).isEqualTo("1.0");
        assertThat(record.get("EventSubscriptionArn").asText()).isEqualTo(subscription);
        JsonNode body = record.get("Sns");
        assertThat(body.get("Type").asText()).isEqualTo("Notification");
        assertThat(body.get("MessageId").asText()).isEqualTo(messageId);
        assertThat(body.get("TopicArn").asText()).isEqualTo(topic);
        assertThat(body.get("Subject").isNull()).isTrue();
        assertThat(body.get("Message").asText()).isEqualTo("{\"JobId\":\"j-1\"}");
        assertThat(body.get("Timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        assertThat(body.get("SignatureVersion").asText()).isEqualTo("1");
        assertThat(body.has("Signature")).isTrue();
        assertThat(body.has("SigningCertUrl")).isTrue();
        assertThat(body.get("UnsubscribeUrl").asText()).contains("Action=Unsubscribe&SubscriptionArn=" + subscription);
        assertThat(body.at("/MessageAttributes/kind/Type").asText()).isEqualTo("String");
        assertThat(body.at("/MessageAttributes/kind/Value").asText()).isEqualTo("celebrities");
    }

    @Test
    void failingFunction_shouldBeRetriedTwiceByLambda_thenSentToItsOnFailureDestination_notToTheSnsDlq()
            throws Exception {
        // GIVEN a subscribed function that always throws, with an on-failure SQS destination.
        // Lambda retries an asynchronous invocation twice, then sends it to the destination
        // (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html) in the record shape of
        // https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html; SNS's DLQ only takes
        // what SNS could not deliver to Lambda (https://docs.aws.amazon.com/sns/latest/dg/sns-dead-letter-queues.html).
        String queueArn = "arn:aws:sqs:" + LocalAws.REGION + ":" + LocalAws.ACCOUNT_ID + ":failures";
        lambda.putFunctionEventInvokeConfig("failing", new LocalLambda.EventInvokeConfig(2,
                Duration.ofHours(6), queueArn));
        String topic = sns.createTopic("jobs");
        sns.subscribe(topic, "lambda", LocalLambda.arnOf("failing") + ":live");

        // WHEN a message is published
        String messageId = client.publish(b -> b.topicArn(topic).message("m")).messageId();

        // THEN three attempts, one record at the destination, nothing in SNS's DLQ
        awaitSize(() -> destination, 1);
        assertThat(failingCalls).hasValue(3);
        assertThat(destination.getFirst()[0]).isEqualTo(queueArn);
        JsonNode record = JSON.readTree(destination.getFirst()[1]);
        assertThat(record.get("version").asText()).isEqualTo("1.0");
        assertThat(record.at("/requestContext/functionArn").asText()).isEqualTo(LocalLambda.arnOf("failing") + ":live");
        assertThat(record.at("/requestContext/condition").asText()).isEqualTo("RetriesExhausted");
        assertThat(record.at("/requestContext/approximateInvokeCount").asInt()).isEqualTo(3);
        assertThat(record.at("/requestContext/requestId").asText()).isNotBlank();
        assertThat(record.at("/requestPayload/Records/0/Sns/MessageId").asText()).isEqualTo(messageId);
        assertThat(record.at("/requestPayload/Records/0/Sns/Message").asText()).isEqualTo("m");
        assertThat(record.at("/responseContext/statusCode").asInt()).isEqualTo(200);
        assertThat(record.at("/responseContext/functionError").asText()).isEqualTo("Unhandled");
        assertThat(record.at("/responsePayload/errorType").asText()).isEqualTo("java.lang.IllegalStateException");
        assertThat(record.at("/responsePayload/errorMessage").asText()).isEqualTo("cannot handle it");
        assertThat(sns.deadLetters()).isEmpty();
        // AND the record has the fields, no more and no fewer, of the documented shape (events/)
        JsonNode documented = RepoFiles.event("lambda-on-failure-callback.json");
        for (String part : List.of("", "/requestContext", "/responseContext")) {
            assertThat(fieldNames(record.at(part))).as(part).isEqualTo(fieldNames(documented.at(part)));
        }
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void missingFunction_shouldBeRetriedBySnsPolicy_thenDeadLettered() {
        String topic = sns.createTopic("jobs");
        sns.subscribe(topic, "lambda", "not-deployed");

        client.publish(b -> b.topicArn(topic).message("m"));

        awaitSize(() -> sns.deadLetters(), 1);
        assertThat(sns.deadLetters().getFirst().error())
                .contains("after " + LocalSns.DeliveryPolicy.fast().totalSnsAttempts() + " attempts")
                .contains("Lambda.ResourceNotFoundException");
    }

    @Test
    void publish_shouldFail_asSnsDoes_forAnUnknownTopicOrAnOversizedMessage() {
        String topic = sns.createTopic("jobs");

        assertThatThrownBy(() -> client.publish(b -> b.topicArn(topic + "-nope").message("m")))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> client.publish(b -> b.topicArn(topic).message("x".repeat(LocalSns.MAX_MESSAGE_BYTES + 1))))
                .isInstanceOf(InvalidParameterException.class);
    }

    @Test
    void publish_shouldBeRefused_whenAWebPageCouldHaveSentIt_andServed_withAnyKeyPair() throws Exception {
        // GIVEN a topic with a subscriber
        String topic = sns.createTopic("jobs");
        sns.subscribe(topic, "lambda", "callback");
        String publish = "Action=Publish&TopicArn=" + URLEncoder.encode(topic, StandardCharsets.UTF_8) + "&Message=forged";

        // WHEN a page sends the publish as a plain GET (an image, a link), as a form POST, and as a signed-looking
        // POST that names its origin
        HttpResponse<String> get = send(HttpRequest.newBuilder(URI.create(sns.endpoint() + "/?" + publish)).GET());
        HttpResponse<String> form = send(HttpRequest.newBuilder(URI.create(sns.endpoint() + "/"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(publish)));
        HttpResponse<String> withOrigin = send(HttpRequest.newBuilder(URI.create(sns.endpoint() + "/"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Origin", "https://example.com").header("X-Amz-Date", "20260101T000000Z")
                .header("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/sns/aws4_request, "
                        + "SignedHeaders=host;x-amz-date, Signature=" + "ab".repeat(32))
                .POST(HttpRequest.BodyPublishers.ofString(publish)));
        // AND an SDK client signs with a key pair of its own
        try (SnsClient other = SnsClient.builder().endpointOverride(sns.endpoint()).region(LocalAws.region())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDOTHER", "x")))
                .build()) {
            other.publish(b -> b.topicArn(topic).message("signed"));
        }

        // THEN the page's requests get the AWS common errors (MissingAuthenticationToken 403, and 403 for the
        // origin: https://docs.aws.amazon.com/sns/latest/api/CommonErrors.html) and only the SDK's message is
        // delivered
        assertThat(get.statusCode()).isEqualTo(403);
        assertThat(get.body()).contains("<Code>MissingAuthenticationToken</Code>");
        assertThat(form.statusCode()).isEqualTo(403);
        assertThat(form.body()).contains("<Code>MissingAuthenticationToken</Code>");
        assertThat(withOrigin.statusCode()).isEqualTo(403);
        assertThat(withOrigin.body()).contains("<Code>AccessDeniedException</Code>");
        awaitSize(received, 1);
        assertThat(received).singleElement().satisfies(envelope ->
                assertThat(JSON.readTree(envelope).at("/Records/0/Sns/Message").asText()).isEqualTo("signed"));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    private static void awaitSize(List<?> list, int size) {
        awaitSize(() -> list, size);
    }

    private static void awaitSize(Supplier<List<?>> list, int size) {
        Await.until("at least " + size + " entries", list, l -> l.size() >= size);
    }
}
