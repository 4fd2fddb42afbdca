package dev.vidmeta.local.sns;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vidmeta.local.DocumentFiles;
import dev.vidmeta.local.LocalAws;
import dev.vidmeta.local.http.LocalRequestGuard;
import dev.vidmeta.local.http.LocalRequestGuard.Presigning;
import dev.vidmeta.local.http.LoopbackHttpServer;
import dev.vidmeta.local.http.LoopbackHttpServer.HttpRequest;
import dev.vidmeta.local.http.LoopbackHttpServer.HttpResponse;
import dev.vidmeta.local.lambda.LambdaInvoker.LambdaServiceException;
import dev.vidmeta.local.lambda.LocalLambda;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * SNS, locally: topics with Lambda subscriptions, over the AWS Query protocol the SDK's {@code SnsClient}
 * speaks (CreateTopic, ListTopics, Subscribe, ListSubscriptionsByTopic, Publish).
 *
 * <p>Delivery to a Lambda subscription is an asynchronous invocation carrying the standard {@code SNSEvent}
 * envelope (https://docs.aws.amazon.com/lambda/latest/dg/with-sns.html). Failures are handled in the two layers
 * AWS has. SNS retries only what Lambda refuses to accept (throttling, missing function), following its delivery
 * policy for AWS-managed endpoints ("Amazon SNS message delivery retries",
 * https://docs.aws.amazon.com/sns/latest/dg/sns-message-delivery-retries.html); what still is not delivered goes to
 * the subscription's dead-letter queue, here {@link #deadLetters()} ("Amazon SNS dead-letter queues",
 * https://docs.aws.amazon.com/sns/latest/dg/sns-dead-letter-queues.html: messages that cannot be delivered to the
 * endpoint). Once Lambda has accepted the event, a function error is Lambda's business: it retries twice and
 * then sends the event to the function's on-failure destination ({@link LocalLambda#invokeAsync}); SNS never
 * sees it, so it never dead-letters a function error.
 *
 * <p>Started on a state directory, a delivery still owed outlives a crash: each (message, subscription) is kept
 * there before Publish answers, and forgotten once Lambda has accepted it (or it is dead-lettered).
 * {@link #resumeDeliveries()} delivers what a crash left, again from the first attempt of the policy. Delivery is
 * at least once, as SNS's is ("Amazon SNS message delivery retries" above: a subscriber must handle a message
 * twice): a crash after Lambda accepted an event but before it was forgotten delivers it again.
 *
 * <p>Every request passes {@link LocalRequestGuard} first: signed with Signature Version 4 (any key pair), and
 * not from a web page, so that no page the user opens can publish, by a plain GET or a form.
 */
public final class LocalSns implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(LocalSns.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String XMLNS = "http://sns.amazonaws.com/doc/2010-03-31/";
    /** https://docs.aws.amazon.com/sns/latest/api/API_Publish.html: messages up to 256 KB. */
    static final int MAX_MESSAGE_BYTES = 256 * 1024;
    private static final Pattern TOPIC_NAME = Pattern.compile("[A-Za-z0-9_-]{1,256}");

    /**
     * How often and how fast deliveries Lambda refused are retried. SNS's policy for AWS-managed endpoints
     * (https://docs.aws.amazon.com/sns/latest/dg/sns-message-delivery-retries.html) is 3 immediate retries,
     * 2 at 1 s, then 10 backing off from 1 s to 20 s (and a long tail at 20 s that the local runtime drops).
     */
    public record DeliveryPolicy(int immediateRetries, int preBackoffRetries, Duration minDelay,
            int backoffRetries, Duration maxDelay) {

        public static DeliveryPolicy aws() {
            return new DeliveryPolicy(3, 2, Duration.ofSeconds(1), 10, Duration.ofSeconds(20));
        }

        /** Same phases, milliseconds apart: for tests and demos. */
        public static DeliveryPolicy fast() {
            return new DeliveryPolicy(3, 2, Duration.ofMillis(5), 3, Duration.ofMillis(20));
        }

        /** The wait before SNS attempt number {@code retry} (1-based), by phase. */
        Duration delayBefore(int retry) {
            if (retry <= immediateRetries) {
                return Duration.ZERO;
            }
            if (retry <= immediateRetries + preBackoffRetries) {
                return minDelay;
            }
            int step = retry - immediateRetries - preBackoffRetries;
            double factor = Math.pow((double) maxDelay.toMillis() / minDelay.toMillis(),
                    (double) step / Math.max(1, backoffRetries));
            return Duration.ofMillis(Math.min(maxDelay.toMillis(), Math.round(minDelay.toMillis() * factor)));
        }

        int totalSnsAttempts() {
            return 1 + immediateRetries + preBackoffRetries + backoffRetries;
        }
    }

    /** A message no delivery attempt could hand to its subscriber (SNS's subscription dead-letter queue). */
    public record DeadLetter(String topicArn, String subscriptionArn, String messageId, String message, String error) { }

    private record Subscription(String arn, String protocol, String endpoint) { }

    private record Topic(String arn, List<Subscription> subscriptions) { }

    /** One message owed to one subscription, as kept on disk until Lambda accepts it. */
    private record Delivery(String id, String topicArn, String subscriptionArn, String endpoint, String messageId,
            String message, String envelope) {

        ObjectNode toJson() {
            return JSON.createObjectNode().put("Id", id).put("TopicArn", topicArn)
                    .put("SubscriptionArn", subscriptionArn).put("Endpoint", endpoint).put("MessageId", messageId)
                    .put("Message", message).put("Envelope", envelope);
        }

        static Delivery fromJson(JsonNode json) {
            return new Delivery(json.path("Id").asText(), json.path("TopicArn").asText(),
                    json.path("SubscriptionArn").asText(), json.path("Endpoint").asText(),
                    json.path("MessageId").asText(), json.path("Message").asText(), json.path("Envelope").asText());
        }
    }

    private final Map<String, Topic> topics = new ConcurrentHashMap<>();
    private final List<DeadLetter> deadLetters = new CopyOnWriteArrayList<>();
    private final LocalLambda lambda;
    private final DeliveryPolicy policy;
    /** Deliveries owed, by {@link Delivery#id()}. */
    private final DocumentFiles owed;
    private final ExecutorService delivery = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "sns-delivery");
        t.setDaemon(true);
        return t;
    });
    private final LoopbackHttpServer server;

    private LocalSns(LocalLambda lambda, DeliveryPolicy policy, DocumentFiles owed) {
        this.lambda = lambda;
        this.policy = policy;
        this.owed = owed;
        this.server = LoopbackHttpServer.start("sns", this::handle);
    }

    /** Deliveries live as long as the process. */
    public static LocalSns start(LocalLambda lambda, DeliveryPolicy policy) {
        return new LocalSns(lambda, policy, DocumentFiles.none());
    }

    /** Deliveries still owed are kept in {@code stateDir} until Lambda accepts them (see the class comment). */
    public static LocalSns start(LocalLambda lambda, DeliveryPolicy policy, Path stateDir) {
        return new LocalSns(lambda, policy, DocumentFiles.in(stateDir.resolve("deliveries")));
    }

    /**
     * Delivers what the state directory says is still owed (a crash cut it off). Call once the subscribed
     * functions are deployed again; returns how many deliveries it resumed.
     */
    public int resumeDeliveries() {
        List<String> ids = owed.ids();
        for (String id : ids) {
            JsonNode kept = owed.get(id);
            if (kept != null) {
                Delivery owedDelivery = Delivery.fromJson(kept);
                delivery.execute(() -> deliver(owedDelivery));
            }
        }
        return ids.size();
    }

    public URI endpoint() {
        return server.endpoint();
    }

    /** CreateTopic: idempotent, returns the topic ARN. */
    public String createTopic(String name) {
        if (!TOPIC_NAME.matcher(name).matches()) {
            throw new SnsException(400, "InvalidParameter", "Invalid parameter: Topic Name");
        }
        String arn = LocalAws.arn("sns", name);
        topics.computeIfAbsent(arn, a -> new Topic(a, new CopyOnWriteArrayList<>()));
        return arn;
    }

    /** Subscribe with protocol {@code lambda}: the endpoint is a function name or ARN. */
    public String subscribe(String topicArn, String protocol, String endpoint) {
        Topic topic = topic(topicArn);
        if (!"lambda".equals(protocol)) {
            throw new SnsException(400, "InvalidParameter",
                    "Invalid parameter: Protocol (the local SNS delivers to lambda subscriptions only)");
        }
        for (Subscription existing : topic.subscriptions()) {
            if (existing.endpoint().equals(endpoint)) {
                return existing.arn();
            }
        }
        var subscription = new Subscription(topicArn + ":" + UUID.randomUUID(), protocol, endpoint);
        topic.subscriptions().add(subscription);
        return subscription.arn();
    }

    /** Publish: returns the MessageId; delivery to subscribers follows asynchronously. */
    public String publish(String topicArn, String message, String subject, Map<String, MessageAttribute> attributes) {
        Topic topic = topic(topicArn);
        if (message == null || message.isEmpty()) {
            throw new SnsException(400, "InvalidParameter", "Invalid parameter: Empty message");
        }
        if (message.getBytes(StandardCharsets.UTF_8).length > MAX_MESSAGE_BYTES) {
            throw new SnsException(400, "InvalidParameter", "Invalid parameter: Message too long");
        }
        String messageId = UUID.randomUUID().toString();
        Instant timestamp = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        int n = 0;
        for (Subscription subscription : topic.subscriptions()) {
            String envelope = envelope(topic, subscription, messageId, message, subject, attributes, timestamp);
            var owedDelivery = new Delivery(messageId + "-" + n++, topic.arn(), subscription.arn(),
                    subscription.endpoint(), messageId, message, envelope);
            // Kept before Publish answers: a message SNS accepted is delivered, crash or not.
            owed.put(owedDelivery.id(), owedDelivery.toJson());
            delivery.execute(() -> deliver(owedDelivery));
        }
        return messageId;
    }

    public List<String> listTopics() {
        return topics.keySet().stream().sorted().toList();
    }

    public List<DeadLetter> deadLetters() {
        return List.copyOf(deadLetters);
    }

    /** A message attribute as Publish takes it: {@code DataType} String, Number or Binary (base64 here). */
    public record MessageAttribute(String type, String value) { }

    private Topic topic(String topicArn) {
        Topic topic = topicArn == null ? null : topics.get(topicArn);
        if (topic == null) {
            throw new SnsException(404, "NotFound", "Topic does not exist");
        }
        return topic;
    }

    /** The SNSEvent record Lambda receives, field names and order as AWS sends them. */
    private String envelope(Topic topic, Subscription subscription, String messageId, String message,
            String subject, Map<String, MessageAttribute> attributes, Instant timestamp) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode record = root.putArray("Records").addObject();
        record.put("EventSource", "aws:sns");
        record.put("EventVersion", "1.0");
        record.put("EventSubscriptionArn", subscription.arn());
        ObjectNode sns = record.putObject("Sns");
        sns.put("Type", "Notification");
        sns.put("MessageId", messageId);
        sns.put("TopicArn", topic.arn());
        if (subject == null) {
            sns.putNull("Subject");
        } else {
            sns.put("Subject", subject);
        }
        sns.put("Message", message);
        sns.put("Timestamp", timestamp.toString());
        sns.put("SignatureVersion", "1");
        // Nothing local holds SNS's signing key; the fields exist so that parsers see AWS's shape.
        sns.put("Signature", "LOCAL");
        sns.put("SigningCertUrl", endpoint() + "/SimpleNotificationService-local.pem");
        sns.put("UnsubscribeUrl", endpoint() + "/?Action=Unsubscribe&SubscriptionArn=" + subscription.arn());
        ObjectNode attrs = sns.putObject("MessageAttributes");
        attributes.forEach((name, attribute) -> {
            ObjectNode a = attrs.putObject(name);
            a.put("Type", attribute.type());
            a.put("Value", attribute.value());
        });
        return root.toString();
    }

    /** Interrupted (the service is closing), it returns and the delivery stays owed. */
    private void deliver(Delivery owedDelivery) {
        String lastError = null;
        for (int attempt = 1; attempt <= policy.totalSnsAttempts(); attempt++) {
            if (attempt > 1 && !sleep(policy.delayBefore(attempt - 1))) {
                return;
            }
            try {
                // Accepted: from here on Lambda retries function errors and dead-letters them itself.
                lambda.invokeAsync(owedDelivery.endpoint(), owedDelivery.envelope());
                owed.delete(owedDelivery.id());
                return;
            } catch (LambdaServiceException e) {
                lastError = e.errorName() + ": " + e.getMessage();
            }
        }
        deadLetter(owedDelivery, "not delivered after " + policy.totalSnsAttempts() + " attempts: " + lastError);
        owed.delete(owedDelivery.id());
    }

    private void deadLetter(Delivery owedDelivery, String error) {
        deadLetters.add(new DeadLetter(owedDelivery.topicArn(), owedDelivery.subscriptionArn(),
                owedDelivery.messageId(), owedDelivery.message(), error));
        LOG.log(System.Logger.Level.ERROR, "SNS message " + owedDelivery.messageId() + " to " + owedDelivery.endpoint()
                + " dead-lettered: " + error);
    }

    private static boolean sleep(Duration delay) {
        try {
            Thread.sleep(delay);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    // ---- the Query protocol ----

    private HttpResponse handle(HttpRequest request) {
        String requestId = UUID.randomUUID().toString();
        Map<String, String> params = new LinkedHashMap<>();
        String action = "";
        try {
            // Before any parameter is read: a web page must not be able to publish (a GET or a form POST).
            LocalRequestGuard.Refusal refusal = LocalRequestGuard.checkAwsRequest(request.method(), request.query(),
                    request::header, Presigning.NOT_ACCEPTED);
            if (refusal != null) {
                throw new SnsException(refusal.status(), refusal.code(), refusal.message());
            }
            parseForm(request.query(), params);
            parseForm(request.body(), params);
            action = params.getOrDefault("Action", "");
            String result = switch (action) {
                case "CreateTopic" -> element("TopicArn", createTopic(required(params, "Name")));
                case "Subscribe" -> element("SubscriptionArn",
                        subscribe(required(params, "TopicArn"), required(params, "Protocol"), required(params, "Endpoint")));
                case "Publish" -> element("MessageId", publish(required(params, "TopicArn"),
                        required(params, "Message"), params.get("Subject"), attributes(params)));
                case "ListTopics" -> "<Topics>" + String.join("", listTopics().stream()
                        .map(arn -> "<member>" + element("TopicArn", arn) + "</member>").toList()) + "</Topics>";
                case "ListSubscriptionsByTopic" -> "<Subscriptions>" + String.join("",
                        topic(required(params, "TopicArn")).subscriptions().stream().map(s -> "<member>"
                                + element("SubscriptionArn", s.arn()) + element("Owner", LocalAws.ACCOUNT_ID)
                                + element("Protocol", s.protocol()) + element("Endpoint", s.endpoint())
                                + element("TopicArn", params.get("TopicArn")) + "</member>").toList())
                        + "</Subscriptions>";
                default -> throw new SnsException(400, "InvalidAction",
                        "The action " + action + " is not valid for this web service.");
            };
            String body = "<" + action + "Response xmlns=\"" + XMLNS + "\"><" + action + "Result>" + result + "</"
                    + action + "Result><ResponseMetadata>" + element("RequestId", requestId)
                    + "</ResponseMetadata></" + action + "Response>";
            return new HttpResponse(200, "text/xml", body);
        } catch (SnsException e) {
            String body = "<ErrorResponse xmlns=\"" + XMLNS + "\"><Error><Type>Sender</Type>" + element("Code", e.code)
                    + element("Message", e.getMessage()) + "</Error>" + element("RequestId", requestId) + "</ErrorResponse>";
            return new HttpResponse(e.status, "text/xml", body);
        }
    }

    /** {@code MessageAttributes.entry.N.Name / .Value.DataType / .Value.StringValue|BinaryValue}. */
    private static Map<String, MessageAttribute> attributes(Map<String, String> params) {
        Map<String, MessageAttribute> attributes = new LinkedHashMap<>();
        for (int n = 1; params.containsKey("MessageAttributes.entry." + n + ".Name"); n++) {
            String prefix = "MessageAttributes.entry." + n + ".";
            String type = params.get(prefix + "Value.DataType");
            String value = params.containsKey(prefix + "Value.StringValue")
                    ? params.get(prefix + "Value.StringValue") : params.get(prefix + "Value.BinaryValue");
            attributes.put(params.get(prefix + "Name"), new MessageAttribute(type, value));
        }
        return attributes;
    }

    private static String required(Map<String, String> params, String name) {
        String value = params.get(name);
        if (value == null) {
            throw new SnsException(400, "InvalidParameter", "Invalid parameter: " + name);
        }
        return value;
    }

    private static void parseForm(String form, Map<String, String> into) {
        if (form == null || form.isEmpty()) {
            return;
        }
        for (String pair : form.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            into.put(key, value);
        }
    }

    private static String element(String name, String value) {
        return "<" + name + ">" + escape(value) + "</" + name + ">";
    }

    private static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&apos;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** An SNS error: HTTP status and AWS error code. */
    public static final class SnsException extends RuntimeException {
        private final int status;
        private final String code;

        SnsException(int status, String code, String message) {
            super(message);
            this.status = status;
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    @Override
    public void close() {
        server.close();
        delivery.shutdownNow();
        try {
            delivery.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
