package dev.vidmeta.local.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vidmeta.local.http.LoopbackHttpServer.HttpRequest;
import dev.vidmeta.local.http.LoopbackHttpServer.HttpResponse;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The stand-ins' HTTP server, through a real HTTP client on the loopback interface. */
class LoopbackHttpServerIT {

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void request_shouldReachTheService_asSent_andItsResponseTheClient() throws Exception {
        var seen = new AtomicReference<HttpRequest>();
        try (var server = LoopbackHttpServer.start("test", request -> {
            seen.set(request);
            return new HttpResponse(202, "application/json", "{\"ok\":\"é\"}", Map.of("X-Amz-Function-Error", "Unhandled"));
        })) {
            URI uri = URI.create(server.endpoint() + "/2015-03-31/functions/my%3Afn/invocations?Qualifier=a%20b");
            var response = http.send(java.net.http.HttpRequest.newBuilder(uri).header("X-Amz-Target", "T.Op")
                    .POST(BodyPublishers.ofString("héllo")).build(), BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(202);
            assertThat(response.body()).isEqualTo("{\"ok\":\"é\"}");
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
            assertThat(response.headers().firstValue("X-Amz-Function-Error")).hasValue("Unhandled");
            HttpRequest request = seen.get();
            assertThat(request.method()).isEqualTo("POST");
            assertThat(request.path()).isEqualTo("/2015-03-31/functions/my%3Afn/invocations");
            assertThat(request.query()).isEqualTo("Qualifier=a%20b");
            assertThat(request.header("x-amz-target")).isEqualTo("T.Op");
            assertThat(request.body()).isEqualTo("héllo");
        }
    }

    @Test
    void emptyResponseBody_shouldBeSentWithoutContent() throws Exception {
        try (var server = LoopbackHttpServer.start("test", request -> new HttpResponse(200, "text/xml", ""))) {
            var response = http.send(java.net.http.HttpRequest.newBuilder(server.endpoint()).GET().build(),
                    BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEmpty();
            assertThat(response.headers().firstValue("Content-Length")).hasValue("0");
        }
    }

    @Test
    void expectContinue_shouldBeAnswered_beforeTheBodyIsSent() throws Exception {
        try (var server = LoopbackHttpServer.start("test", request -> new HttpResponse(200, "text/plain", request.body()))) {
            var response = http.send(java.net.http.HttpRequest.newBuilder(server.endpoint()).expectContinue(true)
                    .PUT(BodyPublishers.ofString("after 100")).build(), BodyHandlers.ofString());

            assertThat(response.body()).isEqualTo("after 100");
        }
    }

    @Test
    void failingService_shouldAnswer500_withItsMessage() throws Exception {
        try (var server = LoopbackHttpServer.start("test", request -> {
            throw new IllegalStateException("queue is gone");
        })) {
            var response = http.send(java.net.http.HttpRequest.newBuilder(server.endpoint()).GET().build(),
                    BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(500);
            assertThat(response.body()).isEqualTo("queue is gone");
        }
    }

    @Test
    void close_shouldReleaseThePort() throws IOException {
        var server = LoopbackHttpServer.start("test", request -> new HttpResponse(200, "text/plain", "x"));
        URI endpoint = server.endpoint();

        server.close();

        assertThatThrownBy(() -> new Socket(endpoint.getHost(), endpoint.getPort()).close())
                .isInstanceOf(ConnectException.class);
    }
}
