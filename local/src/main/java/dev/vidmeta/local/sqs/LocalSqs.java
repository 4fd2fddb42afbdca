package dev.vidmeta.local.sqs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vidmeta.local.DocumentFiles;
import dev.vidmeta.local.LocalAws;
import dev.vidmeta.local.http.LocalRequestGuard;
import dev.vidmeta.local.http.LocalRequestGuard.Presigning;
import dev.vidmeta.local.http.LoopbackHttpServer;
import dev.vidmeta.local.http.LoopbackHttpServer.HttpRequest;
import dev.vidmeta.local.http.LoopbackHttpServer.HttpResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * SQS, locally: standard queues over the JSON protocol the SDK's {@code SqsClient} speaks ({@code X-Amz-Target:
 * AmazonSQS.<Operation>}, {@code application/x-amz-json-1.0}), with the operations the project uses: CreateQueue,
 * GetQueueUrl, GetQueueAttributes, SendMessage, ReceiveMessage, ChangeMessageVisibility, DeleteMessage
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/). It holds the local Lambda's
 * on-failure destination, so {@code vidmeta callbacks} reads it with the same SDK code as the real queue.
 *
 * <p>As SQS does: a received message is invisible for the visibility timeout (the queue's, 30 s by default, or
 * the request's), each receive gives a new receipt handle, and only the latest handle deletes; bodies carry their
 * MD5, which the SDK checks. Messages are kept for the queue's retention period. Not modelled: FIFO queues,
 * message attributes, batches, redrive policies.
 *
 * <p>Started on a state directory, a queue's messages outlive a crash: each is kept from SendMessage until it is
 * deleted or expires, and a queue created again (the deployment, after a restart) has them back. What is not kept:
 * receipt handles and visibility, so a message received and not yet deleted is visible again after a restart, as
 * one whose visibility timeout expired is ("Amazon SQS visibility timeout",
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-visibility-timeout.html: a
 * standard queue delivers at least once), and ApproximateReceiveCount starts again from what was last sent.
 */
public final class LocalSqs implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONTENT_TYPE = "application/x-amz-json-1.0";
    private static final Pattern QUEUE_NAME = Pattern.compile("[A-Za-z0-9_-]{1,80}");
    private static final Duration DEFAULT_VISIBILITY = Duration.ofSeconds(30);
    private static final Duration DEFAULT_RETENTION = Duration.ofDays(4);
    private static final Duration MAX_WAIT = Duration.ofSeconds(20);

    private static final class Message {
        final String id;
        final String body;
        final Instant sent;
        Instant invisibleUntil = Instant.EPOCH;
        String receiptHandle;
        int receiveCount;

        Message(String id, String body, Instant sent) {
            this.id = id;
            this.body = body;
            this.sent = sent;
        }

        ObjectNode toJson() {
            return JSON.createObjectNode().put("MessageId", id).put("Body", body)
                    .put("SentAt", sent.toString());
        }

        static Message fromJson(JsonNode json) {
            return new Message(json.path("MessageId").asText(), json.path("Body").asText(),
                    Instant.parse(json.path("SentAt").asText()));
        }
    }

    /** @param kept the queue's messages on disk, by MessageId */
    private record Queue(String name, Map<String, String> attributes, List<Message> messages, DocumentFiles kept) { }

    private final Map<String, Queue> queues = new ConcurrentHashMap<>();
    /** Where each queue keeps its messages, in a directory named after it; null to keep none. */
    private final Path stateDir;
    private final LoopbackHttpServer server;

    private LocalSqs(Path stateDir) {
        this.stateDir = stateDir;
        this.server = LoopbackHttpServer.start("sqs", this::handle);
    }

    /** Messages live as long as the process. */
    public static LocalSqs start() {
        return new LocalSqs(null);
    }

    /** Messages are kept in {@code stateDir} until deleted (see the class comment). */
    public static LocalSqs start(Path stateDir) {
        return new LocalSqs(stateDir);
    }

    public URI endpoint() {
        return server.endpoint();
    }

    /** CreateQueue: idempotent for the same name; returns the queue URL. */
    public String createQueue(String name, Map<String, String> attributes) {
        if (!QUEUE_NAME.matcher(name).matches()) {
            throw new SqsException("InvalidParameterValue", "Can only include alphanumeric characters, hyphens, or"
                    + " underscores. 1 to 80 in length");
        }
        queues.computeIfAbsent(name, n -> openQueue(n, attributes));
        return urlOf(name);
    }

    /** A queue this process has not created yet, with the messages a run before kept for it. */
    private Queue openQueue(String name, Map<String, String> attributes) {
        DocumentFiles kept = stateDir == null ? DocumentFiles.none() : DocumentFiles.in(stateDir.resolve(name));
        List<Message> messages = new ArrayList<>();
        for (String id : kept.ids()) {
            JsonNode message = kept.get(id);
            if (message != null) {
                messages.add(Message.fromJson(message));
            }
        }
        messages.sort(Comparator.comparing(m -> m.sent));
        return new Queue(name, new LinkedHashMap<>(attributes), messages, kept);
    }

    public String urlOf(String name) {
        return endpoint() + "/" + LocalAws.ACCOUNT_ID + "/" + name;
    }

    public static String arnOf(String name) {
        return LocalAws.arn("sqs", name);
    }

    /** SendMessage by queue URL or ARN (the form a Lambda destination names); returns the MessageId. */
    public String sendMessage(String queueUrlOrArn, String body) {
        Queue queue = queue(queueUrlOrArn);
        if (body == null || body.isEmpty()) {
            throw new SqsException("InvalidParameterValue", "The request must contain the parameter MessageBody.");
        }
        if (body.getBytes(StandardCharsets.UTF_8).length > 256 * 1024) {
            throw new SqsException("InvalidParameterValue", "One or more parameters are invalid. Reason: Message must"
                    + " be shorter than 262144 bytes.");
        }
        var message = new Message(UUID.randomUUID().toString(), body, Instant.now());
        synchronized (queue) {
            // Kept before SendMessage answers: a message SQS accepted stays until deleted, crash or not.
            queue.kept().put(message.id, message.toJson());
            queue.messages().add(message);
        }
        return message.id;
    }

    /** The bodies of the messages now in the queue, visible or not, oldest first. */
    public List<String> bodies(String queueUrlOrArn) {
        Queue queue = queue(queueUrlOrArn);
        synchronized (queue) {
            expire(queue);
            return queue.messages().stream().map(m -> m.body).toList();
        }
    }

    private Queue queue(String queueUrlOrArn) {
        String name = queueUrlOrArn == null ? "" : queueUrlOrArn.substring(queueUrlOrArn.lastIndexOf(
                queueUrlOrArn.startsWith("arn:") ? ':' : '/') + 1);
        Queue queue = queues.get(name);
        if (queue == null) {
            throw new SqsException("QueueDoesNotExist", "The specified queue does not exist.");
        }
        return queue;
    }

    private static void expire(Queue queue) {
        Duration retention = queue.attributes().containsKey("MessageRetentionPeriod")
                ? Duration.ofSeconds(Long.parseLong(queue.attributes().get("MessageRetentionPeriod"))) : DEFAULT_RETENTION;
        Instant oldest = Instant.now().minus(retention);
        queue.messages().removeIf(m -> {
            if (m.sent.isBefore(oldest)) {
                queue.kept().delete(m.id);
                return true;
            }
            return false;
        });
    }

    // ---- the JSON protocol ----

    private HttpResponse handle(HttpRequest request) {
        String target = request.header("X-Amz-Target");
        try {
            // SigV4-signed with any key pair, and never from a web page (LocalRequestGuard).
            LocalRequestGuard.Refusal refusal = LocalRequestGuard.checkAwsRequest(request.method(), request.query(),
                    request::header, Presigning.NOT_ACCEPTED);
            if (refusal != null) {
                throw new SqsException(refusal.code(), refusal.message(), refusal.status());
            }
            if (!"POST".equals(request.method()) || target == null || !target.startsWith("AmazonSQS.")) {
                throw new SqsException("InvalidAction", "The action or operation requested is invalid.");
            }
            JsonNode in = request.body() == null || request.body().isBlank()
                    ? JSON.createObjectNode() : JSON.readTree(request.body());
            ObjectNode out = switch (target.substring("AmazonSQS.".length())) {
                case "CreateQueue" -> JSON.createObjectNode().put("QueueUrl",
                        createQueue(text(in, "QueueName"), attributes(in.path("Attributes"))));
                case "GetQueueUrl" -> {
                    queue(urlOf(text(in, "QueueName")));
                    yield JSON.createObjectNode().put("QueueUrl", urlOf(text(in, "QueueName")));
                }
                case "GetQueueAttributes" -> getQueueAttributes(text(in, "QueueUrl"));
                case "SendMessage" -> {
                    String body = text(in, "MessageBody");
                    String id = sendMessage(text(in, "QueueUrl"), body);
                    yield JSON.createObjectNode().put("MD5OfMessageBody", md5(body)).put("MessageId", id);
                }
                case "ReceiveMessage" -> receiveMessage(in);
                case "ChangeMessageVisibility" -> {
                    changeVisibility(text(in, "QueueUrl"), text(in, "ReceiptHandle"),
                            Duration.ofSeconds(in.path("VisibilityTimeout").asLong()));
                    yield JSON.createObjectNode();
                }
                case "DeleteMessage" -> {
                    delete(text(in, "QueueUrl"), text(in, "ReceiptHandle"));
                    yield JSON.createObjectNode();
                }
                default -> throw new SqsException("InvalidAction", "The action " + target + " is not valid for this"
                        + " endpoint.");
            };
            return new HttpResponse(200, CONTENT_TYPE, out.toString());
        } catch (SqsException e) {
            ObjectNode error = JSON.createObjectNode().put("__type", "com.amazonaws.sqs#" + e.code)
                    .put("message", e.getMessage());
            return new HttpResponse(e.status, CONTENT_TYPE, error.toString(),
                    Map.of("x-amzn-query-error", e.code + ";Sender"));
        } catch (IOException e) {
            ObjectNode error = JSON.createObjectNode().put("__type", "com.amazonaws.sqs#InvalidParameterValue")
                    .put("message", "The request body is not JSON: " + e.getMessage());
            return new HttpResponse(400, CONTENT_TYPE, error.toString());
        }
    }

    private ObjectNode getQueueAttributes(String url) {
        Queue queue = queue(url);
        ObjectNode out = JSON.createObjectNode();
        ObjectNode attributes = out.putObject("Attributes");
        synchronized (queue) {
            expire(queue);
            Instant now = Instant.now();
            long visible = queue.messages().stream().filter(m -> !m.invisibleUntil.isAfter(now)).count();
            attributes.put("QueueArn", arnOf(queue.name()));
            attributes.put("ApproximateNumberOfMessages", String.valueOf(visible));
            attributes.put("ApproximateNumberOfMessagesNotVisible", String.valueOf(queue.messages().size() - visible));
            queue.attributes().forEach(attributes::put);
        }
        return out;
    }

    private ObjectNode receiveMessage(JsonNode in) {
        Queue queue = queue(text(in, "QueueUrl"));
        int max = in.path("MaxNumberOfMessages").asInt(1);
        if (max < 1 || max > 10) {
            throw new SqsException("InvalidParameterValue", "Value " + max + " for parameter MaxNumberOfMessages is"
                    + " invalid. Reason: Must be between 1 and 10, if provided.");
        }
        Duration visibility = in.has("VisibilityTimeout") ? Duration.ofSeconds(in.get("VisibilityTimeout").asLong())
                : queue.attributes().containsKey("VisibilityTimeout")
                        ? Duration.ofSeconds(Long.parseLong(queue.attributes().get("VisibilityTimeout")))
                        : DEFAULT_VISIBILITY;
        Duration wait = Duration.ofSeconds(Math.min(MAX_WAIT.toSeconds(), in.path("WaitTimeSeconds").asLong(0)));
        long deadline = System.nanoTime() + wait.toNanos();
        ObjectNode out = JSON.createObjectNode();
        ArrayNode messages = out.putArray("Messages");
        while (true) {
            synchronized (queue) {
                expire(queue);
                Instant now = Instant.now();
                for (Message m : queue.messages()) {
                    if (messages.size() == max) {
                        break;
                    }
                    if (m.invisibleUntil.isAfter(now)) {
                        continue;
                    }
                    m.invisibleUntil = now.plus(visibility);
                    m.receiptHandle = UUID.randomUUID() + "#" + m.id;
                    m.receiveCount++;
                    ObjectNode message = messages.addObject();
                    message.put("MessageId", m.id);
                    message.put("ReceiptHandle", m.receiptHandle);
                    message.put("MD5OfBody", md5(m.body));
                    message.put("Body", m.body);
                    ObjectNode attributes = message.putObject("Attributes");
                    attributes.put("ApproximateReceiveCount", String.valueOf(m.receiveCount));
                    attributes.put("SentTimestamp", String.valueOf(m.sent.toEpochMilli()));
                }
            }
            if (!messages.isEmpty() || System.nanoTime() >= deadline) {
                break;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (messages.isEmpty()) {
            out.remove("Messages");
        }
        return out;
    }

    private void changeVisibility(String url, String receiptHandle, Duration visibility) {
        Queue queue = queue(url);
        synchronized (queue) {
            Message m = byReceipt(queue, receiptHandle);
            m.invisibleUntil = Instant.now().plus(visibility);
        }
    }

    private void delete(String url, String receiptHandle) {
        Queue queue = queue(url);
        synchronized (queue) {
            Message deleted = byReceipt(queue, receiptHandle);
            queue.kept().delete(deleted.id);
            queue.messages().remove(deleted);
        }
    }

    private static Message byReceipt(Queue queue, String receiptHandle) {
        for (Message m : queue.messages()) {
            if (receiptHandle.equals(m.receiptHandle)) {
                return m;
            }
        }
        throw new SqsException("ReceiptHandleIsInvalid", "The input receipt handle \"" + receiptHandle
                + "\" is not a valid receipt handle.");
    }

    private static Map<String, String> attributes(JsonNode node) {
        Map<String, String> attributes = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> attributes.put(e.getKey(), e.getValue().asText()));
        return attributes;
    }

    private static String text(JsonNode in, String field) {
        JsonNode value = in.get(field);
        if (value == null || !value.isTextual()) {
            throw new SqsException("MissingParameter", "The request must contain the parameter " + field + ".");
        }
        return value.asText();
    }

    static String md5(String body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(body.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is part of every JDK", e);
        }
    }

    /** An SQS error: its code (without the {@code com.amazonaws.sqs#} prefix) and HTTP status. */
    public static final class SqsException extends RuntimeException {
        private final String code;
        private final int status;

        SqsException(String code, String message) {
            this(code, message, 400);
        }

        SqsException(String code, String message, int status) {
            super(message);
            this.code = code;
            this.status = status;
        }

        public String code() {
            return code;
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
