package dev.vidmeta.local.dynamodb;

import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import com.amazonaws.services.dynamodbv2.local.server.LocalDynamoDBRequestHandler;
import com.amazonaws.services.dynamodbv2.local.server.LocalDynamoDBServerHandler;
import java.net.URI;
import java.nio.file.Path;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * DynamoDB Local 2.6.1 in-process on 127.0.0.1 (random port), telemetry off.
 *
 * <p>DynamoDB Local's own {@code DynamoDBProxyServer} builds {@code new Server(port)}, which listens on every
 * interface. We keep its request handling ({@code setUpHandler}) but serve it from our own Jetty server
 * whose only connector is bound to loopback. Telemetry: DynamoDB Local creates its telemetry client only
 * when {@code ServerRunner} calls {@code Telemetry.configureTelemetry(.., true)}; this class never goes
 * through ServerRunner, so no telemetry object exists and nothing is sent.
 *
 * <p>Stopping: DynamoDB Local runs background jobs (stream shard rollover, TTL deletion, index creation) on
 * a pool of non-daemon threads that it creates while serving the first request. Its shutdown only flags
 * them, and a job sees the flag after its sleep, up to 7.5 minutes later; meanwhile a JVM that closed this
 * server cannot exit. Our Jetty's threads all belong to one thread group, so those pools' threads do too
 * (a default thread factory takes the group of the thread creating it), and {@link #close()} interrupts
 * the group, which ends the jobs' sleeps at once.
 */
public final class LocalDynamoDb implements AutoCloseable {

    private final Server server;
    private final LocalDynamoDBRequestHandler requestHandler;
    private final ServerConnector connector;
    private final ThreadGroup threads;

    private LocalDynamoDb(Server server, ServerConnector connector, LocalDynamoDBRequestHandler requestHandler,
            ThreadGroup threads) {
        this.server = server;
        this.connector = connector;
        this.requestHandler = requestHandler;
        this.threads = threads;
    }

    /** Tables live in memory and vanish on {@link #close()}. */
    public static LocalDynamoDb startInMemory() {
        return start(true, null);
    }

    /** Tables live in one SQLite file under {@code workDir/dynamodb} and survive restarts. */
    public static LocalDynamoDb startPersistent(Path workDir) {
        Path dir = workDir.resolve("dynamodb");
        try {
            java.nio.file.Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot create " + dir, e);
        }
        return start(false, dir.toString());
    }

    private static LocalDynamoDb start(boolean inMemory, String dbPath) {
        SqliteNatives.ensureLoadable();
        try {
            // sharedDb: one database whatever the credentials/region, as our clients all use LocalAws anyway.
            var requestHandler = new LocalDynamoDBRequestHandler(0, inMemory, dbPath, true, false);
            var serverHandler = new LocalDynamoDBServerHandler(requestHandler, null);
            var threads = new ThreadGroup("dynamodb-local");
            // Jetty's defaults (200 threads at most, 8 kept, 60 s idle), in our group.
            var pool = new QueuedThreadPool(200, 8, 60_000, -1, null, threads);
            pool.setName("dynamodb-local");
            var server = new Server(pool);
            var connector = new ServerConnector(server);
            connector.setHost("127.0.0.1");
            connector.setPort(0);
            server.addConnector(connector);
            // The port argument only feeds DynamoDBProxyServer's own (never started) Server.
            server.setHandler(new DynamoDBProxyServer(0, serverHandler).setUpHandler(serverHandler));
            // No graceful drain: clients keep idle keep-alive connections that a graceful stop would wait out.
            server.setStopTimeout(0);
            server.start();
            return new LocalDynamoDb(server, connector, requestHandler, threads);
        } catch (Exception e) {
            throw new IllegalStateException("DynamoDB Local did not start", e);
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
            throw new IllegalStateException("DynamoDB Local did not stop cleanly", e);
        } finally {
            requestHandler.shutdown();
            threads.interrupt();
        }
    }
}
