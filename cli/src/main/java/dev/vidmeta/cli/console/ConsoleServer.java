package dev.vidmeta.cli.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.vidmeta.aws.JsonAttributeValues;
import dev.vidmeta.aws.RecordTable;
import dev.vidmeta.aws.SdkJson;
import dev.vidmeta.cli.ExecutionReplayer;
import dev.vidmeta.local.events.ObjectCreatedEvent;
import dev.vidmeta.local.http.LocalRequestGuard;
import dev.vidmeta.record.ObjectKeys;
import dev.vidmeta.record.ObjectRef;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionListItem;
import software.amazon.awssdk.services.sfn.model.HistoryEvent;
import software.amazon.awssdk.services.sfn.model.ListExecutionsResponse;

/**
 * The local console: a web page on 127.0.0.1 with the executions of one state machine, each one's state graph
 * coloured by status beside its event history, the merged record of its object, and a Replay button.
 *
 * <p>It reads everything through the AWS SDK clients it is given, exactly as any other client of Step
 * Functions and DynamoDB: pointed at AWS it would show the deployed pipeline. The page and its script are
 * resources of this package; nothing is fetched from elsewhere.
 *
 * <p>JSON endpoints: {@code GET /api/executions[?status=FAILED][&page=TOKEN]} (a page of 100, newest first, with
 * the token of the next), {@code GET /api/counts} (executions by status), {@code GET /api/execution?arn=},
 * {@code GET /api/record?arn=}, {@code POST /api/replay?arn=}. Because a page from any web site can make a
 * browser send requests to 127.0.0.1, the API answers only requests whose Host header names this server (no
 * DNS rebinding), refuses any request whose {@code Origin} or {@code Sec-Fetch-Site} names another origin
 * ({@link LocalRequestGuard#checkConsoleRequest}), and a replay must also carry the {@value #CSRF_HEADER}
 * header, which a cross-site form cannot set. Every answer forbids framing ({@code X-Frame-Options: DENY} and
 * the CSP {@code frame-ancestors 'none'}), so no page can overlay the Replay button and steal the click.
 */
public final class ConsoleServer implements AutoCloseable {

    static final String CSRF_HEADER = "X-Vidmeta-Console";
    /**
     * Only this server's own files; never inside a frame. CSP Level 2 {@code frame-ancestors}
     * (https://www.w3.org/TR/CSP2/#directive-frame-ancestors) and, for browsers that predate it,
     * {@code X-Frame-Options} (RFC 7034).
     */
    static final String CONTENT_SECURITY_POLICY =
            "default-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int LIST_LIMIT = 100;
    /**
     * How many executions {@code /api/counts} reads at most: ten ListExecutions pages of 1,000. ListExecutions is
     * throttled per account (Step Functions quotas, "API action throttling quotas"), and a console refreshing
     * every 2 s must not walk an unbounded history; beyond this the counts say they are a lower bound.
     */
    private static final int COUNT_LIMIT = 10_000;
    private static final Map<String, String> STATIC = Map.of(
            "/", "index.html", "/console.js", "console.js", "/console.css", "console.css");

    /**
     * @param stateMachineArn the pipeline's state machine
     * @param recordTable the table holding one merged record per object, keyed {@code pk = "bucket/key"}
     */
    public record Config(SfnClient sfn, DynamoDbClient dynamoDb, String stateMachineArn, String recordTable) { }

    private final Config config;
    private final ExecutionReplayer replayer;
    private final HttpServer server;
    private final ExecutorService pool;
    /** Execution inputs never change: remember each one's object so the list costs one call per new execution. */
    private final Map<String, String> objectOf = new ConcurrentHashMap<>();

    private ConsoleServer(Config config, HttpServer server, ExecutorService pool) {
        this.config = config;
        this.replayer = new ExecutionReplayer(config.sfn());
        this.server = server;
        this.pool = pool;
    }

