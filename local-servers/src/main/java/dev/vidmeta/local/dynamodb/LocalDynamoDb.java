package dev.vidmeta.local.dynamodb;

import dev.vidmeta.local.LocalAws;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.retry.backoff.FixedDelayBackoffStrategy;
import software.amazon.awssdk.core.waiters.WaiterOverrideConfiguration;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.waiters.DynamoDbWaiter;

/**
 * The local DynamoDB: dynalite 4 (npm, Apache-2.0) in a Node child process on 127.0.0.1 (random port), behind
 * the small front in {@code local-servers/dynalite/server.js}, which adds Time to Live and refuses requests from web
 * pages. The child exits when its stdin closes, so it ends with this JVM however the JVM ends.
 *
 * <p>The child takes its options on its first stdin line, so it can be started before they are known:
 * {@link #prestart()} starts Node and loads dynalite's modules (about 0.17 s of CPU, Node 20) while the caller
 * does other work, and the next {@link #start} takes that process.
 *
 * <p>Where things are: {@code node} is {@code -Dvidmeta.node}, else {@code $VIDMETA_NODE}, else {@code node} on
 * the PATH (the launcher exports the one it found or installed); the front and its {@code node_modules} are in
 * {@code -Dvidmeta.dynalite.dir} (the launcher and the Maven test runners set it), after {@code npm ci} there.
 */
