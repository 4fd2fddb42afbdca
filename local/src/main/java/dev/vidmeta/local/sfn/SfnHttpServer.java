package dev.vidmeta.local.sfn;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.vidmeta.local.http.LocalRequestGuard;
import dev.vidmeta.local.http.LocalRequestGuard.Presigning;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;

/**
 * The AWS JSON 1.0 protocol in front of {@link SfnService}: {@code POST /} with
 * {@code X-Amz-Target: AWSStepFunctions.<Operation>}, JSON bodies, and errors as HTTP 400 with
 * {@code {"__type": ..., "message": ...}}. Requests must pass {@link LocalRequestGuard}: signed with Signature
 * Version 4 as the SDK and the AWS CLI always do (any key pair: the signature itself is not verified, there are no
 * real credentials locally), and not sent by a web page, so that no page can send a task token.
 */
final class SfnHttpServer implements AutoCloseable {

    private static final String TARGET_PREFIX = "AWSStepFunctions.";
    private static final String CONTENT_TYPE = "application/x-amz-json-1.0";

    private final HttpServer server;
    private final SfnService service;

    SfnHttpServer(SfnService service, ExecutorService executor) throws IOException {
        this.service = service;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            Map<String, Object> response;
            int status = 200;
            LocalRequestGuard.Refusal refusal = LocalRequestGuard.checkAwsRequest(exchange.getRequestMethod(),
                    exchange.getRequestURI().getRawQuery(), exchange.getRequestHeaders()::getFirst,
                    Presigning.NOT_ACCEPTED);
            try {
                byte[] body = readBody(exchange.getRequestBody());
                if (refusal != null) {
                    // Step Functions API reference, Common Errors:
                    // https://docs.aws.amazon.com/step-functions/latest/apireference/CommonErrors.html
                    status = refusal.status();
                    response = error(refusal.code(), refusal.message());
                    exchange.getResponseHeaders().add("x-amzn-ErrorType", refusal.code());
                } else {
                    response = dispatch(exchange, target, body);
                }
            } catch (SfnApiException e) {
                status = 400;
                response = error(e.type(), e.getMessage());
                exchange.getResponseHeaders().add("x-amzn-ErrorType", e.type());
            } catch (RuntimeException e) {
                status = 500;
                response = error("InternalFailure", "Local Step Functions failed: " + e);
            }
            byte[] bytes = Json.write(response).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", CONTENT_TYPE);
            exchange.getResponseHeaders().add("x-amzn-RequestId", UUID.randomUUID().toString());
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private Map<String, Object> dispatch(HttpExchange exchange, String target, byte[] body) {
        if (!"POST".equals(exchange.getRequestMethod()) || !"/".equals(exchange.getRequestURI().getPath())) {
            throw new SfnApiException("UnknownOperationException", "Only POST / is served");
        }
        if (target == null || !target.startsWith(TARGET_PREFIX)) {
            throw new SfnApiException("UnknownOperationException", "Missing or foreign X-Amz-Target: " + target);
        }
        Object request;
        try {
            request = body.length == 0 ? Map.of() : Json.parse(new String(body, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new SfnApiException("SerializationException", "Request body is not JSON: " + e.getMessage());
        }
        if (!(request instanceof Map<?, ?>)) {
            throw new SfnApiException("SerializationException", "Request body must be a JSON object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) request;
        return service.call(target.substring(TARGET_PREFIX.length()), map);
    }

    private static Map<String, Object> error(String type, String message) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("__type", type);
        out.put("message", message);
        return out;
    }

    private static byte[] readBody(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
