package dev.vidmeta.cli.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vidmeta.local.LocalAws;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * The console's defences against other web pages, on the console server alone: its SDK clients point at a
 * closed port, so a request that gets past the checks fails there, and one that is refused never gets there.
 */
class ConsoleServerIT {

    private static final URI NOWHERE = URI.create("http://127.0.0.1:1");
    private static final String MACHINE = LocalAws.arn("states", "stateMachine:video-metadata");

    private static SfnClient sfn;
    private static DynamoDbClient dynamoDb;
    private static ConsoleServer console;

    @BeforeAll
    static void start() {
        sfn = LocalAws.client(SfnClient.builder(), NOWHERE);
        dynamoDb = LocalAws.client(DynamoDbClient.builder(), NOWHERE);
        console = ConsoleServer.start(new ConsoleServer.Config(sfn, dynamoDb, MACHINE, "records"), 0);
    }

    @AfterAll
    static void stop() {
        console.close();
        sfn.close();
        dynamoDb.close();
    }

    @Test
    void everyAnswer_shouldForbidFraming_soTheReplayButtonCannotBeClickjacked() throws Exception {
        // WHEN the page and an API error are fetched
        HttpResponse<String> page = send(HttpRequest.newBuilder(console.endpoint()).GET());
        HttpResponse<String> error = send(HttpRequest.newBuilder(console.endpoint().resolve("/api/nothing")).GET());

        // THEN both forbid any frame: X-Frame-Options (RFC 7034) and CSP frame-ancestors (CSP Level 2)
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("id=\"replay\"");
        for (HttpResponse<String> response : new HttpResponse[] {page, error}) {
            assertThat(response.headers().firstValue("X-Frame-Options")).hasValue("DENY");
            assertThat(response.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp ->
                    assertThat(csp).contains("frame-ancestors 'none'").contains("default-src 'self'"));
        }
    }

    @Test
    void replay_shouldBeRefused_whenItComesFromAnotherOrigin() throws Exception {
        String replay = "/api/replay?arn=" + MACHINE.replace(":stateMachine:", ":execution:") + ":failed-1";
        int port = console.endpoint().getPort();

        // GIVEN the Replay POST as the console's page sends it, and as pages elsewhere would
        HttpResponse<String> own = send(replayPost(replay, "http://127.0.0.1:" + port));
        HttpResponse<String> otherSite = send(replayPost(replay, "https://example.com"));
        HttpResponse<String> otherPort = send(replayPost(replay, "http://127.0.0.1:" + (port == 65535 ? 1 : port + 1)));
        HttpResponse<String> sandboxed = send(replayPost(replay, "null"));
        HttpResponse<String> sameSite = send(replayPost(replay, null).header("Sec-Fetch-Site", "same-site"));

        // THEN the other origins are refused before Step Functions is called
        for (HttpResponse<String> refused : List.of(otherSite, otherPort, sandboxed, sameSite)) {
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(refused.body()).contains("not other origins");
        }
        // AND the console's own gets past the checks, to the Step Functions call (which fails: nothing listens)
        assertThat(own.statusCode()).isNotEqualTo(403).isGreaterThanOrEqualTo(500);
    }

    private HttpRequest.Builder replayPost(String pathAndQuery, String origin) {
        HttpRequest.Builder post = HttpRequest.newBuilder(console.endpoint().resolve(pathAndQuery))
                .header(ConsoleServer.CSRF_HEADER, "1").POST(HttpRequest.BodyPublishers.noBody());
        return origin == null ? post : post.header("Origin", origin);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }
    }
}
