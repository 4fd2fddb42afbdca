package dev.vidmeta.cli.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vidmeta.testing.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Headless Debian Chromium driven through chromedriver's W3C WebDriver HTTP API: a session, navigation,
 * element lookup and clicks, scripts, screenshots. Plain HTTP and JSON; no Selenium.
 *
 * <p>Missing browser or driver fails the test with the command that installs them: CI installs them, and a
 * browser test that skips silently would pass without testing anything.
 */
final class Chromium implements AutoCloseable {

    static final Path BROWSER = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    static final String INSTALL = "apt-get install -y chromium chromium-driver";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The W3C spec's key for an element reference in JSON. */
    private static final String ELEMENT = "element-6066-11e4-a52e-4f735466cecf";
    private static final String READY = "ready";
    private static final String EXITED = "chromedriver exited";

    private final Process driver;
    private final Path profile;
    private final URI base;
    private final String session;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Chromium(Process driver, Path profile, URI base, String session) {
        this.driver = driver;
        this.profile = profile;
        this.base = base;
        this.session = session;
    }

    static Chromium launch() throws IOException, InterruptedException {
        if (!Files.isExecutable(BROWSER) || !Files.isExecutable(DRIVER)) {
            throw new IllegalStateException("the console's browser test needs Debian's Chromium and chromedriver ("
                    + BROWSER + ", " + DRIVER + "); install them with: " + INSTALL);
        }
        int port;
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Path log = Files.createTempFile("chromedriver-", ".log");
        Process driver = new ProcessBuilder(DRIVER.toString(), "--port=" + port, "--allowed-ips=127.0.0.1")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Path profile = Files.createTempDirectory("vidmeta-chromium-");
        URI base = URI.create("http://127.0.0.1:" + port);
        try {
            HttpClient probe = HttpClient.newHttpClient();
            String status = Await.until("chromedriver on " + base + " to be ready (its log: " + log + ")",
                    Duration.ofSeconds(20), () -> driver.isAlive() ? status(probe, base) : EXITED,
                    s -> s.equals(READY) || s.equals(EXITED));
            if (status.equals(EXITED)) {
                throw new IllegalStateException("chromedriver exited: " + Files.readString(log));
            }
            ObjectNode options = JSON.createObjectNode().put("binary", BROWSER.toString());
            var args = options.putArray("args");
            List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage", "--window-size=1600,1000", "--user-data-dir=" + profile).forEach(args::add);
            ObjectNode capabilities = JSON.createObjectNode();
            capabilities.putObject("capabilities").putObject("alwaysMatch").put("browserName", "chrome")
                    .set("goog:chromeOptions", options);
            JsonNode created = call(HttpClient.newHttpClient(), "POST", base.resolve("/session"), capabilities);
            return new Chromium(driver, profile, base, created.at("/value/sessionId").asText());
        } catch (IOException | InterruptedException | RuntimeException | AssertionError e) {
            // A driver that never became ready (Await's AssertionError) is stopped too, not left running.
            driver.destroy();
            throw e;
        }
    }

    /** chromedriver's readiness as its W3C /status reports it: {@link #READY}, or what it answered instead. */
    private static String status(HttpClient probe, URI base) {
        try {
            var response = probe.send(HttpRequest.newBuilder(base.resolve("/status")).build(),
                    HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(response.body()).at("/value/ready").asBoolean() ? READY : response.body();
        } catch (IOException notYet) {
            return "not listening yet: " + notYet;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting chromedriver", e);
        }
    }

    void open(URI url) throws IOException, InterruptedException {
        command("POST", "/url", JSON.createObjectNode().put("url", url.toString()));
    }

    /** Runs a script in the page (W3C "Execute Script"): {@code arguments[0]...}, returns its value as JSON. */
    JsonNode script(String body, Object... arguments) throws IOException, InterruptedException {
        ObjectNode request = JSON.createObjectNode().put("script", body);
        var args = request.putArray("args");
        for (Object argument : arguments) {
            args.add(JSON.valueToTree(argument));
        }
        return command("POST", "/execute/sync", request).get("value");
    }

    /** Clicks the first element matching a CSS selector, as a user would (a real pointer event). */
    void click(String css) throws IOException, InterruptedException {
        JsonNode found = command("POST", "/element",
                JSON.createObjectNode().put("using", "css selector").put("value", css)).get("value");
        if (!found.hasNonNull(ELEMENT)) {
            throw new IllegalStateException("WebDriver found no element reference for " + css + ": " + found);
        }
        command("POST", "/element/" + found.get(ELEMENT).asText() + "/click", JSON.createObjectNode());
    }

    /** Polls a script until its value satisfies the condition; fails with the last value after the timeout. */
    JsonNode await(String description, Duration timeout, String body, Predicate<JsonNode> condition) {
        return Await.until(description, timeout, () -> {
            try {
                return script(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + description, e);
            }
        }, condition);
    }

    void screenshot(Path file) throws IOException, InterruptedException {
        JsonNode png = command("GET", "/screenshot", null).get("value");
        Files.createDirectories(file.getParent());
        Files.write(file, Base64.getDecoder().decode(png.asText()));
    }

    private JsonNode command(String method, String path, JsonNode body) throws IOException, InterruptedException {
        return call(http, method, base.resolve("/session/" + session + path), body);
    }

    private static JsonNode call(HttpClient http, String method, URI uri, JsonNode body)
            throws IOException, InterruptedException {
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body));
        var response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").method(method, publisher).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode json = JSON.readTree(response.body());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("WebDriver " + method + " " + uri.getPath() + " -> "
                    + response.statusCode() + ": " + json.path("value").path("message").asText(response.body()));
        }
        return json;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        try {
            call(http, "DELETE", base.resolve("/session/" + session), null);
        } finally {
            driver.destroy();
            driver.waitFor(10, TimeUnit.SECONDS);
            try (var files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
