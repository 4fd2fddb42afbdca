package dev.vidmeta.local.http;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * A small Jetty server on 127.0.0.1 (random port) for the stand-ins that speak an AWS wire protocol
 * (SNS's Query protocol, Rekognition's JSON 1.1): one request in, one response out, bodies as text.
 */
public final class LoopbackHttpServer implements AutoCloseable {

    /** What crossed the wire; header names are case-insensitive. */
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

    private final Server server;
    private final ServerConnector connector;

    private LoopbackHttpServer(Server server, ServerConnector connector) {
        this.server = server;
        this.connector = connector;
    }

    public static LoopbackHttpServer start(String name, Service service) {
        JettyCacheLines.preset();
        var pool = new QueuedThreadPool(32, 2);
        pool.setName(name);
        pool.setDaemon(true);
        var server = new Server(pool);
        var connector = new ServerConnector(server, 1, 1);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract.NonBlocking() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                // Reading the body blocks; hand the exchange to a pool thread.
                server.getThreadPool().execute(() -> serve(service, request, response, callback));
                return true;
            }
        });
        server.setStopTimeout(0);
        try {
            server.start();
        } catch (Exception e) {
            throw new IllegalStateException(name + " did not start", e);
        }
        return new LoopbackHttpServer(server, connector);
    }

    private static void serve(Service service, Request request, Response response, Callback callback) {
        try {
            Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            for (HttpField field : request.getHeaders()) {
                headers.put(field.getName(), field.getValue());
            }
            String body = Content.Source.asString(request, StandardCharsets.UTF_8);
            var exchange = new HttpRequest(request.getMethod(), request.getHttpURI().getPath(),
                    request.getHttpURI().getQuery(), headers, body);
            HttpResponse result = service.handle(exchange);
            response.setStatus(result.status());
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, result.contentType());
            result.headers().forEach((name, value) -> response.getHeaders().put(name, value));
            Content.Sink.write(response, true, result.body(), callback);
        } catch (Throwable t) {
            Response.writeError(request, response, callback, 500, String.valueOf(t.getMessage()));
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + connector.getLocalPort());
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("server did not stop cleanly", e);
        }
    }
}