public final class LocalDynamoDb implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(LocalDynamoDb.class.getName());
    /** Node's start plus dynalite's first open; a cold machine under load takes a few seconds. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Pattern PORT = Pattern.compile("\\{\"port\":(\\d+)}");
    private static final Pattern ERROR = Pattern.compile("\\{\"error\":\"(.*)\"}");

    /**
     * @param dataDir LevelDB data and TTL settings here, kept across restarts; null keeps tables in memory
     * @param ttlSweep how often the server deletes items whose TTL has passed
     */
    public record Options(Path dataDir, Duration ttlSweep) {

        public static Options inMemory() {
            return new Options(null, Duration.ofSeconds(1));
        }

        /** Tables under {@code workDir/dynamodb}. */
        public static Options persistent(Path workDir) {
            return new Options(workDir.resolve("dynamodb"), Duration.ofSeconds(1));
        }

        public Options withTtlSweep(Duration every) {
            return new Options(dataDir, every);
        }
    }

    /** A child {@link #prestart()} began and no {@link #start} has taken yet. */
    private static final AtomicReference<Process> PRESTARTED = new AtomicReference<>();

    private final Process process;
    private final URI endpoint;

    private LocalDynamoDb(Process process, URI endpoint) {
        this.process = process;
        this.endpoint = endpoint;
    }

    /** Tables live in memory and vanish on {@link #close()}. */
    public static LocalDynamoDb startInMemory() {
        return start(Options.inMemory());
    }

    /** Tables live under {@code workDir/dynamodb} and survive restarts. */
    public static LocalDynamoDb startPersistent(Path workDir) {
        return start(Options.persistent(workDir));
    }

    /**
     * Starts the child now, without its options, for the next {@link #start} to take. A child never taken ends
     * with this JVM (its stdin closes), having opened nothing. Does nothing when it cannot start the child:
     * {@link #start} then tries again, and says why.
     *
     * @return the waiting child's process id; empty when none could start
     */
    public static OptionalLong prestart() {
        Process process;
        try {
            process = spawn();
        } catch (RuntimeException e) {
            return OptionalLong.empty();
        }
        if (!PRESTARTED.compareAndSet(null, process)) {
            process.destroy(); // one is waiting already
        }
        Process waiting = PRESTARTED.get();
        return waiting == null ? OptionalLong.empty() : OptionalLong.of(waiting.pid());
    }

    public static LocalDynamoDb start(Options options) {
        if (options.dataDir() != null) {
            try {
                Files.createDirectories(options.dataDir());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create " + options.dataDir(), e);
            }
        }
        Process prestarted = PRESTARTED.getAndSet(null);
        Process process = prestarted != null ? prestarted : spawn();
        try {
            sendOptions(process, options);
            URI endpoint = URI.create("http://127.0.0.1:" + awaitPort(process));
            var db = new LocalDynamoDb(process, endpoint);
            db.awaitReady();
            return db;
        } catch (RuntimeException e) {
            process.destroyForcibly();
            throw e;
        }
    }

    private static Process spawn() {
        List<String> command = List.of(node(), frontDirectory().resolve("server.js").toString());
        Process process;
        try {
            process = new ProcessBuilder(command).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the local DynamoDB: " + String.join(" ", command)
                    + " (" + e.getMessage() + "). It needs Node.js 20 or later; ./vidmeta installs it.", e);
        }
        // stderr apart from stdout: a warning or a stack trace there must not be taken for the port line.
        var stderr = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8));
        Thread.ofPlatform().daemon().name("dynalite-stderr").start(() -> logLines(stderr));
        return process;
    }

    /**
     * The options line, {@code {"path":DIR,"ttlSweepMs":N}}; stdin stays open, as closing it stops the child. A
     * child that has already exited (its Node too old, dynalite missing) has said why on stdout, which
     * {@link #awaitPort} reads next.
     */
    private static void sendOptions(Process process, Options options) {
        String line = "{\"ttlSweepMs\":" + options.ttlSweep().toMillis()
                + (options.dataDir() == null ? "" : ",\"path\":" + jsonString(options.dataDir().toString())) + "}\n";
        try {
            OutputStream stdin = process.getOutputStream();
            stdin.write(line.getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "the local DynamoDB took no options: " + e.getMessage());
        }
    }

    /** A JSON string literal: quotes, backslashes and control characters escaped (RFC 8259, section 7). */
    static String jsonString(String text) {
        var out = new StringBuilder(text.length() + 2).append('"');
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    /**
     * The front's first stdout line is its port or why it could not start ("work dir in use by another local
     * runtime", "node ... is too old", "run npm ci ..."); what follows is logged, as stderr is.
     */
    private static int awaitPort(Process process) {
        var reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> {
            try {
                return reader.readLine();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, command -> Thread.ofPlatform().daemon().name("dynalite-start").start(command));
        String line;
        try {
            line = first.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("the local DynamoDB did not start within " + START_TIMEOUT.toSeconds() + " s");
        } catch (ExecutionException e) {
            throw new IllegalStateException("the local DynamoDB did not start", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the local DynamoDB started", e);
        }
        Thread.ofPlatform().daemon().name("dynalite-log").start(() -> logLines(reader));
        Matcher port = line == null ? null : PORT.matcher(line.trim());
        if (port != null && port.matches()) {
            return Integer.parseInt(port.group(1));
        }
        Matcher error = line == null ? null : ERROR.matcher(line.trim());
        throw new IllegalStateException("the local DynamoDB did not start: "
                + (error != null && error.matches() ? error.group(1).replace("\\\"", "\"") : "it printed " + line));
    }

    private static void logLines(BufferedReader reader) {
        try {
            for (String line; (line = reader.readLine()) != null; ) {
                LOG.log(System.Logger.Level.WARNING, "local DynamoDB: " + line);
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    /** A real signed request through the SDK, as every user of this server makes them. */
    private void awaitReady() {
        try (DynamoDbClient client = LocalAws.client(DynamoDbClient.builder(), endpoint)) {
            client.listTables(b -> b.limit(1));
        } catch (SdkException e) {
            throw new IllegalStateException("the local DynamoDB started but does not answer: " + e.getMessage(), e);
        }
    }

    static String node() {
        String configured = System.getProperty("vidmeta.node", System.getenv("VIDMETA_NODE"));
        return configured == null || configured.isBlank() ? "node" : configured;
    }

    private static Path frontDirectory() {
        String dir = System.getProperty("vidmeta.dynalite.dir");
        if (dir == null) {
            throw new IllegalStateException("-Dvidmeta.dynalite.dir is not set: it names the directory of the local"
                    + " DynamoDB (local-servers/dynalite in the repository); ./vidmeta and the Maven build set it");
        }
        Path path = Path.of(dir);
        if (!Files.isDirectory(path.resolve("node_modules/dynalite"))) {
            throw new IllegalStateException("dynalite is not installed in " + path + ": run 'npm ci' there"
                    + " (./vidmeta does it)");
        }
        return path;
    }

    /**
     * CreateTable, then waits until the table is ACTIVE. "CreateTable is an asynchronous operation": the table is
     * CREATING at first, and only ACTIVE tables take reads and writes (DynamoDB API reference, CreateTable). The
     * local DynamoDB keeps a table CREATING for a few milliseconds, so the SDK waiter polls at that pace, not
     * at its default 20 s.
     */
    public static void createTable(DynamoDbClient client, CreateTableRequest request) {
        client.createTable(request);
        try (DynamoDbWaiter waiter = waiter(client)) {
            waiter.waitUntilTableExists(b -> b.tableName(request.tableName()));
        }
    }

    /** DeleteTable, then waits until it is gone: "DeleteTable is an asynchronous operation" (API reference). */
    public static void deleteTable(DynamoDbClient client, String tableName) {
        client.deleteTable(b -> b.tableName(tableName));
        try (DynamoDbWaiter waiter = waiter(client)) {
            waiter.waitUntilTableNotExists(b -> b.tableName(tableName));
        }
    }

    private static DynamoDbWaiter waiter(DynamoDbClient client) {
        return DynamoDbWaiter.builder().client(client)
                .overrideConfiguration(WaiterOverrideConfiguration.builder()
                        .backoffStrategy(FixedDelayBackoffStrategy.create(Duration.ofMillis(10)))
                        .waitTimeout(Duration.ofSeconds(30)).build())
                .build();
    }

    public URI endpoint() {
        return endpoint;
    }

    /** The Node process's id. */
    public long pid() {
        return process.pid();
    }

    /** Closes the child's stdin, upon which it closes its database and exits; kills it if it has not in 5 s. */
    @Override
    public void close() {
        try {
            process.getOutputStream().close();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