    /** Serves on 127.0.0.1; {@code port} 0 picks a free one. */
    public static ConsoleServer start(Config config, int port) {
        HttpServer http;
        try {
            http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("console cannot listen on 127.0.0.1:" + port, e);
        }
        ExecutorService pool = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "vidmeta-console");
            t.setDaemon(true);
            return t;
        });
        var console = new ConsoleServer(config, http, pool);
        http.setExecutor(pool);
        http.createContext("/", console::handle);
        http.start();
        return console;
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }

    private record Reply(int status, String contentType, byte[] body) {

        static Reply json(int status, JsonNode body) {
            try {
                return new Reply(status, "application/json; charset=utf-8", JSON.writeValueAsBytes(body));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        static Reply error(int status, String code, String message) {
            return json(status, JSON.createObjectNode().put("error", code).put("message", message));
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        Reply reply;
        try {
            reply = route(exchange);
        } catch (AwsServiceException e) {
            String code = e.awsErrorDetails() == null ? "ServiceError" : e.awsErrorDetails().errorCode();
            String message = e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage();
            reply = Reply.error(e.statusCode() >= 400 && e.statusCode() < 500 ? 400 : 502, code, message);
        } catch (IllegalArgumentException e) {
            reply = Reply.error(400, "BadRequest", e.getMessage());
        } catch (RuntimeException e) {
            reply = Reply.error(500, "InternalError", String.valueOf(e.getMessage()));
        }
        exchange.getResponseHeaders().set("Content-Type", reply.contentType());
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        exchange.getResponseHeaders().set("X-Frame-Options", "DENY");
        exchange.getResponseHeaders().set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        exchange.sendResponseHeaders(reply.status(), reply.body().length == 0 ? -1 : reply.body().length);
        try (var out = exchange.getResponseBody()) {
            out.write(reply.body());
        }
    }

    private Reply route(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        String host = exchange.getRequestHeaders().getFirst("Host");
        int port = server.getAddress().getPort();
        if (!("127.0.0.1:" + port).equals(host) && !("localhost:" + port).equals(host)) {
            return Reply.error(403, "Forbidden", "the console answers only requests for 127.0.0.1:" + port);
        }
        if (LocalRequestGuard.checkConsoleRequest(exchange.getRequestHeaders()::getFirst,
                Set.of("http://127.0.0.1:" + port, "http://localhost:" + port)) != null) {
            return Reply.error(403, "Forbidden", "the console answers only its own pages, not other origins");
        }
        String resource = STATIC.get(path);
        if (resource != null && method.equals("GET")) {
            return resource(resource);
        }
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        return switch (method + " " + path) {
            case "GET /api/executions" -> Reply.json(200, executions(query.get("status"), query.get("page")));
            case "GET /api/counts" -> Reply.json(200, counts());
            case "GET /api/execution" -> Reply.json(200, execution(required(query, "arn")));
            case "GET /api/record" -> Reply.json(200, record(required(query, "arn")));
            case "POST /api/replay" -> {
                if (exchange.getRequestHeaders().getFirst(CSRF_HEADER) == null) {
                    yield Reply.error(403, "Forbidden", "a replay must carry the " + CSRF_HEADER + " header");
                }
                yield Reply.json(200, JSON.valueToTree(replayer.replay(required(query, "arn"))));
            }
            default -> Reply.error(404, "NotFound", method + " " + path);
        };
    }

    private static Reply resource(String name) throws IOException {
        try (InputStream in = ConsoleServer.class.getResourceAsStream(name)) {
            if (in == null) {
                return Reply.error(500, "InternalError", "the console's " + name + " is missing from the build");
            }
            String type = name.endsWith(".html") ? "text/html" : name.endsWith(".css") ? "text/css" : "text/javascript";
            return new Reply(200, type + "; charset=utf-8", in.readAllBytes());
        }
    }

    // ------------------------------------------------------------------------------------------ API

    /** One page of executions, newest first; {@code page} is the token the previous page gave (null: the first). */
    private JsonNode executions(String status, String page) {
        ListExecutionsResponse listed = config.sfn().listExecutions(b -> {
            b.stateMachineArn(config.stateMachineArn()).maxResults(LIST_LIMIT);
            if (status != null && !status.isEmpty()) {
                b.statusFilter(status);
            }
            if (page != null && !page.isEmpty()) {
                b.nextToken(page);
            }
        });
        ObjectNode out = JSON.createObjectNode();
        out.put("stateMachineArn", config.stateMachineArn());
        ArrayNode list = out.putArray("executions");
        for (ExecutionListItem item : listed.executions()) {
            ObjectNode row = SdkJson.toJson(item, SdkJson.Timestamps.ISO_8601);
            String object = objectOf.computeIfAbsent(item.executionArn(), arn -> objectUri(
                    config.sfn().describeExecution(b -> b.executionArn(arn)).input()));
            row.put("object", object);
            list.add(row);
        }
        out.put("nextToken", listed.nextToken());
        return out;
    }

    /** {@code {"total": 1000, "complete": true, "counts": {"RUNNING": 300, ...}}}, from one walk of the list. */
    private JsonNode counts() {
        Map<String, Integer> counts = new TreeMap<>();
        int total = 0;
        String token = null;
        do {
            String next = token;
            ListExecutionsResponse page = config.sfn().listExecutions(b -> b.stateMachineArn(config.stateMachineArn())
                    .maxResults(1000).nextToken(next));
            for (ExecutionListItem item : page.executions()) {
                counts.merge(item.statusAsString(), 1, Integer::sum);
                total++;
            }
            token = page.nextToken();
        } while (token != null && total < COUNT_LIMIT);
        ObjectNode out = JSON.createObjectNode();
        out.put("total", total);
        out.put("complete", token == null);
        counts.forEach(out.putObject("counts")::put);
        return out;
    }

    private JsonNode execution(String arn) throws IOException {
        DescribeExecutionResponse execution = config.sfn().describeExecution(b -> b.executionArn(arn));
        String definition = config.sfn().describeStateMachine(b -> b.stateMachineArn(execution.stateMachineArn()))
                .definition();
        List<JsonNode> events = new ArrayList<>();
        for (HistoryEvent event : config.sfn().getExecutionHistoryPaginator(b -> b.executionArn(arn)).events()) {
            events.add(SdkJson.toJson(event, SdkJson.Timestamps.ISO_8601));
        }
        StateStatuses statuses = StateStatuses.of(events);
        for (JsonNode event : events) {
            String state = statuses.eventStates().get(event.path("id").asLong());
            if (state != null) {
                ((ObjectNode) event).put("state", state);
            }
        }
        ObjectNode out = JSON.createObjectNode();
        ObjectNode described = SdkJson.toJson(execution, SdkJson.Timestamps.ISO_8601);
        described.put("object", objectUri(execution.input()));
        out.set("execution", described);
        out.set("graph", JSON.valueToTree(StateGraph.of(JSON.readTree(definition))));
        out.set("states", JSON.valueToTree(statuses.states()));
        out.set("events", JSON.valueToTree(events));
        return out;
    }

    private JsonNode record(String arn) {
        ObjectRef object = ObjectCreatedEvent.objectOf(config.sfn().describeExecution(b -> b.executionArn(arn)).input());
        ObjectNode out = JSON.createObjectNode();
        out.put("table", config.recordTable());
        if (object == null) {
            out.putNull("pk");
            out.putNull("item");
            out.put("message", "the execution's input is not an S3 object event; it has no record");
            return out;
        }
        // The event's key is URL-encoded or raw; the record is under the real key: try the decoded reading first.
        for (String key : ObjectKeys.candidates(object.key())) {
            String pk = object.bucket() + "/" + key;
            Map<String, AttributeValue> item = config.dynamoDb().getItem(b -> b.tableName(config.recordTable())
                    .key(Map.of(RecordTable.PARTITION_KEY, AttributeValue.fromS(pk))).consistentRead(true)).item();
            if (item != null && !item.isEmpty()) {
                out.put("pk", pk);
                out.set("item", JsonAttributeValues.toJson(item));
                return out;
            }
        }
        out.put("pk", object.bucket() + "/" + ObjectKeys.candidates(object.key()).getFirst());
        out.putNull("item");
        out.put("message", "no record for s3://" + object.bucket() + "/" + ObjectKeys.candidates(object.key()).getFirst()
                + " in " + config.recordTable());
        return out;
    }

    /** s3://bucket/key of an S3 object event, the key decoded when it decodes; empty for any other input. */
    private static String objectUri(String input) {
        ObjectRef object = ObjectCreatedEvent.objectOf(input);
        return object == null ? "" : "s3://" + object.bucket() + "/" + ObjectKeys.candidates(object.key()).getFirst();
    }

    private static String required(Map<String, String> query, String name) {
        String value = query.get(name);
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("missing query parameter '" + name + "'");
        }
        return value;
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            out.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
        }
        return out;
    }
}
