package dev.vidmeta.local.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A small HTTP server on 127.0.0.1 (random port) for the stand-ins that speak an AWS wire protocol (SNS's and
 * SQS's Query protocol, Lambda's REST Invoke, Rekognition's JSON 1.1): one request in, one response out, bodies
 * as text. It is the JDK's own server, as Step Functions' and the console's are: a Jetty of its own would cost
 * every start of the local runtime the loading and start of a second Jetty beside the one s3proxy shades.
 *
 * <p>Handlers may block (Lambda's Invoke runs the function), so they run on platform threads, at most
 * {@link #MAX_THREADS} at once; more requests wait in the queue, as Jetty's pool made them wait.
 */
public final class LoopbackHttpServer implements AutoCloseable {

    static final int MAX_THREADS = 32;

    /** What crossed the wire; header names are case-insensitive. Path and query as sent, still percent-encoded. */
    public record HttpRequest(String method, String path, String query, Map<String, String> headers, String body) {

        public String header(String name) {
            return headers.get(name);
        }
    }

    /** A response; {@code headers} beyond Content-Type, for protocols that answer in headers (Lambda's Invoke). */
    public record HttpResponse(int status, String contentType, String body, Map<String, String> headers) {

        public HttpResponse(int status, String contentType, String body) {
            this(status, contentType, body, Map.of());
        }
    }

    @FunctionalInterface
    public interface Service {
        HttpResponse handle(HttpRequest request);
    }

    private final HttpServer server;
    private final ThreadPoolExecutor pool;

    private LoopbackHttpServer(HttpServer server, ThreadPoolExecutor pool) {
        this.server = server;
        this.pool = pool;
    }

    public static LoopbackHttpServer start(String name, Service service) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(name + " did not start", e);
        }
        var pool = new ThreadPoolExecutor(MAX_THREADS, MAX_THREADS, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                Thread.ofPlatform().daemon().name(name + "-", 0).factory());
        pool.allowCoreThreadTimeOut(true); // no thread while idle
        server.setExecutor(pool);
        server.createContext("/", exchange -> serve(service, exchange));
        server.start();
        return new LoopbackHttpServer(server, pool);
    }

    private static void serve(Service service, HttpExchange exchange) throws IOException {
        try (exchange) {
            HttpResponse result;
            try {
                Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
                exchange.getRequestHeaders().forEach((header, values) -> headers.put(header, last(values)));
                String body;
                try (InputStream in = exchange.getRequestBody()) {
                    body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
                URI uri = exchange.getRequestURI();
                result = service.handle(new HttpRequest(exchange.getRequestMethod(), uri.getRawPath(),
                        uri.getRawQuery(), headers, body));
            } catch (RuntimeException | Error e) {
                result = new HttpResponse(500, "text/plain;charset=utf-8", String.valueOf(e.getMessage()));
            }
            byte[] bytes = result.body() == null ? new byte[0] : result.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", result.contentType());
            result.headers().forEach((header, value) -> exchange.getResponseHeaders().set(header, value));
            // -1: no body at all; 0 would mean a chunked body of unknown length.
            exchange.sendResponseHeaders(result.status(), bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }

    private static String last(List<String> values) {
        return values.isEmpty() ? "" : values.getLast();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
